/**
 * The one database interface the server's SQL runs against, so every query is written once for
 * both backends: embedded PGlite (a data folder, nothing to install) and PostgreSQL (pg Pool).
 *
 * Both implementations return int8 (bigint) columns as JS numbers: every bigint the server
 * stores (ids, versions, mutation ids, epoch ms) stays far below 2^53.
 */
export interface Queryable {
  /** one statement with $1… parameters; resolves to its rows */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** several statements without parameters (migrations) */
  exec(sql: string): Promise<void>;
  /**
   * Inside a transaction, PostgreSQL only: runs `sql` (one statement without parameters, see
   * sqlLiteral) and COMMIT in ONE round trip, ending the transaction; the transaction's function
   * must return right after. For a critical section that must not wait for this process's event
   * loop between its last statement and its commit. Absent elsewhere: use query() instead.
   */
  commitWith?(sql: string): Promise<void>;
}

/**
 * A value as an SQL literal, for commitWith (the simple protocol has no parameters): finite
 * safe integers, strings (quoted like pg's escapeLiteral), null, and arrays of those as ARRAY[…]
 * (follow it with a cast, `::bigint[]`, so that an empty one has a type).
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`sqlLiteral: ${value} is not a safe integer`);
    return String(value);
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new Error('sqlLiteral: text cannot hold NUL');
    const quoted = `'${value.replaceAll("'", "''")}'`;
    return value.includes('\\') ? ` E${quoted.replaceAll('\\', '\\\\')}` : quoted;
  }
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlLiteral).join(', ')}]`;
  throw new Error(`sqlLiteral: cannot write a ${typeof value}`);
}

/** `sql` with its $1… parameters written in as literals (sqlLiteral). */
export function inlineParams(sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length) throw new Error(`inlineParams: no parameter $${n}`);
    return sqlLiteral(params[i]);
  });
}

export type Isolation = 'read committed' | 'repeatable read';

export interface TransactionOptions {
  /** default 'read committed' */
  isolation?: Isolation;
  readOnly?: boolean;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs fn in one transaction: COMMIT when it resolves, ROLLBACK when it throws (the error is
   * rethrown). Statements inside must use `tx`, never the Db itself.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export function beginStatement(opts: TransactionOptions = {}): string {
  const isolation = (opts.isolation ?? 'read committed').toUpperCase();
  return `BEGIN ISOLATION LEVEL ${isolation}${opts.readOnly ? ' READ ONLY' : ''}`;
}

/** PostgreSQL's type oid of int8, parsed to a number by both adapters. */
export const INT8_OID = 20;

export const parseInt8 = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} exceeds the safe integer range`);
  return n;
};
