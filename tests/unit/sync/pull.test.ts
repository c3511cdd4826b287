import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SYNC_SCHEMA_VERSION, type PullResponse } from '../../../src/shared/sync';
import { IntakeInput } from '../../../src/shared/schemas';
import { Clock, intakeInput, openWorkstation, startTestServer, syncUntilQuiet, tempDir, type TestServer, type TestWorkstation } from './helpers';

const clock = new Clock();
let server: TestServer;
const { dir, cleanup } = tempDir();
let a: TestWorkstation;
let b: TestWorkstation;

beforeAll(async () => {
  server = await startTestServer(clock);
  a = openWorkstation({ file: join(dir, 'a.sqlite'), serverUrl: server.url, clock, workstation: 'W001', job: { pullLimit: 2 } });
  b = openWorkstation({ file: join(dir, 'b.sqlite'), serverUrl: server.url, clock, workstation: 'W002', job: { pullLimit: 2 } });
  await a.call('auth.login', await server.account());
  await b.call('auth.login', await server.account());
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await server.close();
  cleanup();
});

describe('cases pulled from the centre', () => {
  it('a case logged at one workstation reaches another with its official number, searchable and in caller history', async () => {
    const saved = await a.call('intake.save', { ...intakeInput(), phone: '13905370001', callerName: '赵先生', content: '小区门口道路积水严重，出行不便' });
    await syncUntilQuiet(a);
    const own = a.store.getCase(saved.caseId)!;
    expect(own.officialNo).toMatch(/^JN20261127-\d{6}$/);
    // the provisional number still finds it, and so does the official one, whole or by its date
    expect(a.store.search(saved.localNo, 10).results.map((r) => r.id)).toEqual([saved.caseId]);
    expect(a.store.search(own.officialNo!, 10).results.map((r) => r.id)).toEqual([saved.caseId]);
    expect(a.store.search('JN20261127', 10).results.map((r) => r.id)).toContain(saved.caseId);

    await syncUntilQuiet(b);
    const found = b.store.search(own.officialNo!, 10).results;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ localNo: saved.localNo, officialNo: own.officialNo, callerName: '赵先生' });
    expect(b.store.search(saved.localNo, 10).results).toHaveLength(1);
    expect(b.store.search('积水', 10).results.map((r) => r.officialNo)).toEqual([own.officialNo]);
    const history = b.store.callerHistory('13905370001');
    expect(history).toMatchObject({ known: true, callerName: '赵先生', totalCalls: 1 });
    expect(history.openCases.map((c) => c.officialNo)).toEqual([own.officialNo]);
    const detail = b.store.getCase(found[0]!.id)!;
    expect(detail.contacts).toHaveLength(1);
    expect(b.store.db.prepare('SELECT origin FROM cases WHERE id = ?').pluck().get(detail.id)).toBe('server');
  });

  it('a case logged during a call carries its call times to the centre and to other workstations; one typed by hand has none', async () => {
    const call = { callId: '1764200000.7', ringAt: clock.t - 70_000, answerAt: clock.t - 64_000, endAt: clock.t - 1_000 };
    const popped = await a.call('intake.save', { ...intakeInput(), phone: '13905370077', call });
    const typed = await a.call('intake.save', { ...intakeInput(), phone: '13905370078' });
    await syncUntilQuiet(a);
    await syncUntilQuiet(b);
    const onB = (phone: string) => b.store.getCase(b.store.callerHistory(phone).recentCases[0]!.id)!;
    expect(onB('13905370077').call).toEqual({ ...call, talkSeconds: 63 });
    expect(onB('13905370078').call).toBeNull();
    // the workstation that logged them keeps its own
    expect(a.store.getCase(popped.caseId)!.call).toEqual({ ...call, talkSeconds: 63 });
    expect(a.store.getCase(typed.caseId)!.call).toBeNull();
  });

  it('every workstation converges on the same cases, page by page, whoever logged them', async () => {
    for (let i = 0; i < 3; i++) await a.log();
    for (let i = 0; i < 4; i++) await b.log();
    await syncUntilQuiet(a);
    await syncUntilQuiet(b);
    await syncUntilQuiet(a);
    const onServer = await server.cases();
    expect(a.cases()).toEqual(onServer);
    expect(b.cases()).toEqual(onServer);
  });

  it('a page applied twice changes nothing: counts, contacts, callers and the search index stay the same', async () => {
    const clientId = b.sync.auth.current()!.clientId;
    const snapshot = () =>
      b.store.db
        .prepare(
          `SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM contacts) AS contacts,
             (SELECT count(*) FROM callers) AS callers, (SELECT count(*) FROM case_search) AS indexed`,
        )
        .get();
    const before = snapshot();
    const cursor = b.sync.store.cursor(clientId);
    // the last pages again, as a server replaying them (or a restart before the cursor was saved) would send
    const token = await b.sync.auth.accessToken(b.sync.auth.current()!.username);
    const res = await fetch(`${server.url}/api/pull`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ schemaVersion: SYNC_SCHEMA_VERSION, clientId, cursor: null, limit: 1000 }),
    });
    const page = (await res.json()) as PullResponse;
    expect(page.changes.length).toBeGreaterThan(5);
    b.sync.store.applyPull(clientId, page);
    b.sync.store.applyPull(clientId, page);
    expect(snapshot()).toEqual(before);
    expect(b.store.search('供暖', 50).results.length).toBe(page.changes.filter((c) => c.content.includes('供暖')).length);
    b.sync.store.applyPull(clientId, { ...page, cursor: cursor! });
  });

  it("a new workstation's first pull loads like the bulk loader, and a call logged meanwhile is kept once", async () => {
    let c: TestWorkstation | null = null;
    let loggedDuringLoad: string | null = null;
    c = openWorkstation({
      file: join(dir, 'c.sqlite'),
      serverUrl: server.url,
      clock,
      workstation: 'W003',
      job: {
        pullLimit: 2,
        onStep: (step) => {
          if (step !== 'pull:received' || loggedDuringLoad !== null || !c) return;
          // the indexes are down and the TEMP lookups are in charge: an intake must still be found by uuid later
          expect(c.store.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'cases_by_uuid'").pluck().get()).toBe(0);
          const user = c.sync.auth.current()!;
          const saved = c.store.saveIntake(IntakeInput.parse(intakeInput()), user.username, { clientId: user.clientId });
          loggedDuringLoad = c.store.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck().get(saved.caseId) as string;
        },
      },
    });
    try {
      await c.call('auth.login', await server.account());
      await syncUntilQuiet(c);
      await syncUntilQuiet(c);
      expect(loggedDuringLoad).not.toBeNull();
      const onServer = await server.cases();
      expect(onServer.has(loggedDuringLoad!)).toBe(true);
      expect(c.cases()).toEqual(onServer);
      const reference = ['callers_by_phone_rev', 'cases_by_local_no', 'cases_by_official_no', 'cases_by_phone', 'cases_by_uuid', 'cases_open_by_phone', 'cases_repeat_by_address', 'contacts_by_case', 'contacts_by_phone', 'contacts_by_uuid'];
      const indexes = c.store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('cases', 'contacts', 'callers') AND sql IS NOT NULL ORDER BY name").pluck().all();
      expect(indexes).toEqual(reference);
      expect(c.store.db.prepare("SELECT count(*) FROM temp.sqlite_master WHERE name LIKE 'load_%'").pluck().get()).toBe(0);
      // searchable once the load is over: every case indexed once, the call logged meanwhile too
      // (negative ids: the placeholder rows of the worker-built index, bulk-fts.ts; they never match)
      expect(c.store.db.prepare('SELECT id FROM case_search_docsize WHERE id > 0 ORDER BY id').pluck().all()).toEqual(
        c.store.db.prepare('SELECT id FROM cases ORDER BY id').pluck().all(),
      );
      const pulled = c.store.db.prepare("SELECT id, content FROM cases WHERE origin = 'server' LIMIT 1").get() as { id: number; content: string };
      expect(c.store.search(pulled.content, 50).results.map((r) => r.id)).toContain(pulled.id);
      const during = c.store.db.prepare('SELECT id, content FROM cases WHERE uuid = ?').get(loggedDuringLoad) as { id: number; content: string };
      expect(c.store.search(during.content, 50).results.map((r) => r.id)).toContain(during.id);
      // callers derived from the contacts: the same counts as a workstation that pulled page by page
      const phone = [...a.store.db.prepare('SELECT phone FROM contacts').pluck().all()][0] as string;
      expect(c.store.callerHistory(phone)).toMatchObject({ known: true, totalCalls: a.store.callerHistory(phone).totalCalls });
    } finally {
      await c.close();
    }
  });

  it("a first pull reports its progress (cases loaded of the server's total, time left) until it ends", async () => {
    const total = await server.caseCount();
    expect(total).toBeGreaterThan(4);
    const seen: { loaded: number; total: number; etaMs: number | null }[] = [];
    let d: TestWorkstation | null = null;
    d = openWorkstation({
      file: join(dir, 'd.sqlite'),
      serverUrl: server.url,
      clock,
      workstation: 'W004',
      job: {
        pullLimit: 2,
        onStep: (step) => {
          if (step !== 'pull:applied' || !d) return;
          // each page takes a second on this clock: the estimate follows the rate so far
          clock.advance(1000);
          const progress = d.sync.status().initialLoad;
          if (progress) seen.push(progress);
        },
      },
    });
    try {
      expect(d.sync.status().initialLoad).toBeNull();
      await d.call('auth.login', await server.account());
      await syncUntilQuiet(d);
      // every page but the last is seen while the pull runs, 2 cases each
      expect(seen.length).toBe(Math.ceil(total / 2));
      seen.forEach((p, i) => {
        expect(p.total).toBe(total);
        expect(p.loaded).toBe(Math.min(2 * (i + 1), total));
      });
      const first = seen[0]!;
      expect(first.etaMs).toBe(Math.round(((total - 2) * 1000) / 2));
      expect(seen.at(-1)!.etaMs).toBe(0);
      // over: no progress any more, and a later pull (from a cursor) shows none
      expect(d.sync.status().initialLoad).toBeNull();
      await a.log();
      await syncUntilQuiet(a);
      seen.length = 0;
      await syncUntilQuiet(d);
      expect(seen).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
