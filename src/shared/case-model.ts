/**
 * The case record is defined once: CaseCreateCase (src/shared/sync.ts) is what a workstation logs
 * and pushes. The tables below (CASE_RECORD_COLUMNS, CONTACT_RECORD_COLUMNS) say where each of
 * its fields lives on each side — the column of the workstation's SQLite `cases` table and of
 * the server's PostgreSQL `cases` table — and what value is written there; every writer of a
 * case row on either side generates its statements from them. The pulled shape (CaseChange) is
 * that record plus what only the server knows. A test
 * (tests/unit/shared/case-model.test.ts) checks every projection against the definition: a field
 * added to the record and forgotten in a table, a migration or the pull payload fails it.
 */
import type { z } from 'zod';
import { talkSeconds } from './telephony';
import type { CaseCreateCase, CaseCreateContact } from './sync';

/** A column type on the server (PostgreSQL); the workstation stores booleans as 0/1. */
export type ColumnType = 'uuid' | 'text' | 'boolean' | 'bigint' | 'integer';

/**
 * The case record as every writer holds it: CaseCreateCase's fields (the optional ones may be
 * absent). A pulled case (CaseChange) fits; its call carries the talk time the server computed.
 */
export type CaseRecordValues = Omit<z.input<typeof CaseCreateCase>, 'call'> & {
  call?: { callId: string; ringAt: number | null; answerAt: number | null; endAt: number | null; talkSeconds?: number | null } | null;
};
/** The first contact as every writer holds it (its case link is each side's own id). */
export type ContactRecordValues = Omit<z.input<typeof CaseCreateContact>, 'caseUuid'>;

/** One column of a record: the field it comes from, where it lives on each side, and its value. */
export interface RecordColumn<R> {
  field: string;
  /** the workstation's SQLite column (null: not kept there) */
  store: string | null;
  /** the server's PostgreSQL column */
  server: string;
  type: ColumnType;
  /** the value written, from the record (null: the case link, which each side writes itself) */
  value: ((r: R) => unknown) | null;
  /** a field of several columns (the call): this column's key inside it */
  part?: string;
}

const column = <R>(field: keyof R & string, name: string, type: ColumnType, value: (r: R) => unknown = (r) => r[field]): RecordColumn<R> => ({
  field,
  store: name,
  server: name,
  type,
  value,
});
const serverOnly = <R>(c: RecordColumn<R>): RecordColumn<R> => ({ ...c, store: null });

type CaseField = keyof z.input<typeof CaseCreateCase> & keyof CaseRecordValues;
const caseColumn = (field: CaseField, name: string, type: ColumnType, value?: (r: CaseRecordValues) => unknown) =>
  column<CaseRecordValues>(field, name, type, value);

/**
 * THE case record's columns, in order, on both sides: the workstation's store writers
 * (src/main/store/case-writer.ts: intake, pull, bulk loader) and the server's (src/server/sync/
 * case-row.ts: push's case.create, the seed) all write exactly these, with these values; each
 * side adds only the columns it alone knows (numbers, versions, origin …).
 */
export const CASE_RECORD_COLUMNS: readonly RecordColumn<CaseRecordValues>[] = [
  caseColumn('uuid', 'uuid', 'uuid'),
  caseColumn('localNo', 'local_no', 'text'),
  // the workstation knows its own code; the server records which one logged each case
  serverOnly(caseColumn('workstation', 'workstation', 'text', (r) => r.workstation ?? '')),
  caseColumn('phone', 'phone', 'text'),
  caseColumn('phoneExt', 'phone_ext', 'text', (r) => r.phoneExt ?? ''),
  caseColumn('callerName', 'caller_name', 'text'),
  caseColumn('channel', 'channel', 'text'),
  caseColumn('requestType', 'request_type', 'text'),
  caseColumn('categoryCode', 'category_code', 'text'),
  caseColumn('regionCode', 'region_code', 'text'),
  caseColumn('address', 'address', 'text'),
  caseColumn('content', 'content', 'text'),
  caseColumn('answer', 'answer', 'text'),
  caseColumn('urgency', 'urgency', 'text'),
  caseColumn('handlingMode', 'handling_mode', 'text'),
  caseColumn('status', 'status', 'text'),
  caseColumn('confidential', 'confidential', 'boolean'),
  caseColumn('operator', 'operator', 'text'),
  caseColumn('createdAt', 'created_at', 'bigint'),
  // the call is null when its first part (call_id) is
  { ...caseColumn('call', 'call_id', 'text', (r) => r.call?.callId ?? null), part: 'callId' },
  { ...caseColumn('call', 'call_ring_at', 'bigint', (r) => r.call?.ringAt ?? null), part: 'ringAt' },
  { ...caseColumn('call', 'call_answer_at', 'bigint', (r) => r.call?.answerAt ?? null), part: 'answerAt' },
  { ...caseColumn('call', 'call_end_at', 'bigint', (r) => r.call?.endAt ?? null), part: 'endAt' },
  // a pulled call carries the server's figure; a call logged here is computed from its times
  {
    ...caseColumn('call', 'talk_seconds', 'integer', (r) => (r.call ? (r.call.talkSeconds !== undefined ? r.call.talkSeconds : talkSeconds(r.call)) : null)),
    part: 'talkSeconds',
  },
  // 领导接听: the server counts a session's items by it; the workstation needs it only in the outbox
  serverOnly(caseColumn('leaderSessionId', 'leader_session_id', 'uuid', (r) => r.leaderSessionId ?? null)),
  caseColumn('repeatOf', 'repeat_of', 'uuid', (r) => r.repeatOf ?? null),
];

type ContactField = keyof z.input<typeof CaseCreateContact>;
const contactColumn = (field: ContactField & keyof ContactRecordValues, name: string, type: ColumnType, value?: (r: ContactRecordValues) => unknown) =>
  column<ContactRecordValues>(field, name, type, value);

/** THE contact record's columns, in order, on both sides (see CASE_RECORD_COLUMNS). */
export const CONTACT_RECORD_COLUMNS: readonly RecordColumn<ContactRecordValues>[] = [
  contactColumn('uuid', 'uuid', 'uuid'),
  // the case's uuid travels; each side stores its own case id
  { field: 'caseUuid' satisfies ContactField, store: 'case_id', server: 'case_id', type: 'bigint', value: null },
  contactColumn('phone', 'phone', 'text'),
  contactColumn('phoneExt', 'phone_ext', 'text', (r) => r.phoneExt ?? ''),
  contactColumn('callerName', 'caller_name', 'text'),
  contactColumn('channel', 'channel', 'text'),
  contactColumn('requestType', 'request_type', 'text'),
  contactColumn('content', 'content', 'text'),
  contactColumn('operator', 'operator', 'text'),
  contactColumn('createdAt', 'created_at', 'bigint'),
];

/** The first contact of a case logged in one call: the case's own call, under the contact's uuid. */
export function firstContactOf(c: Omit<ContactRecordValues, 'uuid'>, uuid: string): ContactRecordValues {
  return {
    uuid,
    phone: c.phone,
    phoneExt: c.phoneExt ?? '',
    callerName: c.callerName,
    channel: c.channel,
    requestType: c.requestType,
    content: c.content,
    operator: c.operator,
    createdAt: c.createdAt,
  };
}

interface FieldStorage {
  /** the columns on the workstation (null: not kept there) */
  store: readonly string[] | null;
  /** the columns on the server */
  server: readonly string[];
}

/** field → its columns on each side, derived from a record's columns */
function storageOf<R>(columns: readonly RecordColumn<R>[]): Record<string, FieldStorage> {
  const out: Record<string, { store: string[] | null; server: string[] }> = {};
  for (const c of columns) {
    const f = (out[c.field] ??= { store: c.store === null ? null : [], server: [] });
    if (c.store !== null) f.store?.push(c.store);
    f.server.push(c.server);
  }
  return out;
}

export const CASE_STORAGE = storageOf(CASE_RECORD_COLUMNS);
export const CONTACT_STORAGE = storageOf(CONTACT_RECORD_COLUMNS);

/** What a pulled case (CaseChange) adds to the record: known only to the server. */
export const CASE_CHANGE_EXTRA_FIELDS = ['officialNo', 'originClientId', 'version', 'contacts', 'order', 'history'] as const;
