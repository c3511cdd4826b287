/**
 * The one database interface the server's SQL runs against, so every query is written once for
 * both backends: embedded PGlite (a data folder, nothing to install) and PostgreSQL (pg Pool).
 *
 * Both implementations return int8 (bigint) columns as JS numbers: every bigint the server
 * stores (ids, versions, mutation ids, epoch ms) stays far below 2^53.
 */
export interface QueryOptions {
  /**
   * a statement run often with another $n (a queue page, the overdue board): PostgreSQL keeps
   * it prepared on each pooled connection, named after its text, and plans it once instead of
   * on every request (the unit queue's plan took as long as running it). Only for SQL texts
   * from a fixed set, never text built from input. PGlite ignores it.
   */
  prepared?: boolean;
  /**
   * prepared, and planned once per connection for any values (plan_cache_mode =
   * force_generic_plan, on connections kept for it: postgres.ts). Left to choose, PostgreSQL
   * plans such a statement anew for the values of each run whenever that plan looks cheaper,
   * which for a small, hot statement costs more than running it. Only where a benchmark at
   * scale shows the generic plan as good as the others (the pull, the account check, the unit
   * queues). Outside a transaction only; inside one, the transaction's setting applies
   * (TransactionOptions.genericPlans).
   */
  generic?: boolean;
}

export interface Queryable {
  /** one statement with $1… parameters; resolves to its rows */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<R[]>;
  /** several statements without parameters (migrations) */
  exec(sql: string): Promise<void>;
}

export type Isolation = 'read committed' | 'repeatable read';

export interface TransactionOptions {
  /** default 'read committed' */
  isolation?: Isolation;
  readOnly?: boolean;
  /**
   * every statement of the transaction is planned once per connection and text, for any values
   * (plan_cache_mode = force_generic_plan, set with the BEGIN): for hot transactions of fixed
   * statements (a push), where planning each run cost more than running it. PGlite ignores it.
   */
  genericPlans?: boolean;
}

/** A transaction's connection. */
export interface Tx extends Queryable {
  /**
   * A statement without parameters to run just before COMMIT, sent with it in one round trip
   * on PostgreSQL (the simple protocol runs both): the last write of a transaction that holds a
   * lock every writer waits for (the version head, versions.ts) then costs no round trip of its
   * own. A failing statement rolls the whole transaction back, and the transaction rejects.
   */
  atCommit(sql: string): void;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs fn in one transaction: COMMIT when it resolves, ROLLBACK when it throws (the error is
   * rethrown). Statements inside must use `tx`, never the Db itself.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export function beginStatement(opts: TransactionOptions = {}): string {
  const isolation = (opts.isolation ?? 'read committed').toUpperCase();
  const begin = `BEGIN ISOLATION LEVEL ${isolation}${opts.readOnly ? ' READ ONLY' : ''}`;
  // the simple protocol runs both in one round trip
  return opts.genericPlans ? `${begin}; SET LOCAL plan_cache_mode = force_generic_plan` : begin;
}

/** PostgreSQL's type oid of int8, parsed to a number by both adapters. */
export const INT8_OID = 20;

export const parseInt8 = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} exceeds the safe integer range`);
  return n;
};
