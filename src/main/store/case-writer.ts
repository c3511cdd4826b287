/**
 * THE writer of a case on the workstation: its `cases` row, its contacts, its caller's row
 * (来电人) and its search entry. Intake (cases.ts), the pull (sync-store.ts, a page of a few rows
 * or a first sync's million) and the bulk loader (bulk.ts: seed, benchmarks, the snapshot
 * builder) all write through here, so a case written by any of them is the same row.
 *
 * The columns are not listed here: they are the store's side of the shared record
 * (CASE_RECORD_COLUMNS, src/shared/case-model.ts) plus the few the workstation alone keeps
 * (STORE_CASE_COLUMNS below); every statement — the single insert, the update of a pulled case,
 * the batched insert with explicit ids — is generated from that one list, with positional
 * parameters in its order.
 */
import { CASE_RECORD_COLUMNS, CONTACT_RECORD_COLUMNS, type CaseRecordValues, type ContactRecordValues, type RecordColumn } from '../../shared/case-model';
import type { Satisfaction } from '../../shared/domain';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';
import { indexTokens } from './fts';

/** What only the workstation keeps of a case, next to the shared record (given apart: no copy of the record per row). */
export interface CaseRowMeta {
  /** 正式编号, once the server gave it */
  officialNo?: string | null;
  /** the server's change version of a pulled case */
  version?: number | null;
  updatedAt: number;
  /** 'local': logged here (its text is ours); 'server': pulled */
  origin: 'local' | 'server';
  /** 有效工单 (default true) */
  valid?: boolean;
  lastFollowUp?: Satisfaction | null;
}

type Column<R, M = unknown> = { name: string; value: (r: R, m: M) => unknown };

/** the store's side of a shared record's columns; booleans as 0/1, the case link left out */
function storeColumns<R>(columns: readonly RecordColumn<R>[]): Column<R>[] {
  return columns.flatMap((c) => {
    if (c.store === null || c.value === null) return [];
    const value = c.value;
    return [{ name: c.store, value: c.type === 'boolean' ? (r: R) => (value(r) ? 1 : 0) : value }];
  });
}

/** The case's columns written by every path, in order; a pulled update rewrites them all but the uuid. */
const STORE_CASE_COLUMNS: readonly Column<CaseRecordValues, CaseRowMeta>[] = [
  ...storeColumns(CASE_RECORD_COLUMNS),
  { name: 'official_no', value: (_, m) => m.officialNo ?? null },
  { name: 'server_version', value: (_, m) => m.version ?? null },
  { name: 'updated_at', value: (_, m) => m.updatedAt },
];
/** Written when the row is created, never by a pulled update: origin, and what only local work changes. */
const INSERT_ONLY_COLUMNS: readonly Column<CaseRecordValues, CaseRowMeta>[] = [
  { name: 'origin', value: (_, m) => m.origin },
  { name: 'valid', value: (_, m) => (m.valid === false ? 0 : 1) },
  { name: 'last_follow_up', value: (_, m) => m.lastFollowUp ?? null },
];
const INSERT_COLUMNS = [...STORE_CASE_COLUMNS, ...INSERT_ONLY_COLUMNS];
const UPDATE_COLUMNS = STORE_CASE_COLUMNS.filter((c) => c.name !== 'uuid');

/** The contact's columns after its uuid and case id (those two lead every statement). */
// (with the uuid column left out, none of them reads the uuid: a case can stand for its first contact)
const CONTACT_COLUMNS = storeColumns(CONTACT_RECORD_COLUMNS).filter((c) => c.name !== 'uuid') as Column<Omit<ContactRecordValues, 'uuid'>>[];

/** The names of every column a case write sets (tests compare the paths by them). */
export const CASE_WRITE_COLUMNS = {
  insert: INSERT_COLUMNS.map((c) => c.name),
  update: UPDATE_COLUMNS.map((c) => c.name),
  contact: ['uuid', 'case_id', ...CONTACT_COLUMNS.map((c) => c.name)],
};

/** the positional parameters of a statement: `head` (ids, uuid), then the columns' values */
function values<R, M>(columns: readonly Column<R, M>[], r: R, m: M, head: unknown[]): unknown[] {
  const out = new Array<unknown>(head.length + columns.length);
  for (let i = 0; i < head.length; i++) out[i] = head[i];
  for (let i = 0; i < columns.length; i++) out[head.length + i] = columns[i]!.value(r, m);
  return out;
}
const names = (columns: readonly { name: string }[]) => columns.map((c) => c.name).join(', ');
const marks = (n: number) => Array(n).fill('?').join(', ');

/** Digits reversed, so that a number's last digits are a prefix of its key (callers.phone_rev). */
export const reverseDigits = (phone: string): string => phone.split('').reverse().join('');

/**
 * The one rule for a caller's row (来电人), whoever writes it — intake, a pulled page, the end of
 * a first sync, the bulk loader, a snapshot's local cases: the name is the one given on the most
 * recent call that gave a name (an anonymous call never erases it, an older call arriving late
 * never overrides a newer one); first_seen and last_seen span every call. It has two forms that
 * agree: one call merged into the row (CALLER_UPSERT_SQL, intake and pulled pages), and every
 * number's row derived from its contacts (callersFromContactsSql, after a bulk load or a first
 * sync), merged into what is there by the same clause.
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
export const callersFromContactsSql = (rev: (column: string) => string = reverseDigitsSql): string => `
    INSERT INTO callers (phone, phone_rev, name, first_seen, last_seen)
    SELECT k.phone, ${rev('k.phone')}, coalesce(n.name, ''), k.first_seen, k.last_seen
    FROM (SELECT phone, min(created_at) AS first_seen, max(created_at) AS last_seen FROM contacts GROUP BY phone) k
    LEFT JOIN (SELECT phone, caller_name AS name, max(created_at) FROM contacts WHERE caller_name <> '' GROUP BY phone) n ON n.phone = k.phone
    WHERE true
    ${CALLER_MERGE_SQL}`;

/** reverseDigits as an SQL expression: a normalised number has at most 20 digits */
export const reverseDigitsSql = (column: string): string =>
  Array.from({ length: 20 }, (_, i) => `substr(${column}, ${20 - i}, 1)`).join(' || ');

/** The text a case is found by (case_search), as the index's four columns. */
export interface IndexedText {
  callerName: string;
  address: string;
  content: string;
  answer: string;
}

/** A case's search entry: name, address, content, answer, tokenised (fts.ts). */
export function searchEntry(t: IndexedText): [string, string, string, string] {
  return [indexTokens(t.callerName), indexTokens(t.address), indexTokens(t.content), indexTokens(t.answer)];
}

/** A contact as the writer takes it: the record's fields, and its id when the caller assigns ids. */
export type ContactRowValues = ContactRecordValues;

export interface CaseWriterOptions {
  /** the bulk loader numbers the rows itself (ids in time order); others let SQLite number them */
  explicitIds?: boolean;
}

/**
 * The statements of one connection, prepared once. Single-case writes (intake, a pulled page)
 * and batched ones (the bulk loader's transactions of 50,000, a first sync's pages) use the
 * same ones; only the caller decides the transaction.
 */
export function createCaseWriter(db: Db, opts: CaseWriterOptions = {}) {
  const idColumn = opts.explicitIds ? 'id, ' : '';
  const idMark = opts.explicitIds ? '?, ' : '';
  const contactNames = `uuid, case_id, ${names(CONTACT_COLUMNS)}`;
  // prepared on first use: an upsert cannot be prepared while a load has its unique index dropped
  const lazy = (sql: string) => {
    let statement: Statement | null = null;
    return () => (statement ??= db.prepare(sql));
  };
  const insertCase = lazy(`INSERT INTO cases (${idColumn}${names(INSERT_COLUMNS)}) VALUES (${idMark}${marks(INSERT_COLUMNS.length)})`);
  const updateCase = lazy(`UPDATE cases SET ${UPDATE_COLUMNS.map((c) => `${c.name} = ?`).join(', ')} WHERE id = ?`);
  const insertContact = lazy(`INSERT INTO contacts (${idColumn}${contactNames}) VALUES (${idMark}${marks(CONTACT_COLUMNS.length + 2)})`);
  const upsertContact = lazy(`INSERT INTO contacts (${contactNames}) VALUES (${marks(CONTACT_COLUMNS.length + 2)})
    ON CONFLICT (uuid) DO UPDATE SET case_id = excluded.case_id, ${CONTACT_COLUMNS.map((c) => `${c.name} = excluded.${c.name}`).join(', ')}`);
  const updateContact = lazy(`UPDATE contacts SET case_id = ?, ${CONTACT_COLUMNS.map((c) => `${c.name} = ?`).join(', ')} WHERE id = ?`);
  const upsertCaller = lazy(CALLER_UPSERT_SQL);

  return {
    /** A new case row; returns its id (the given one with explicitIds). */
    insertCase(record: CaseRecordValues, meta: CaseRowMeta, id?: number): number {
      const result = insertCase().run(...values(INSERT_COLUMNS, record, meta, opts.explicitIds ? [id] : []));
      return id ?? Number(result.lastInsertRowid);
    },
    /** A pulled case of the server's: every record column again (not its uuid, origin, validity, 回访). */
    updateCase(id: number, record: CaseRecordValues, meta: CaseRowMeta): void {
      updateCase().run(...values(UPDATE_COLUMNS, record, meta, []), id);
    },
    /**
     * A new contact of case `caseId`; returns its id (the given one with explicitIds). `uuid`
     * names it, since `k` may be the case itself (its first contact: the case's own call, firstContactOf).
     */
    insertContact(caseId: number, k: Omit<ContactRowValues, 'uuid'>, uuid: string, id?: number): number {
      const result = insertContact().run(...values(CONTACT_COLUMNS, k, undefined, opts.explicitIds ? [id, uuid, caseId] : [uuid, caseId]));
      return id ?? Number(result.lastInsertRowid);
    },
    /** A pulled contact, new or known by uuid. */
    upsertContact(caseId: number, k: ContactRowValues): void {
      upsertContact().run(...values(CONTACT_COLUMNS, k, undefined, [k.uuid, caseId]));
    },
    /** A pulled contact known by its row id (a first sync looks uuids up itself). */
    updateContact(id: number, caseId: number, k: ContactRowValues): void {
      updateContact().run(...values(CONTACT_COLUMNS, k, undefined, [caseId]), id);
    },
    /** One call merged into its caller's row by the one rule. */
    noteCaller(k: { phone: string; callerName: string; createdAt: number }): void {
      upsertCaller().run(k.phone, reverseDigits(k.phone), k.callerName, k.createdAt, k.createdAt);
    },
  };
}

/** Every number's caller row from its contacts, merged by the one rule (after a bulk write or a first sync). */
export function deriveCallers(db: Db): void {
  db.prepare(callersFromContactsSql()).run();
}

export type CaseWriter = ReturnType<typeof createCaseWriter>;
