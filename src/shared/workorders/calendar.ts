/**
 * The official Chinese working-day calendar (法定节假日与调休), in Asia/Shanghai, independent of
 * the machine's time zone.
 *
 * Source: the data file that the npm package `chinese-days` ships (`dist/chinese-days.json`,
 * generated from the State Council's notices). We read its data rather than call its
 * `isWorkday()`: that function reads the local time zone of the machine, and west of UTC it
 * answers for the wrong day (with TZ=America/Los_Angeles, `isWorkday('2026-03-02')`, a Monday,
 * is false). Here every date is a plain `YYYY-MM-DD` string of the Shanghai calendar and the
 * weekday is computed in UTC, so the answer is the same on every machine.
 *
 * Coverage: the package has data for the years present in its file (2004 … 2026 in 1.5.7; the
 * bounds are read from the data at load time, not hard-coded, so an upgrade widens them). For a
 * year outside that range the package would silently answer "Monday to Friday", which is wrong
 * for China; we refuse instead ({@link CalendarNotCoveredError}) unless IT has loaded an override
 * for that year ({@link parseCalendarOverride}).
 *
 * Asia/Shanghai has had a fixed offset of UTC+8 without daylight saving since 1991, so the
 * conversion between an instant (epoch ms) and a Shanghai date is a fixed 8-hour shift.
 */
import { z } from 'zod';
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

/** A Shanghai calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

const DAY_MS = 86_400_000;
/** Asia/Shanghai = UTC+8, no DST since 1991. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A valid calendar date string (rejects 2026-02-30). */
export const LocalDateSchema = z
  .string()
  .regex(DATE_RE, { message: 'date must be YYYY-MM-DD' })
  .refine((s) => toDayNumber(s) !== null, { message: 'not a calendar date' });

// deadlines walk the same few weeks again and again: parsed dates and formatted day numbers are
// remembered (bounded; a pure cache, the answers are the same)
const CACHE_MAX = 50_000;
const parsedDates = new Map<string, number | null>();
const formattedDays = new Map<number, LocalDate>();

/** Days since 1970-01-01 for a `YYYY-MM-DD` (null when it is not a real date). */
function toDayNumber(date: LocalDate): number | null {
  const known = parsedDates.get(date);
  if (known !== undefined) return known;
  const n = parseDayNumber(date);
  if (parsedDates.size < CACHE_MAX) parsedDates.set(date, n);
  return n;
}

function parseDayNumber(date: LocalDate): number | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

function dayNumber(date: LocalDate): number {
  const n = toDayNumber(date);
  if (n === null) throw new RangeError(`not a calendar date: ${date}`);
  return n;
}

function fromDayNumber(n: number): LocalDate {
  let date = formattedDays.get(n);
  if (date === undefined) {
    date = new Date(n * DAY_MS).toISOString().slice(0, 10);
    if (formattedDays.size < CACHE_MAX) formattedDays.set(n, date);
  }
  return date;
}

/** The Shanghai calendar date of an instant. */
export function shanghaiDate(at: number): LocalDate {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The last millisecond (23:59:59.999 Asia/Shanghai) of a date, as epoch ms. */
export function endOfShanghaiDay(date: LocalDate): number {
  return (dayNumber(date) + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1;
}

/** The first millisecond (00:00 Asia/Shanghai) of a date, as epoch ms. */
export function startOfShanghaiDay(date: LocalDate): number {
  return dayNumber(date) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** The date `n` calendar days after `date` (n may be negative). */
export function addCalendarDays(date: LocalDate, n: number): LocalDate {
  return fromDayNumber(dayNumber(date) + n);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: LocalDate): number {
  return new Date(dayNumber(date) * DAY_MS).getUTCDay();
}

const yearOf = (date: LocalDate): number => Number(date.slice(0, 4));

// ─── the package's data ────────────────────────────────────────────────────────────────────

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays: Record<string, string>;
}
const data = chineseDays as ChineseDaysData;

function yearsIn(map: Record<string, string>): number[] {
  return Object.keys(map).map((d) => yearOf(d));
}

/**
 * The years `chinese-days` has official data for, read from its data file: every year from the
 * first to the last that has at least one holiday on record. (Every year since 2004 has at
 * least New Year's Day and the Spring Festival.)
 */
export const CHINESE_DAYS_COVERAGE: Readonly<{ firstYear: number; lastYear: number }> = Object.freeze({
  firstYear: Math.min(...yearsIn(data.holidays)),
  lastYear: Math.max(...yearsIn(data.holidays)),
});
// A make-up day in late December can be announced with the next year's notice (2018-12-29 was
// set by the 2019 notice); the package stores it under its own date, inside a covered year. So a
// late-December date of the last covered year may still change when the next notice appears.

// ─── override calendars, added by IT as a JSON file ────────────────────────────────────────

/**
 * One year of an override calendar: the official notice of that year, as dates.
 * - `holidays`: days off, including the weekdays moved into a holiday (调休放假);
 * - `workdays`: weekend days that are working days (调休上班, e.g. 2026-02-14).
 * Any other Monday–Friday is a working day and any other Saturday/Sunday is not.
 * Dates belong to that year, or to December of the year before (a make-up Saturday before
 * New Year can be announced with the next year's notice).
 */
export const CalendarOverrideYear = z
  .object({
    /** where it comes from, e.g. "国务院办公厅关于2027年部分节假日安排的通知" */
    source: z.string().max(500).optional(),
    holidays: z.array(LocalDateSchema).max(366),
    workdays: z.array(LocalDateSchema).max(366),
  })
  .strict();
export type CalendarOverrideYear = z.infer<typeof CalendarOverrideYear>;

/**
 * The override file, e.g. `resources/calendar/override.json`:
 * ```json
 * { "format": "hotline-desk/working-calendar@1",
 *   "years": { "2027": { "source": "…", "holidays": ["2027-01-01", …], "workdays": ["2027-02-06", …] } } }
 * ```
 * A year listed here replaces the package's answer for that year entirely (so it can also
 * correct a year the package has).
 */
export const CalendarOverrideFile = z
  .object({
    format: z.literal('hotline-desk/working-calendar@1'),
    years: z.record(z.string().regex(/^\d{4}$/, { message: 'year must be 4 digits' }), CalendarOverrideYear),
  })
  .strict()
  .superRefine((file, ctx) => {
    for (const [key, year] of Object.entries(file.years)) {
      const y = Number(key);
      const inScope = (d: string): boolean => yearOf(d) === y || d.startsWith(`${y - 1}-12-`);
      const seen = new Set<string>();
      for (const [field, list] of [['holidays', year.holidays], ['workdays', year.workdays]] as const) {
        list.forEach((d, i) => {
          if (!inScope(d)) {
            ctx.addIssue({ code: 'custom', path: ['years', key, field, i], message: `${d} is not in ${key} (nor December ${y - 1})` });
          }
          if (seen.has(d)) {
            ctx.addIssue({ code: 'custom', path: ['years', key, field, i], message: `${d} is listed twice` });
          }
          seen.add(d);
        });
      }
      year.workdays.forEach((d, i) => {
        const wd = toDayNumber(d) === null ? -1 : weekday(d);
        if (wd >= 1 && wd <= 5) {
          ctx.addIssue({ code: 'custom', path: ['years', key, 'workdays', i], message: `${d} is a weekday: list only weekend days that are worked` });
        }
      });
    }
  });
export type CalendarOverrideFile = z.infer<typeof CalendarOverrideFile>;

/** Bilingual message, the shape every refusal in src/shared/workorders uses. */
export interface Message {
  zh: string;
  en: string;
}

/** Thrown by a calendar computation that touches a year with no official data. */
export class CalendarNotCoveredError extends Error {
  readonly code = 'calendar_year_not_covered' as const;
  readonly year: number;
  readonly date: LocalDate;
  readonly text: Message;
  constructor(date: LocalDate, coveredUntil: number) {
    const year = yearOf(date);
    const text: Message = {
      zh: `${year} 年的法定节假日安排尚未载入（内置日历覆盖至 ${coveredUntil} 年），无法按工作日计算 ${date} 前后的期限。请由信息部门添加 ${year} 年的节假日文件。`,
      en: `The official ${year} holiday calendar is not loaded (built-in data ends with ${coveredUntil}), so working days around ${date} cannot be computed. IT must add a calendar file for ${year}.`,
    };
    super(text.en);
    this.name = 'CalendarNotCoveredError';
    this.year = year;
    this.date = date;
    this.text = text;
  }
}

/** Parse an override file's JSON (already parsed from text: the reading happens in main/server). */
export function parseCalendarOverride(
  json: unknown,
): { ok: true; override: CalendarOverrideFile } | { ok: false; errors: string[] } {
  const r = CalendarOverrideFile.safeParse(json);
  if (r.success) return { ok: true, override: r.data };
  return { ok: false, errors: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
}

export interface WorkingCalendar {
  /** Is this Shanghai date a working day? Throws CalendarNotCoveredError outside the data. */
  isWorkday(date: LocalDate): boolean;
  /** Is this year known (package data or an override)? */
  covers(year: number): boolean;
  /** The last year known without a gap from the package's first year. */
  readonly lastCoveredYear: number;
}

/**
 * A calendar: the package's data, with the given override files layered on top (a later file
 * wins for a year listed twice).
 */
export function createWorkingCalendar(overrides: readonly CalendarOverrideFile[] = []): WorkingCalendar {
  const overrideYears = new Map<number, { holidays: Set<string>; workdays: Set<string> }>();
  for (const file of overrides) {
    for (const [key, year] of Object.entries(file.years)) {
      overrideYears.set(Number(key), { holidays: new Set(year.holidays), workdays: new Set(year.workdays) });
    }
  }
  const covers = (year: number): boolean =>
    overrideYears.has(year) || (year >= CHINESE_DAYS_COVERAGE.firstYear && year <= CHINESE_DAYS_COVERAGE.lastYear);
  let lastCoveredYear = CHINESE_DAYS_COVERAGE.lastYear;
  while (overrideYears.has(lastCoveredYear + 1)) lastCoveredYear++;

  // an override for year Y may also list dates of December Y-1
  const overrideFor = (date: LocalDate): { holidays: Set<string>; workdays: Set<string> } | undefined => {
    const y = yearOf(date);
    const own = overrideYears.get(y);
    const next = date.slice(5, 7) === '12' ? overrideYears.get(y + 1) : undefined;
    if (next && (next.holidays.has(date) || next.workdays.has(date))) return next;
    return own;
  };

  return {
    covers,
    lastCoveredYear,
    isWorkday(date: LocalDate): boolean {
      const wd = weekday(date); // also validates the date
      const ov = overrideFor(date);
      if (ov) {
        if (ov.workdays.has(date)) return true;
        if (ov.holidays.has(date)) return false;
        return wd >= 1 && wd <= 5;
      }
      if (!covers(yearOf(date))) throw new CalendarNotCoveredError(date, lastCoveredYear);
      if (data.workdays[date] !== undefined) return true;
      if (data.holidays[date] !== undefined) return false;
      return wd >= 1 && wd <= 5;
    },
  };
}

/** The package's calendar with no override. */
export const defaultWorkingCalendar: WorkingCalendar = createWorkingCalendar();

/**
 * The date `n` working days after `date` (n ≥ 0; n = 0 gives `date` itself if it is a working
 * day, else the next working day). `date` itself is never counted for n ≥ 1.
 */
export function addWorkingDays(cal: WorkingCalendar, date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  let d = date;
  if (n === 0) {
    while (!cal.isWorkday(d)) d = addCalendarDays(d, 1);
    return d;
  }
  let left = n;
  while (left > 0) {
    d = addCalendarDays(d, 1);
    if (cal.isWorkday(d)) left--;
  }
  return d;
}

/** The date `n` working days before `date` (n ≥ 1), `date` itself not counted. */
export function subtractWorkingDays(cal: WorkingCalendar, date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a whole number ≥ 1, got ${n}`);
  let d = date;
  let left = n;
  while (left > 0) {
    d = addCalendarDays(d, -1);
    if (cal.isWorkday(d)) left--;
  }
  return d;
}
