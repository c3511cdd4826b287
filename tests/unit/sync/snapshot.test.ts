/**
 * First sync from a snapshot (src/main/sync/snapshot-build.ts, snapshot.ts, store/snapshot-install.ts,
 * server/sync/snapshot.ts): a seeded central server (PGlite), its snapshot built as
 * `npm run snapshot` builds it, and new workstations taking it — compared with a workstation that
 * pulls the same server page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync, copyFileSync, statSync } from 'node:fs';
import { isPlainSqliteFile } from '../../../src/main/store/db';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/server/app';
import type { Db } from '../../../src/server/db/adapter';
import { openPglite } from '../../../src/server/db/pglite';
import { pullForSnapshot } from '../../../src/server/sync/pull';
import { buildSnapshot } from '../../../src/main/sync/snapshot-build';
import { downloadSnapshot } from '../../../src/main/sync/snapshot';
import { createHttpClient } from '../../../src/main/sync/http';
import { openStore } from '../../../src/main/store/store';
import { LATEST_VERSION as STORE_SCHEMA_VERSION } from '../../../src/main/store/migrations';
import { createAccount } from '../../../src/server/accounts/service';
import { DEMO_PASSWORD, seedCentral } from '../../../scripts/seed-server';
import type { SnapshotManifest } from '../../../src/shared/sync';
import { IntakeDraft, IntakeInput } from '../../../src/shared/schemas';
import { createSyncStore } from '../../../src/main/store/sync-store';
import { Clock, intakeInput, openWorkstation, syncUntilQuiet, tempDir, type TestWorkstation } from './helpers';

const NOW = Date.parse('2026-11-26T03:00:00Z');
const CASES = 1_200;

/** Everything a first sync writes, keyed by uuids (ids and local timestamps aside). */
function contents(ws: TestWorkstation) {
  const db = ws.store.db;
  const all = (sql: string) => db.prepare(sql).all();
  return {
    cases: all(`SELECT uuid, local_no, official_no, phone, phone_ext, caller_name, channel, request_type, category_code, region_code,
      address, content, answer, urgency, handling_mode, status, valid, confidential, operator, created_at, last_follow_up, origin,
      server_version, call_id, talk_seconds FROM cases ORDER BY uuid`),
    contacts: all(`SELECT k.uuid, c.uuid AS case_uuid, k.phone, k.caller_name, k.content, k.created_at FROM contacts k JOIN cases c ON c.id = k.case_id ORDER BY k.uuid`),
    callers: all('SELECT phone, phone_rev, name, first_seen, last_seen FROM callers ORDER BY phone'),
    orders: all(`SELECT o.order_id, c.uuid, o.state, o.version, o.unit_code, o.lead_unit_code, o.deadline, o.sign_by, o.warn_at,
      o.extension_requested, o.snapshot FROM orders o JOIN cases c ON c.id = o.case_id ORDER BY o.order_id`),
    history: all('SELECT order_id, seq, entry FROM order_history ORDER BY order_id, seq'),
  };
}

/** A few searches, as uuids: full text, a phone, a suffix of a phone. */
function searches(ws: TestWorkstation, queries: string[]) {
  return queries.map((q) => {
    const uuid = ws.store.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck();
    return ws.store.search(q, 50).results.map((r) => uuid.get(r.id)).sort();
  });
}

describe('first sync from a snapshot', () => {
  const clock = new Clock(NOW);
  const { dir, cleanup } = tempDir('hotline-snapshot-');
  const snapshotDir = join(dir, 'snapshots');
  let db: Db;
  let app: FastifyInstance;
  let url: string;
  let serverId: string;
  let manifest: SnapshotManifest;
  const tokenSecret = randomBytes(32);
  const logs: { message: string; fields: Record<string, unknown> }[] = [];
  const log = (message: string, fields: Record<string, unknown>) => logs.push({ message, fields });
  const open: TestWorkstation[] = [];
  const workstation = (name: string, job: Record<string, unknown> = {}) => {
    const ws = openWorkstation({ file: join(dir, `${name}.sqlite`), serverUrl: url, clock, workstation: name, job: { log, ...job } });
    open.push(ws);
    return ws;
  };
  const build = async () => {
    const deps = { db, now: clock.now, serverId, windowDays: 365 };
    const built = await buildSnapshot({
      outDir: snapshotDir,
      serverId,
      windowDays: 365,
      now: clock.now,
      readPage: async (cursor, limit) => (await pullForSnapshot(deps, cursor, limit)).json,
    });
    return built.manifest;
  };

  beforeAll(async () => {
    db = await openPglite();
    await seedCentral({ db, cases: CASES, seed: 7, now: NOW, perDay: 150 });
    app = await buildServer({ db, config: { scrypt: { N: 1024 } }, now: clock.now, snapshotDir, tokenSecret });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const [row] = await db.query<{ value: string }>("SELECT value FROM server_settings WHERE key = 'server_id'");
    serverId = row!.value;
    manifest = await build();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(open.map((ws) => ws.close()));
    await app?.close();
    await db?.close();
    cleanup();
  });

  it('is built 0600 in a 0700 folder, without workstation state, at the cursor of the last page', () => {
    expect(manifest).toMatchObject({ cases: CASES, serverId, storeSchemaVersion: STORE_SCHEMA_VERSION, protocolVersion: 2 });
    expect(manifest.orders).toBeGreaterThan(100);
    expect(manifest.history).toBeGreaterThan(manifest.orders);
    expect(manifest.cursor.startsWith(`${serverId}.`)).toBe(true);
    const onDisk = JSON.parse(readFileSync(join(snapshotDir, 'manifest.json'), 'utf8')) as SnapshotManifest & { file: string };
    expect(onDisk.sha256).toBe(manifest.sha256);
    expect(statSync(snapshotDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(snapshotDir, onDisk.file)).mode & 0o777).toBe(0o600);
    expect(statSync(join(snapshotDir, 'manifest.json')).mode & 0o777).toBe(0o600);
  });

  it('gives the same store as a page pull: cases, contacts, callers, orders, history and search', async () => {
    const viaSnapshot = workstation('W801');
    const viaPages = workstation('W802', { snapshot: false });
    expect(await viaSnapshot.call('auth.login', { username: 'op001', password: DEMO_PASSWORD })).toMatchObject({ ok: true });
    expect(await viaPages.call('auth.login', { username: 'op002', password: DEMO_PASSWORD })).toMatchObject({ ok: true });
    await syncUntilQuiet(viaSnapshot);
    await syncUntilQuiet(viaPages);
    expect(logs.some((l) => l.message === 'first sync: snapshot installed' && l.fields.cases === CASES)).toBe(true);
    const a = contents(viaSnapshot);
    const b = contents(viaPages);
    expect(a.cases).toHaveLength(CASES);
    expect(a.orders.length).toBe(manifest.orders);
    expect(a.history.length).toBe(manifest.history);
    expect(a).toEqual(b);
    const sample = b.cases[17] as { phone: string; content: string };
    const queries = [sample.phone, sample.phone.slice(-4), sample.content.slice(2, 6), '停水', '噪音'];
    const found = searches(viaSnapshot, queries);
    expect(found).toEqual(searches(viaPages, queries));
    expect(found[0]!.length).toBeGreaterThan(0);
    // the cursor moved on from the snapshot's, and nothing of another workstation came with it
    const account = viaSnapshot.store.db.prepare('SELECT cursor FROM sync_accounts').get() as { cursor: string };
    expect(account.cursor.startsWith(`${serverId}.`)).toBe(true);
    expect(viaSnapshot.store.db.prepare("SELECT value FROM meta WHERE key = 'workstation'").pluck().get()).toBe('W801');
    expect(existsSync(join(dir, 'W801.sqlite.snapshot'))).toBe(false);
    // the plain snapshot went into an encrypted store (store/key.ts): no number in clear there
    const storeFile = join(dir, 'W801.sqlite');
    expect(isPlainSqliteFile(storeFile)).toBe(false);
    for (const f of [storeFile, `${storeFile}-wal`].filter(existsSync)) expect(readFileSync(f).includes(Buffer.from(sample.phone))).toBe(false);
  }, 120_000);

  it('changes after the snapshot cursor arrive, and cases logged here before the first sync survive it', async () => {
    // another workstation logs a case after the snapshot was built
    const other = workstation('W803', { snapshot: false });
    expect(await other.call('auth.login', { username: 'op003', password: DEMO_PASSWORD })).toMatchObject({ ok: true });
    const later = await other.log(5);
    await syncUntilQuiet(other);
    // a workstation used standalone first: two cases logged with no server configured
    const file = join(dir, 'W804.sqlite');
    const standalone = openStore({ file, workstation: 'W804', now: clock.now });
    const local = [standalone.saveIntake(IntakeInput.parse(intakeInput(1)), 'standalone-op'), standalone.saveIntake(IntakeInput.parse(intakeInput(2)), 'standalone-op')];
    const localUuids = local.map((s) => standalone.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck().get(s.caseId) as string);
    standalone.close();
    const ws = openWorkstation({ file, serverUrl: url, clock, workstation: 'W804', job: { log } });
    open.push(ws);
    logs.length = 0;
    expect(await ws.call('auth.login', { username: 'op004', password: DEMO_PASSWORD })).toMatchObject({ ok: true });
    await syncUntilQuiet(ws);
    expect(logs.some((l) => l.message === 'first sync: snapshot installed' && l.fields.keptLocal === 2)).toBe(true);
    const held = ws.cases();
    expect(held.size).toBe(CASES + 3);
    expect(held.get(later)).toMatch(/^JN/);
    for (const uuid of localUuids) {
      expect(held.get(uuid)).toMatch(/^JN/);
      expect(ws.store.db.prepare('SELECT origin FROM cases WHERE uuid = ?').pluck().get(uuid)).toBe('local');
    }
    expect(ws.sync.status().pending).toBe(0);
    const server = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    expect(server[0]!.n).toBe(CASES + 3);
  }, 120_000);

  it('a download cut midway resumes with Range where it stopped', async () => {
    const ws = workstation('W805', { snapshot: false });
    expect(await ws.call('auth.login', { username: 'op005', password: DEMO_PASSWORD })).toMatchObject({ ok: true });
    const token = await ws.sync.auth.accessToken('op005');
    const http = createHttpClient({ baseUrl: url });
    const storeFile = join(dir, 'resume.sqlite');
    const ranges: (string | null)[] = [];
    const cutAt = Math.floor(manifest.bytes / 3);
    // the first answer dies after a third of the file, as a killed process or a dropped link would
    const first = downloadSnapshot({
      storeFile,
      manifest,
      open: async (from, etag, signal) => {
        ranges.push(from > 0 ? `bytes=${from}-` : null);
        const res = await http.snapshotFile!(token, from, etag, signal);
        let sent = 0;
        const reader = res.body!.getReader();
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const { done, value } = await reader.read();
            if (done) return controller.close();
            if (sent + value.length > cutAt) {
              controller.enqueue(value.subarray(0, cutAt - sent));
              sent = cutAt;
              controller.error(new Error('connection reset'));
              return;
            }
            sent += value.length;
            controller.enqueue(value);
          },
        });
        return new Response(body, { status: res.status, headers: res.headers });
      },
    });
    await expect(first).rejects.toThrow(/resumes/);
    expect(readFileSync(`${storeFile}.snapshot.part`).length).toBe(cutAt);
    const second = await downloadSnapshot({
      storeFile,
      manifest,
      open: async (from, etag, signal) => {
        ranges.push(from > 0 ? `bytes=${from}-` : null);
        const res = await http.snapshotFile!(token, from, etag, signal);
        expect(res.status).toBe(206);
        return res;
      },
    });
    expect(ranges).toEqual([null, `bytes=${cutAt}-`]);
    expect(second.resumedFrom).toBe(cutAt);
    const onDisk = JSON.parse(readFileSync(join(snapshotDir, 'manifest.json'), 'utf8')) as { file: string };
    expect(readFileSync(second.file).equals(readFileSync(join(snapshotDir, onDisk.file)))).toBe(true);
  }, 60_000);

  it('a corrupted file is refused and the first sync pulls page by page', async () => {
    const onDisk = JSON.parse(readFileSync(join(snapshotDir, 'manifest.json'), 'utf8')) as { file: string };
    const path = join(snapshotDir, onDisk.file);
    const backup = join(dir, 'good.sqlite');
    copyFileSync(path, backup);
    const bytes = readFileSync(path);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(path, bytes);
    try {
      logs.length = 0;
      const ws = workstation('W806');
      expect(await ws.call('auth.login', { username: 'op006', password: DEMO_PASSWORD })).toMatchObject({ ok: true });
      await syncUntilQuiet(ws);
      const line = logs.find((l) => l.message === 'first sync: pulling page by page');
      expect(String(line?.fields.reason)).toMatch(/sha256/);
      expect(ws.cases().size).toBe(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases').then((r) => r[0]!.n));
      expect(existsSync(join(dir, 'W806.sqlite.snapshot.part'))).toBe(false);
    } finally {
      copyFileSync(backup, path);
    }
  }, 120_000);

  it('a snapshot of another store schema is not used: the first sync pulls page by page, saying why', async () => {
    const path = join(snapshotDir, 'manifest.json');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(original), storeSchemaVersion: 99 }), { mode: 0o600 });
    try {
      logs.length = 0;
      const ws = workstation('W808');
      expect(await ws.call('auth.login', { username: 'op008', password: DEMO_PASSWORD })).toMatchObject({ ok: true });
      await syncUntilQuiet(ws);
      const line = logs.find((l) => l.message === 'first sync: pulling page by page');
      expect(String(line?.fields.reason)).toMatch(/schema is 99/);
      expect(logs.some((l) => l.message === 'first sync: snapshot installed')).toBe(false);
      expect(ws.cases().size).toBe(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases').then((r) => r[0]!.n));
    } finally {
      writeFileSync(path, original, { mode: 0o600 });
    }
  }, 120_000);

  it('an install keeps what the store held: pending outbox rows, local cases (searchable, with callers), drafts, identity', () => {
    const file = join(dir, 'keep.sqlite');
    const store = openStore({ file, workstation: 'W807', now: clock.now });
    try {
      const saved = [store.saveIntake(IntakeInput.parse(intakeInput(11)), 'standalone-op'), store.saveIntake(IntakeInput.parse(intakeInput(12)), 'standalone-op')];
      const uuids = saved.map((x) => store.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck().get(x.caseId) as string);
      store.saveDraft('intake:op1', IntakeDraft.parse({ phone: '13905370000', content: '草稿未保存的内容' }));
      // a client of this workstation, never synced
      store.db.prepare(
        "INSERT INTO sync_accounts (username, account_id, display_name, role, client_id, server_id, created_at) VALUES ('op1', 1, 'op1', 'operator', 'client-1', ?, 0)",
      ).run(serverId);
      const before = {
        outbox: store.db.prepare('SELECT * FROM outbox ORDER BY seq').all(),
        identity: store.db.prepare("SELECT value FROM meta WHERE key = 'client_id'").pluck().get(),
        content: store.db.prepare('SELECT content FROM cases WHERE uuid = ?').pluck().get(uuids[0]) as string,
        phone: store.db.prepare('SELECT phone FROM cases WHERE uuid = ?').pluck().get(uuids[1]) as string,
      };
      expect(before.outbox).toHaveLength(2);
      const onDisk = JSON.parse(readFileSync(join(snapshotDir, 'manifest.json'), 'utf8')) as { file: string };
      const copy = join(dir, 'keep.sqlite.snapshot');
      copyFileSync(join(snapshotDir, onDisk.file), copy);
      const sync = createSyncStore(store.db, { now: clock.now });
      expect(sync.snapshotTarget()).toBe(file);
      const result = sync.installSnapshot(copy, 'client-1', manifest.cursor);
      expect(result).toMatchObject({ cases: CASES + 2, keptLocal: 2 });
      expect(store.db.prepare('SELECT * FROM outbox ORDER BY seq').all()).toEqual(before.outbox);
      expect(store.db.prepare("SELECT value FROM meta WHERE key = 'client_id'").pluck().get()).toBe(before.identity);
      expect(store.loadDraft('intake:op1')?.draft.content).toBe('草稿未保存的内容');
      expect(sync.cursor('client-1')).toBe(manifest.cursor);
      for (const uuid of uuids) {
        const row = store.db.prepare('SELECT id, origin FROM cases WHERE uuid = ?').get(uuid) as { id: number; origin: string };
        expect(row.origin).toBe('local');
        expect(row.id).toBeGreaterThan(CASES);
        expect(store.db.prepare('SELECT count(*) FROM contacts WHERE case_id = ?').pluck().get(row.id)).toBe(1);
        expect(store.getCase(row.id)?.contacts).toHaveLength(1);
      }
      const localId = store.db.prepare('SELECT id FROM cases WHERE uuid = ?').pluck().get(uuids[0]) as number;
      expect(store.search(before.content.slice(0, 8), 50).results.map((r) => r.id)).toContain(localId);
      expect(store.db.prepare('SELECT count(*) FROM callers WHERE phone = ?').pluck().get(before.phone)).toBe(1);
      expect([...store.callerHistory(before.phone).openCases, ...store.callerHistory(before.phone).recentCases].map((c) => c.id)).toContain(
        store.db.prepare('SELECT id FROM cases WHERE uuid = ?').pluck().get(uuids[1]) as number,
      );
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      // past its first sync: no second snapshot
      expect(sync.snapshotTarget()).toBeNull();
    } finally {
      store.close();
    }
  });

  it('the routes: 401 without a token, 403 for a unit account, 404 with a reason, 400/416 for bad ranges', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/sync/snapshot' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/sync/snapshot/file' })).statusCode).toBe(401);
    await createAccount(db, { username: 'unit-x', displayName: 'x', role: 'unit', unitCode: 'RC', password: 'unit-password-1' }, { N: 1024, r: 8, p: 1, keyLength: 32 });
    const login = async (username: string, password: string) =>
      (await app.inject({ method: 'POST', url: '/api/login', payload: { username, password } })).json<{ accessToken: string }>().accessToken;
    const unit = await login('unit-x', 'unit-password-1');
    const forbidden = await app.inject({ method: 'GET', url: '/api/sync/snapshot/file', headers: { authorization: `Bearer ${unit}` } });
    expect(forbidden.statusCode).toBe(403);
    const op = await login('op007', DEMO_PASSWORD);
    const auth = { authorization: `Bearer ${op}` };
    const got = await app.inject({ method: 'GET', url: '/api/sync/snapshot', headers: auth });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ sha256: manifest.sha256, bytes: manifest.bytes });
    const piece = await app.inject({ method: 'GET', url: '/api/sync/snapshot/file', headers: { ...auth, range: 'bytes=0-99' } });
    expect(piece.statusCode).toBe(206);
    expect(piece.headers['content-range']).toBe(`bytes 0-99/${manifest.bytes}`);
    expect(piece.headers.etag).toBe(`"${manifest.sha256}"`);
    expect(piece.rawPayload.subarray(0, 15).toString()).toBe('SQLite format 3');
    const bad = await app.inject({ method: 'GET', url: '/api/sync/snapshot/file', headers: { ...auth, range: 'lines=1-2' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_request', field: 'range' });
    const beyond = await app.inject({ method: 'GET', url: '/api/sync/snapshot/file', headers: { ...auth, range: `bytes=${manifest.bytes}-` } });
    expect(beyond.statusCode).toBe(416);
    // another snapshot's ETag in If-Range: the whole current file
    const stale = await app.inject({ method: 'GET', url: '/api/sync/snapshot/file', headers: { ...auth, range: 'bytes=10-', 'if-range': '"0000"' } });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.length).toBe(manifest.bytes);
    // a server without a snapshot folder says why
    const bare = await buildServer({ db, config: { scrypt: { N: 1024 } }, now: clock.now, tokenSecret });
    const none = await bare.inject({ method: 'GET', url: '/api/sync/snapshot', headers: auth });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: 'snapshot_unavailable' });
    expect(none.json().message).toMatch(/--snapshot-dir/);
    await bare.close();
  });
});
