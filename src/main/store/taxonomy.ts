/**
 * 问题分类 and 所属区域 in the store: flattened to rows (code, parent, name, initials, path, sort
 * order) so case lists get names by primary-key lookup, and rebuilt into trees for the UI.
 */
import { createHash } from 'node:crypto';
import type { TaxonomyNode } from '../../shared/domain';
import type { Db } from './db';

type Table = 'categories' | 'regions';

interface Row {
  code: string;
  parent_code: string | null;
  name: string;
  initials: string;
  path: string;
  sort_order: number;
}

function flatten(nodes: TaxonomyNode[], parent: string | null, out: Row[]): Row[] {
  for (const node of nodes) {
    out.push({
      code: node.code,
      parent_code: parent,
      name: node.name,
      initials: node.initials,
      path: JSON.stringify(node.path),
      sort_order: out.length,
    });
    if (node.children?.length) flatten(node.children, node.code, out);
  }
  return out;
}

function buildTree(rows: Row[]): TaxonomyNode[] {
  const roots: TaxonomyNode[] = [];
  const byCode = new Map<string, TaxonomyNode>();
  for (const row of rows) {
    const node: TaxonomyNode = { code: row.code, name: row.name, initials: row.initials, path: JSON.parse(row.path) as string[] };
    byCode.set(row.code, node);
    const parent = row.parent_code === null ? undefined : byCode.get(row.parent_code);
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

export function createTaxonomy(db: Db) {
  const statements = (table: Table) => ({
    clear: db.prepare(`DELETE FROM ${table}`),
    insert: db.prepare(
      `INSERT INTO ${table} (code, parent_code, name, initials, path, sort_order)
       VALUES (@code, @parent_code, @name, @initials, @path, @sort_order)`,
    ),
    all: db.prepare<[], Row>(`SELECT code, parent_code, name, initials, path, sort_order FROM ${table} ORDER BY sort_order`),
  });
  const tables = { categories: statements('categories'), regions: statements('regions') };
  const getHash = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'taxonomy_hash'");
  const setHash = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('taxonomy_hash', ?)");

  const replace = db.transaction((categories: Row[], regions: Row[], hash: string) => {
    for (const [table, rows] of [
      ['categories', categories],
      ['regions', regions],
    ] as const) {
      tables[table].clear.run();
      for (const row of rows) tables[table].insert.run(row);
    }
    setHash.run(hash);
  });

  return {
    loadTaxonomy(categories: TaxonomyNode[], regions: TaxonomyNode[]): void {
      const rows = [flatten(categories, null, []), flatten(regions, null, [])] as const;
      // the app loads the taxonomy at every start: skip the write when nothing changed
      const hash = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
      if (getHash.get()?.value === hash) return;
      replace.immediate(rows[0], rows[1], hash);
    },

    taxonomy(): { categories: TaxonomyNode[]; regions: TaxonomyNode[] } {
      return { categories: buildTree(tables.categories.all.all()), regions: buildTree(tables.regions.all.all()) };
    },
  };
}
