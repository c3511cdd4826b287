/**
 * The searchable pickers (诉求类型, 问题分类, 所属区域, 来源渠道): which entries an operator may
 * pick, and how typed Chinese text or pinyin initials find them, best match first.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTaxonomyFiles } from '../../../src/main/store/taxonomy-file';
import { CHANNELS, REQUEST_TYPES, type TaxonomyNode } from '../../../src/shared/domain';
import { ENUM_INITIALS, enumOptions, flattenTaxonomy, matchRank, type PickOption } from '../../../src/renderer/src/ui/pickOptions';
import { zhCN } from '../../../src/renderer/src/i18n/zh-CN';

const node = (code: string, name: string, initials: string, path: string[], children?: TaxonomyNode[]): TaxonomyNode => ({
  code,
  name,
  initials,
  path,
  ...(children ? { children } : {}),
});

const TREE: TaxonomyNode[] = [
  node('C02', '住房保障与物业管理', 'ZFBZYWYGL', ['住房保障与物业管理'], [
    node('C0201', '物业管理', 'wygl', ['住房保障与物业管理', '物业管理']),
    node('C0202', '物业收费', 'wysf', ['住房保障与物业管理', '物业收费']),
  ]),
  node('C08', '供水供电供气供暖', 'gsgdgqgn', ['供水供电供气供暖'], [
    node('C0804', '供暖', 'gn', ['供水供电供气供暖', '供暖']),
  ]),
  node('C99', '其他', 'qt', ['其他']),
];

/** What the picker shows for a query, best first, as PickSelect filters and sorts. */
function offered(options: PickOption[], query: string): string[] {
  return options
    .map((o, i) => ({ o, i, rank: matchRank(o, query) }))
    .filter((x) => x.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.o.label);
}

describe('flattenTaxonomy', () => {
  it('offers only the finest level of 问题分类, labelled with its whole path', () => {
    const options = flattenTaxonomy(TREE, 'leaves');
    expect(options.map((o) => o.value)).toEqual(['C0201', 'C0202', 'C0804', 'C99']);
    expect(options[0]).toEqual({
      value: 'C0201',
      label: '住房保障与物业管理 / 物业管理',
      name: '物业管理',
      initials: 'wygl',
      pathText: '住房保障与物业管理物业管理',
      pathInitials: 'zfbzywyglwygl',
    });
  });

  it('offers every level of 所属区域: a caller may know only the district', () => {
    const options = flattenTaxonomy(TREE, 'all');
    expect(options.map((o) => o.value)).toEqual(['C02', 'C0201', 'C0202', 'C08', 'C0804', 'C99']);
    expect(options[0]?.label).toBe('住房保障与物业管理');
  });

  it('builds the path from the ancestors when a node carries none', () => {
    const bare = [node('R1', '任城区', 'rcq', [], [node('R101', '古槐街道', 'ghjd', [])])];
    const options = flattenTaxonomy(bare, 'all');
    expect(options.map((o) => o.label)).toEqual(['任城区', '任城区 / 古槐街道']);
    expect(options[1]?.pathInitials).toBe('rcqghjd');
  });
});

describe('matchRank', () => {
  const leaves = flattenTaxonomy(TREE, 'leaves');

  it('pinyin initials find the entry: wy → 物业管理 and 物业收费, in tree order', () => {
    expect(offered(leaves, 'wy')).toEqual(['住房保障与物业管理 / 物业管理', '住房保障与物业管理 / 物业收费']);
    expect(offered(leaves, 'wysf')).toEqual(['住房保障与物业管理 / 物业收费']);
  });

  it('Chinese text finds the entry by its own name before entries that only share a parent', () => {
    expect(offered(leaves, '物业')).toEqual(['住房保障与物业管理 / 物业管理', '住房保障与物业管理 / 物业收费']);
    // 供暖 is the name of one leaf and part of its parent's: the leaf itself comes first
    expect(offered(leaves, '供暖')[0]).toBe('供水供电供气供暖 / 供暖');
  });

  it('ranks a prefix of the name over a match inside it, and the parent path last', () => {
    const [wygl] = leaves;
    expect(matchRank(wygl!, '物业')).toBe(0);
    expect(matchRank(wygl!, 'gl')).toBe(1);
    expect(matchRank(wygl!, '管理')).toBe(1);
    expect(matchRank(wygl!, '住房')).toBe(2);
    expect(matchRank(wygl!, 'zfbz')).toBe(2);
    expect(matchRank(wygl!, '供暖')).toBe(-1);
  });

  it('ignores case and spaces; an empty query matches everything', () => {
    const [wygl] = leaves;
    expect(matchRank(wygl!, 'WY')).toBe(0);
    expect(matchRank(wygl!, ' w y ')).toBe(0);
    expect(matchRank(wygl!, '')).toBe(0);
    expect(matchRank(wygl!, '   ')).toBe(0);
    expect(offered(leaves, '')).toHaveLength(leaves.length);
  });

  it('finds nothing for text that matches no entry', () => {
    expect(offered(leaves, 'xyz')).toEqual([]);
    expect(offered(leaves, '噪音')).toEqual([]);
  });
});

describe('enumeration pickers (诉求类型, 来源渠道)', () => {
  it('every request type and channel has pinyin initials, so ts finds 投诉 and rxdh 热线电话', () => {
    for (const code of [...REQUEST_TYPES, ...CHANNELS]) expect(ENUM_INITIALS[code], code).toMatch(/^[a-z0-9]+$/);
    const types = enumOptions(REQUEST_TYPES, zhCN.labels.requestType, ENUM_INITIALS);
    expect(offered(types, 'ts')).toEqual(['投诉']);
    expect(offered(types, '建')).toEqual(['建议']);
    const channels = enumOptions(CHANNELS, zhCN.labels.channel, ENUM_INITIALS);
    expect(offered(channels, 'rxdh')).toEqual(['热线电话']);
    expect(offered(channels, '110')).toEqual(['110 联动']);
  });

  it('without initials an entry is still found by its text', () => {
    const options = enumOptions(['a', 'b'] as const, { a: '咨询', b: '求助' });
    expect(options[0]?.initials).toBe('');
    expect(offered(options, '求')).toEqual(['求助']);
    expect(offered(options, 'qz')).toEqual([]);
  });
});

describe('on the Jining taxonomy shipped in resources/', () => {
  const { categories, regions } = readTaxonomyFiles(resolve(__dirname, '../../../resources/taxonomy'));

  it('wy offers 物业管理 first, as operators expect from the e2e path', () => {
    expect(offered(flattenTaxonomy(categories, 'leaves'), 'wy')[0]).toBe('住房保障与物业管理 / 物业管理');
  });

  it('古槐 and ghjd find 古槐街道 under its district', () => {
    const options = flattenTaxonomy(regions, 'all');
    const byText = offered(options, '古槐');
    expect(byText[0]).toMatch(/ \/ 古槐街道$/);
    expect(offered(options, 'ghjd')[0]).toBe(byText[0]);
  });
});
