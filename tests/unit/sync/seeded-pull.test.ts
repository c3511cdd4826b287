/**
 * A workstation signs in to a SEEDED central server (npm run seed -- --server-data) with a demo
 * operator account and pulls the whole floor: every case, with its official number and the
 * status its work order gives it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openStore } from '../../../src/main/store/store';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/server/app';
import type { Db } from '../../../src/server/db/adapter';
import { openPglite } from '../../../src/server/db/pglite';
import { DEMO_PASSWORD, seedCentral } from '../../../scripts/seed-server';
import { Clock, openWorkstation, syncUntilQuiet, tempDir, type TestWorkstation } from './helpers';

/** 2026-11-26 11:00 in Jining */
const NOW = Date.parse('2026-11-26T03:00:00Z');
const CASES = 1_500;

describe('a workstation pulls a seeded central server', () => {
  const clock = new Clock(NOW);
  const { dir, cleanup } = tempDir();
  let db: Db;
  let app: FastifyInstance;
  let ws: TestWorkstation;
  let url: string;

  beforeAll(async () => {
    db = await openPglite();
    await seedCentral({ db, cases: CASES, seed: 3, now: NOW, perDay: 150 });
    app = await buildServer({ db, config: { scrypt: { N: 1024 } }, now: clock.now });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    ws = openWorkstation({ file: join(dir, 'ws.sqlite'), serverUrl: url, clock, workstation: 'W900' });
  }, 120_000);
  afterAll(async () => {
    await ws?.close();
    await app?.close();
    await db?.close();
    cleanup();
  });

  it('signs in as a demo operator and receives every case with its official number and order status', async () => {
    expect(await ws.call('auth.login', { username: 'op001', password: DEMO_PASSWORD })).toMatchObject({ ok: true });
    await syncUntilQuiet(ws);
    const onServer = await db.query<{ uuid: string; officialNo: string; status: string }>(
      'SELECT uuid::text AS uuid, official_no AS "officialNo", status FROM cases',
    );
    expect(onServer).toHaveLength(CASES);
    expect(ws.cases()).toEqual(new Map(onServer.map((c) => [c.uuid, c.officialNo])));
    const local = ws.store.db.prepare('SELECT uuid, status FROM cases').all() as { uuid: string; status: string }[];
    expect(new Map(local.map((c) => [c.uuid, c.status]))).toEqual(new Map(onServer.map((c) => [c.uuid, c.status])));
    // the floor's queues are there on the workstation too
    const statuses = new Set(local.map((c) => c.status));
    for (const s of ['pending_dispatch', 'dispatched', 'in_progress', 'replied', 'closed']) expect(statuses, s).toContain(s);
  }, 120_000);

  /** The crash test's child (fixtures/workstation.ts): a workstation process that SIGKILLs itself at a step. */
  function runChild(args: Record<string, unknown>): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/workstation.ts'), JSON.stringify(args)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
    });
  }

  it('a first sync killed mid-page and between pages resumes with every order and history entry once', async () => {
    const file = join(dir, 'killed.sqlite');
    const base = { file, serverUrl: url, username: 'op002', password: DEMO_PASSWORD, workstation: 'W901', pushBatch: 50, pullLimit: 200, cases: 0 };
    // inside the second page's transaction (rolled back), then after the fourth page committed
    expect(await runChild({ ...base, dieAt: { step: 'pull:applying', occurrence: 2 } })).toMatchObject({ signal: 'SIGKILL' });
    const mid = openStore({ file, workstation: 'W901' });
    const midOrders = mid.db.prepare('SELECT count(*) FROM orders').pluck().get() as number;
    mid.close();
    expect(midOrders).toBeGreaterThan(0);
    expect(await runChild({ ...base, dieAt: { step: 'pull:applied', occurrence: 3 } })).toMatchObject({ signal: 'SIGKILL' });
    expect(await runChild({ ...base, dieAt: null })).toMatchObject({ code: 0, stderr: '' });

    const orders = await db.query<{ uuid: string; version: number; state: string }>(
      'SELECT c.uuid::text AS uuid, w.version, w.state FROM work_orders w JOIN cases c ON c.id = w.case_id',
    );
    const history = await db.query<{ uuid: string; seq: number; entry: unknown }>(
      'SELECT c.uuid::text AS uuid, h.seq, h.entry FROM order_history h JOIN cases c ON c.id = h.case_id',
    );
    expect(orders.length).toBeGreaterThan(100);
    const store = openStore({ file, workstation: 'W901' });
    const reference = openStore({ file: ':memory:', workstation: 'W000' });
    try {
      const local = store.db.prepare('SELECT order_id AS uuid, version, state FROM orders').all() as typeof orders;
      expect(new Map(local.map((o) => [o.uuid, [o.version, o.state]]))).toEqual(new Map(orders.map((o) => [o.uuid, [o.version, o.state]])));
      expect(local).toHaveLength(orders.length);
      const entries = store.db.prepare('SELECT order_id AS uuid, seq, entry FROM order_history').all() as { uuid: string; seq: number; entry: string }[];
      expect(entries).toHaveLength(history.length);
      const key = (e: { uuid: string; seq: number }) => `${e.uuid}#${e.seq}`;
      expect(new Map(entries.map((e) => [key(e), JSON.parse(e.entry) as unknown]))).toEqual(new Map(history.map((e) => [key(e), e.entry])));
      // the queue indexes dropped for the load are back
      const indexes = (d: typeof store.db) =>
        d.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
      expect(indexes(store.db)).toEqual(indexes(reference.db));
      // the 临期 instants are derived (memoised per deadline) for every open order
      expect(store.db.prepare("SELECT count(*) FROM orders WHERE state IN ('pending_sign', 'in_progress') AND warn_at IS NULL").pluck().get()).toBe(0);
    } finally {
      store.close();
      reference.close();
    }
  }, 180_000);
});
