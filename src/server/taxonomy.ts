/**
 * GET /api/taxonomy: the category tree and region list the centre uses, read once at start from
 * the shipped resources/taxonomy or IT's folder (--taxonomy-dir, the same files a workstation's
 * taxonomyDir points at), so the unit portal can name 问题分类 and 所属区域 instead of showing
 * codes. Not personal data: any signed-in account may read it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { TaxonomyTree, type TaxonomyResponse } from '../shared/taxonomy';
import { API } from './api';
import type { AuthService } from './auth/service';
import { route } from './http';

export const SHIPPED_TAXONOMY_DIR = fileURLToPath(new URL('../../resources/taxonomy', import.meta.url));

export class TaxonomyDirError extends Error {
  override readonly name = 'TaxonomyDirError';
}

function readTree(file: string): TaxonomyResponse['categories'] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TaxonomyDirError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = TaxonomyTree.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TaxonomyDirError(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** categories.json and regions.json of a folder; throws TaxonomyDirError naming the file and the problem */
export function readTaxonomyDir(dir: string): TaxonomyResponse {
  return { categories: readTree(join(dir, 'categories.json')), regions: readTree(join(dir, 'regions.json')) };
}

export function registerTaxonomyRoute(app: FastifyInstance, deps: { auth: AuthService; taxonomy: TaxonomyResponse }): void {
  route(app, API.taxonomy, deps.auth, async () => deps.taxonomy);
}
