/**
 * Version 8: repeat calls (重复件, issue 7 §4).
 *
 * - `cases.repeat_of`: the order (its id, the original case's uuid) a call was linked to as a
 *   repeat call. Such a case is a recorded call, not a new order: it is saved `closed` with
 *   handling mode 转办 and never enters 待派单; the order's 流转记录 shows it (link_call).
 * - `cases_repeat_by_address`: the proposal's second lookup — open orders of the same category
 *   at the same address — as an index seek on (category, normalised address, created_at). The
 *   normalisation is an SQL expression (ADDRESS_KEY_SQL), so the query repeats exactly this
 *   expression and the planner uses the index; the number lookup uses cases_by_phone.
 */
import type { Db } from '../db';

/** The normalised address as SQL: blanks (ASCII, full-width, tabs) removed, full-width digits made ASCII, lower case. */
export function addressKeySql(column: string): string {
  let e = column;
  for (const blank of [' ', '\u3000', '\t']) e = `replace(${e}, '${blank}', '')`;
  for (let d = 0; d < 10; d++) e = `replace(${e}, '${String.fromCharCode(0xff10 + d)}', '${d}')`;
  return `lower(${e})`;
}

export function migrate8(db: Db): void {
  db.exec(`
    ALTER TABLE cases ADD COLUMN repeat_of TEXT;
    CREATE INDEX cases_repeat_by_address ON cases(category_code, ${addressKeySql('address')}, created_at) WHERE address <> '';
  `);
}
