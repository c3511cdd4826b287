/**
 * The units directory as IT edits it: an xlsx with the sheets 承办单位 and 派单目录, or a csv of
 * the units; every problem comes back with its sheet, row and column, in Chinese.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readDirectoryFile, SheetError } from '../../../src/server/units/spreadsheet';
import { checkDirectory, isWithin, suggestUnit, type DispatchRule } from '../../../src/shared/units';

async function xlsx(units: string[][], rules?: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('承办单位').addRows(units);
  if (rules) wb.addWorksheet('派单目录').addRows(rules);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEADER = ['单位代码', '单位名称', '单位类型', '上级单位代码', '联系电话', '状态'];

async function check(file: Buffer, format: 'xlsx' | 'csv') {
  const read = await readDirectoryFile(file, format);
  return checkDirectory(read.units, read.rules);
}

describe('units directory import', () => {
  it('reads an xlsx with units and the dispatch catalogue', async () => {
    const file = await xlsx(
      [
        HEADER,
        ['RC', '任城区人民政府', '区县', '', '0537-2345678', '启用'],
        ['RC-GH', '古槐街道办事处', '街道乡镇', 'RC', '', ''],
        ['ZJJ', '市住房和城乡建设局', '市直部门', '', '', '启用'],
        ['WATER', '市供水公司', '公共事业单位', '', '', '停用'],
      ],
      [
        ['问题分类代码', '区域代码', '承办单位代码'],
        ['C01', '', 'ZJJ'],
        ['C0105', '370811', 'RC'],
      ],
    );
    const result = await check(file, 'xlsx');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.directory.units).toEqual([
      { code: 'RC', name: '任城区人民政府', kind: 'district', parentCode: null, phone: '0537-2345678', active: true },
      { code: 'RC-GH', name: '古槐街道办事处', kind: 'street', parentCode: 'RC', phone: '', active: true },
      { code: 'ZJJ', name: '市住房和城乡建设局', kind: 'department', parentCode: null, phone: '', active: true },
      { code: 'WATER', name: '市供水公司', kind: 'utility', parentCode: null, phone: '', active: false },
    ]);
    expect(result.directory.rules).toEqual([
      { categoryCode: 'C01', regionCode: '', unitCode: 'ZJJ' },
      { categoryCode: 'C0105', regionCode: '370811', unitCode: 'RC' },
    ]);
  });

  it('reads a csv with a BOM and English headers', async () => {
    const csv = '\uFEFFcode,name,kind,parent code\nRC,任城区人民政府,district,\nRC-GH,古槐街道办事处,street,RC\n';
    const result = await check(Buffer.from(csv), 'csv');
    expect(result.ok && result.directory.units.map((u) => [u.code, u.parentCode])).toEqual([
      ['RC', null],
      ['RC-GH', 'RC'],
    ]);
  });

  it('lists every bad row with its sheet, row and column, and imports nothing', async () => {
    const file = await xlsx(
      [
        HEADER,
        ['RC', '任城区人民政府', '区县', '', '', ''],
        ['RC', '重复的单位', '区县', '', '', ''],
        ['bad code!', '名称', '区县', '', '', ''],
        ['X1', '', '区县', '', '', ''],
        ['X2', '某单位', '学校', '', '', ''],
        ['X3', '某单位', '区县', 'NOPE', '', ''],
        ['X4', '某单位', '区县', '', '', '也许'],
        ['A', '甲', '区县', 'B', '', ''],
        ['B', '乙', '区县', 'A', '', ''],
      ],
      [
        ['问题分类代码', '区域代码', '承办单位代码'],
        ['C01', '', 'GHOST'],
      ],
    );
    const result = await check(file, 'xlsx');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const where = result.problems.map((p) => `${p.sheet}:${p.row}:${p.column ?? ''}`);
    expect(where).toEqual([
      '承办单位:3:单位代码',
      '承办单位:4:单位代码',
      '承办单位:5:单位名称',
      '承办单位:6:单位类型',
      '承办单位:8:状态',
      '承办单位:7:上级单位代码',
      '承办单位:9:上级单位代码',
      '承办单位:10:上级单位代码',
      '派单目录:2:承办单位代码',
    ]);
    expect(result.problems[0]!.zh).toBe('单位代码“RC”与第 2 行重复');
    expect(result.problems[3]!.zh).toMatch(/单位类型“学校”无效，应为：市直部门、区县/);
    expect(result.problems[6]!.zh).toBe('单位“A”的上级关系形成循环');
  });

  it('names a missing column, and refuses what is not a spreadsheet', async () => {
    const noKind = await check(await xlsx([['单位代码', '单位名称'], ['RC', '任城区']]), 'xlsx');
    expect(!noKind.ok && noKind.problems.map((p) => p.zh)).toEqual(['缺少“单位类型”列']);
    await expect(readDirectoryFile(Buffer.from('not a zip'), 'xlsx')).rejects.toBeInstanceOf(SheetError);
    await expect(readDirectoryFile(Buffer.from('not a zip'), 'xlsx')).rejects.toMatchObject({ problem: { zh: '无法读取文件：不是有效的 xlsx 文件' } });
  });
});

describe('dispatch suggestion and the unit tree', () => {
  const rules: DispatchRule[] = [
    { categoryCode: '', regionCode: '', unitCode: 'CENTRE' },
    { categoryCode: 'C01', regionCode: '', unitCode: 'ZJJ' },
    { categoryCode: 'C01', regionCode: '370811', unitCode: 'RC' },
    { categoryCode: 'C0105', regionCode: '', unitCode: 'HB' },
  ];
  it('picks the longest category match, then the longest region match', () => {
    expect(suggestUnit(rules, 'C0105', '370811001')).toBe('HB');
    expect(suggestUnit(rules, 'C0101', '370811001')).toBe('RC');
    expect(suggestUnit(rules, 'C0101', '370812')).toBe('ZJJ');
    expect(suggestUnit(rules, 'C09', '370812')).toBe('CENTRE');
    expect(suggestUnit(rules.slice(1), 'C09', '370812')).toBeNull();
  });
  it('knows which units lie below which, and survives a cycle', () => {
    const units = new Map([
      ['RC', { parentCode: null }],
      ['RC-GH', { parentCode: 'RC' }],
      ['RC-GH-1', { parentCode: 'RC-GH' }],
      ['L1', { parentCode: 'L2' }],
      ['L2', { parentCode: 'L1' }],
    ]);
    expect(isWithin(units, 'RC-GH-1', 'RC')).toBe(true);
    expect(isWithin(units, 'RC', 'RC-GH')).toBe(false);
    expect(isWithin(units, 'L1', 'RC')).toBe(false);
  });
});
