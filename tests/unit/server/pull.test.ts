import { describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_VERSION, type CaseChange } from '../../../src/shared/sync';
import { CaseJsonCache, pullCacheOf, pullForSnapshot } from '../../../src/server/sync/pull';
import { BACKENDS, caseArgs, DAY, directCaseArgs, mutations, newPhone, pullAll, pushBody, serverPerSuite, startServer, workstation, type TestDb, type TestServer } from './helpers';

describe.each(BACKENDS)('pull on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  const pull = (ws: { clientId: string; token: string }, cursor: string | null, limit = 1000) =>
    s.call('POST', '/api/pull', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: ws.clientId, cursor, limit }, ws.token);

  it('delivers the whole centre page by page, and a later pull only what changed', async () => {
    const a = await workstation(s);
    const b = await workstation(s);
    const argsA = Array.from({ length: 7 }, () => caseArgs());
    const argsB = Array.from({ length: 5 }, () => caseArgs());
    await s.call('POST', '/api/push', pushBody(a, mutations(a, argsA)), a.token);
    await s.call('POST', '/api/push', pushBody(b, mutations(b, argsB)), b.token);

    const fresh = await workstation(s);
    const pages: number[] = [];
    let cursor: string | null = null;
    const seen: CaseChange[] = [];
    for (;;) {
      const res = await pull(fresh, cursor, 4);
      expect(res.status).toBe(200);
      pages.push(res.body.changes.length);
      seen.push(...res.body.changes);
      cursor = res.body.cursor;
      if (!res.body.more) break;
    }
    expect(pages.every((n) => n <= 4)).toBe(true);
    const all = await t.db.query<{ uuid: string }>('SELECT uuid::text AS uuid FROM cases');
    expect(new Set(seen.map((c) => c.uuid))).toEqual(new Set(all.map((r) => r.uuid)));
    expect(seen.length).toBe(all.length);

    const mine = seen.find((c) => c.uuid === argsA[0]!.case.uuid)!;
    expect(mine).toMatchObject({
      localNo: argsA[0]!.case.localNo,
      phone: argsA[0]!.case.phone,
      content: argsA[0]!.case.content,
      status: 'pending_dispatch',
      originClientId: a.clientId,
      createdAt: argsA[0]!.case.createdAt,
      // the author is the account that pushed (a.username), not what the workstation wrote
      operator: a.username,
    });
    expect(mine.officialNo).toMatch(/^JN\d{8}-\d{6}$/);
    expect(mine.contacts).toEqual([{ ...argsA[0]!.contact, caseUuid: argsA[0]!.case.uuid, operator: a.username }]);

    // nothing new: an empty page and the same cursor
    const idle = await pull(fresh, cursor);
    expect(idle.body).toMatchObject({ changes: [], more: false, cursor });

    const later = caseArgs();
    await s.call('POST', '/api/push', pushBody(b, mutations(b, [later])), b.token);
    const next = await pull(fresh, cursor);
    expect(next.body.changes.map((c: { uuid: string }) => c.uuid)).toEqual([later.case.uuid]);
  });

  it("reports the client's last processed mutation id (the outbox acknowledgement)", async () => {
    const ws = await workstation(s);
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [caseArgs(), caseArgs()])), ws.token);
    expect((await pull(ws, null)).body.lastMutationId).toBe(2);
  });

  it('delivers each rejection once, on the page whose cursor covers it', async () => {
    const ws = await workstation(s);
    const { cursor } = await pullAll(s, ws);
    const batch = [
      ...mutations(ws, [caseArgs(), caseArgs()]),
      { id: ws.nextId++, name: 'no.such', args: {} },
      ...mutations(ws, [caseArgs()]),
    ];
    await s.call('POST', '/api/push', pushBody(ws, batch), ws.token);
    const paged = await pullAll(s, ws, cursor, 1);
    expect(paged.rejections).toMatchObject([{ mutationId: 3, code: 'unknown_mutation' }]);
    expect((await pullAll(s, ws, paged.cursor)).rejections).toEqual([]);
  });

  it('refuses a cursor from another server database or from the future', async () => {
    const ws = await workstation(s);
    const { cursor } = await pullAll(s, ws);
    const [serverId, version] = cursor.split('.');
    const foreign = await pull(ws, `abcdef012345.${version}`);
    expect(foreign.status).toBe(409);
    expect(foreign.body.error).toBe('cursor_invalid');
    const ahead = await pull(ws, `${serverId}.${Number(version) + 1000}`);
    expect(ahead.status).toBe(409);
    expect(ahead.body.message).toMatch(/ahead/);
    const garbage = await pull(ws, 'yesterday');
    expect(garbage.status).toBe(400);
    expect(garbage.body.field).toBe('cursor');
  });

  it('keeps old cases out of the window, except the full history of a number that called within it', async () => {
    const ws = await workstation(s);
    const quietPhone = newPhone();
    const activePhone = newPhone();
    const old = (phone: string) => caseArgs({ case: { phone, createdAt: s.clock.t - 500 * DAY } });
    const quietOld = old(quietPhone);
    const activeOld = old(activePhone);
    const activeRecent = caseArgs({ case: { phone: activePhone, createdAt: s.clock.t - 10 * DAY } });
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [quietOld, activeOld, activeRecent])), ws.token);

    const uuids = new Set((await pullAll(s, await workstation(s))).changes.map((c) => c.uuid));
    expect(uuids.has(activeRecent.case.uuid)).toBe(true);
    expect(uuids.has(activeOld.case.uuid)).toBe(true);
    expect(uuids.has(quietOld.case.uuid)).toBe(false);
  });

  it('brings the old history of a number that calls again after a long silence to workstations already in sync', async () => {
    const ws = await workstation(s);
    const phone = newPhone();
    const ancient = [caseArgs({ case: { phone, createdAt: s.clock.t - 700 * DAY } }), caseArgs({ case: { phone, createdAt: s.clock.t - 400 * DAY } })];
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, ancient)), ws.token);

    const watcher = await workstation(s);
    const synced = await pullAll(s, watcher);
    expect(synced.changes.map((c) => c.uuid)).not.toContain(ancient[0]!.case.uuid);

    const callAgain = caseArgs({ case: { phone } });
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [callAgain])), ws.token);
    const next = await pullAll(s, watcher, synced.cursor);
    expect(new Set(next.changes.map((c) => c.uuid))).toEqual(new Set([callAgain.case.uuid, ...ancient.map((a) => a.case.uuid)]));

    // a further call of the same number does not send the history again
    const third = caseArgs({ case: { phone } });
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [third])), ws.token);
    expect((await pullAll(s, watcher, next.cursor)).changes.map((c) => c.uuid)).toEqual([third.case.uuid]);
  });

  it('honours a configured window', async () => {
    const narrow = await startServer(t.db, { config: { windowDays: 30 }, clock: s.clock });
    try {
      const ws = await workstation(narrow);
      const fortyDaysAgo = caseArgs({ case: { createdAt: s.clock.t - 40 * DAY } });
      const tenDaysAgo = caseArgs({ case: { createdAt: s.clock.t - 10 * DAY } });
      await narrow.call('POST', '/api/push', pushBody(ws, mutations(ws, [fortyDaysAgo, tenDaysAgo])), ws.token);
      const uuids = (await pullAll(narrow, ws)).changes.map((c) => c.uuid);
      expect(uuids).toContain(tenDaysAgo.case.uuid);
      expect(uuids).not.toContain(fortyDaysAgo.case.uuid);
    } finally {
      await narrow.close();
    }
  });

  it('tells a pull from cursor null how many cases it brings in all (the window), and only then', async () => {
    const ws = await workstation(s);
    const old = caseArgs({ case: { createdAt: s.clock.t - 500 * DAY } });
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [caseArgs(), caseArgs(), old])), ws.token);
    const fresh = await workstation(s);
    const everything = await pullAll(s, fresh);
    const first = await pull(fresh, null, 2);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(everything.changes.length);
    expect(everything.changes.map((c) => c.uuid)).not.toContain(old.case.uuid);
    const second = await pull(fresh, first.body.cursor, 2);
    expect(second.body).not.toHaveProperty('total');
  });

  it('passes any text through the JSON the database builds unchanged', async () => {
    const ws = await workstation(s);
    const tricky = '引号"双" \\ 反斜杠\n换行\t制表 \u0001控制 😀 </script> \u2028';
    const args = caseArgs({ case: { content: tricky, address: '"; DROP TABLE cases; --', callerName: '\\u0041' } });
    args.contact.content = tricky;
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [args])), ws.token);
    const res = await s.call('POST', '/api/pull', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: ws.clientId, cursor: null, limit: 5000 }, ws.token);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const got = (res.body.changes as CaseChange[]).find((c) => c.uuid === args.case.uuid)!;
    expect(got).toMatchObject({ content: tricky, address: '"; DROP TABLE cases; --', callerName: '\\u0041', confidential: false });
    expect(got.contacts[0]!.content).toBe(tricky);
    expect(typeof got.createdAt).toBe('number');
    expect(typeof got.version).toBe('number');
  });

  it("serves a floor keeping up from the process's cache: every page the same as one the database builds whole", async () => {
    const [row] = await t.db.query<{ value: string }>("SELECT value FROM server_settings WHERE key = 'server_id'");
    const whole = (cursor: string | null, limit: number) =>
      pullForSnapshot({ db: t.db, now: s.clock.now, serverId: row!.value, windowDays: 365 }, cursor, limit).then((p) => JSON.parse(p.json));
    const sup = await s.account('supervisor');
    await t.db.query(`INSERT INTO units (code, name, kind, parent_code) VALUES ('PC', '缓存测试单位', 'department', NULL) ON CONFLICT DO NOTHING`);
    const floor = await Promise.all([workstation(s), workstation(s), workstation(s)]);
    const cursors = await Promise.all(floor.map(async (ws) => (await pullAll(s, ws)).cursor));
    let earlier: string | null = null;
    for (let round = 0; round < 6; round++) {
      // new cases from two workstations, and an order changed by the centre (a new version of an older case)
      const logged = [caseArgs(), caseArgs(), directCaseArgs()];
      await s.call('POST', '/api/push', pushBody(floor[round % 3]!, mutations(floor[round % 3]!, logged.slice(0, 2))), floor[round % 3]!.token);
      await s.call('POST', '/api/push', pushBody(floor[(round + 1) % 3]!, mutations(floor[(round + 1) % 3]!, logged.slice(2))), floor[(round + 1) % 3]!.token);
      if (earlier) {
        const res = await s.call('POST', `/api/orders/${earlier}/actions`, { action: 'dispatch', args: { leadUnitId: 'PC' }, expectedVersion: 0 }, sup.token);
        expect(res.status).toBe(200);
      }
      earlier = logged[1]!.case.uuid;
      for (const [i, ws] of floor.entries()) {
        // small pages (2) so that a pull spans several, each compared with the page built whole
        for (;;) {
          const res = await pull(ws, cursors[i]!, 2);
          expect(res.status).toBe(200);
          const reference = await whole(cursors[i]!, 2);
          expect(res.body.changes).toEqual(reference.changes);
          expect(res.body.cursor).toBe(reference.cursor);
          expect(res.body.more).toBe(reference.more);
          cursors[i] = res.body.cursor;
          if (!res.body.more) break;
        }
      }
    }
    const cache = pullCacheOf(t.db);
    const head = Number(cursors[0]!.split('.')[1]);
    expect(cursors.every((c) => c === cursors[0])).toBe(true);
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.coveredThrough(head - 1)).toBe(head);
  });

  it('reads a page whole again when a version the cache claims to cover is not in it', async () => {
    const ws = await workstation(s);
    const { cursor } = await pullAll(s, ws);
    const since = Number(cursor.split('.')[1]);
    const args = caseArgs();
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [args])), ws.token);
    // a span claimed without its texts (as if evicted between two reads)
    pullCacheOf(t.db).covered(since, since + 10, []);
    const res = await pull(ws, cursor);
    expect(res.status).toBe(200);
    expect(res.body.changes.map((c: CaseChange) => c.uuid)).toEqual([args.case.uuid]);
    expect(res.body.changes[0]).toMatchObject({ content: args.case.content, phone: args.case.phone });
  });
});

describe('CaseJsonCache', () => {
  it('merges the spans it covers and answers how far a cursor is covered', () => {
    const cache = new CaseJsonCache();
    cache.covered(10, 20, [[12, 'a'], [20, 'b']]);
    expect(cache.coveredThrough(10)).toBe(20);
    expect(cache.coveredThrough(15)).toBe(20);
    expect(cache.coveredThrough(9)).toBe(9);
    expect(cache.coveredThrough(21)).toBe(21);
    cache.covered(20, 30, [[25, 'c']]);
    cache.covered(40, 50, [[45, 'd']]);
    expect(cache.coveredThrough(12)).toBe(30);
    expect(cache.coveredThrough(30)).toBe(30);
    expect(cache.coveredThrough(35)).toBe(35);
    expect(cache.coveredThrough(40)).toBe(50);
    cache.covered(5, 45, []);
    expect(cache.coveredThrough(5)).toBe(50);
    expect(cache.get(25)).toBe('c');
  });

  it('drops the oldest versions past its size, and the coverage below them', () => {
    const cache = new CaseJsonCache(8);
    cache.covered(0, 10, Array.from({ length: 10 }, (_, i) => [i + 1, `t${i + 1}`] as [number, string]));
    // down to three quarters of 8: versions 5…10 stay
    expect(cache.size).toBe(6);
    expect(cache.get(4)).toBeUndefined();
    expect(cache.get(5)).toBe('t5');
    expect(cache.coveredThrough(2)).toBe(2);
    expect(cache.coveredThrough(4)).toBe(10);
  });
});
