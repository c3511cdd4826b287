import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  addWorkingDays,
  CalendarNotCoveredError,
  CHINESE_DAYS_COVERAGE,
  createWorkingCalendar,
  defaultWorkingCalendar as cal,
  endOfShanghaiDay,
  parseCalendarOverride,
  shanghaiDate,
  subtractWorkingDays,
  weekday,
  type CalendarOverrideFile,
} from '../../../../src/shared/workorders/calendar';

const require = createRequire(import.meta.url);

/** the 2027 arrangement as IT would type it from the State Council's notice (illustrative dates) */
const override2027: CalendarOverrideFile = {
  format: 'hotline-desk/working-calendar@1',
  years: {
    '2027': {
      source: 'test fixture',
      holidays: ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
      workdays: ['2027-02-06', '2027-02-20'],
    },
  },
};

describe('coverage of chinese-days', () => {
  it('is read from the package data: the last year is the newest year with holidays in its data file', () => {
    const file = require.resolve('chinese-days/dist/chinese-days.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { holidays: Record<string, string>; workdays: Record<string, string> };
    const years = Object.keys(data.holidays).map((d) => Number(d.slice(0, 4)));
    expect(CHINESE_DAYS_COVERAGE.lastYear).toBe(Math.max(...years));
    expect(CHINESE_DAYS_COVERAGE.firstYear).toBe(Math.min(...years));
    // every covered year has its own Spring Festival holidays (no gap in the data)
    for (let y = CHINESE_DAYS_COVERAGE.firstYear; y <= CHINESE_DAYS_COVERAGE.lastYear; y++) {
      expect(years.filter((x) => x === y).length, `holidays in ${y}`).toBeGreaterThan(3);
    }
    // the version installed covers 2026 (the year the tests below rely on)
    expect(CHINESE_DAYS_COVERAGE.lastYear).toBeGreaterThanOrEqual(2026);
  });

  it('agrees with the package’s own isWorkday for every day it covers (run in Asia/Shanghai, where the package is right)', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Asia/Shanghai';
    try {
      const lib = (await import('chinese-days')).default as { isWorkday: (d: string) => boolean };
      let d = `${CHINESE_DAYS_COVERAGE.firstYear}-01-01`;
      const end = `${CHINESE_DAYS_COVERAGE.lastYear}-12-31`;
      let n = 0;
      const diffs: string[] = [];
      while (d <= end) {
        if (cal.isWorkday(d) !== lib.isWorkday(d)) diffs.push(d);
        d = addCalendarDays(d, 1);
        n++;
      }
      expect(diffs).toEqual([]);
      expect(n).toBeGreaterThan(365 * 20);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('2026: Spring Festival and National Day', () => {
  it.each([
    ['2026-02-13', true, 'Friday before the holiday'],
    ['2026-02-14', true, 'make-up working Saturday'],
    ['2026-02-15', false, 'Sunday, holiday'],
    ['2026-02-16', false, 'Monday, holiday'],
    ['2026-02-23', false, 'Monday, last day of the holiday'],
    ['2026-02-24', true, 'first working day after'],
    ['2026-02-28', true, 'make-up working Saturday'],
    ['2026-03-01', false, 'ordinary Sunday'],
    ['2026-09-20', true, 'make-up working Sunday for National Day'],
    ['2026-09-25', false, 'Mid-Autumn Festival, Friday'],
    ['2026-10-01', false, 'National Day'],
    ['2026-10-07', false, 'last day of National Day holiday'],
    ['2026-10-08', true, 'Thursday after'],
    ['2026-10-10', true, 'make-up working Saturday'],
    ['2026-10-11', false, 'ordinary Sunday'],
  ])('%s is a working day: %s (%s)', (date, expected) => {
    expect(cal.isWorkday(date)).toBe(expected);
  });

  it('counts working days across the Spring Festival', () => {
    expect(addWorkingDays(cal, '2026-02-13', 1)).toBe('2026-02-14');
    expect(addWorkingDays(cal, '2026-02-13', 2)).toBe('2026-02-24');
    expect(addWorkingDays(cal, '2026-02-13', 5)).toBe('2026-02-27');
    expect(addWorkingDays(cal, '2026-02-13', 6)).toBe('2026-02-28');
    expect(addWorkingDays(cal, '2026-02-13', 7)).toBe('2026-03-02');
    expect(addWorkingDays(cal, '2026-02-16', 0)).toBe('2026-02-24');
    expect(subtractWorkingDays(cal, '2026-02-24', 1)).toBe('2026-02-14');
  });

  it('counts working days across National Day', () => {
    expect(addWorkingDays(cal, '2026-09-30', 1)).toBe('2026-10-08');
    expect(addWorkingDays(cal, '2026-09-30', 3)).toBe('2026-10-10');
    expect(addWorkingDays(cal, '2026-09-30', 5)).toBe('2026-10-13');
    expect(addWorkingDays(cal, '2026-09-18', 1)).toBe('2026-09-20');
  });
});

describe('Asia/Shanghai, whatever the machine’s time zone', () => {
  it('turns instants into Shanghai dates and days into instants', () => {
    expect(shanghaiDate(Date.parse('2026-02-13T15:59:59.999Z'))).toBe('2026-02-13');
    expect(shanghaiDate(Date.parse('2026-02-13T16:00:00.000Z'))).toBe('2026-02-14');
    expect(endOfShanghaiDay('2026-02-27')).toBe(Date.parse('2026-02-27T23:59:59.999+08:00'));
    expect(weekday('2026-02-14')).toBe(6);
  });

  it('rejects impossible dates', () => {
    expect(() => cal.isWorkday('2026-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkday('2026-2-3')).toThrow(RangeError);
  });
});

describe('years without data', () => {
  it('refuses a date after the last covered year with a zh/en message', () => {
    const next = `${CHINESE_DAYS_COVERAGE.lastYear + 1}-01-04`;
    let err: unknown;
    try {
      cal.isWorkday(next);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CalendarNotCoveredError);
    const e = err as CalendarNotCoveredError;
    expect(e.code).toBe('calendar_year_not_covered');
    expect(e.year).toBe(CHINESE_DAYS_COVERAGE.lastYear + 1);
    expect(e.text.zh).toContain(`${CHINESE_DAYS_COVERAGE.lastYear + 1} 年的法定节假日安排尚未载入`);
    expect(e.text.en).toContain(`official ${CHINESE_DAYS_COVERAGE.lastYear + 1} holiday calendar is not loaded`);
  });

  it('refuses a date before the first covered year', () => {
    expect(() => cal.isWorkday('2003-06-02')).toThrow(CalendarNotCoveredError);
  });

  it('refuses a count that runs into 2027, and computes it once a 2027 override is loaded', () => {
    expect(() => addWorkingDays(cal, '2026-12-28', 5)).toThrow(CalendarNotCoveredError);
    const withOverride = createWorkingCalendar([override2027]);
    // 12-29, 12-30, 12-31, (01-01 holiday, weekend) 01-04, 01-05
    expect(addWorkingDays(withOverride, '2026-12-28', 5)).toBe('2027-01-05');
    expect(withOverride.isWorkday('2027-02-06')).toBe(true); // a make-up Saturday
    expect(withOverride.isWorkday('2027-02-08')).toBe(false); // a holiday Monday
    expect(withOverride.lastCoveredYear).toBe(2027);
    expect(() => withOverride.isWorkday('2028-01-03')).toThrow(CalendarNotCoveredError);
  });
});

describe('override files', () => {
  it('parses a valid file', () => {
    const r = parseCalendarOverride(JSON.parse(JSON.stringify(override2027)));
    expect(r.ok).toBe(true);
  });

  it.each([
    ['wrong format tag', { format: 'x', years: {} }, 'format'],
    ['a date of another year', { format: 'hotline-desk/working-calendar@1', years: { '2027': { holidays: ['2028-01-01'], workdays: [] } } }, 'is not in 2027'],
    ['a weekday listed as a make-up day', { format: 'hotline-desk/working-calendar@1', years: { '2027': { holidays: [], workdays: ['2027-02-08'] } } }, 'is a weekday'],
    ['a date listed twice', { format: 'hotline-desk/working-calendar@1', years: { '2027': { holidays: ['2027-01-01'], workdays: ['2027-01-01'] } } }, 'listed twice'],
    ['a malformed date', { format: 'hotline-desk/working-calendar@1', years: { '2027': { holidays: ['2027-13-01'], workdays: [] } } }, 'not a calendar date'],
    ['a malformed year key', { format: 'hotline-desk/working-calendar@1', years: { '27': { holidays: [], workdays: [] } } }, 'years.27'],
    ['an unknown field', { format: 'hotline-desk/working-calendar@1', years: { '2027': { holidays: [], workdays: [], extra: 1 } } }, 'extra'],
  ])('rejects %s with a readable error', (_name, json, fragment) => {
    const r = parseCalendarOverride(json);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain(fragment);
  });

  it('replaces the package for a covered year and may set a make-up day in December of the year before', () => {
    const file: CalendarOverrideFile = {
      format: 'hotline-desk/working-calendar@1',
      years: { '2027': { holidays: ['2027-01-01'], workdays: ['2026-12-26'] } },
    };
    const c = createWorkingCalendar([file]);
    expect(cal.isWorkday('2026-12-26')).toBe(false); // a Saturday in the package data
    expect(c.isWorkday('2026-12-26')).toBe(true);
    expect(c.isWorkday('2026-12-27')).toBe(false); // the rest of 2026 still comes from the package
    const fix: CalendarOverrideFile = {
      format: 'hotline-desk/working-calendar@1',
      years: { '2026': { holidays: ['2026-03-02'], workdays: [] } },
    };
    const c2 = createWorkingCalendar([fix]);
    expect(c2.isWorkday('2026-03-02')).toBe(false);
    expect(c2.isWorkday('2026-02-16')).toBe(true); // the override replaces the whole year
  });
});

describe('properties', () => {
  const coveredDate = fc
    .integer({ min: Date.UTC(2004, 0, 1) / 86_400_000, max: Date.UTC(2026, 8, 1) / 86_400_000 }) // + up to 30 working days stays in 2026
    .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));

  it('n ≥ 1 working days after any date is a working day, later than the date', () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: 1, max: 20 }), (d, n) => {
        const r = addWorkingDays(cal, d, n);
        return cal.isWorkday(r) && r > d;
      }),
    );
  });

  it('adding n then m working days equals adding n + m', () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 15 }), (d, n, m) => {
        return addWorkingDays(cal, addWorkingDays(cal, d, n), m) === addWorkingDays(cal, d, n + m);
      }),
    );
  });

  it('subtracting n working days undoes adding them, from a working day', () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: 1, max: 20 }), (d, n) => {
        const w = addWorkingDays(cal, d, 0);
        return subtractWorkingDays(cal, addWorkingDays(cal, w, n), n) === w;
      }),
    );
  });

  it('exactly n working days lie in (d, d + n working days]', () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: 1, max: 20 }), (d, n) => {
        const end = addWorkingDays(cal, d, n);
        let count = 0;
        for (let x = addCalendarDays(d, 1); x <= end; x = addCalendarDays(x, 1)) if (cal.isWorkday(x)) count++;
        return count === n;
      }),
    );
  });
});
