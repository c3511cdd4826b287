/**
 * Reading the category tree and region list from a folder (resources/taxonomy, or the folder
 * IT configures): categories.json and regions.json, each a list of { code, name, children? }.
 * Adds what type-ahead needs: pinyin initials ("物业管理" → "wygl") and the path of names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinyin } from 'pinyin-pro';
import type { TaxonomyNode } from '../../shared/domain';
import { TaxonomyTree, type TaxonomyTreeNode } from '../../shared/taxonomy';

type RawNode = TaxonomyTreeNode;
const RawFile = TaxonomyTree;

export class TaxonomyFileError extends Error {
  override readonly name = 'TaxonomyFileError';
}

export function initialsOf(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase();
}

function enrich(nodes: RawNode[], parentPath: string[], seen: Set<string>, file: string): TaxonomyNode[] {
  return nodes.map((raw) => {
    if (seen.has(raw.code)) throw new TaxonomyFileError(`${file}: code ${raw.code} appears twice`);
    seen.add(raw.code);
    const path = [...parentPath, raw.name];
    const node: TaxonomyNode = { code: raw.code, name: raw.name, initials: initialsOf(raw.name), path };
    if (raw.children?.length) node.children = enrich(raw.children, path, seen, file);
    return node;
  });
}

function readTree(file: string): TaxonomyNode[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TaxonomyFileError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = RawFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TaxonomyFileError(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return enrich(parsed.data, [], new Set(), file);
}

export function readTaxonomyFiles(dir: string): { categories: TaxonomyNode[]; regions: TaxonomyNode[] } {
  return { categories: readTree(join(dir, 'categories.json')), regions: readTree(join(dir, 'regions.json')) };
}
