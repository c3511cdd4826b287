/**
 * The units directory (承办单位): the city departments, counties/districts, streets/towns and
 * utilities that receive work orders, and the dispatch catalogue (派单目录) that suggests the
 * lead unit for a category × region.
 *
 * IT maintains both in a spreadsheet (xlsx or csv). This module is the pure half of the import:
 * it takes the rows as text cells keyed by their header and returns the checked directory, or
 * every problem with its sheet, row and column, in Chinese and English, so the person who
 * edited the file can fix all of them at once. An import with any error changes nothing: a
 * directory half replaced would leave orders pointing at units that are gone.
 */
import { z } from 'zod';
import { DeadlineRules } from './workorders/deadlines';
import { Satisfaction } from './domain';
import { DEFAULT_FOLLOW_UP_SETTINGS, type FollowUpSettings } from './workorders/table';

export const UNIT_KINDS = ['department', 'district', 'street', 'utility', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_KIND_LABELS: Record<UnitKind, { zh: string; en: string }> = {
  department: { zh: '市直部门', en: 'city department' },
  district: { zh: '区县', en: 'county/district' },
  street: { zh: '街道乡镇', en: 'street/town' },
  utility: { zh: '公共事业单位', en: 'utility' },
  other: { zh: '其他', en: 'other' },
};

const noNul = (v: string) => !v.includes('\u0000');
export const UnitCode = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'a unit code is 1–32 letters, digits, "_", "-" or "."');

export const Unit = z.object({
  code: UnitCode,
  name: z.string().min(1).max(100).refine(noNul),
  kind: z.enum(UNIT_KINDS),
  /** the unit this one belongs to (a street's district): 下派 goes from a unit to its own sub-units */
  parentCode: UnitCode.nullable(),
  /** the unit's contact number for the centre's staff (never shown to callers) */
  phone: z.string().max(40).refine(noNul).default(''),
  /** a retired unit keeps its history but receives no new orders */
  active: z.boolean().default(true),
});
export type Unit = z.infer<typeof Unit>;

/**
 * One line of the dispatch catalogue: orders of this category (a code or the prefix of one, ''
 * for any) in this region (likewise) go to this unit. The most specific line wins: the longest
 * category match, then the longest region match.
 */
export const DispatchRule = z.object({
  categoryCode: z.string().max(32).refine(noNul),
  regionCode: z.string().max(32).refine(noNul),
  unitCode: UnitCode,
});
export type DispatchRule = z.infer<typeof DispatchRule>;

/** The unit the catalogue suggests for a category and region, or null when no line matches. */
export function suggestUnit(rules: readonly DispatchRule[], categoryCode: string, regionCode: string): string | null {
  let best: DispatchRule | null = null;
  for (const r of rules) {
    if (!categoryCode.startsWith(r.categoryCode) || !regionCode.startsWith(r.regionCode)) continue;
    if (
      !best ||
      r.categoryCode.length > best.categoryCode.length ||
      (r.categoryCode.length === best.categoryCode.length && r.regionCode.length > best.regionCode.length)
    ) {
      best = r;
    }
  }
  return best?.unitCode ?? null;
}

/** Whether `unit` is `ancestor` or lies below it in the directory. */
export function isWithin(units: ReadonlyMap<string, Pick<Unit, 'parentCode'>>, unit: string, ancestor: string): boolean {
  for (let code: string | null = unit, steps = 0; code !== null && steps <= units.size; steps++) {
    if (code === ancestor) return true;
    code = units.get(code)?.parentCode ?? null;
  }
  return false;
}

// ─── the spreadsheet ─────────────────────────────────────────────────────────────────────────

/** Sheet names (xlsx); a csv file holds the units sheet alone. */
export const UNITS_SHEET = '承办单位';
export const RULES_SHEET = '派单目录';

/** Column headers, Chinese as IT's template has them; the English ones are accepted too. */
export const UNIT_HEADERS = {
  code: ['单位代码', 'code'],
  name: ['单位名称', 'name'],
  kind: ['单位类型', 'kind'],
  parentCode: ['上级单位代码', 'parent code', 'parentCode'],
  phone: ['联系电话', 'phone'],
  active: ['状态', 'active'],
} as const;

export const RULE_HEADERS = {
  categoryCode: ['问题分类代码', 'category code', 'categoryCode'],
  regionCode: ['区域代码', 'region code', 'regionCode'],
  unitCode: ['承办单位代码', 'unit code', 'unitCode'],
} as const;

export interface SheetRow {
  /** the row number in the sheet as the person sees it (the header is row 1) */
  row: number;
  cells: Record<string, string>;
}

export interface ImportProblem {
  sheet: string;
  row: number | null;
  column: string | null;
  zh: string;
  en: string;
}

export interface UnitDirectory {
  units: Unit[];
  rules: DispatchRule[];
}

const ACTIVE_WORDS: Record<string, boolean> = {
  '': true, 启用: true, 在用: true, 正常: true, active: true, yes: true, true: true, '1': true, 是: true,
  停用: false, 撤销: false, inactive: false, no: false, false: false, '0': false, 否: false,
};

function kindOf(text: string): UnitKind | null {
  const t = text.trim().toLowerCase();
  for (const kind of UNIT_KINDS) {
    if (t === kind || t === UNIT_KIND_LABELS[kind].zh || t === UNIT_KIND_LABELS[kind].en) return kind;
  }
  return null;
}

/** The header (as written in the file) that carries `names`, or null. */
function column(headers: readonly string[], names: readonly string[]): string | null {
  const wanted = names.map((n) => n.toLowerCase());
  return headers.find((h) => wanted.includes(h.trim().toLowerCase())) ?? null;
}

/**
 * Checks the rows of both sheets: required columns, each cell, unique codes, parents that
 * exist, no unit its own ancestor, catalogue lines naming known active units. Returns the
 * directory, or every problem found.
 */
export function checkDirectory(
  unitSheet: { headers: string[]; rows: SheetRow[] },
  ruleSheet: { headers: string[]; rows: SheetRow[] } | null,
): { ok: true; directory: UnitDirectory } | { ok: false; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const problem = (sheet: string, row: number | null, col: string | null, zh: string, en: string) =>
    problems.push({ sheet, row, column: col, zh, en });

  const cols = Object.fromEntries(
    Object.entries(UNIT_HEADERS).map(([key, names]) => [key, column(unitSheet.headers, names)]),
  ) as Record<keyof typeof UNIT_HEADERS, string | null>;
  for (const key of ['code', 'name', 'kind'] as const) {
    if (!cols[key]) {
      problem(UNITS_SHEET, 1, UNIT_HEADERS[key][0], `缺少“${UNIT_HEADERS[key][0]}”列`, `the column "${UNIT_HEADERS[key][0]}" (${UNIT_HEADERS[key][1]}) is missing`);
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const units: Unit[] = [];
  const rowOf = new Map<string, number>();
  for (const { row, cells } of unitSheet.rows) {
    const cell = (key: keyof typeof UNIT_HEADERS) => (cols[key] ? (cells[cols[key]!] ?? '').trim() : '');
    if (Object.values(cells).every((v) => v.trim() === '')) continue; // an empty line
    const before = problems.length;
    const code = cell('code');
    if (!UnitCode.safeParse(code).success) {
      problem(UNITS_SHEET, row, cols.code, `单位代码“${code}”无效：应为 1–32 位字母、数字、“_”、“-”或“.”`, `unit code "${code}" is invalid: 1–32 letters, digits, "_", "-" or "."`);
    } else if (rowOf.has(code)) {
      problem(UNITS_SHEET, row, cols.code, `单位代码“${code}”与第 ${rowOf.get(code)} 行重复`, `unit code "${code}" repeats row ${rowOf.get(code)}`);
    }
    const name = cell('name');
    if (name.length === 0 || name.length > 100) {
      problem(UNITS_SHEET, row, cols.name, '单位名称不能为空，且不超过 100 字', 'the unit name must have 1–100 characters');
    }
    const kind = kindOf(cell('kind'));
    if (!kind) {
      const allowed = UNIT_KINDS.map((k) => UNIT_KIND_LABELS[k].zh).join('、');
      problem(UNITS_SHEET, row, cols.kind, `单位类型“${cell('kind')}”无效，应为：${allowed}`, `unit kind "${cell('kind')}" is not one of ${UNIT_KINDS.join(', ')}`);
    }
    const activeText = cell('active').toLowerCase();
    const active = ACTIVE_WORDS[activeText];
    if (active === undefined) {
      problem(UNITS_SHEET, row, cols.active, `状态“${cell('active')}”无效，应为“启用”或“停用”`, `status "${cell('active')}" must be 启用 (active) or 停用 (inactive)`);
    }
    const phone = cell('phone');
    if (phone.length > 40) problem(UNITS_SHEET, row, cols.phone, '联系电话过长（最多 40 字符）', 'the phone is too long (at most 40 characters)');
    const parentCode = cell('parentCode') || null;
    if (problems.length > before) continue;
    rowOf.set(code, row);
    units.push({ code, name, kind: kind!, parentCode, phone, active: active! });
  }

  const byCode = new Map(units.map((u) => [u.code, u]));
  for (const u of units) {
    if (u.parentCode === null) continue;
    if (!byCode.has(u.parentCode)) {
      problem(UNITS_SHEET, rowOf.get(u.code)!, cols.parentCode, `上级单位代码“${u.parentCode}”不在单位表中`, `parent code "${u.parentCode}" is not a unit of the sheet`);
      continue;
    }
    // walking up from u must end at a unit without a parent, never come back to u
    const seen = new Set<string>([u.code]);
    for (let p: string | null = u.parentCode; p !== null; p = byCode.get(p)?.parentCode ?? null) {
      if (seen.has(p)) {
        problem(UNITS_SHEET, rowOf.get(u.code)!, cols.parentCode, `单位“${u.code}”的上级关系形成循环`, `unit "${u.code}" is its own ancestor`);
        break;
      }
      seen.add(p);
    }
  }
  if (units.length === 0 && problems.length === 0) {
    problem(UNITS_SHEET, null, null, '单位表中没有任何单位', 'the units sheet holds no unit');
  }

  const rules: DispatchRule[] = [];
  if (ruleSheet) {
    const rc = Object.fromEntries(
      Object.entries(RULE_HEADERS).map(([key, names]) => [key, column(ruleSheet.headers, names)]),
    ) as Record<keyof typeof RULE_HEADERS, string | null>;
    if (!rc.unitCode) {
      problem(RULES_SHEET, 1, RULE_HEADERS.unitCode[0], `缺少“${RULE_HEADERS.unitCode[0]}”列`, `the column "${RULE_HEADERS.unitCode[0]}" is missing`);
    } else {
      const lineOf = new Map<string, number>();
      for (const { row, cells } of ruleSheet.rows) {
        const cell = (key: keyof typeof RULE_HEADERS) => (rc[key] ? (cells[rc[key]!] ?? '').trim() : '');
        const rule = { categoryCode: cell('categoryCode'), regionCode: cell('regionCode'), unitCode: cell('unitCode') };
        if (!rule.categoryCode && !rule.regionCode && !rule.unitCode) continue;
        const unit = byCode.get(rule.unitCode);
        if (!unit) {
          problem(RULES_SHEET, row, rc.unitCode, `承办单位代码“${rule.unitCode}”不在单位表中`, `unit code "${rule.unitCode}" is not a unit of the directory`);
          continue;
        }
        if (!unit.active) {
          problem(RULES_SHEET, row, rc.unitCode, `单位“${unit.name}”已停用，不能承办新工单`, `unit "${unit.code}" is inactive and cannot receive orders`);
          continue;
        }
        if (rule.categoryCode.length > 32 || rule.regionCode.length > 32) {
          problem(RULES_SHEET, row, null, '分类或区域代码过长（最多 32 字符）', 'category or region code too long (at most 32 characters)');
          continue;
        }
        const key = `${rule.categoryCode}\u0001${rule.regionCode}`;
        if (lineOf.has(key)) {
          problem(RULES_SHEET, row, null, `与第 ${lineOf.get(key)} 行的分类和区域相同`, `the same category and region as row ${lineOf.get(key)}`);
          continue;
        }
        lineOf.set(key, row);
        rules.push(rule);
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, directory: { units, rules } };
}

// ─── HTTP ────────────────────────────────────────────────────────────────────────────────────

/** The spreadsheet travels base64-encoded in JSON: at most 4 MiB of file. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;

export const UnitsImportRequest = z.object({
  format: z.enum(['xlsx', 'csv']),
  fileBase64: z
    .string()
    .max(Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'fileBase64: base64 of the file'),
  /** check and count, change nothing */
  dryRun: z.boolean().default(false),
});

export const UnitsImportResponse = z.object({
  dryRun: z.boolean(),
  units: z.number().int(),
  rules: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  deactivated: z.number().int(),
});

/**
 * 回访 settings (src/shared/workorders/table.ts FollowUpSettings) as the server's --follow-up file
 * and GET /api/units carry them; a file may give only some keys (the rest are the defaults).
 */
export const FollowUpSettingsSchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(10),
    retryAfterWorkingDays: z.number().int().min(1).max(30),
    scale: z.union([z.literal(5), z.literal(3)]),
    satisfiedLevels: z.array(Satisfaction).min(1).max(5),
    directAnswerSample: z.number().min(0).max(1),
    faceToFaceAfter: z.number().int().min(1).max(20),
  })
  .strict();
export const parseFollowUpSettings = (raw: unknown): z.ZodSafeParseResult<FollowUpSettings> =>
  FollowUpSettingsSchema.safeParse({ ...DEFAULT_FOLLOW_UP_SETTINGS, ...(raw && typeof raw === 'object' ? raw : {}) });

export const UnitsResponse = z.object({
  units: z.array(Unit),
  rules: z.array(DispatchRule),
  /**
   * The server's work-order settings a workstation needs to show an action's result before the
   * server has decided it: whether operators may dispatch (--operator-may-dispatch) and the
   * deadline rules (--deadline-rules). Absent from older servers: the workstation then assumes
   * operators may not dispatch and uses the default rules.
   */
  workflow: z
    .object({
      operatorMayDispatch: z.boolean(),
      deadlineRules: DeadlineRules,
      /** 回访: scale, attempts, retry interval … (absent from older servers: the defaults) */
      followUp: FollowUpSettingsSchema.optional(),
    })
    .optional(),
});
export type UnitsResponse = z.infer<typeof UnitsResponse>;
