/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in a data folder: the server on a fresh machine.
 * PGlite is a single connection; it queues transactions one after another, so concurrent
 * requests are serialised rather than interleaved — correct, just not parallel.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { INT8_OID, parseInt8, type Db, type Queryable, type TransactionOptions, type Tx } from './adapter';

const wrap = (q: PGlite | Transaction): Queryable => ({
  async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
    return (await q.query<R>(sql, params)).rows;
  },
  async exec(sql: string): Promise<void> {
    await q.exec(sql);
  },
});

/** dataDir: a folder for the database files; undefined for a throwaway in-memory database. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = await PGlite.create(dataDir ?? 'memory://', { parsers: { [INT8_OID]: parseInt8 } });
  const self = wrap(pg);
  return {
    kind: 'pglite',
    query: self.query,
    exec: self.exec,
    async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
      return pg.transaction(async (tx) => {
        // PGlite has already sent BEGIN; the level is set by the transaction's first statement
        const level = (opts.isolation ?? 'read committed').toUpperCase();
        await tx.query(`SET TRANSACTION ISOLATION LEVEL ${level}${opts.readOnly ? ' READ ONLY' : ''}`);
        const last: string[] = [];
        const result = await fn({ ...wrap(tx), atCommit: (sql) => void last.push(sql) });
        // one connection in this process: no round trip to save, only the order to keep
        for (const sql of last) await tx.exec(sql);
        return result;
      });
    },
    async close(): Promise<void> {
      await pg.close();
    },
  };
}
