/**
 * The category tree (问题分类) and region list (所属区域) as files and as the server sends them:
 * a list of { code, name, children? }. The workstation reads them from resources/taxonomy (or
 * IT's folder) and adds pinyin initials (src/main/store/taxonomy-file.ts); the server reads the
 * same files and serves them at GET /api/taxonomy, so the unit portal shows 市政设施, not C0102.
 */
import { z } from 'zod';

export interface TaxonomyTreeNode {
  code: string;
  name: string;
  children?: TaxonomyTreeNode[];
}

export const TaxonomyTreeNode: z.ZodType<TaxonomyTreeNode> = z.lazy(() =>
  z.object({
    code: z.string().min(1).max(32),
    name: z.string().min(1).max(100),
    children: z.array(TaxonomyTreeNode).optional(),
  }),
);
export const TaxonomyTree = z.array(TaxonomyTreeNode);

export const TaxonomyResponse = z.object({ categories: TaxonomyTree, regions: TaxonomyTree });
export type TaxonomyResponse = z.infer<typeof TaxonomyResponse>;

/** code → the names from the root down ("城乡建设", "市政设施") */
export function namePaths(tree: readonly TaxonomyTreeNode[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (nodes: readonly TaxonomyTreeNode[], path: string[]) => {
    for (const n of nodes) {
      const p = [...path, n.name];
      out.set(n.code, p);
      if (n.children) walk(n.children, p);
    }
  };
  walk(tree, []);
  return out;
}
