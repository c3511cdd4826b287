/**
 * The jining-2019 plan's quotas: the days and per-case decisions the generator follows add up to
 * the article's figures exactly (the report of a seeded server counts them; see
 * tests/unit/server/reports.test.ts for the counting itself).
 */
import { describe, expect, it } from 'vitest';
import { apportion, jining2019Plan, JINING_2019 } from '../../../src/main/seed/jining-2019';

describe('jining-2019 plan', () => {
  it('apportions exactly, by largest remainder', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [0.5, 0.25, 0.25]).reduce((a, b) => a + b)).toBe(7);
  });

  it('plans 2019-01-01 … 2019-10-15 with the article’s received, channel, valid and September figures', () => {
    const plan = jining2019Plan(12345);
    const sepFrom = Date.parse('2019-09-01T00:00:00+08:00');
    const octFrom = Date.parse('2019-10-01T00:00:00+08:00');
    expect(plan.days[0]!.start).toBe(Date.parse('2019-01-01T00:00:00+08:00'));
    expect(plan.days.at(-1)!.start).toBe(Date.parse('2019-10-15T00:00:00+08:00'));
    expect(plan.days.length).toBe(288);
    const total = { all: 0, hotline: 0, mailbox: 0, valid: 0, sep: 0, sepValid: 0, sepDispatch: 0, dispatchInvalid: 0 };
    for (const day of plan.days) {
      for (let i = 0; i < day.count; i++) {
        const c = plan.next();
        const sep = day.start >= sepFrom && day.start < octFrom;
        total.all++;
        if (c.channel === 'hotline') total.hotline++;
        if (c.channel === 'mayor_mailbox') total.mailbox++;
        if (c.valid) total.valid++;
        if (!c.valid && c.dispatch) total.dispatchInvalid++;
        if (sep) {
          total.sep++;
          if (c.valid) total.sepValid++;
          if (c.dispatch) total.sepDispatch++;
        }
      }
    }
    expect(total).toEqual({
      all: JINING_2019.received,
      hotline: JINING_2019.hotline,
      mailbox: JINING_2019.mayorMailbox,
      valid: JINING_2019.valid,
      sep: JINING_2019.september.received,
      sepValid: JINING_2019.september.valid,
      sepDispatch: JINING_2019.september.dispatched,
      dispatchInvalid: 0,
    });
  });
});
