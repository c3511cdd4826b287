/**
 * The report queries: indicators of a period, their breakdowns, the unit ranking, trends (同比 /
 * 环比, seasonal profile, hot topics, rising words, street concentration) and the orders behind a
 * number. Everything sums the daily rollup (facts.ts) unless `source: 'scan'` asks for the same
 * sums over the live rows (the benchmark's baseline and the tests' cross-check).
 */
import type { Queryable } from '../db/adapter';
import {
  change,
  COUNTERS,
  DAY_MS,
  dayNumber,
  dayOfInstant,
  indicatorsOf,
  pct,
  zeroCounters,
  type Counters,
  type Indicators,
  type UnitRow,
} from '../../shared/reports/indicators';
import { CHANNELS } from '../../shared/domain';
import { contributionsSql, factsSql, STORED } from './facts';

export type Source = 'rollup' | 'scan';
export type Dimension = 'channel' | 'category' | 'region' | 'unit' | 'day';

export interface Range {
  from: string;
  to: string;
}

export class ReportInputError extends Error {}

export function parseRange(r: Range): { from: number; to: number } {
  let from: number;
  let to: number;
  try {
    from = dayNumber(r.from);
    to = dayNumber(r.to);
  } catch (e) {
    throw new ReportInputError((e as Error).message);
  }
  if (to < from) throw new ReportInputError(`--to ${r.to} is before --from ${r.from}`);
  if (to - from > 366 * 3) throw new ReportInputError('a period is at most three years');
  return { from, to };
}

/** The relation summed: the rollup table, or the same rows computed from the live tables. */
function source(src: Source, toDay: number, by: Dimension | null): { sql: string; params: unknown[] } {
  if (src === 'rollup') return { sql: by === null || by === 'channel' || by === 'day' ? 'report_channel_daily' : 'report_daily', params: [] };
  // nothing logged after the period's end can be received, due or completed in it
  const endMs = (toDay + 1) * DAY_MS - 28_800_000;
  return { sql: `(${contributionsSql(factsSql(`c.created_at < ${endMs}`))})`, params: [] };
}

const sums = (today: number) =>
  [
    ...STORED.map((s) => `coalesce(sum(${s}), 0)::bigint AS ${s}`),
    `coalesce(sum(due - due_on_time) FILTER (WHERE day < ${today}), 0)::bigint AS overdue`,
    'coalesce(sum(due - due_completed), 0)::bigint AS due_open',
  ].join(', ');

type Row = Record<string, number | string>;

function toCounters(r: Row | undefined): Counters {
  const c = zeroCounters();
  if (r) for (const k of COUNTERS) c[k] = Number(r[k] ?? 0);
  return c;
}

export interface QueryOptions {
  source?: Source;
  /** epoch ms of "now" (overdue counts days before today) */
  now?: number;
}

/** Counters of a period, optionally grouped by a dimension. */
export async function counters(db: Queryable, range: Range, by: Dimension | null, opts: QueryOptions = {}): Promise<{ key: string; c: Counters }[]> {
  const { from, to } = parseRange(range);
  const today = dayOfInstant(opts.now ?? Date.now());
  const src = source(opts.source ?? 'rollup', to, by);
  const key = by ? `${by}::text` : `''`;
  const rows = await db.query<Row>(
    `SELECT ${key} AS key, ${sums(today)} FROM ${src.sql} r WHERE day BETWEEN ${from} AND ${to} GROUP BY 1 ORDER BY 1`,
    src.params,
  );
  return rows.map((r) => ({ key: String(r.key), c: toCounters(r) }));
}

/** The indicators of a period (what `npm run report` prints). */
export async function indicators(db: Queryable, range: Range, opts: QueryOptions = {}): Promise<Indicators> {
  const [total, channels] = await Promise.all([counters(db, range, null, opts), counters(db, range, 'channel', opts)]);
  const byChannel: Record<string, number> = Object.fromEntries(CHANNELS.map((c) => [c, 0]));
  for (const r of channels) byChannel[r.key] = r.c.received;
  return indicatorsOf(total[0]?.c ?? zeroCounters(), byChannel);
}

export interface Breakdown {
  key: string;
  received: number;
  valid: number;
  dispatched: number;
  due: number;
  on_time_pct: number | null;
  completion_pct: number | null;
  satisfaction_pct: number | null;
}

export async function breakdown(db: Queryable, range: Range, by: Dimension, opts: QueryOptions = {}): Promise<Breakdown[]> {
  const rows = await counters(db, range, by, opts);
  return rows.map(({ key, c }) => ({
    key,
    received: c.received,
    valid: c.valid,
    dispatched: c.dispatched,
    due: c.due,
    on_time_pct: pct(c.due_on_time, c.due),
    completion_pct: pct(c.due_completed, c.due),
    satisfaction_pct: pct(c.satisfied, c.rated),
  }));
}

/** 单位考核: per unit, by the counters of the period (the returning unit carries its returns). */
export async function unitRanking(db: Queryable, range: Range, opts: QueryOptions = {}): Promise<UnitRow[]> {
  const rows = await counters(db, range, 'unit', opts);
  const names = new Map((await db.query<{ code: string; name: string }>('SELECT code, name FROM units')).map((u) => [u.code, u.name]));
  return rows
    .filter((r) => r.key !== '')
    .map(({ key, c }) => ({
      unit: key,
      name: names.get(key) ?? key,
      dispatched: c.dispatched,
      signed_on_time: c.signed_on_time,
      due: c.due,
      on_time: c.due_on_time,
      overdue: c.overdue,
      returned: c.returned,
      rehandled: c.rehandled,
      satisfaction_pct: pct(c.satisfied, c.rated),
      on_time_pct: pct(c.due_on_time, c.due),
    }))
    .sort((a, b) => b.dispatched - a.dispatched || a.unit.localeCompare(b.unit));
}

/** Shifts a YYYY-MM-DD by whole months (clamped to the month's last day). */
function shiftMonths(date: string, months: number, endOfMonth: boolean): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(endOfMonth ? last : Math.min(d, last));
  return t.toISOString().slice(0, 10);
}

/** 环比: the previous period of equal length in whole months when the period is whole months, else the days before. */
export function previousRange(range: Range): Range {
  const { from, to } = parseRange(range);
  const months = wholeMonths(range);
  if (months > 0) return { from: shiftMonths(range.from, -months, false), to: shiftMonths(range.to, -months, true) };
  const len = to - from + 1;
  return { from: new Date((from - len) * DAY_MS).toISOString().slice(0, 10), to: new Date((from - 1) * DAY_MS).toISOString().slice(0, 10) };
}

/** 同比: the same days a year earlier. */
export function lastYearRange(range: Range): Range {
  const months = wholeMonths(range);
  return { from: shiftMonths(range.from, -12, false), to: shiftMonths(range.to, -12, months > 0) };
}

function wholeMonths(range: Range): number {
  const [fy, fm, fd] = range.from.split('-').map(Number) as [number, number, number];
  const [ty, tm] = range.to.split('-').map(Number) as [number, number, number];
  if (fd !== 1 || shiftMonths(range.to, 0, true) !== range.to) return 0;
  return (ty - fy) * 12 + (tm - fm) + 1;
}

export interface Trend {
  period: Range;
  previous: Range;
  last_year: Range;
  received: { now: number; previous: number; last_year: number; mom_pct: number | null; yoy_pct: number | null };
  valid: { now: number; previous: number; last_year: number; mom_pct: number | null; yoy_pct: number | null };
  /** per day (or per month for periods over 92 days): this period and the same points a year earlier */
  series: { label: string; received: number; last_year: number }[];
  /** top categories with 同比 / 环比, and the fastest risers (by absolute growth over 环比) */
  top_categories: { key: string; now: number; previous: number; last_year: number; mom_pct: number | null; yoy_pct: number | null }[];
  risers: { key: string; now: number; previous: number; growth: number; mom_pct: number | null }[];
}

export async function trend(db: Queryable, range: Range, opts: QueryOptions = {}): Promise<Trend> {
  const previous = previousRange(range);
  const lastYear = lastYearRange(range);
  const [now, prev, ly, catNow, catPrev, catLy] = await Promise.all([
    counters(db, range, null, opts),
    counters(db, previous, null, opts),
    counters(db, lastYear, null, opts),
    counters(db, range, 'category', opts),
    counters(db, previous, 'category', opts),
    counters(db, lastYear, 'category', opts),
  ]);
  const { from, to } = parseRange(range);
  const monthly = to - from > 92;
  const seriesQuery = async (r: Range) => {
    const rows = await counters(db, r, 'day', opts);
    const out = new Map<string, number>();
    for (const { key, c } of rows) {
      const d = new Date(Number(key) * DAY_MS).toISOString();
      const label = monthly ? d.slice(5, 7) : d.slice(5, 10);
      out.set(label, (out.get(label) ?? 0) + c.valid);
    }
    return out;
  };
  const [sNow, sLy] = await Promise.all([seriesQuery(range), seriesQuery(lastYear)]);
  const labels = [...new Set([...sNow.keys(), ...sLy.keys()])].sort();
  const n = (x: { c: Counters }[] | undefined, k: 'received' | 'valid') => x?.[0]?.c[k] ?? 0;
  const pair = (k: 'received' | 'valid') => ({
    now: n(now, k),
    previous: n(prev, k),
    last_year: n(ly, k),
    mom_pct: change(n(now, k), n(prev, k)),
    yoy_pct: change(n(now, k), n(ly, k)),
  });
  const pm = new Map(catPrev.map((r) => [r.key, r.c.valid]));
  const lm = new Map(catLy.map((r) => [r.key, r.c.valid]));
  const cats = catNow
    .filter((r) => r.c.valid > 0)
    .map((r) => {
      const p = pm.get(r.key) ?? 0;
      const l = lm.get(r.key) ?? 0;
      return { key: r.key, now: r.c.valid, previous: p, last_year: l, mom_pct: change(r.c.valid, p), yoy_pct: change(r.c.valid, l) };
    });
  return {
    period: range,
    previous,
    last_year: lastYear,
    received: pair('received'),
    valid: pair('valid'),
    series: labels.map((label) => ({ label, received: sNow.get(label) ?? 0, last_year: sLy.get(label) ?? 0 })),
    top_categories: [...cats].sort((a, b) => b.now - a.now || a.key.localeCompare(b.key)).slice(0, 10),
    risers: cats
      .map((c) => ({ key: c.key, now: c.now, previous: c.previous, growth: c.now - c.previous, mom_pct: c.mom_pct }))
      .filter((c) => c.growth > 0)
      .sort((a, b) => b.growth - a.growth || a.key.localeCompare(b.key))
      .slice(0, 10),
  };
}

/** Seasonal profile: valid orders per calendar month of one category over the given years. */
export async function seasonalProfile(db: Queryable, category: string, fromYear: number, toYear: number): Promise<{ month: number; valid: number }[]> {
  const r = await db.query<{ month: number; valid: number }>(
    `SELECT extract(month FROM (date '1970-01-01' + day))::int AS month, sum(valid)::bigint AS valid
     FROM report_daily WHERE category LIKE $1 AND day BETWEEN $2 AND $3 GROUP BY 1 ORDER BY 1`,
    [`${category}%`, dayNumber(`${fromYear}-01-01`), dayNumber(`${toYear}-12-31`)],
  );
  return Array.from({ length: 12 }, (_, i) => ({ month: i + 1, valid: Number(r.find((x) => x.month === i + 1)?.valid ?? 0) }));
}

/** Streets (所属区域, street level) where valid complaints concentrate: where 面对面进社区 goes. */
export async function hotspots(db: Queryable, range: Range, limit = 10): Promise<{ region: string; valid: number; complaints: number }[]> {
  const { from, to } = parseRange(range);
  const startMs = from * DAY_MS - 28_800_000;
  const endMs = (to + 1) * DAY_MS - 28_800_000;
  const rows = await db.query<{ region: string; valid: number; complaints: number }>(
    `SELECT region_code AS region, count(*)::int AS valid, count(*) FILTER (WHERE request_type = 'complaint')::int AS complaints
     FROM cases WHERE created_at >= $1 AND created_at < $2 AND valid
     GROUP BY region_code ORDER BY complaints DESC, valid DESC, region_code LIMIT $3`,
    [startMs, endMs, limit],
  );
  return rows;
}

/** Which facts a number counts (for the orders behind it). */
const DRILL: Record<string, { day: 'rday' | 'due_day' | 'cday'; where: string; unit?: 'returned_unit' }> = {
  received: { day: 'rday', where: 'true' },
  valid: { day: 'rday', where: 'f.valid' },
  direct: { day: 'rday', where: 'f.direct' },
  dispatched: { day: 'rday', where: 'f.dispatched' },
  signed_on_time: { day: 'rday', where: 'f.signed_on_time' },
  repeat_called: { day: 'rday', where: 'f.repeat_called' },
  returned: { day: 'rday', where: 'f.returned_unit IS NOT NULL', unit: 'returned_unit' },
  due: { day: 'due_day', where: 'true' },
  due_completed: { day: 'due_day', where: 'f.done' },
  on_time: { day: 'due_day', where: 'f.done AND f.on_time' },
  due_open: { day: 'due_day', where: 'NOT f.done' },
  overdue: { day: 'due_day', where: 'NOT (f.done AND f.on_time) AND f.due_day < $today' },
  completed: { day: 'cday', where: 'f.done' },
  first_time: { day: 'cday', where: 'f.done AND f.first_time' },
  rehandled: { day: 'cday', where: 'f.done AND f.rehandled' },
  followed_up: { day: 'cday', where: 'f.done AND f.followed_up' },
  satisfied: { day: 'cday', where: 'f.done AND f.satisfied' },
};
export const DRILL_KEYS = Object.keys(DRILL);

export interface DrillFilter {
  counter: string;
  channel?: string;
  category?: string;
  region?: string;
  street?: string;
  unit?: string;
}

export interface DrillRow {
  id: string;
  official_no: string;
  created_at: number;
  channel: string;
  category: string;
  region: string;
  unit: string;
  state: string | null;
  content: string;
}

/** The orders behind a number (from report_facts; at most `limit`), and their total. */
export async function ordersBehind(db: Queryable, range: Range, f: DrillFilter, now = Date.now(), limit = 200): Promise<{ total: number; rows: DrillRow[] }> {
  const d = DRILL[f.counter];
  if (!d) throw new ReportInputError(`unknown number "${f.counter}": one of ${DRILL_KEYS.join(', ')}`);
  const { from, to } = parseRange(range);
  const params: unknown[] = [from, to];
  const conds = [`f.${d.day} BETWEEN $1 AND $2`, d.where.replace('$today', String(dayOfInstant(now)))];
  for (const k of ['channel', 'category', 'region', 'unit'] as const) {
    const v = f[k];
    if (v === undefined) continue;
    params.push(v);
    conds.push(`${k === 'unit' && d.unit ? 'f.returned_unit' : `f.${k}`} = $${params.length}`);
  }
  if (f.street !== undefined) {
    params.push(f.street);
    conds.push(`c.region_code = $${params.length}`);
  }
  const where = conds.join(' AND ');
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM report_facts f JOIN cases c ON c.id = f.case_id WHERE ${where}`, params);
  params.push(limit);
  const rows = await db.query<DrillRow>(
    `SELECT c.uuid::text AS id, c.official_no, c.created_at, f.channel, f.category, c.region_code AS region, f.unit, w.state, c.content
     FROM report_facts f JOIN cases c ON c.id = f.case_id LEFT JOIN work_orders w ON w.case_id = f.case_id
     WHERE ${where} ORDER BY c.created_at DESC, c.id DESC LIMIT $${params.length}`,
    params,
  );
  return { total: count!.n, rows };
}
