/**
 * The classic pull bug: versions taken from a sequence commit out of order, a reader sees the
 * later one, moves its cursor past the earlier one and never sees it. Here clients push at
 * once, in random sizes and interleavings, while a puller pulls in small pages; at the end the
 * puller must hold every case the server holds, exactly as the server holds it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_VERSION } from '../../../src/shared/sync';
import { BACKENDS, caseArgs, mutations, pullAll, pushBody, serverPerSuite, workstation, type TestDb, type TestServer, type Workstation } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(BACKENDS)('concurrent pushes on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  it('never lets a puller skip a change, whatever the interleaving', async () => {
    const batch = fc.record({ client: fc.nat(3), size: fc.integer({ min: 1, max: 25 }), pauseMs: fc.nat(4) });
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 2, maxLength: 14 }), fc.integer({ min: 1, max: 9 }), async (plan, pageSize) => {
        const clients: Workstation[] = [];
        for (let i = 0; i < 4; i++) clients.push(await workstation(s));
        const puller = await workstation(s);
        let { cursor } = await pullAll(s, puller);
        const seen = new Map<string, { officialNo: string; version: number }>();
        const record = (changes: { uuid: string; officialNo: string; version: number }[]) => {
          for (const c of changes) seen.set(c.uuid, { officialNo: c.officialNo, version: c.version });
        };

        const pushed: string[] = [];
        const pushesOf = async (ws: Workstation, index: number) => {
          for (const step of plan.filter((p) => p.client === index)) {
            await sleep(step.pauseMs);
            const args = Array.from({ length: step.size }, () => caseArgs());
            pushed.push(...args.map((a) => a.case.uuid));
            const res = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, args)), ws.token);
            expect(res.status).toBe(200);
          }
        };
        let pushing = true;
        const pulling = (async () => {
          while (pushing) {
            const res = await s.call(
              'POST',
              '/api/pull',
              { schemaVersion: SYNC_SCHEMA_VERSION, clientId: puller.clientId, cursor, limit: pageSize },
              puller.token,
            );
            expect(res.status).toBe(200);
            record(res.body.changes);
            cursor = res.body.cursor;
            await sleep(0);
          }
        })();
        await Promise.all(clients.map((ws, i) => pushesOf(ws, i)));
        pushing = false;
        await pulling;
        record((await pullAll(s, puller, cursor, pageSize)).changes);

        for (const uuid of pushed) expect(seen.has(uuid), `case ${uuid} was skipped`).toBe(true);
        const server = await t.db.query<{ uuid: string; officialNo: string; version: number }>(
          'SELECT uuid::text AS uuid, official_no AS "officialNo", version FROM cases WHERE uuid = ANY($1::uuid[])',
          [pushed],
        );
        expect(server).toHaveLength(pushed.length);
        for (const row of server) expect(seen.get(row.uuid)).toEqual({ officialNo: row.officialNo, version: row.version });
      }),
      { numRuns: 12 },
    );
    // twelve random interleavings of up to 14 concurrent batches: a correctness property, not a
    // speed target; on a loaded shared machine it has taken over 30 s
  }, 120_000);

  it('applies one client pushing the same batch from two connections exactly once', async () => {
    const ws = await workstation(s);
    const body = pushBody(ws, mutations(ws, Array.from({ length: 30 }, () => caseArgs())));
    const results = await Promise.all([1, 2, 3].map(() => s.call('POST', '/api/push', body, ws.token)));
    for (const r of results) expect(r.body).toEqual({ lastMutationId: 30, rejections: [] });
    const [row] = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM cases WHERE origin_client_id = $1', [ws.clientId]);
    expect(row!.n).toBe(30);
  });

  it('applies the same cases pushed by two clients at once exactly once, and answers both with 200', async () => {
    // a push reads which cases it already holds before it takes the version head; a second client
    // committing the same case in between must neither duplicate it nor fail the push
    for (let round = 0; round < 5; round++) {
      const [a, b] = [await workstation(s), await workstation(s)];
      const args = Array.from({ length: 10 }, () => caseArgs());
      const results = await Promise.all([a, b].map((ws) => s.call('POST', '/api/push', pushBody(ws, mutations(ws, args)), ws.token)));
      for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
      for (const r of results) expect(r.body).toEqual({ lastMutationId: 10, rejections: [] });
      const [row] = await t.db.query<{ n: number; numbers: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT official_no)::int AS numbers FROM cases WHERE uuid = ANY($1::uuid[])',
        [args.map((x) => x.case.uuid)],
      );
      expect(row).toEqual({ n: 10, numbers: 10 });
    }
  });
});
