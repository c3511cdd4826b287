/**
 * 统计分析 for the centre's supervisors and admins:
 *   GET /api/reports/summary?from&to   indicators with 环比/同比, trend, breakdowns, 单位考核, hot spots, rising words
 *   GET /api/reports/orders?from&to&counter[&channel|category|region|unit]   the orders behind a number
 *   GET /api/reports/export?from&to    the same tables as an Excel workbook (one sheet per table + 指标说明)
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { API } from '../api';
import type { AuthService } from '../auth/service';
import type { Db, Queryable } from '../db/adapter';
import { HttpError } from '../errors';
import { RawBody, route } from '../http';
import { INDICATORS, type Indicators } from '../../shared/reports/indicators';
import type { ReportSummary } from '../../shared/reports/api';
import { namePaths, type TaxonomyResponse } from '../../shared/taxonomy';
import { breakdown, hotspots, indicators, lastYearRange, ordersBehind, previousRange, ReportInputError, trend, unitRanking, type Range } from './service';
import { risingWords } from './words';

export async function reportSummary(db: Queryable, range: Range, taxonomy: TaxonomyResponse, now: number): Promise<ReportSummary> {
  const started = performance.now();
  const opts = { now };
  const [ind, prev, ly, tr, cats, regions, units, spots, words] = await Promise.all([
    indicators(db, range, opts),
    indicators(db, previousRange(range), opts),
    indicators(db, lastYearRange(range), opts),
    trend(db, range, opts),
    breakdown(db, range, 'category', opts),
    breakdown(db, range, 'region', opts),
    unitRanking(db, range, opts),
    hotspots(db, range, 10),
    risingWords(db, range, previousRange(range)),
  ]);
  const names: Record<string, string> = {};
  for (const [code, path] of namePaths(taxonomy.categories)) names[code] = path.join(' / ');
  for (const [code, path] of namePaths(taxonomy.regions)) names[code] = path.join('');
  return {
    period: range,
    previous: tr.previous,
    last_year: tr.last_year,
    indicators: ind,
    previous_indicators: prev,
    last_year_indicators: ly,
    received: tr.received,
    valid: tr.valid,
    series: tr.series,
    top_categories: tr.top_categories,
    risers: tr.risers,
    by_category: cats.sort((a, b) => b.valid - a.valid),
    by_region: regions.sort((a, b) => b.valid - a.valid),
    units,
    hotspots: spots,
    words,
    names,
    ms: Math.round(performance.now() - started),
  };
}

const CHANNEL_ZH: Record<string, string> = {
  hotline: '热线电话', mayor_mailbox: '市长信箱', website: '网站', wechat: '微信', sms: '短信', letter: '来信', visit: '来访',
  leader_session: '领导接听', province_platform: '省平台转派', police_110: '110 联动',
};

/** The workbook: one sheet per table of the screen, and 指标说明 with every formula. */
export async function reportXlsx(s: ReportSummary): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = '热线工作台';
  const sheet = (name: string, header: string[], rows: (string | number | null)[][]) => {
    const ws = book.addWorksheet(name);
    ws.addRow([`统计期 ${s.period.from} 至 ${s.period.to}`]);
    ws.addRow(header).font = { bold: true };
    for (const r of rows) ws.addRow(r.map((v) => (v === null ? '—' : v)));
    ws.columns.forEach((c) => (c.width = 16));
  };
  const val = (i: Indicators, k: string) => (i as unknown as Record<string, number | null>)[k] ?? null;
  sheet(
    '核心指标',
    ['指标', '本期', '上期（环比）', '去年同期（同比）'],
    INDICATORS.map((d) => [d.zh, val(s.indicators, d.key), val(s.previous_indicators, d.key), val(s.last_year_indicators, d.key)]),
  );
  sheet('来源渠道', ['渠道', '代码', '受理'], Object.entries(s.indicators.by_channel).map(([k, n]) => [CHANNEL_ZH[k] ?? k, k, n]));
  sheet(
    '热点问题',
    ['问题分类', '代码', '本期', '上期', '环比%', '去年同期', '同比%'],
    s.top_categories.map((c) => [s.names[c.key] ?? c.key, c.key, c.now, c.previous, c.mom_pct, c.last_year, c.yoy_pct]),
  );
  sheet('上升最快', ['问题分类', '代码', '本期', '上期', '增加', '环比%'], s.risers.map((c) => [s.names[c.key] ?? c.key, c.key, c.now, c.previous, c.growth, c.mom_pct]));
  sheet(
    '分类统计',
    ['问题分类', '代码', '受理', '有效', '转办', '应办结', '按时办结率%', '办结率%'],
    s.by_category.map((r) => [s.names[r.key] ?? r.key, r.key, r.received, r.valid, r.dispatched, r.due, r.on_time_pct, r.completion_pct]),
  );
  sheet(
    '区域统计',
    ['区域', '代码', '受理', '有效', '转办', '应办结', '按时办结率%', '办结率%'],
    s.by_region.map((r) => [s.names[r.key] ?? r.key, r.key, r.received, r.valid, r.dispatched, r.due, r.on_time_pct, r.completion_pct]),
  );
  sheet(
    '单位考核',
    ['承办单位', '代码', '转办', '按时签收', '应办结', '按时办结', '按时办结率%', '超期', '退单', '重办', '满意率%'],
    s.units.map((u) => [u.name, u.unit, u.dispatched, u.signed_on_time, u.due, u.on_time, u.on_time_pct, u.overdue, u.returned, u.rehandled, u.satisfaction_pct]),
  );
  sheet('诉求集中街道', ['街道', '代码', '有效工单', '投诉'], s.hotspots.map((h) => [s.names[h.region] ?? h.region, h.region, h.valid, h.complaints]));
  sheet('上升高频词', ['词', '本期', '上期'], s.words.map((w) => [w.word, w.now, w.previous]));
  const defs = book.addWorksheet('指标说明');
  defs.addRow(['指标', 'Indicator', '口径（计算公式）', 'Formula']).font = { bold: true };
  for (const d of INDICATORS) defs.addRow([d.zh, d.en, d.formula.zh, d.formula.en]);
  defs.addRow([]);
  defs.addRow(['说明', '统计日按济宁时间（UTC+8）；回访率、满意率、重办率、重复来电率在回访功能（议题7）上线后生效。']);
  defs.columns.forEach((c, i) => (c.width = i % 2 === 0 ? 22 : 60));
  return Buffer.from(await book.xlsx.writeBuffer());
}

export function registerReportRoutes(app: FastifyInstance, deps: { db: Db; auth: AuthService; taxonomy: TaxonomyResponse; now: () => number }): void {
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ReportInputError) throw new HttpError(400, 'invalid_request', e.message);
      throw e;
    }
  };
  route(app, API.reportSummary, deps.auth, async (_b, { query }) => guard(() => reportSummary(deps.db, query, deps.taxonomy, deps.now())));
  route(app, API.reportOrders, deps.auth, async (_b, { query }) =>
    guard(() => {
      const { limit, from, to, ...filter } = query;
      return ordersBehind(deps.db, { from, to }, filter, deps.now(), limit);
    }),
  );
  route(app, API.reportExport, deps.auth, async (_b, { query }) =>
    guard(async () => {
      const s = await reportSummary(deps.db, query, deps.taxonomy, deps.now());
      return new RawBody(await reportXlsx(s), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', {
        'content-disposition': `attachment; filename="report-${query.from}-${query.to}.xlsx"`,
      });
    }),
  );
}
