/**
 * 来电历史: what the operator sees while the caller is still greeting. Every query here is an
 * index seek on the normalised number (tests assert the plans), so the panel stays instant on
 * a store of millions of cases and for callers with thousands of calls.
 */
import type { CallerHistory, CaseSummary } from '../../shared/schemas';
import { normalizePhone } from '../../shared/phone';
import type { Db } from './db';
import { SUMMARY_COLUMNS, SUMMARY_JOINS, toSummary, type SummaryRow } from './summary';

const DAY_MS = 86_400_000;

/**
 * The one rule for a caller's row (来电人), whoever writes it — intake, a pulled page, the end of
 * a first sync, the bulk loader: the name is the one given on the most recent call that gave a
 * name (an anonymous call never erases it, an older call arriving late never overrides a newer
 * one), first_seen and last_seen span every call. Writers merge a row with this clause.
 */
export const CALLER_MERGE_SQL = `ON CONFLICT (phone) DO UPDATE SET
      name = CASE WHEN excluded.name <> '' AND (name = '' OR excluded.last_seen >= last_seen) THEN excluded.name ELSE name END,
      first_seen = min(first_seen, excluded.first_seen),
      last_seen = max(last_seen, excluded.last_seen)`;

/** one call's caller: (phone, phone_rev, name, first_seen, last_seen) */
export const CALLER_UPSERT_SQL = `INSERT INTO callers (phone, phone_rev, name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
    ${CALLER_MERGE_SQL}`;

/**
 * Every number's caller row derived from its contacts by the same rule: the latest name given
 * (SQLite's bare column of a max() aggregate is the row holding the max), over the whole span.
 * `rev` gives the SQL that reverses a column's digits. Both halves scan contacts_by_phone.
 */
export const callersFromContactsSql = (rev: (column: string) => string): string => `
    INSERT INTO callers (phone, phone_rev, name, first_seen, last_seen)
    SELECT k.phone, ${rev('k.phone')}, coalesce(n.name, ''), k.first_seen, k.last_seen
    FROM (SELECT phone, min(created_at) AS first_seen, max(created_at) AS last_seen FROM contacts GROUP BY phone) k
    LEFT JOIN (SELECT phone, caller_name AS name, max(created_at) FROM contacts WHERE caller_name <> '' GROUP BY phone) n ON n.phone = k.phone
    WHERE true
    ${CALLER_MERGE_SQL}`;
export const HISTORY_LIMIT = 20;

export interface CallerContext {
  defaultAreaCode: string;
  now: () => number;
}

function parseLabels(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** The history panel's queries, exported so tests can assert their plans (index seeks only). */
export const HISTORY_SQL = {
  caller: 'SELECT name, labels FROM callers WHERE phone = ?',
  callsSince: 'SELECT count(*) AS n FROM contacts WHERE phone = ? AND created_at >= ?',
  openCases: `
    SELECT ${SUMMARY_COLUMNS} FROM cases c ${SUMMARY_JOINS}
    WHERE c.phone = ? AND c.status <> 'closed'
    ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
  recentCases: `
    SELECT ${SUMMARY_COLUMNS} FROM cases c ${SUMMARY_JOINS}
    WHERE c.phone = ?
    ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
} as const;

export function createCallers(db: Db, ctx: CallerContext) {
  const caller = db.prepare<[string], { name: string; labels: string }>(HISTORY_SQL.caller);
  const callsSince = db.prepare<[string, number], { n: number }>(HISTORY_SQL.callsSince);
  const openCases = db.prepare<[string, number], SummaryRow>(HISTORY_SQL.openCases);
  const recentCases = db.prepare<[string, number], SummaryRow>(HISTORY_SQL.recentCases);

  const unknown = (phone: string | null): CallerHistory => ({
    phone,
    known: false,
    callerName: null,
    lastAddress: null,
    labels: [],
    totalCalls: 0,
    callsLast30Days: 0,
    openCases: [],
    recentCases: [],
  });

  return {
    callerHistory(phoneText: string, opts: { limit?: number } = {}): CallerHistory {
      const parsed = normalizePhone(phoneText.slice(0, 64), { defaultAreaCode: ctx.defaultAreaCode });
      if (!parsed.ok) return unknown(null);
      const phone = parsed.number;
      const profile = caller.get(phone);
      if (!profile) return unknown(phone);
      const limit = Math.max(1, Math.min(opts.limit ?? HISTORY_LIMIT, 200));
      const summaries = (rows: SummaryRow[]): CaseSummary[] => rows.map(toSummary);
      const recent = summaries(recentCases.all(phone, limit));
      return {
        phone,
        known: true,
        callerName: profile.name === '' ? null : profile.name,
        lastAddress: recent.find((c) => c.address.trim() !== '')?.address ?? null,
        labels: parseLabels(profile.labels),
        totalCalls: callsSince.get(phone, Number.MIN_SAFE_INTEGER)!.n,
        callsLast30Days: callsSince.get(phone, ctx.now() - 30 * DAY_MS)!.n,
        openCases: summaries(openCases.all(phone, limit)),
        recentCases: recent,
      };
    },
  };
}
