/** Shared test helpers for the store: a throwaway store with a controllable clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type SqliteStore } from '../../../src/main/store/store';
import { readTaxonomyFiles } from '../../../src/main/store/taxonomy-file';
import type { IntakeValues } from '../../../src/shared/schemas';

export const TAXONOMY_DIR = join(import.meta.dirname, '../../../resources/taxonomy');
export const TAXONOMY = readTaxonomyFiles(TAXONOMY_DIR);

/** 2026-11-27 10:00 in China (UTC+8). */
export const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);
export const DAY = 86_400_000;

export interface TestStore extends SqliteStore {
  clock: { now: number };
}

export function memoryStore(opts: { now?: number; workstation?: string } = {}): TestStore {
  const clock = { now: opts.now ?? T0 };
  const store = openStore({ file: ':memory:', workstation: opts.workstation ?? 'W001', now: () => clock.now });
  store.loadTaxonomy(TAXONOMY.categories, TAXONOMY.regions);
  return Object.assign(store, { clock });
}

export function tempDir(prefix = 'hotline-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function intake(overrides: Partial<IntakeValues> = {}): IntakeValues {
  return {
    phone: '13805371234',
    callerName: '张先生',
    channel: 'hotline',
    requestType: 'complaint',
    categoryCode: 'C0201',
    regionCode: '370811001',
    address: '任城区古槐街道阳光花园3号楼',
    content: '小区物业管理不到位，楼道垃圾无人清理',
    urgency: 'normal',
    handlingMode: 'dispatch',
    answer: '',
    confidential: false,
    ...overrides,
  };
}
