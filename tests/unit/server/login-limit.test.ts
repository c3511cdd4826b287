/**
 * The login limiter keeps its attempts in the database: attempts begun at once are capped, a
 * success is given back, and two server processes on one database count together (PostgreSQL:
 * two servers with their own connection pools on one schema, as behind a load balancer).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbFailureLimiter } from '../../../src/server/auth/rate-limit';
import type { Db } from '../../../src/server/db/adapter';
import { openPostgres } from '../../../src/server/db/postgres';
import { BACKENDS, Clock, openMigrated, startServer, uniqueName, type TestDb, type TestServer } from './helpers';

describe.each(BACKENDS)('DbFailureLimiter on $name', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openMigrated(backend);
  });
  afterAll(() => t.drop());

  it('counts an attempt when it begins, so attempts begun at once are capped', async () => {
    const limiter = new DbFailureLimiter(t.db, 5, 60_000, () => 1_000);
    const stamps = await Promise.all(Array.from({ length: 25 }, () => limiter.begin('user:x')));
    expect(stamps.filter((s) => s !== null)).toHaveLength(5);
    expect(await limiter.retryAfterMs('user:x')).toBe(60_000);
  });

  it('gives a successful attempt back, forgets on reset, and frees a slot when the oldest leaves the window', async () => {
    const clock = new Clock(10_000);
    const limiter = new DbFailureLimiter(t.db, 2, 60_000, clock.now);
    const a = (await limiter.begin('ip:1'))!;
    await limiter.succeed('ip:1', a);
    expect(await limiter.begin('ip:1')).not.toBeNull();
    clock.advance(1_000);
    expect(await limiter.begin('ip:1')).not.toBeNull();
    expect(await limiter.begin('ip:1')).toBeNull();
    expect(await limiter.retryAfterMs('ip:1')).toBe(59_000);
    clock.advance(59_000);
    expect(await limiter.begin('ip:1')).not.toBeNull();
    await limiter.reset('ip:1');
    expect(await limiter.retryAfterMs('ip:1')).toBe(0);
  });
});

const databaseUrl = process.env.DATABASE_URL;

describe.each(BACKENDS)('two server processes on one $name database', (backend) => {
  let t: TestDb;
  let second: Db | undefined;
  let a: TestServer;
  let b: TestServer;
  let dropSchema: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (backend.name === 'postgres') {
      // two pools on one schema: what two processes behind a load balancer have
      const schema = `hl_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      const first = await openPostgres({ connectionString: databaseUrl!, searchPath: schema, max: 4 });
      second = await openPostgres({ connectionString: databaseUrl!, searchPath: schema, max: 4 });
      t = { db: first, drop: () => first.close() };
      dropSchema = async () => {
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
        await c.end();
      };
    } else {
      // PGlite is one process's database: two servers on the same instance still share nothing else
      console.log('login limit across processes: on PGlite both servers share one in-process database (run with DATABASE_URL for two pools)');
      t = await backend.open();
    }
    const clock = new Clock();
    a = await startServer(t.db, { clock });
    b = await startServer(second ?? t.db, { clock });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
    await t?.drop();
    await dropSchema?.();
  });

  it('counts failed logins of one username together, whichever server answers', async () => {
    const user = await a.account('operator', uniqueName('lim'));
    // 5 wrong passwords spread over both servers use up the allowance on both
    for (let i = 0; i < 5; i++) {
      const server = i % 2 === 0 ? a : b;
      expect((await server.call('POST', '/api/login', { username: user.username, password: `wrong-${i}-password` })).status).toBe(401);
    }
    for (const server of [a, b]) {
      const res = await server.call('POST', '/api/login', { username: user.username, password: user.password });
      expect(res.status).toBe(429);
      expect(res.body.error).toBe('too_many_attempts');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    // a minute later the right password works on either
    a.clock.advance(61_000);
    expect((await b.call('POST', '/api/login', { username: user.username, password: user.password })).status).toBe(200);
  });

  it('caps 20 wrong passwords sent at once to both servers at 5 checked', async () => {
    const user = await a.account('operator', uniqueName('burst'));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).call('POST', '/api/login', { username: user.username, password: `burst-wrong-${i}` })),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(15);
  });
});
