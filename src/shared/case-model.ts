/**
 * The case record is defined once: CaseCreateCase (src/shared/sync.ts) is what a workstation logs
 * and pushes. This table says where each of its fields lives on each side — the column of the
 * workstation's SQLite `cases` table and of the server's PostgreSQL `cases` table — and the
 * pulled shape (CaseChange) is that record plus what only the server knows. A test
 * (tests/unit/shared/case-model.test.ts) checks every projection against the definition: a field
 * added to the record and forgotten in a table, a migration or the pull payload fails it.
 */
import type { z } from 'zod';
import type { CaseCreateCase, CaseCreateContact } from './sync';

interface FieldStorage {
  /** the columns on the workstation (null: not kept there) */
  store: readonly string[] | null;
  /** the columns on the server */
  server: readonly string[];
}

const same = (...columns: string[]): FieldStorage => ({ store: columns, server: columns });

export const CASE_STORAGE = {
  uuid: same('uuid'),
  localNo: same('local_no'),
  // the workstation knows its own code; the server records which one logged each case
  workstation: { store: null, server: ['workstation'] },
  phone: same('phone'),
  phoneExt: same('phone_ext'),
  callerName: same('caller_name'),
  channel: same('channel'),
  requestType: same('request_type'),
  categoryCode: same('category_code'),
  regionCode: same('region_code'),
  address: same('address'),
  content: same('content'),
  answer: same('answer'),
  urgency: same('urgency'),
  handlingMode: same('handling_mode'),
  status: same('status'),
  confidential: same('confidential'),
  operator: same('operator'),
  createdAt: same('created_at'),
  call: same('call_id', 'call_ring_at', 'call_answer_at', 'call_end_at', 'talk_seconds'),
  // 领导接听: the server counts a session's items by it; the workstation needs it only in the outbox
  leaderSessionId: { store: null, server: ['leader_session_id'] },
  repeatOf: same('repeat_of'),
} as const satisfies Record<keyof z.input<typeof CaseCreateCase>, FieldStorage>;

export const CONTACT_STORAGE = {
  uuid: same('uuid'),
  // the case's uuid travels; each side stores its own case id
  caseUuid: same('case_id'),
  phone: same('phone'),
  phoneExt: same('phone_ext'),
  callerName: same('caller_name'),
  channel: same('channel'),
  requestType: same('request_type'),
  content: same('content'),
  operator: same('operator'),
  createdAt: same('created_at'),
} as const satisfies Record<keyof z.input<typeof CaseCreateContact>, FieldStorage>;

/** What a pulled case (CaseChange) adds to the record: known only to the server. */
export const CASE_CHANGE_EXTRA_FIELDS = ['officialNo', 'originClientId', 'version', 'contacts', 'order', 'history'] as const;
