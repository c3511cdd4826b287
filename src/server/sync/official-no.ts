/**
 * Official numbers (正式编号): prefix + the centre's date + a daily sequence, JN20261127-000123.
 * The date is the day the server registered the case (登记日) in the centre's time zone, not
 * the workstation's clock: a case logged offline late on the 26th and pushed on the 27th gets a
 * number of the 27th. Numbers are given inside the push transaction, so a rolled-back push
 * leaves no hole in the day's sequence.
 */
import type { Queryable } from '../db/adapter';

export function centreDay(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(epochMs),
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}`;
}

export const formatOfficialNo = (prefix: string, day: string, seq: number): string =>
  `${prefix}${day}-${String(seq).padStart(6, '0')}`;

/** Reserves n numbers of `day`, in order. */
export async function allocateOfficialNos(tx: Queryable, prefix: string, day: string, n: number): Promise<string[]> {
  if (n === 0) return [];
  const [row] = await tx.query<{ last: number }>(
    `INSERT INTO official_no_days (day, last) VALUES ($1, $2)
     ON CONFLICT (day) DO UPDATE SET last = official_no_days.last + EXCLUDED.last
     RETURNING last`,
    [day, n],
    { prepared: true },
  );
  const first = row!.last - n + 1;
  return Array.from({ length: n }, (_, i) => formatOfficialNo(prefix, day, first + i));
}
