/**
 * 可能重复 (重复件, issue 7 §4): while the operator types, the open order this call may repeat.
 *
 * Two index seeks over the pulled orders (`orders`, state not closed) of cases created in the
 * last `windowDays`: by the caller's normalised number first (cases_by_phone), then by the same
 * category and normalised address (cases_repeat_by_address, migration 8, whose expression the
 * query repeats exactly). The newest match wins. Tests assert the plans; `npm run bench -- store`
 * measures it on a store of 1,000,000 cases (repeat_proposal).
 */
import { normalizePhone } from '../../shared/phone';
import type { RepeatProposal } from '../../shared/desk-orders';
import type { WorkOrder } from '../../shared/workorders';
import type { Db } from './db';
import { addressKeySql } from './migrations/008_repeat_calls';

export const DAY_MS = 86_400_000;
export const DEFAULT_REPEAT_WINDOW_DAYS = 30;
/** an address shorter than this (blanks removed) says too little to propose a repeat */
export const MIN_ADDRESS_KEY = 4;

const COLUMNS = `o.case_id AS caseId, o.order_id AS orderId, o.state, o.unit_code AS unitCode, o.snapshot,
  coalesce(c.official_no, c.local_no) AS officialNo, c.content, c.created_at AS receivedAt`;

/** The proposal's queries, exported so tests can assert their plans (index seeks only). */
export const REPEAT_SQL = {
  byPhone: `SELECT ${COLUMNS} FROM cases c JOIN orders o ON o.case_id = c.id
    WHERE c.phone = ? AND c.created_at >= ? AND o.state <> 'closed'
    ORDER BY c.created_at DESC LIMIT 1`,
  byAddress: `SELECT ${COLUMNS} FROM cases c JOIN orders o ON o.case_id = c.id
    WHERE c.category_code = ? AND ${addressKeySql('c.address')} = ${addressKeySql('?')} AND c.address <> ''
      AND c.created_at >= ? AND o.state <> 'closed'
    ORDER BY c.created_at DESC LIMIT 1`,
} as const;

interface Row {
  caseId: number;
  orderId: string;
  state: string;
  unitCode: string | null;
  snapshot: string;
  officialNo: string;
  content: string;
  receivedAt: number;
}

export interface RepeatContext {
  defaultAreaCode: string;
  now: () => number;
  /** the unit's name from the units directory cache (orders.ts) */
  unitName: (code: string) => string | null;
}

export interface RepeatQuery {
  phone?: string;
  address?: string;
  categoryCode?: string;
}

/** The address key as the index computes it, in JS: only to decide whether it is long enough to ask. */
const addressKeyLength = (address: string): number => address.replace(/[\s\u3000]/g, '').length;

export function createRepeats(db: Db, ctx: RepeatContext) {
  const byPhone = db.prepare<[string, number], Row>(REPEAT_SQL.byPhone);
  const byAddress = db.prepare<[string, string, number], Row>(REPEAT_SQL.byAddress);

  const toProposal = (row: Row, match: RepeatProposal['match']): RepeatProposal => {
    let repeatCalls = 0;
    try {
      repeatCalls = (JSON.parse(row.snapshot) as WorkOrder).linkedCaseIds?.length ?? 0;
    } catch {
      // an unreadable snapshot: no count
    }
    return {
      orderId: row.orderId,
      caseId: row.caseId,
      officialNo: row.officialNo,
      summary: Array.from(row.content).slice(0, 120).join(''),
      state: row.state,
      unitCode: row.unitCode,
      unitName: row.unitCode === null ? null : ctx.unitName(row.unitCode),
      receivedAt: row.receivedAt,
      match,
      repeatCalls,
    };
  };

  return {
    /** The open order this call may repeat, or null: by number first, then by address and category. */
    propose(q: RepeatQuery, windowDays: number = DEFAULT_REPEAT_WINDOW_DAYS): RepeatProposal | null {
      const since = ctx.now() - windowDays * DAY_MS;
      const phoneText = (q.phone ?? '').trim();
      if (phoneText !== '') {
        const parsed = normalizePhone(phoneText.slice(0, 64), { defaultAreaCode: ctx.defaultAreaCode });
        if (parsed.ok) {
          const row = byPhone.get(parsed.number, since);
          if (row) return toProposal(row, 'phone');
        }
      }
      const address = (q.address ?? '').trim();
      const category = (q.categoryCode ?? '').trim();
      if (category !== '' && addressKeyLength(address) >= MIN_ADDRESS_KEY) {
        const row = byAddress.get(category, address, since);
        if (row) return toProposal(row, 'address');
      }
      return null;
    },
  };
}

export type Repeats = ReturnType<typeof createRepeats>;
