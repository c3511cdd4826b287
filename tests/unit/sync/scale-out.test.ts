/**
 * Exactly once across a scaled-out centre: workstations reach TWO real server processes
 * (`src/server/cli.ts`, each a child process of its own) on one PostgreSQL database through a
 * round-robin balancer, behind the fault proxy of fault-injection.test.ts (dropped, cut,
 * duplicated, replayed, delayed requests — a duplicated push reaches both processes at once).
 * Each request of a workstation may land on the other process: its access token, its refresh
 * token, its client row, the sync versions and the official-number sequence must all be shared
 * through PostgreSQL. Server A is SIGKILLed while a push it received is in flight and started
 * again; later server B is SIGKILLed the same way and stays dead. At the end, with the network
 * healthy: every logged case is on the server exactly once, official numbers are unique, and
 * every workstation holds exactly the server's cases.
 *
 * Needs PostgreSQL (DATABASE_URL): embedded PGlite is one process by design. Runs in a schema of
 * its own (hl_test_…), dropped afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { spawnServer, startBalancer, type Balancer, type ServerProcess } from '../../../bench/cluster';
import { createAccount } from '../../../src/server/accounts/service';
import type { Db } from '../../../src/server/db/adapter';
import { openPostgres } from '../../../src/server/db/postgres';
import { FAULTS, startFaultProxy, type Fault, type FaultProxy } from './fault-proxy';
import { Clock, openWorkstation, syncUntilQuiet, tempDir, uniqueName, type TestWorkstation } from './helpers';

const databaseUrl = process.env.DATABASE_URL;
const WORKSTATIONS = 4;
const ROUNDS_PER_PHASE = 3;

if (!databaseUrl) console.log('scale-out fault injection skipped: DATABASE_URL is not set (two server processes need PostgreSQL)');

/** mulberry32: a reproducible schedule, its seed printed */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.skipIf(!databaseUrl)('sync under injected faults, two server processes on one PostgreSQL', () => {
  const schema = `hl_test_${randomBytes(6).toString('hex')}`;
  const tokenSecret = randomBytes(32).toString('base64');
  const clock = new Clock(Date.now());
  // the server processes run on the real clock, so the workstations do too
  clock.now = () => Date.now();
  const { dir, cleanup } = tempDir('hotline-scale-');
  const processes: ServerProcess[] = [];
  let admin: pg.Client;
  let db: Db;
  let balancer: Balancer;
  let proxy: FaultProxy;

  const start = async () => {
    const p = await spawnServer({ databaseUrl: databaseUrl!, tokenSecret, schema });
    processes.push(p);
    return p;
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    // both at once: they migrate the empty schema concurrently (the migration lock decides)
    await Promise.all([start(), start()]);
    db = await openPostgres({ connectionString: databaseUrl!, searchPath: schema, max: 4 });
    balancer = await startBalancer(processes.map((p) => p.url));
    proxy = await startFaultProxy(balancer.url);
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await balancer?.close();
    await Promise.all(processes.map((p) => p.kill()));
    await db?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
    cleanup();
  });

  it('every logged case reaches the server exactly once when a process dies mid-push, and every workstation converges', async () => {
    const seed = Number(process.env.SYNC_SCALE_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

    const accounts = await Promise.all(
      Array.from({ length: WORKSTATIONS }, async () => {
        const username = uniqueName();
        const password = `pw-${randomBytes(6).toString('hex')}`;
        // hashed cheaply here; the server re-hashes at its own cost on the first login
        await createAccount(db, { username, displayName: `话务员 ${username}`, role: 'operator', password }, { N: 1024, r: 8, p: 1, keyLength: 32 });
        return { username, password };
      }),
    );
    const stations: { ws: TestWorkstation; logged: string[] }[] = accounts.map((_, i) => ({
      ws: openWorkstation({ file: join(dir, `ws${i}.sqlite`), serverUrl: proxy.url, clock, workstation: `W10${i}`, job: { pushBatch: 3, pullLimit: 4 } }),
      logged: [],
    }));
    const login = async (i: number) => {
      const res = await stations[i]!.ws.call('auth.login', accounts[i]);
      if (!res.ok) throw new Error(`${accounts[i]!.username} could not sign in: ${res.reason} ${res.message}`);
    };
    const log = async (i: number, n: number) => {
      for (let k = 0; k < n; k++) stations[i]!.logged.push(await stations[i]!.ws.log());
    };
    const kills: { victim: string; path: string }[] = [];
    /** SIGKILLs `victim` as soon as a push it received has been sent to it in full, before its answer */
    const armKill = (victim: ServerProcess) => {
      balancer.onForwarded = (backend, method, path) => {
        if (backend !== victim.url || path !== '/api/push') return;
        balancer.onForwarded = undefined;
        kills.push({ victim: backend, path });
        victim.child.kill('SIGKILL');
      };
    };
    const round = async () => {
      for (let k = 0; k < 2; k++) await log(Math.floor(random() * WORKSTATIONS), 1 + Math.floor(random() * 3));
      proxy.schedule(Array.from({ length: 6 }, () => pick<Fault>(FAULTS)));
      await Promise.all(stations.map((s) => s.ws.sync.job!.syncNow()));
    };

    try {
      for (let i = 0; i < WORKSTATIONS; i++) {
        await login(i);
        await syncUntilQuiet(stations[i]!.ws);
      }
      // an outage: everybody keeps logging calls
      proxy.down = true;
      for (let i = 0; i < WORKSTATIONS; i++) await log(i, 2);
      await Promise.all(stations.map((s) => s.ws.sync.job!.syncNow()));
      proxy.down = false;

      // phase 1: A dies mid-push, then comes back (a new process, a new port)
      const [a, b] = processes as [ServerProcess, ServerProcess];
      armKill(a);
      for (let r = 0; r < ROUNDS_PER_PHASE || kills.length < 1; r++) {
        if (r > 20) throw new Error('no push reached server A in 20 rounds');
        await round();
      }
      const a2 = await start();
      balancer.setBackends([a2.url, b.url]);

      // phase 2: B dies mid-push and stays dead; A's successor carries the floor alone
      armKill(b);
      for (let r = 0; r < ROUNDS_PER_PHASE || kills.length < 2; r++) {
        if (r > 20) throw new Error('no push reached server B in 20 rounds');
        await round();
      }
      expect(balancer.live()).toEqual([a2.url]);

      // healthy again: everything settles
      proxy.schedule([]);
      for (let pass = 0; pass < 2; pass++) for (const s of stations) await syncUntilQuiet(s.ws);

      const logged = stations.flatMap((s) => s.logged);
      const rows = await db.query<{ uuid: string; officialNo: string }>(
        `SELECT c.uuid::text AS uuid, c.official_no AS "officialNo" FROM cases c JOIN accounts a ON a.id = c.account_id
          WHERE a.username = ANY($1)`,
        [accounts.map((x) => x.username)],
      );
      const onServer = new Map(rows.map((r) => [r.uuid, r.officialNo]));
      const lost = logged.filter((uuid) => !onServer.has(uuid)).length;
      const duplicated = rows.length - new Set(logged).size;
      const [numbers] = await db.query<{ n: number; distinct: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT official_no)::int AS distinct FROM cases',
      );
      console.log(
        JSON.stringify({
          name: 'sync_fault_injection_two_processes',
          seed,
          workstations: WORKSTATIONS,
          cases: logged.length,
          faults_injected: proxy.totalInjected(),
          kills_mid_push: kills.length,
          requests_per_process: [...balancer.forwarded.values()],
          lost,
          duplicated,
        }),
      );
      expect(kills).toHaveLength(2);
      expect(lost).toBe(0);
      expect(duplicated).toBe(0);
      expect(numbers!.distinct).toBe(numbers!.n);
      const all = new Map((await db.query<{ uuid: string; officialNo: string }>('SELECT uuid::text AS uuid, official_no AS "officialNo" FROM cases')).map((r) => [r.uuid, r.officialNo]));
      for (const s of stations) {
        expect(s.ws.cases()).toEqual(all);
        expect(s.ws.sync.status()).toMatchObject({ pending: 0, rejections: 0, lastError: null });
      }
      // every process served the floor: A before its death, B, A's successor
      for (const p of processes) expect(balancer.forwarded.get(p.url) ?? 0).toBeGreaterThan(0);
    } finally {
      await Promise.all(stations.map((s) => s.ws.close()));
    }
  }, 120_000);
});
