/**
 * Official numbers (正式编号): prefix + the centre's date + a daily sequence, JN20261127-000123.
 * The date is the day the server registered the case (登记日) in the centre's time zone, not
 * the workstation's clock: a case logged offline late on the 26th and pushed on the 27th gets a
 * number of the 27th. Numbers are given inside the push transaction (case-create.ts, the row of
 * the day in official_no_days), so a rolled-back push leaves no hole in the day's sequence.
 */

/** one formatter per time zone: building one costs more than the statement it dates */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

export function centreDay(epochMs: number, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) dayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = format.formatToParts(new Date(epochMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}`;
}

/** the number: the sequence zero-padded to 6 digits, and never cut past 999999 (it widens) */
export const formatOfficialNo = (prefix: string, day: string, seq: number): string =>
  `${prefix}${day}-${String(seq).padStart(6, '0')}`;

/** formatOfficialNo as a SQL expression over three SQL expressions (text, text, integer) */
export const officialNoSql = (prefix: string, day: string, seq: string): string =>
  `${prefix} || ${day} || '-' || CASE WHEN ${seq} < 1000000 THEN lpad(${seq}::text, 6, '0') ELSE ${seq}::text END`;
