/**
 * Deadlines (办理时限) in Chinese working days, Asia/Shanghai.
 *
 * When a deadline falls — one rule for every working-day period in this module:
 *   a period of N working days that starts at instant T ends at 23:59:59.999 (Asia/Shanghai) of
 *   the N-th working day AFTER the Shanghai date of T. The day of T never counts, whether or not
 *   it is a working day and whatever the hour. Example: dispatched Fri 2026-02-13 15:00 with
 *   5 working days → Sat 02-14 (调休上班) is day 1, 02-15…02-23 are the Spring Festival,
 *   02-24, 25, 26, 27 are days 2–5 → deadline 2026-02-27 23:59:59.999 +08:00.
 * A period in hours (urgent matters: water, power, gas, heating outages) is elapsed clock time,
 * nights and holidays included: T + N hours.
 *
 * "On time" — what the reports count (written once, here and in README.md):
 *   a work order is completed ON TIME when the lead unit's reply that the centre ACCEPTED
 *   (审核通过) was given no later than the handling deadline in force at the moment of that
 *   reply, approved extensions included (`repliedAt ≤ deadlineAtReply`). The moment is the
 *   reply's, not the review's: the centre's review time does not count against the unit. A
 *   reply sent back (审核退回) does not count; the next accepted reply does. After 改派 the
 *   deadline in force is the new unit's. Sub-unit (下派) deadlines are internal to the lead unit
 *   and do not count. Open orders are neither on time nor late; an open order past its deadline
 *   is 超期. On-time rate = completed on time ÷ completed, by completion (acceptance) period.
 *
 * Status of an open deadline (正常 / 临期 / 超期), {@link deadlineStatus}:
 *   超期 overdue   once now > deadline;
 *   临期 due_soon  once now > the warning point: for a working-day deadline, the end of the
 *                  `warnWorkingDaysBefore`-th working day before the deadline's date (default 1:
 *                  the whole last working day is 临期); for an hours deadline,
 *                  deadline − `warnHoursBefore` hours;
 *   正常 normal    before that.
 */
import { z } from 'zod';
import { Urgency } from '../domain';
import {
  addWorkingDays,
  endOfShanghaiDay,
  shanghaiDate,
  subtractWorkingDays,
  type WorkingCalendar,
} from './calendar';

/** A period: working days (normal orders) or clock hours (urgent ones). */
export const TimeLimit = z.discriminatedUnion('unit', [
  z.object({ unit: z.literal('working_days'), value: z.number().int().min(1).max(60) }).strict(),
  z.object({ unit: z.literal('hours'), value: z.number().int().min(1).max(720) }).strict(),
]);
export type TimeLimit = z.infer<typeof TimeLimit>;

export const CategoryRule = z
  .object({
    /** a 问题分类 code or the code of a branch of the tree (prefix match; the longest wins) */
    categoryPrefix: z.string().trim().min(1).max(32),
    /** only for this urgency; absent = any urgency */
    urgency: Urgency.optional(),
    limit: TimeLimit,
  })
  .strict();
export type CategoryRule = z.infer<typeof CategoryRule>;

/** The deadline rules, configuration (they differ by city). */
export const DeadlineRules = z
  .object({
    handling: z
      .object({
        /** default 5 working days (Shandong 2020) */
        default: TimeLimit,
        /** by 紧急程度; absent = `default` */
        byUrgency: z.partialRecord(Urgency, TimeLimit),
        /** by 问题分类 (and optionally urgency); wins over byUrgency */
        byCategory: z.array(CategoryRule).max(1000),
      })
      .strict(),
    /** 签收时限 in working days for working-day orders (default 1) */
    signWithinWorkingDays: z.number().int().min(1).max(10),
    /** 签收时限 in hours for hour-based (urgent) orders, capped at their handling deadline (default 1) */
    signWithinHours: z.number().int().min(1).max(72),
    /** 退单时限: a unit may return an order within this many working days of its dispatch (default 2) */
    returnWindowWorkingDays: z.number().int().min(0).max(30),
    /** 延期上限: total approved extension per dispatch, in working days (default 10) */
    extensionCapWorkingDays: z.number().int().min(0).max(60),
    /** 临期 for working-day deadlines, working days before (default 1; 0 = no warning) */
    warnWorkingDaysBefore: z.number().int().min(0).max(10),
    /** 临期 for hour deadlines, hours before (default 1; 0 = no warning) */
    warnHoursBefore: z.number().int().min(0).max(72),
  })
  .strict();
export type DeadlineRules = z.infer<typeof DeadlineRules>;

export const DEFAULT_DEADLINE_RULES: DeadlineRules = DeadlineRules.parse({
  handling: {
    default: { unit: 'working_days', value: 5 },
    byUrgency: { urgent: { unit: 'hours', value: 24 }, critical: { unit: 'hours', value: 2 } },
    byCategory: [],
  },
  signWithinWorkingDays: 1,
  signWithinHours: 1,
  returnWindowWorkingDays: 2,
  extensionCapWorkingDays: 10,
  warnWorkingDaysBefore: 1,
  warnHoursBefore: 1,
});

/** Deadlines are epoch milliseconds, as every timestamp in src/shared. */
export type EpochMs = number;
export const DeadlineBasis = z.enum(['working_days', 'hours']);
export type DeadlineBasis = z.infer<typeof DeadlineBasis>;
/** A deadline and how it was counted (the warning point depends on it). */
export const Deadline = z.object({ at: z.number().int(), basis: DeadlineBasis }).strict();
export type Deadline = z.infer<typeof Deadline>;

/** The handling time limit that the rules give an order (category rules, then urgency, then default). */
export function handlingLimitFor(rules: DeadlineRules, order: { urgency: Urgency; categoryCode: string }): TimeLimit {
  const matches = rules.handling.byCategory.filter(
    (r) => order.categoryCode.startsWith(r.categoryPrefix) && (r.urgency === undefined || r.urgency === order.urgency),
  );
  if (matches.length > 0) {
    // longest prefix first; at equal length, the rule naming the urgency first; else file order
    const best = [...matches].sort(
      (a, b) =>
        b.categoryPrefix.length - a.categoryPrefix.length ||
        Number(b.urgency !== undefined) - Number(a.urgency !== undefined),
    )[0]!;
    return best.limit;
  }
  return rules.handling.byUrgency[order.urgency] ?? rules.handling.default;
}

/** The end of a period that starts at `from` (see the module comment for the rule). */
export function deadlineAfter(cal: WorkingCalendar, from: EpochMs, limit: TimeLimit): Deadline {
  if (limit.unit === 'hours') return { at: from + limit.value * 3_600_000, basis: 'hours' };
  return { at: endOfShanghaiDay(addWorkingDays(cal, shanghaiDate(from), limit.value)), basis: 'working_days' };
}

/** The deadlines a dispatch (派单, 改派 or 下派) sets for the receiving unit. */
export interface DispatchDeadlines {
  /** 签收时限 */
  signBy: EpochMs;
  /** 退单时限: the unit may return the order until then */
  returnBy: EpochMs;
  /** 办理时限 */
  deadline: Deadline;
}

export function dispatchDeadlines(
  cal: WorkingCalendar,
  rules: DeadlineRules,
  dispatchedAt: EpochMs,
  limit: TimeLimit,
): DispatchDeadlines {
  const deadline = deadlineAfter(cal, dispatchedAt, limit);
  const signBy =
    limit.unit === 'hours'
      ? Math.min(dispatchedAt + rules.signWithinHours * 3_600_000, deadline.at)
      : deadlineAfter(cal, dispatchedAt, { unit: 'working_days', value: rules.signWithinWorkingDays }).at;
  // 0 working days: until the end of the day of dispatch
  const returnBy =
    rules.returnWindowWorkingDays === 0
      ? endOfShanghaiDay(shanghaiDate(dispatchedAt))
      : deadlineAfter(cal, dispatchedAt, { unit: 'working_days', value: rules.returnWindowWorkingDays }).at;
  return { signBy, returnBy, deadline };
}

/**
 * An approved extension (延期): the deadline moves to the end of the `days`-th working day after
 * the date of the deadline in force. The cap is checked by the transition table (the total
 * approved per dispatch may not exceed `extensionCapWorkingDays`).
 */
export function extendDeadline(cal: WorkingCalendar, deadline: Deadline, days: number): Deadline {
  return { at: endOfShanghaiDay(addWorkingDays(cal, shanghaiDate(deadline.at), days)), basis: 'working_days' };
}

export const DEADLINE_STATUSES = ['normal', 'due_soon', 'overdue'] as const;
/** 正常 / 临期 / 超期 */
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];
export const DEADLINE_STATUS_LABELS: Record<DeadlineStatus, { zh: string; en: string }> = {
  normal: { zh: '正常', en: 'on track' },
  due_soon: { zh: '临期', en: 'due soon' },
  overdue: { zh: '超期', en: 'overdue' },
};

/** The instant from which a deadline is 临期 (null: no warning configured). */
export function warningFrom(cal: WorkingCalendar, rules: DeadlineRules, deadline: Deadline): EpochMs | null {
  if (deadline.basis === 'hours') {
    return rules.warnHoursBefore === 0 ? null : deadline.at - rules.warnHoursBefore * 3_600_000;
  }
  if (rules.warnWorkingDaysBefore === 0) return null;
  return endOfShanghaiDay(subtractWorkingDays(cal, shanghaiDate(deadline.at), rules.warnWorkingDaysBefore));
}

/** 正常 / 临期 / 超期 of an open deadline at `now` (see the module comment). */
export function deadlineStatus(cal: WorkingCalendar, rules: DeadlineRules, deadline: Deadline, now: EpochMs): DeadlineStatus {
  if (now > deadline.at) return 'overdue';
  const warn = warningFrom(cal, rules, deadline);
  if (warn !== null && now > warn) return 'due_soon';
  return 'normal';
}

/** On time, as the reports count it: the accepted reply was given by the deadline in force then. */
export function isOnTime(completion: { repliedAt: EpochMs; deadlineAtReply: EpochMs }): boolean {
  return completion.repliedAt <= completion.deadlineAtReply;
}
