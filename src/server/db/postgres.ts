/** PostgreSQL through a pg connection pool: the server for a real deployment (DATABASE_URL). */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { beginStatement, INT8_OID, parseInt8, type Db, type Queryable, type QueryOptions, type TransactionOptions, type Tx } from './adapter';

/** a prepared statement's name: its text's hash (the same text is the same statement on every connection) */
const names = new Map<string, string>();
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `p_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

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
  const poolOf = () =>
    new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.max ?? 10,
      // pg closes a connection idle for 10 s by default: under a floor's uneven load that closed
      // and reopened backends all the time, each new one planning every prepared statement again
      // (seen as young backends every few seconds and push p99 outliers in \`bench -- load\`)
      idleTimeoutMillis: 5 * 60_000,
      types,
      ...(opts.searchPath ? { options: `-c search_path=${opts.searchPath}` } : {}),
    });
  const pool = poolOf();
  // Statements asked for with `generic` (adapter.ts: the account check of every request, the
  // queues) run on connections of their own, set to plan once per connection for any values:
  // one pool, one setting per connection, no SET round trip per statement. Opened on first
  // use, so a process holds up to 2 × max connections. The setting is made at a connection's
  // first use, not in `options`: a connection string's own options and these would replace
  // each other.
  const genericPool = poolOf();
  const planned = new WeakSet<pg.PoolClient>();
  const onGeneric = async <R>(fn: (client: pg.PoolClient) => Promise<R>): Promise<R> => {
    const client = await genericPool.connect();
    let lost = false;
    try {
      if (!planned.has(client)) {
        await client.query('SET plan_cache_mode = force_generic_plan');
        planned.add(client);
      }
      return await fn(client);
    } catch (e) {
      // an error the server answered leaves the connection usable; any other may not have
      lost = !(e instanceof pg.DatabaseError);
      throw e;
    } finally {
      client.release(lost);
    }
  };
  // an idle client losing its connection (server restart) must not crash the process
  pool.on('error', () => undefined);
  genericPool.on('error', () => undefined);
  // fail at start, with the driver's reason, rather than at the first request
  await pool.query('SELECT 1');

  const wrap = (q: pg.Pool | pg.PoolClient, onPool = false): Queryable => ({
    async query<R>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<R[]> {
      if (opts?.prepared || opts?.generic) {
        const config = { name: statementName(sql), text: sql, values: params };
        return (onPool && opts.generic ? await onGeneric((c) => c.query(config)) : await q.query(config)).rows as R[];
      }
      return (await q.query(sql, params)).rows as R[];
    },
    async exec(sql: string): Promise<void> {
      // without parameters pg uses the simple protocol, which runs several statements
      await q.query(sql);
    },
  });
  const self = wrap(pool, true);

  return {
    kind: 'postgres',
    query: self.query,
    exec: self.exec,
    async transaction<T>(fn: (tx: Tx) => Promise<T>, topts: TransactionOptions = {}): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query(beginStatement(topts));
        const last: string[] = [];
        const result = await fn({ ...wrap(client), atCommit: (sql) => void last.push(sql) });
        // without parameters pg uses the simple protocol: the statements and COMMIT in one round trip
        await client.query([...last, 'COMMIT'].join(';\n'));
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
      await Promise.all([pool.end(), genericPool.end()]);
    },
  };
}
