/**
 * 搜索: one box for case numbers, phone numbers (full or the last 4+ digits), names, addresses
 * and words of the content. Whatever is typed returns results or a plain message key, never an
 * exception: user text only ever reaches SQLite as a bound parameter or as tokens quoted by
 * buildMatch.
 */
import type { CaseSummary, SearchResult } from '../../shared/schemas';
import { normalizePhone } from '../../shared/phone';
import type { Db } from './db';
import { buildMatch, MAX_QUERY_CHARS } from './fts';
import { SUMMARY_COLUMNS, SUMMARY_JOINS, toSummary, type SummaryRow } from './summary';

/**
 * W001-20261127-0042 or JN-20261127-000123, whole or a leading part (W001-20261127); or an
 * official number as the server gives it, JN20261127-000123 (src/server/sync/official-no.ts),
 * from its date on (JN20261127).
 */
const CASE_NO = /^(?:[A-Z][A-Z0-9]{0,7}-(?:\d{1,8}(?:-\d{0,6})?)?|[A-Z]{1,8}\d{8}(?:-\d{0,6})?)$/;
/** 后四位: bare digits too short to be a full mobile are the tail of one (or a bare landline) */
const PHONE_TAIL = /^\d{4,10}$/;
/** a suffix like 1234 matches about one caller in 10,000; cap the set for 4 digits on huge stores */
const MAX_SUFFIX_CALLERS = 500;
/** every character of a case number sorts below '~', so [p, p + '~') is "starts with p" */
const AFTER_CASE_NO = '~';
/** every digit sorts below ':' */
const AFTER_DIGITS = ':';

export interface SearchContext {
  defaultAreaCode: string;
}

/** The search queries, exported so tests can assert their plans. */
export const SEARCH_SQL = {
  byLocalNo: `
    SELECT ${SUMMARY_COLUMNS} FROM cases c ${SUMMARY_JOINS}
    WHERE c.local_no >= ? AND c.local_no < ? ORDER BY c.local_no DESC LIMIT ?`,
  byOfficialNo: `
    SELECT ${SUMMARY_COLUMNS} FROM cases c ${SUMMARY_JOINS}
    WHERE c.official_no >= ? AND c.official_no < ? ORDER BY c.official_no DESC LIMIT ?`,
  byPhone: `
    SELECT ${SUMMARY_COLUMNS} FROM cases c ${SUMMARY_JOINS}
    WHERE c.phone = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
  /**
   * The newest case ids of callers whose number ends in the digits: a range of the reversed
   * numbers, then each caller's cases from the covering (phone, created_at) index. Only ids and
   * times are sorted, so a caller with thousands of calls costs index entries, not rows.
   */
  idsByPhoneTail: `
    SELECT c.id FROM (SELECT phone FROM callers WHERE phone_rev >= ? AND phone_rev < ? LIMIT ?) k
    JOIN cases c ON c.phone = k.phone
    ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
  byIds: `
    SELECT ${SUMMARY_COLUMNS} FROM cases c ${SUMMARY_JOINS}
    WHERE c.id IN (SELECT value FROM json_each(?))
    ORDER BY c.created_at DESC, c.id DESC`,
  byText: `
    SELECT ${SUMMARY_COLUMNS}
    FROM (SELECT rowid AS id FROM case_search WHERE case_search MATCH ? ORDER BY rowid DESC LIMIT ?) m
    JOIN cases c ON c.id = m.id ${SUMMARY_JOINS}
    ORDER BY c.id DESC`,
} as const;

export function createSearch(db: Db, ctx: SearchContext) {
  const byLocalNo = db.prepare<[string, string, number], SummaryRow>(SEARCH_SQL.byLocalNo);
  const byOfficialNo = db.prepare<[string, string, number], SummaryRow>(SEARCH_SQL.byOfficialNo);
  const byPhone = db.prepare<[string, number], SummaryRow>(SEARCH_SQL.byPhone);
  const idsByPhoneTail = db.prepare<[string, string, number, number], number>(SEARCH_SQL.idsByPhoneTail).pluck();
  const byIds = db.prepare<[string], SummaryRow>(SEARCH_SQL.byIds);
  const byText = db.prepare<[string, number], SummaryRow>(SEARCH_SQL.byText);

  const newestFirst = (a: SummaryRow, b: SummaryRow) => b.createdAt - a.createdAt || b.id - a.id;

  const byPhoneTail = (digits: string, n: number): SummaryRow[] => {
    const rev = digits.split('').reverse().join('');
    const ids = idsByPhoneTail.all(rev, rev + AFTER_DIGITS, MAX_SUFFIX_CALLERS, n);
    return ids.length === 0 ? [] : byIds.all(JSON.stringify(ids));
  };

  const result = (kind: SearchResult['kind'], rows: SummaryRow[], message: string | null = null): SearchResult => {
    const results: CaseSummary[] = rows.map(toSummary);
    return { kind, results, message: results.length === 0 && kind !== 'empty' ? 'search.noResults' : message };
  };

  return {
    search(q: string, limit: number): SearchResult {
      const n = Math.max(1, Math.min(Math.trunc(limit) || 50, 200));
      const truncated = q.length > MAX_QUERY_CHARS;
      const text = q.slice(0, MAX_QUERY_CHARS).normalize('NFKC').trim();
      if (text === '') return result('empty', []);

      const upper = text.toUpperCase();
      if (CASE_NO.test(upper)) {
        const found = new Map<number, SummaryRow>();
        for (const row of byLocalNo.all(upper, upper + AFTER_CASE_NO, n)) found.set(row.id, row);
        for (const row of byOfficialNo.all(upper, upper + AFTER_CASE_NO, n)) found.set(row.id, row);
        const rows = [...found.values()].sort(newestFirst);
        return result('case_no', rows.slice(0, n));
      }
      if (PHONE_TAIL.test(text)) return result('phone_suffix', byPhoneTail(text, n));
      const phone = normalizePhone(text, { defaultAreaCode: ctx.defaultAreaCode });
      if (phone.ok) return result('phone', byPhone.all(phone.number, n));

      const plan = buildMatch(text);
      if (plan.kind === 'too_short') return { kind: 'too_short', results: [], message: 'search.tooShort' };
      if (plan.kind === 'nothing') return result('text', []);
      return result('text', byText.all(plan.match, n), truncated ? 'search.queryTruncated' : null);
    },
  };
}
