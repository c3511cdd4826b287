/**
 * A workstation process SIGKILLed at each step of push and pull (fixtures/workstation.ts kills
 * itself exactly there, mid-transaction for 'pull:applying'), then started again on the same
 * file: no case lost, none duplicated, and the workstation converges to the server.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../../src/main/store/store';
import { sideIndexWatermark } from '../../../src/main/store/bulk-fts';
import { keyOf } from '../../../src/main/store/db';
import { createSyncStore } from '../../../src/main/store/sync-store';
import type { SyncStep } from '../../../src/main/sync/job';
import { Clock, startTestServer, tempDir, type TestServer } from './helpers';

const CHILD = join(import.meta.dirname, 'fixtures/workstation.ts');

interface ChildResult {
  signal: NodeJS.Signals | null;
  code: number | null;
  logged: string[];
  cases: [string, string | null][] | null;
  progress: { loaded: number; total: number; etaMs: number | null }[];
  stderr: string;
}

function runChild(args: Record<string, unknown>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map(
          (l) =>
            JSON.parse(l) as { logged?: string; done?: boolean; cases?: [string, string | null][]; progress?: ChildResult['progress'][number] },
        );
      resolve({
        signal,
        code,
        logged: lines.flatMap((l) => (l.logged ? [l.logged] : [])),
        cases: lines.find((l) => l.done)?.cases ?? null,
        progress: lines.flatMap((l) => (l.progress ? [l.progress] : [])),
        stderr,
      });
    });
  });
}

// the child runs on the real clock, so the server does too
const clock = new Clock(Date.now());
clock.now = () => Date.now();
let server: TestServer;
const { dir, cleanup } = tempDir();

beforeAll(async () => {
  server = await startTestServer(clock);
});
afterAll(async () => {
  await server.close();
  cleanup();
});

/** Each step once; the second occurrence for some, so a kill also lands mid-way through several batches or pages. */
const KILLS: [SyncStep, number][] = [
  ['push:send', 2],
  ['push:answered', 1],
  ['push:acked', 1],
  ['pull:send', 2],
  ['pull:received', 1],
  ['pull:applying', 2],
  ['pull:applied', 1],
];

describe('a workstation process killed during sync', () => {
  it('loses and duplicates nothing, at whatever step of push or pull it dies', async () => {
    const account = await server.account();
    // other workstations' cases, so that pulls have several pages
    const base = { file: join(dir, 'ws.sqlite'), serverUrl: server.url, ...account, workstation: 'W009', pushBatch: 2, pullLimit: 2 };
    const logged: string[] = [];
    for (const [step, occurrence] of KILLS) {
      const res = await runChild({ ...base, cases: 3, dieAt: { step, occurrence } });
      expect({ step, signal: res.signal, stderr: res.stderr }).toEqual({ step, signal: 'SIGKILL', stderr: '' });
      logged.push(...res.logged);
    }
    const final = await runChild({ ...base, cases: 0, dieAt: null });
    expect(final).toMatchObject({ code: 0, stderr: '' });

    const onServer = await server.cases();
    const [row] = await server.db.query<{ n: number }>(
      'SELECT count(*) AS n FROM cases c JOIN accounts a ON a.id = c.account_id WHERE a.username = $1',
      [account.username],
    );
    const lost = logged.filter((uuid) => !onServer.has(uuid));
    // each child prints a case as soon as it is committed, then kicks the job; a kick can run the
    // job's step synchronously (a job waiting out a retry starts at once), so a kill may land
    // before the child's later cases exist: at least the first of each child is always logged
    expect(logged.length).toBeGreaterThanOrEqual(KILLS.length);
    expect(logged.length).toBeLessThanOrEqual(KILLS.length * 3);
    expect(lost).toEqual([]);
    expect(row!.n).toBe(logged.length);
    expect(new Map(final.cases)).toEqual(onServer);
    console.log(JSON.stringify({ name: 'sync_crash_kill', kills: KILLS.length, cases: logged.length, lost: lost.length, duplicated: row!.n - new Set(logged).size }));
  });

  it('finishes an initial load it did not live to finish: indexes rebuilt and callers derived at the next start', async () => {
    const other = await server.account();
    const seeded = await runChild({
      file: join(dir, 'other.sqlite'), serverUrl: server.url, ...other, workstation: 'W010', pushBatch: 50, pullLimit: 50, cases: 12, dieAt: null,
    });
    expect(seeded).toMatchObject({ code: 0 });

    const account = await server.account();
    const file = join(dir, 'fresh.sqlite');
    const base = { file, serverUrl: server.url, ...account, workstation: 'W011', pushBatch: 2, pullLimit: 2, cases: 0 };
    // killed after the second transaction of its first pull, i.e. in the middle of the load
    const killed = await runChild({ ...base, dieAt: { step: 'pull:applied', occurrence: 2 } });
    expect(killed.signal).toBe('SIGKILL');

    const reference = openStore({ file: ':memory:', workstation: 'W000' });
    const indexes = (db: typeof reference.db) =>
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
    const store = openStore({ file, workstation: 'W011' });
    try {
      expect(store.db.prepare("SELECT count(*) FROM meta WHERE key = 'sync_initial_load'").pluck().get()).toBe(1);
      expect(indexes(store.db)).not.toEqual(indexes(reference.db));
      const held = store.db.prepare('SELECT count(*) FROM cases').pluck().get() as number;
      expect(held).toBeGreaterThan(0);

      createSyncStore(store.db, { now: Date.now });
      expect(store.db.prepare("SELECT count(*) FROM meta WHERE key = 'sync_initial_load'").pluck().get()).toBe(0);
      expect(indexes(store.db)).toEqual(indexes(reference.db));
      expect(store.db.prepare('SELECT count(*) FROM callers').pluck().get()).toBe(
        store.db.prepare('SELECT count(DISTINCT phone) FROM contacts').pluck().get(),
      );
      const anyPhone = store.db.prepare('SELECT phone FROM contacts LIMIT 1').pluck().get() as string;
      expect(store.callerHistory(anyPhone)).toMatchObject({ known: true });
      // the pages written before the kill are indexed for search, each case once
      expect(store.db.prepare('SELECT id FROM case_search_docsize WHERE id > 0 ORDER BY id').pluck().all()).toEqual(
        store.db.prepare('SELECT id FROM cases ORDER BY id').pluck().all(),
      );
    } finally {
      store.close();
      reference.close();
    }

    const final = await runChild({ ...base, dieAt: null });
    expect(final).toMatchObject({ code: 0, stderr: '' });
    expect(new Map(final.cases)).toEqual(await server.cases());
  });
  it('resumes a first sync it did not live to finish: the next start shows its progress and ends complete, nothing twice', async () => {
    const total = (await server.cases()).size;
    expect(total).toBeGreaterThan(8);
    const account = await server.account();
    const file = join(dir, 'resumed.sqlite');
    const base = { file, serverUrl: server.url, ...account, workstation: 'W012', pushBatch: 2, pullLimit: 2, cases: 0 };
    // killed right after its third page of 2 cases committed
    const killed = await runChild({ ...base, dieAt: { step: 'pull:applied', occurrence: 3 } });
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.progress.map((p) => p.loaded)).toEqual([2, 4, 6]);
    // the side search index it left holds the cases' words: private like the store
    expect(statSync(`${file}.search-load`).mode & 0o777).toBe(0o600);

    const resumed = await runChild({ ...base, dieAt: null });
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    // the progress goes on from the 6 cases written before the kill, against the first run's total
    const loaded = resumed.progress.map((p) => p.loaded);
    expect(loaded[0]).toBe(8);
    expect(loaded).toEqual(Array.from({ length: loaded.length }, (_, i) => Math.min(8 + 2 * i, total)));
    expect(resumed.progress.every((p) => p.total === total)).toBe(true);
    expect(loaded.at(-1)).toBe(total);

    const cases = resumed.cases!;
    expect(new Set(cases.map(([uuid]) => uuid)).size).toBe(cases.length);
    expect(new Map(cases)).toEqual(await server.cases());
    const reference = openStore({ file: ':memory:', workstation: 'W000' });
    const store = openStore({ file, workstation: 'W012' });
    try {
      const indexes = (db: typeof reference.db) =>
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
      expect(indexes(store.db)).toEqual(indexes(reference.db));
      expect(store.db.prepare("SELECT count(*) FROM meta WHERE key IN ('sync_initial_load', 'sync_initial_progress')").pluck().get()).toBe(0);
      // every case searchable, each once: those written before the kill and after it
      expect(store.db.prepare('SELECT id FROM case_search_docsize WHERE id > 0 ORDER BY id').pluck().all()).toEqual(
        store.db.prepare('SELECT id FROM cases ORDER BY id').pluck().all(),
      );
      const some = store.db.prepare('SELECT id, content FROM cases ORDER BY id LIMIT 1').get() as { id: number; content: string };
      expect(store.search(some.content, 50).results.map((r) => r.id)).toContain(some.id);
      expect(store.db.prepare('SELECT count(*) FROM callers').pluck().get()).toBe(
        store.db.prepare('SELECT count(DISTINCT phone) FROM contacts').pluck().get(),
      );
    } finally {
      store.close();
      reference.close();
    }
  });
  it('indexes the pulled cases for search itself when the side index of a killed first sync is gone', async () => {
    // the server holds at least 8 cases (others' too when the tests before ran)
    const other = await server.account();
    const seeded = await runChild({
      file: join(dir, 'seeder.sqlite'), serverUrl: server.url, ...other, workstation: 'W014', pushBatch: 50, pullLimit: 50, cases: 8, dieAt: null,
    });
    expect(seeded).toMatchObject({ code: 0 });
    const account = await server.account();
    const file = join(dir, 'lost-side.sqlite');
    const killed = await runChild({
      file, serverUrl: server.url, ...account, workstation: 'W013', pushBatch: 2, pullLimit: 2, cases: 0, dieAt: { step: 'pull:applied', occurrence: 3 },
    });
    expect(killed.signal).toBe('SIGKILL');
    for (const f of [`${file}.search-load`, `${file}.search-load-wal`, `${file}.search-load-shm`]) rmSync(f, { force: true });
    const store = openStore({ file, workstation: 'W013' });
    try {
      createSyncStore(store.db, { now: Date.now });
      expect(store.db.prepare("SELECT count(*) FROM meta WHERE key = 'sync_initial_load'").pluck().get()).toBe(0);
      const ids = store.db.prepare('SELECT id FROM cases ORDER BY id').pluck().all();
      expect(ids.length).toBe(6);
      expect(store.db.prepare('SELECT id FROM case_search_docsize WHERE id > 0 ORDER BY id').pluck().all()).toEqual(ids);
      const some = store.db.prepare('SELECT id, content FROM cases ORDER BY id DESC LIMIT 1').get() as { id: number; content: string };
      expect(store.search(some.content, 50).results.map((r) => r.id)).toContain(some.id);
    } finally {
      store.close();
    }
  });
});

describe('a workstation closed during a first sync', () => {
  it('stops the search-index worker before its stop resolves, and keeps the side file for the next start', async () => {
    const file = join(dir, 'closing.sqlite');
    const side = `${file}.search-load`;
    const store = openStore({ file, workstation: 'W015' });
    try {
      const sync = createSyncStore(store.db, { now: Date.now });
      expect(sync.beginInitialLoad()).toBe(true);
      // while its worker runs, the side file is the worker's alone (locking_mode EXCLUSIVE)
      await vi.waitFor(() => expect(statSync(`${side}-wal`).size).toBeGreaterThan(0), { timeout: 10_000 });
      expect(sideIndexWatermark(side, keyOf(store.db))).toBeNull();
      await sync.stop();
      // the worker is gone: the file is readable, with its watermark, for the load to resume from
      expect(sideIndexWatermark(side, keyOf(store.db))).toBe(0);
      expect(statSync(side).mode & 0o777).toBe(0o600);
    } finally {
      store.close();
    }
  });
});
