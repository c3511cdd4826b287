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

// the caller's row is written by case-writer.ts, by its one rule for the name (CALLER_MERGE_SQL)
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
