import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CalendarNotCoveredError,
  createWorkingCalendar,
  defaultWorkingCalendar as cal,
  shanghaiDate,
} from '../../../../src/shared/workorders/calendar';
import {
  DEFAULT_DEADLINE_RULES as rules,
  deadlineAfter,
  DeadlineRules,
  deadlineStatus,
  dispatchDeadlines,
  extendDeadline,
  handlingLimitFor,
  isOnTime,
  warningFrom,
} from '../../../../src/shared/workorders/deadlines';

/** an instant written in Shanghai time */
const sh = (s: string): number => Date.parse(`${s}+08:00`);
const wd = (value: number) => ({ unit: 'working_days' as const, value });
const hours = (value: number) => ({ unit: 'hours' as const, value });

describe('the default rules', () => {
  it('are 5 working days for normal orders, hours for urgent ones, sign in 1, return in 2, extend by at most 10, warn 1 before', () => {
    expect(handlingLimitFor(rules, { urgency: 'normal', categoryCode: 'A01' })).toEqual(wd(5));
    expect(handlingLimitFor(rules, { urgency: 'urgent', categoryCode: 'A01' })).toEqual(hours(24));
    expect(handlingLimitFor(rules, { urgency: 'critical', categoryCode: 'A01' })).toEqual(hours(2));
    expect(rules.signWithinWorkingDays).toBe(1);
    expect(rules.returnWindowWorkingDays).toBe(2);
    expect(rules.extensionCapWorkingDays).toBe(10);
    expect(rules.warnWorkingDaysBefore).toBe(1);
  });

  it('category rules win over urgency; the longest prefix and the urgency-specific rule win', () => {
    const r = DeadlineRules.parse({
      ...rules,
      handling: {
        ...rules.handling,
        byCategory: [
          { categoryPrefix: 'B', limit: wd(7) },
          { categoryPrefix: 'B02', limit: wd(15) },
          { categoryPrefix: 'B02', urgency: 'urgent', limit: hours(48) },
        ],
      },
    });
    expect(handlingLimitFor(r, { urgency: 'normal', categoryCode: 'B01' })).toEqual(wd(7));
    expect(handlingLimitFor(r, { urgency: 'normal', categoryCode: 'B0201' })).toEqual(wd(15));
    expect(handlingLimitFor(r, { urgency: 'urgent', categoryCode: 'B0201' })).toEqual(hours(48));
    expect(handlingLimitFor(r, { urgency: 'critical', categoryCode: 'B0201' })).toEqual(wd(15));
    expect(handlingLimitFor(r, { urgency: 'urgent', categoryCode: 'C01' })).toEqual(hours(24));
  });

  it('reject nonsense', () => {
    expect(DeadlineRules.safeParse({ ...rules, signWithinWorkingDays: 0 }).success).toBe(false);
    expect(DeadlineRules.safeParse({ ...rules, handling: { ...rules.handling, default: { unit: 'days', value: 5 } } }).success).toBe(false);
    expect(DeadlineRules.safeParse({ ...rules, handling: { ...rules.handling, default: wd(2.5) } }).success).toBe(false);
    expect(DeadlineRules.safeParse({ ...rules, extra: 1 }).success).toBe(false);
  });
});

describe('when a deadline falls: the end (23:59:59.999 Shanghai) of the N-th working day after the day of dispatch', () => {
  it.each([
    ['Fri before the Spring Festival, 15:00, 5 wd', '2026-02-13T15:00:00', 5, '2026-02-27T23:59:59.999'],
    ['Fri before the Spring Festival, 1 wd → make-up Saturday', '2026-02-13T15:00:00', 1, '2026-02-14T23:59:59.999'],
    ['on the make-up Saturday itself, 1 wd', '2026-02-14T10:00:00', 1, '2026-02-24T23:59:59.999'],
    ['during the holiday (the day is not counted)', '2026-02-16T09:00:00', 1, '2026-02-24T23:59:59.999'],
    ['Fri 02-27, 1 wd → the second make-up Saturday', '2026-02-27T17:00:00', 1, '2026-02-28T23:59:59.999'],
    ['just after midnight counts the new day', '2026-02-13T00:00:00', 1, '2026-02-14T23:59:59.999'],
    ['just before midnight counts that day', '2026-02-12T23:59:59', 1, '2026-02-13T23:59:59.999'],
    ['the day before National Day, 5 wd', '2026-09-30T10:00:00', 5, '2026-10-13T23:59:59.999'],
    ['inside National Day, 3 wd', '2026-10-03T10:00:00', 3, '2026-10-10T23:59:59.999'],
    ['the Friday before the make-up Sunday 09-20', '2026-09-18T10:00:00', 1, '2026-09-20T23:59:59.999'],
  ])('%s', (_name, from, n, expected) => {
    expect(deadlineAfter(cal, sh(from), wd(n))).toEqual({ at: sh(expected), basis: 'working_days' });
  });

  it('does not depend on the machine’s time zone', () => {
    const saved = process.env.TZ;
    try {
      const results = ['America/Los_Angeles', 'UTC', 'Asia/Shanghai', 'Pacific/Kiritimati'].map((tz) => {
        process.env.TZ = tz;
        return [deadlineAfter(cal, sh('2026-02-13T15:00:00'), wd(5)).at, cal.isWorkday('2026-03-02'), cal.isWorkday('2026-02-14')];
      });
      for (const r of results) expect(r).toEqual([sh('2026-02-27T23:59:59.999'), true, true]);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('hours are clock hours, nights and holidays included', () => {
    expect(deadlineAfter(cal, sh('2026-02-17T03:00:00'), hours(2))).toEqual({ at: sh('2026-02-17T05:00:00'), basis: 'hours' });
    expect(deadlineAfter(cal, sh('2026-09-30T22:00:00'), hours(24))).toEqual({ at: sh('2026-10-01T22:00:00'), basis: 'hours' });
  });
});

describe('the deadlines a dispatch sets', () => {
  it('normal: sign by the end of the next working day, return within 2 working days, handle in 5', () => {
    const d = dispatchDeadlines(cal, rules, sh('2026-02-13T15:00:00'), wd(5));
    expect(d.signBy).toBe(sh('2026-02-14T23:59:59.999'));
    expect(d.returnBy).toBe(sh('2026-02-24T23:59:59.999'));
    expect(d.deadline.at).toBe(sh('2026-02-27T23:59:59.999'));
  });

  it('urgent: sign within the hour, never after the handling deadline', () => {
    const d = dispatchDeadlines(cal, rules, sh('2026-10-02T03:00:00'), hours(2));
    expect(d.signBy).toBe(sh('2026-10-02T04:00:00'));
    expect(d.deadline.at).toBe(sh('2026-10-02T05:00:00'));
    const tight = dispatchDeadlines(cal, { ...rules, signWithinHours: 5 }, sh('2026-10-02T03:00:00'), hours(2));
    expect(tight.signBy).toBe(sh('2026-10-02T05:00:00'));
  });

  it('a zero-day return window ends with the day of dispatch', () => {
    const d = dispatchDeadlines(cal, { ...rules, returnWindowWorkingDays: 0 }, sh('2026-02-13T15:00:00'), wd(5));
    expect(d.returnBy).toBe(sh('2026-02-13T23:59:59.999'));
  });

  it('refuses a deadline in a year without calendar data, and computes it with an override', () => {
    expect(() => dispatchDeadlines(cal, rules, sh('2026-12-29T10:00:00'), wd(5))).toThrow(CalendarNotCoveredError);
    const c = createWorkingCalendar([
      { format: 'hotline-desk/working-calendar@1', years: { '2027': { holidays: ['2027-01-01'], workdays: [] } } },
    ]);
    const d = dispatchDeadlines(c, rules, sh('2026-12-29T10:00:00'), wd(5));
    // 12-30, 12-31, (01-01 holiday, weekend) 01-04, 01-05, 01-06
    expect(d.deadline.at).toBe(sh('2027-01-06T23:59:59.999'));
    // an hours deadline needs no calendar
    expect(deadlineAfter(cal, sh('2026-12-31T23:00:00'), hours(2)).at).toBe(sh('2027-01-01T01:00:00'));
  });
});

describe('extensions', () => {
  it('move the deadline by the approved working days from its date', () => {
    const d = deadlineAfter(cal, sh('2026-09-22T10:00:00'), wd(5)); // 23, 24, (25 中秋) 28, 29, 30
    expect(d.at).toBe(sh('2026-09-30T23:59:59.999'));
    expect(extendDeadline(cal, d, 3).at).toBe(sh('2026-10-10T23:59:59.999'));
    expect(extendDeadline(cal, { at: sh('2026-02-13T23:59:59.999'), basis: 'working_days' }, 2).at).toBe(
      sh('2026-02-24T23:59:59.999'),
    );
  });

  it('turn an hours deadline into a working-day one', () => {
    expect(extendDeadline(cal, { at: sh('2026-03-02T11:00:00'), basis: 'hours' }, 1)).toEqual({
      at: sh('2026-03-03T23:59:59.999'),
      basis: 'working_days',
    });
  });
});

describe('正常 / 临期 / 超期', () => {
  const deadline = { at: sh('2026-02-27T23:59:59.999'), basis: 'working_days' as const };
  it.each([
    ['2026-02-20T12:00:00', 'normal'],
    ['2026-02-26T23:59:59.999', 'normal'],
    ['2026-02-27T00:00:00', 'due_soon'],
    ['2026-02-27T23:59:59.999', 'due_soon'],
    ['2026-02-28T00:00:00', 'overdue'],
  ])('at %s a deadline at the end of 2026-02-27 is %s', (now, expected) => {
    expect(deadlineStatus(cal, rules, deadline, sh(now))).toBe(expected);
  });

  it('the warning day before a deadline after the holiday is the make-up Saturday', () => {
    const d = { at: sh('2026-02-24T23:59:59.999'), basis: 'working_days' as const };
    expect(warningFrom(cal, rules, d)).toBe(sh('2026-02-14T23:59:59.999'));
    expect(deadlineStatus(cal, rules, d, sh('2026-02-14T18:00:00'))).toBe('normal');
    expect(deadlineStatus(cal, rules, d, sh('2026-02-18T10:00:00'))).toBe('due_soon');
  });

  it('warns N working days before when configured, never when 0', () => {
    const two = { ...rules, warnWorkingDaysBefore: 2 };
    expect(deadlineStatus(cal, two, deadline, sh('2026-02-26T09:00:00'))).toBe('due_soon');
    expect(deadlineStatus(cal, two, deadline, sh('2026-02-25T23:00:00'))).toBe('normal');
    const none = { ...rules, warnWorkingDaysBefore: 0 };
    expect(deadlineStatus(cal, none, deadline, sh('2026-02-27T23:00:00'))).toBe('normal');
  });

  it('an hours deadline warns the configured hours before', () => {
    const d = { at: sh('2026-10-02T05:00:00'), basis: 'hours' as const };
    expect(deadlineStatus(cal, rules, d, sh('2026-10-02T03:59:59')).valueOf()).toBe('normal');
    expect(deadlineStatus(cal, rules, d, sh('2026-10-02T04:00:01'))).toBe('due_soon');
    expect(deadlineStatus(cal, rules, d, sh('2026-10-02T05:00:01'))).toBe('overdue');
  });

  it('is monotonic: normal, then 临期, then 超期, never back', () => {
    const rank = { normal: 0, due_soon: 1, overdue: 2 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: sh('2026-01-05T00:00:00'), max: sh('2026-12-01T00:00:00') }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 0, max: 30 * 86_400_000 }),
        fc.integer({ min: 0, max: 30 * 86_400_000 }),
        (from, n, a, b) => {
          const d = deadlineAfter(cal, from, wd(n));
          const s1 = deadlineStatus(cal, rules, d, from + Math.min(a, b));
          const s2 = deadlineStatus(cal, rules, d, from + Math.max(a, b));
          return rank[s1] <= rank[s2];
        },
      ),
    );
  });

  it('a working-day deadline always ends a working day at 23:59:59.999 in Shanghai', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: sh('2004-01-01T00:00:00'), max: sh('2026-10-15T00:00:00') }),
        fc.integer({ min: 1, max: 20 }),
        (from, n) => {
          const d = deadlineAfter(cal, from, wd(n));
          const date = shanghaiDate(d.at);
          return cal.isWorkday(date) && shanghaiDate(d.at + 1) !== date && d.at > from;
        },
      ),
    );
  });
});

describe('on time', () => {
  it('is the accepted reply given no later than the deadline in force then', () => {
    const dl = sh('2026-02-27T23:59:59.999');
    expect(isOnTime({ repliedAt: dl, deadlineAtReply: dl })).toBe(true);
    expect(isOnTime({ repliedAt: dl + 1, deadlineAtReply: dl })).toBe(false);
  });
});
