/**
 * A workstation signs in to a SEEDED central server (npm run seed -- --server-data) with a demo
 * operator account and pulls the whole floor: every case, with its official number and the
 * status its work order gives it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
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

  beforeAll(async () => {
    db = await openPglite();
    await seedCentral({ db, cases: CASES, seed: 3, now: NOW, perDay: 150 });
    app = await buildServer({ db, config: { scrypt: { N: 1024 } }, now: clock.now });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    ws = openWorkstation({ file: join(dir, 'ws.sqlite'), serverUrl: url, clock, workstation: 'W900' });
  }, 120_000);
  afterAll(async () => {
    ws?.close();
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
});
