/**
 * The server's case row and contact row, spelled once: the server's side of the shared record
 * (CASE_RECORD_COLUMNS, CONTACT_RECORD_COLUMNS in src/shared/case-model.ts) plus the columns
 * only the server knows. Both writers of a case on the server generate their statements from
 * these lists: push's 'case.create' (case-create.ts, unnest arrays) and the demo seed
 * (src/server/seed/load.ts, json_to_recordset); the pull's payload (pull.ts) reads the record
 * back from the same columns (recordJsonPairs).
 */
import { CASE_RECORD_COLUMNS, CONTACT_RECORD_COLUMNS, type CaseRecordValues, type ColumnType, type ContactRecordValues, type RecordColumn } from '../../shared/case-model';

/** A column as the server's writers take it: name, PostgreSQL type, value from a row. */
export type ServerColumn<T> = readonly [name: string, type: ColumnType, get: (row: T) => unknown];

/** A case as the server writes it: the record (its operator the author) and what the server adds. */
export interface ServerCaseRow {
  record: CaseRecordValues;
  officialNo: string;
  version: number;
  accountId: number;
  originClientId: string;
  originMutationId: number;
}

/** Every column of a new case on the server, in order. */
export const SERVER_CASE_COLUMNS: readonly ServerColumn<ServerCaseRow>[] = [
  ...CASE_RECORD_COLUMNS.map((c): ServerColumn<ServerCaseRow> => {
    const value = c.value!;
    return [c.server, c.type, (r) => value(r.record)];
  }),
  ['official_no', 'text', (r) => r.officialNo],
  ['account_id', 'bigint', (r) => r.accountId],
  ['origin_client_id', 'text', (r) => r.originClientId],
  ['origin_mutation_id', 'bigint', (r) => r.originMutationId],
  ['version', 'bigint', (r) => r.version],
];

/** The contact's columns but its case link (case_id), which each writer gives its own way. */
export const SERVER_CONTACT_COLUMNS: readonly ServerColumn<ContactRecordValues>[] = CONTACT_RECORD_COLUMNS.flatMap((c) => {
  const value = c.value;
  return value === null ? [] : [[c.server, c.type, (r: ContactRecordValues) => value(r)] as const];
});

/** `columns` read from a writer's own row shape through `of`, called once per row. */
export function columnsOf<R, T extends object>(columns: readonly ServerColumn<R>[], of: (row: T) => R): ServerColumn<T>[] {
  const seen = new WeakMap<T, R>();
  const once = (row: T): R => {
    let r = seen.get(row);
    if (r === undefined) seen.set(row, (r = of(row)));
    return r;
  };
  return columns.map(([name, type, get]) => [name, type, (row: T) => get(once(row))]);
}

/**
 * `json_build_object` arguments of a record's fields read from the server's columns of `alias`
 * (a field of several columns as a nested object, null when its first column is): the pull's
 * CaseChange / ContactChange JSON, built by the database. `link` gives the SQL of the contact's caseUuid.
 */
export function recordJsonPairs<R>(columns: readonly RecordColumn<R>[], alias: string, link?: string): string[] {
  const pairs: string[] = [];
  const nested = new Map<string, RecordColumn<R>[]>();
  for (const c of columns) {
    if (c.value === null) {
      if (link !== undefined) pairs.push(`'${c.field}', ${link}`);
    } else if (c.part === undefined) {
      pairs.push(`'${c.field}', ${alias}.${c.server}`);
    } else if (!nested.has(c.field)) {
      const parts = columns.filter((p) => p.field === c.field);
      nested.set(c.field, parts);
      pairs.push(
        `'${c.field}', CASE WHEN ${alias}.${c.server} IS NULL THEN NULL ELSE json_build_object(${parts.map((p) => `'${p.part}', ${alias}.${p.server}`).join(', ')}) END`,
      );
    }
  }
  return pairs;
}
