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

/**
 * What every server connection sets once, at its first use (not in `options`: a connection
 * string's own options and these would replace each other):
 *   - jit = off. The server runs statements of milliseconds; a plan estimated as expensive (a
 *     pull page's estimate covers the whole window) made PostgreSQL JIT-compile it at each run,
 *     for 0.5 to 2 s: at 600,000 cases a first pull page took 964 ms with JIT, 290 ms without,
 *     and a pull near the head 1.9 s instead of 10 ms once planned for any values.
 *   - on the connections kept for `generic` statements (adapter.ts), plan_cache_mode =
 *     force_generic_plan: one setting per connection, no SET round trip per statement.
 */
const SESSION = 'SET jit = off';
const GENERIC_SESSION = `${SESSION}; SET plan_cache_mode = force_generic_plan`;

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
  // The generic pool is opened on first use: a process holds up to 2 × max connections.
  const pools = [
    { pool: poolOf(), session: SESSION },
    { pool: poolOf(), session: GENERIC_SESSION },
  ] as const;
  const [main, generic] = pools;
  const ready = new WeakSet<pg.PoolClient>();
  const checkout = async (from: (typeof pools)[number]): Promise<pg.PoolClient> => {
    const client = await from.pool.connect();
    if (!ready.has(client)) {
      try {
        await client.query(from.session);
      } catch (e) {
        client.release(true);
        throw e;
      }
      ready.add(client);
    }
    return client;
  };
  /** one statement on a connection of the pool, handed back after it */
  const once = async <R>(from: (typeof pools)[number], fn: (client: pg.PoolClient) => Promise<R>): Promise<R> => {
    const client = await checkout(from);
    let lost = false;
    try {
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
  for (const { pool } of pools) pool.on('error', () => undefined);
  // fail at start, with the driver's reason, rather than at the first request
  await once(main, (c) => c.query('SELECT 1'));

  type Run = <R>(fn: (client: pg.PoolClient) => Promise<R>, generic?: boolean) => Promise<R>;
  const wrap = (run: Run): Queryable => ({
    async query<R>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<R[]> {
      if (opts?.prepared || opts?.generic) {
        const config = { name: statementName(sql), text: sql, values: params };
        return (await run((c) => c.query(config), opts.generic)).rows as R[];
      }
      return (await run((c) => c.query(sql, params))).rows as R[];
    },
    async exec(sql: string): Promise<void> {
      // without parameters pg uses the simple protocol, which runs several statements
      await run((c) => c.query(sql));
    },
  });
  const self = wrap((fn, isGeneric) => once(isGeneric ? generic : main, fn));

  return {
    kind: 'postgres',
    query: self.query,
    exec: self.exec,
    async transaction<T>(fn: (tx: Tx) => Promise<T>, topts: TransactionOptions = {}): Promise<T> {
      const client = await checkout(main);
      let broken = false;
      try {
        await client.query(beginStatement(topts));
        const last: string[] = [];
        // inside, every statement runs on the transaction's connection, with its plan setting
        const result = await fn({ ...wrap((f) => f(client)), atCommit: (sql) => void last.push(sql) });
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
      await Promise.all(pools.map(({ pool }) => pool.end()));
    },
  };
}
