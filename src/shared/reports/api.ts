/**
 * The report routes' shapes (GET /api/reports/…, supervisor and admin), shared by the server,
 * the workstation's main process and the 统计分析 screen.
 */
import { z } from 'zod';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day YYYY-MM-DD');

export const ReportQuery = z
  .object({ from: Day, to: Day })
  .strict()
  .refine((q) => q.from <= q.to, { message: '“至”不能早于“自” (to must not be before from)', path: ['to'] });
export type ReportQuery = z.infer<typeof ReportQuery>;

const Pct = z.number().nullable();
const Range = z.object({ from: z.string(), to: z.string() });

export const IndicatorsShape = z.object({
  received: z.number(),
  by_channel: z.record(z.string(), z.number()),
  valid_orders: z.number(),
  direct: z.number(),
  direct_pct: Pct,
  dispatched: z.number(),
  due: z.number(),
  completed_due: z.number(),
  on_time: z.number(),
  completion_pct: Pct,
  on_time_pct: Pct,
  overdue: z.number(),
  completed: z.number(),
  first_time_pct: Pct,
  avg_handling_hours: z.number().nullable(),
  signed_on_time_pct: Pct,
  returned: z.number(),
  follow_up_pct: Pct,
  satisfaction_pct: Pct,
  rehandle_pct: Pct,
  repeat_call_pct: Pct,
});

const BreakdownRow = z.object({
  key: z.string(),
  received: z.number(),
  valid: z.number(),
  dispatched: z.number(),
  due: z.number(),
  on_time_pct: Pct,
  completion_pct: Pct,
  satisfaction_pct: Pct,
});

export const UnitRankRow = z.object({
  unit: z.string(),
  name: z.string(),
  dispatched: z.number(),
  signed_on_time: z.number(),
  due: z.number(),
  on_time: z.number(),
  overdue: z.number(),
  returned: z.number(),
  rehandled: z.number(),
  satisfaction_pct: Pct,
  on_time_pct: Pct,
});

const Change = z.object({ now: z.number(), previous: z.number(), last_year: z.number(), mom_pct: Pct, yoy_pct: Pct });

export const ReportSummary = z.object({
  period: Range,
  previous: Range,
  last_year: Range,
  indicators: IndicatorsShape,
  previous_indicators: IndicatorsShape,
  last_year_indicators: IndicatorsShape,
  received: Change,
  valid: Change,
  series: z.array(z.object({ label: z.string(), received: z.number(), last_year: z.number() })),
  top_categories: z.array(z.object({ key: z.string(), now: z.number(), previous: z.number(), last_year: z.number(), mom_pct: Pct, yoy_pct: Pct })),
  risers: z.array(z.object({ key: z.string(), now: z.number(), previous: z.number(), growth: z.number(), mom_pct: Pct })),
  by_category: z.array(BreakdownRow),
  by_region: z.array(BreakdownRow),
  units: z.array(UnitRankRow),
  hotspots: z.array(z.object({ region: z.string(), valid: z.number(), complaints: z.number() })),
  words: z.array(z.object({ word: z.string(), now: z.number(), previous: z.number() })),
  /** names of categories, regions (county and street) for display */
  names: z.record(z.string(), z.string()),
  ms: z.number(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

/** The numbers a table cell can open (src/server/reports/service.ts DRILL). */
export const DRILL_COUNTERS = [
  'received', 'valid', 'direct', 'dispatched', 'signed_on_time', 'repeat_called', 'returned', 'due', 'due_completed', 'on_time',
  'due_open', 'overdue', 'completed', 'first_time', 'rehandled', 'followed_up', 'satisfied',
] as const;

export const ReportOrdersQuery = z
  .object({
    from: Day,
    to: Day,
    counter: z.enum(DRILL_COUNTERS),
    channel: z.string().max(40).optional(),
    category: z.string().max(40).optional(),
    region: z.string().max(40).optional(),
    /** a street (所属区域 code), for the hot spots */
    street: z.string().max(40).optional(),
    unit: z.string().max(40).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type ReportOrdersQuery = z.infer<typeof ReportOrdersQuery>;

export const ReportOrders = z.object({
  total: z.number(),
  rows: z.array(
    z.object({
      id: z.string(),
      official_no: z.string(),
      created_at: z.number(),
      channel: z.string(),
      category: z.string(),
      region: z.string(),
      unit: z.string(),
      state: z.string().nullable(),
      content: z.string(),
    }),
  ),
});
export type ReportOrders = z.infer<typeof ReportOrders>;
