import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTaxonomyFiles, TaxonomyFileError } from '../../../src/main/store/taxonomy-file';
import { memoryStore, TAXONOMY, tempDir } from './helpers';

describe('taxonomy (问题分类 / 所属区域)', () => {
  it('reads the shipped files with pinyin initials and paths', () => {
    const property = TAXONOMY.categories.find((c) => c.code === 'C02')!.children!.find((c) => c.code === 'C0201')!;
    expect(property).toEqual({ code: 'C0201', name: '物业管理', initials: 'wygl', path: ['住房保障与物业管理', '物业管理'] });
    const county = TAXONOMY.regions.find((r) => r.code === '370811')!;
    expect(county).toMatchObject({ name: '任城区', initials: 'rcq', path: ['任城区'] });
    expect(county.children![0]).toMatchObject({ name: '古槐街道', path: ['任城区', '古槐街道'] });
  });

  it('returns the trees it was given, in order', () => {
    const store = memoryStore();
    expect(store.taxonomy()).toEqual(TAXONOMY);
  });

  it('replaces the trees, and case lists name categories by the new tree', () => {
    const store = memoryStore();
    store.loadTaxonomy([{ code: 'C0201', name: '物业服务', initials: 'wyfw', path: ['物业服务'] }], []);
    expect(store.taxonomy()).toEqual({ categories: [{ code: 'C0201', name: '物业服务', initials: 'wyfw', path: ['物业服务'] }], regions: [] });
  });

  it('reports a malformed file with its path', () => {
    const { dir, cleanup } = tempDir();
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'categories.json'), JSON.stringify([{ code: 'C01' }]));
      writeFileSync(join(dir, 'regions.json'), '[]');
      expect(() => readTaxonomyFiles(dir)).toThrow(TaxonomyFileError);
      expect(() => readTaxonomyFiles(dir)).toThrow(/categories\.json: 0\.name/);
      writeFileSync(join(dir, 'categories.json'), JSON.stringify([{ code: 'C01', name: 'a' }, { code: 'C01', name: 'b' }]));
      expect(() => readTaxonomyFiles(dir)).toThrow(/C01 appears twice/);
    } finally {
      cleanup();
    }
  });
});
