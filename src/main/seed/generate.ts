/**
 * Builds a workstation store full of generated history (see model.ts for the calibration):
 * `npm run seed -- --cases N --data DIR`. Cases stream from the model into the bulk loader one
 * at a time, so 5,000,000 cases need no more memory than 5,000.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secureDataDir } from '../services/data-dir';
import type { StoreKey } from '../store/key';
import { openBulkLoader, type BulkResult } from '../store/bulk';
import { STORE_FILE } from '../store/paths';
import { readTaxonomyFiles } from '../store/taxonomy-file';
import { CaseModel, heavyCallerPhones } from './model';
import { Rng } from './random';

export { heavyCallerPhones, callerPhone, CHANNEL_SHARES, VALID_SHARE, CONTACTS_PER_DAY } from './model';

export const DEFAULT_TAXONOMY_DIR = fileURLToPath(new URL('../../../resources/taxonomy', import.meta.url));

export interface GenerateOptions {
  dataDir: string;
  cases: number;
  workstation?: string;
  seed?: number;
  /** the generated history ends at this moment (epoch ms); fix it for reproducible stores */
  now?: number;
  /** delete an existing store in dataDir first (otherwise a non-empty store is refused) */
  replace?: boolean;
  taxonomyDir?: string;
  /** the store key (store/db.ts resolveKey: undefined = the development key, null = plain) */
  key?: StoreKey | null;
}

export interface GenerateResult {
  file: string;
  cases: number;
  seconds: number;
  casesPerSecond: number;
  phases: BulkResult['phases'];
}

/** The caller label the history panel shows for the heaviest callers (频繁来电). */
export const FREQUENT_CALLER_LABEL = 'frequent_caller';

export function generateStore(opts: GenerateOptions): GenerateResult {
  if (!Number.isInteger(opts.cases) || opts.cases < 1) throw new Error(`--cases must be a positive integer, got ${opts.cases}`);
  // the same private folder (0700, files 0600) the workstation keeps: a seeded store holds phone numbers too
  secureDataDir(opts.dataDir);
  const file = join(opts.dataDir, STORE_FILE);
  if (opts.replace) {
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) rmSync(file + suffix);
  }
  const workstation = opts.workstation ?? 'W001';
  const { categories, regions } = readTaxonomyFiles(opts.taxonomyDir ?? DEFAULT_TAXONOMY_DIR);
  const started = performance.now();
  const loader = openBulkLoader({
    file,
    key: opts.key,
    workstation,
    categories,
    regions,
    callerLabels: () => new Map(heavyCallerPhones().map((phone) => [phone, [FREQUENT_CALLER_LABEL]])),
  });
  const model = new CaseModel({
    total: opts.cases,
    now: opts.now ?? Date.now(),
    workstation,
    categories,
    regions,
    rng: new Rng(opts.seed ?? 12345),
  });
  try {
    for (const c of model.cases()) loader.add(c);
  } catch (e) {
    loader.abort();
    throw e;
  }
  const { cases, phases } = loader.finish();
  const seconds = (performance.now() - started) / 1000;
  return { file, cases, seconds, casesPerSecond: Math.round(cases / seconds), phases };
}
