/**
 * The report indicators (统计指标), defined ONCE: the server computes the counters
 * (src/server/reports), the report command prints them, the 统计分析 screen and the Excel
 * definitions sheet show these names and formulas. Rates are derived from counters here only.
 *
 * Periods are centre days (Asia/Shanghai, whole days, `from`…`to` inclusive). Every order-level
 * counter is attributed to ONE day of the order, chosen per counter and stated below:
 *   - received day  (受理日)   = the day the case (its first contact) was logged;
 *   - due day       (应办结日) = the day of the level-0 办理时限 in force: the deadline the
 *                               accepted reply was measured against (completion.deadlineAtReply),
 *                               or, while open, the lead assignment's current deadline;
 *   - completion day(办结日)   = the day the centre accepted the reply (completion.acceptedAt).
 * Dimensions: channel (src/shared/domain.ts CHANNELS), category (leaf 问题分类 code), region
 * (county-level code, first 6 digits of the 所属区域), unit (the lead unit 承办单位 holding the
 * order now; '' before dispatch). "Returned" is the one counter attributed to the unit that
 * returned the order (退单单位), not to the lead unit that finally got it.
 */

/** The counters a period sums (rollups hold exactly these per day × dimensions). */
export const COUNTERS = [
  // --- by received day
  'received', // cases received (one per logged case; each case is one 来话来信 件次)
  'valid', // of which 有效工单 (cases.valid)
  'direct', // valid cases answered by the centre itself (handling_mode 'direct', 直接答复)
  'dispatched', // valid cases forwarded to a unit (handling_mode 'dispatch', 网络转交)
  'signed_on_time', // forwarded orders whose lead unit signed by its 签收时限
  'repeat_called', // orders with at least one linked repeat call (history action 'link_call', issue 7)
  'returned', // orders returned (退单) at least once — attributed to the returning unit
  // --- by due day
  'due', // orders due in the period
  'due_completed', // of which completed (an accepted reply exists)
  'due_on_time', // of which completed on time (completion.onTime, deadlines.ts isOnTime)
  'due_open', // of which not completed yet
  'overdue', // due before the report day and not completed on time (completed late, or still open)
  // --- by completion day
  'completed', // orders completed (reply accepted) in the period
  'handling_ms', // sum over them of (accepted reply's repliedAt − case logged at), ms
  'first_time', // completed without 退单, 审核退回 or 重办
  'rehandled', // completed orders sent back to the unit by a follow-up (result 'rehandle', issue 7)
  'followed_up', // completed orders with a follow-up that reached the caller (issue 7)
  'rated', // of those, with a satisfaction answer
  'satisfied', // of those, satisfied (the follow-up's `satisfied`, else SATISFIED_LEVELS)
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export const zeroCounters = (): Counters => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;

/** Satisfaction levels that count as satisfied unless the follow-up itself says (configuration). */
export const SATISFIED_LEVELS: readonly string[] = ['very_satisfied', 'satisfied', 'basically_satisfied'];

/** Indicators that depend on issue 7 (follow-up, 重办, repeat calls): zero until it lands. */
export const FOLLOW_UP_INDICATORS = ['follow_up_pct', 'satisfaction_pct', 'rehandle_pct', 'repeat_call_pct'] as const;

export interface IndicatorDef {
  key: string;
  zh: string;
  en: string;
  /** the formula as printed on the definitions sheet */
  formula: { zh: string; en: string };
  unit: 'count' | 'pct' | 'hours';
}

/** Percentage rounded to 2 decimals; null when the denominator is 0 (shown as "—"). */
export function pct(num: number, den: number): number | null {
  return den === 0 ? null : Math.round((10_000 * num) / den) / 100;
}

export interface Indicators {
  received: number;
  by_channel: Record<string, number>;
  valid_orders: number;
  direct: number;
  /** 直接答复率 = direct / received */
  direct_pct: number | null;
  dispatched: number;
  due: number;
  completed_due: number;
  on_time: number;
  /** 办结率 = due_completed / due */
  completion_pct: number | null;
  /** 按时办结率 = due_on_time / due */
  on_time_pct: number | null;
  overdue: number;
  completed: number;
  /** 一次办结率 = first_time / completed */
  first_time_pct: number | null;
  /** 平均办理时长 (hours) = handling_ms / completed / 3 600 000 */
  avg_handling_hours: number | null;
  /** 签收及时率 = signed_on_time / dispatched */
  signed_on_time_pct: number | null;
  returned: number;
  /** 回访率 = followed_up / completed */
  follow_up_pct: number | null;
  /** 满意率 = satisfied / rated */
  satisfaction_pct: number | null;
  /** 重办率 = rehandled / completed */
  rehandle_pct: number | null;
  /** 重复来电率 = repeat_called / valid */
  repeat_call_pct: number | null;
}

export const INDICATORS: readonly IndicatorDef[] = [
  { key: 'received', zh: '受理来话来信', en: 'Contacts received', unit: 'count', formula: { zh: '受理日在统计期内的来件数（每个登记的案件计一件次）', en: 'cases logged in the period (one per logged case)' } },
  { key: 'valid_orders', zh: '有效办理单', en: 'Valid orders', unit: 'count', formula: { zh: '受理日在统计期内且标记为有效的工单数（无效来电、骚扰电话不计）', en: 'cases of the period marked valid (nuisance and invalid calls excluded)' } },
  { key: 'direct', zh: '直接答复', en: 'Answered directly', unit: 'count', formula: { zh: '有效工单中由中心直接答复的件数', en: 'valid cases answered by the centre (handling mode direct)' } },
  { key: 'direct_pct', zh: '直接答复率', en: 'Direct answer rate', unit: 'pct', formula: { zh: '直接答复 ÷ 受理来件 × 100%', en: 'answered directly ÷ received × 100 %' } },
  { key: 'dispatched', zh: '转办件（网络转交）', en: 'Forwarded to units', unit: 'count', formula: { zh: '受理日在统计期内、办理方式为转办的有效工单数', en: 'valid cases of the period whose handling is 转办 (forwarded to a unit)' } },
  { key: 'due', zh: '应办结', en: 'Due', unit: 'count', formula: { zh: '办理时限（含批准的延期）落在统计期内的转办工单数', en: 'orders whose 办理时限 (approved extensions included) falls in the period' } },
  { key: 'completion_pct', zh: '办结率', en: 'Completion rate', unit: 'pct', formula: { zh: '应办结中已办结（答复经审核通过）÷ 应办结 × 100%', en: 'due orders completed (reply accepted) ÷ due × 100 %' } },
  { key: 'on_time_pct', zh: '按时办结率', en: 'On-time completion rate', unit: 'pct', formula: { zh: '应办结中按时办结（通过审核的答复在当时时限内作出）÷ 应办结 × 100%', en: 'due orders completed on time (accepted reply given by the deadline then in force) ÷ due × 100 %' } },
  { key: 'overdue', zh: '超期', en: 'Overdue', unit: 'count', formula: { zh: '应办结日早于今天、且未按时办结（逾期办结或仍未办结）的工单数', en: 'orders due before today not completed on time (completed late or still open)' } },
  { key: 'completed', zh: '办结', en: 'Completed', unit: 'count', formula: { zh: '审核通过日在统计期内的工单数', en: 'orders whose reply was accepted in the period' } },
  { key: 'first_time_pct', zh: '一次办结率', en: 'First-time completion rate', unit: 'pct', formula: { zh: '办结工单中未经退单、审核退回、重办的 ÷ 办结 × 100%', en: 'completed without a return, send-back or re-handling ÷ completed × 100 %' } },
  { key: 'avg_handling_hours', zh: '平均办理时长（小时）', en: 'Average handling time (hours)', unit: 'hours', formula: { zh: '办结工单（答复时间 − 受理时间）之和 ÷ 办结数', en: 'sum over completed orders of (reply time − logged time) ÷ completed' } },
  { key: 'signed_on_time_pct', zh: '签收及时率', en: 'Signed on time', unit: 'pct', formula: { zh: '承办单位在签收时限内签收的 ÷ 转办件 × 100%', en: 'orders the lead unit signed by the 签收时限 ÷ forwarded × 100 %' } },
  { key: 'returned', zh: '退单', en: 'Returned', unit: 'count', formula: { zh: '受理日在统计期内且曾被退单的工单数（计入退单单位）', en: 'orders of the period returned at least once (counted for the returning unit)' } },
  { key: 'follow_up_pct', zh: '回访率', en: 'Follow-up rate', unit: 'pct', formula: { zh: '办结工单中回访联系到来电人的 ÷ 办结 × 100%（依赖回访功能，议题7）', en: 'completed orders whose follow-up reached the caller ÷ completed × 100 % (issue 7)' } },
  { key: 'satisfaction_pct', zh: '满意率', en: 'Satisfaction rate', unit: 'pct', formula: { zh: '回访中评价为满意档（配置：非常满意、满意、基本满意）的 ÷ 有评价的有效回访 × 100%', en: 'follow-ups rated in a satisfied level (configuration) ÷ valid rated follow-ups × 100 %' } },
  { key: 'rehandle_pct', zh: '重办率', en: 'Re-handling rate', unit: 'pct', formula: { zh: '办结工单中回访后重办的 ÷ 办结 × 100%', en: 'completed orders sent back by a follow-up (重办) ÷ completed × 100 %' } },
  { key: 'repeat_call_pct', zh: '重复来电率', en: 'Repeat-call rate', unit: 'pct', formula: { zh: '有关联重复来电的工单 ÷ 有效工单 × 100%', en: 'orders with a linked repeat call ÷ valid orders × 100 %' } },
];

/** The indicators of a period from its summed counters (and channel breakdown). */
export function indicatorsOf(c: Counters, byChannel: Record<string, number>): Indicators {
  return {
    received: c.received,
    by_channel: byChannel,
    valid_orders: c.valid,
    direct: c.direct,
    direct_pct: pct(c.direct, c.received),
    dispatched: c.dispatched,
    due: c.due,
    completed_due: c.due_completed,
    on_time: c.due_on_time,
    completion_pct: pct(c.due_completed, c.due),
    on_time_pct: pct(c.due_on_time, c.due),
    overdue: c.overdue,
    completed: c.completed,
    first_time_pct: pct(c.first_time, c.completed),
    avg_handling_hours: c.completed === 0 ? null : Math.round((c.handling_ms / c.completed / 3_600_000) * 10) / 10,
    signed_on_time_pct: pct(c.signed_on_time, c.dispatched),
    returned: c.returned,
    follow_up_pct: pct(c.followed_up, c.completed),
    satisfaction_pct: pct(c.satisfied, c.rated),
    rehandle_pct: pct(c.rehandled, c.completed),
    repeat_call_pct: pct(c.repeat_called, c.valid),
  };
}

/** Ranking columns of 单位考核 (per lead unit). */
export interface UnitRow {
  unit: string;
  name: string;
  dispatched: number;
  signed_on_time: number;
  due: number;
  on_time: number;
  overdue: number;
  returned: number;
  rehandled: number;
  satisfaction_pct: number | null;
  on_time_pct: number | null;
}

export const DAY_MS = 86_400_000;
/** The centre's offset from UTC (Asia/Shanghai has no DST): report days are UTC+8 days. */
export const REPORT_OFFSET_MS = 8 * 3_600_000;

/** 'YYYY-MM-DD' → the centre day number (days since 1970-01-01 in UTC+8). */
export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`no such day: ${date}`);
  return ms / DAY_MS;
}
export const dayString = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const dayOfInstant = (ms: number): number => Math.floor((ms + REPORT_OFFSET_MS) / DAY_MS);

export type PeriodKind = 'month' | 'quarter' | 'year' | 'custom';
export interface Period {
  from: string;
  to: string;
}

/** The period of a kind containing `date`, and its 环比 (previous) and 同比 (same, a year earlier). */
export function periodOf(kind: Exclude<PeriodKind, 'custom'>, year: number, index = 1): Period {
  const pad = (n: number) => String(n).padStart(2, '0');
  const last = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (kind === 'year') return { from: `${year}-01-01`, to: `${year}-12-31` };
  if (kind === 'quarter') {
    const m0 = (index - 1) * 3 + 1;
    return { from: `${year}-${pad(m0)}-01`, to: `${year}-${pad(m0 + 2)}-${pad(last(year, m0 + 2))}` };
  }
  return { from: `${year}-${pad(index)}-01`, to: `${year}-${pad(index)}-${pad(last(year, index))}` };
}

export function previousPeriod(kind: Exclude<PeriodKind, 'custom'>, year: number, index = 1): { year: number; index: number } {
  if (kind === 'year') return { year: year - 1, index: 1 };
  const n = kind === 'quarter' ? 4 : 12;
  return index > 1 ? { year, index: index - 1 } : { year: year - 1, index: n };
}

/** Relative change in % (同比/环比), null when the base is 0. */
export const change = (now: number, base: number): number | null => (base === 0 ? null : Math.round(((now - base) / base) * 1000) / 10);
