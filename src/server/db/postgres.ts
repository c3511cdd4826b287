/** PostgreSQL through a pg connection pool: the server for a real deployment (DATABASE_URL). */
import pg from 'pg';
import { beginStatement, INT8_OID, parseInt8, type Db, type Queryable, type TransactionOptions } from './adapter';

export interface PostgresOptions {
  connectionString: string;
  /** schema(s) to put first on the search_path: lets tests run in a private schema */
  searchPath?: string;
  /** pool size; default 10 */
  max?: number;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openPostgres(opts: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    types,
    ...(opts.searchPath ? { options: `-c search_path=${opts.searchPath}` } : {}),
  });
  // an idle client losing its connection (server restart) must not crash the process
  pool.on('error', () => undefined);
  // fail at start, with the driver's reason, rather than at the first request
  await pool.query('SELECT 1');

  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
      return (await q.query(sql, params)).rows as R[];
    },
    async exec(sql: string): Promise<void> {
      // without parameters pg uses the simple protocol, which runs several statements
      await q.query(sql);
    },
  });
  const self = wrap(pool);

  return {
    kind: 'postgres',
    query: self.query,
    exec: self.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, topts: TransactionOptions = {}): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query(beginStatement(topts));
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          // the connection itself failed: do not hand it back to the pool
          broken = true;
        }
        throw e;
      } finally {
        client.release(broken);
      }
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
