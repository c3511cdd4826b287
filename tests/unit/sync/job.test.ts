import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  Clock,
  DAY,
  openWorkstation,
  startTestServer,
  syncUntilQuiet,
  tempDir,
  type TestServer,
  type TestWorkstation,
  type WorkstationOptions,
} from './helpers';

const clock = new Clock();
let server: TestServer;
let proxy: FaultProxy;
const { dir, cleanup } = tempDir();
const open: TestWorkstation[] = [];
let files = 0;

function workstation(opts: Partial<WorkstationOptions> = {}): TestWorkstation {
  const ws = openWorkstation({ file: join(dir, `ws-${++files}.sqlite`), serverUrl: proxy.url, clock, ...opts });
  open.push(ws);
  return ws;
}

async function signedIn(opts: Partial<WorkstationOptions> = {}, srv = server) {
  const account = await srv.account();
  const ws = workstation(opts);
  const res = await ws.call('auth.login', account);
  if (!res.ok) throw new Error(`login failed: ${res.reason}`);
  await ws.sync.job!.idle();
  return { ws, ...account };
}

beforeAll(async () => {
  server = await startTestServer(clock);
  proxy = await startFaultProxy(server.url);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((ws) => ws.close()));
  proxy.down = false;
});
afterAll(async () => {
  await proxy.close();
  await server.close();
  cleanup();
});

describe('the sync job', () => {
  it('retries for ever with exponential, capped backoff while the server is unreachable, and resets after success', async () => {
    const { ws } = await signedIn();
    proxy.down = true;
    await ws.log();
    await ws.sync.job!.idle();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      delays.push(...ws.timers.delays());
      ws.timers.fireAll();
      await ws.sync.job!.idle();
    }
    // random() is 0.5: three quarters of 1 s, 2 s, 4 s … up to three quarters of the minute cap
    expect(delays.slice(0, 6)).toEqual([750, 1500, 3000, 6000, 12_000, 24_000]);
    expect(delays.slice(6)).toEqual(Array(6).fill(45_000));
    expect(ws.sync.status()).toMatchObject({ state: 'retrying', online: false, pending: 1, lastError: { code: 'network' } });

    proxy.down = false;
    ws.timers.fireAll();
    await ws.sync.job!.idle();
    expect(ws.sync.status()).toMatchObject({ state: 'idle', online: true, pending: 0, lastError: null, lastSuccessAt: clock.now() });
    // idle: the next pull in 30 s; after a new failure the backoff starts small again
    expect(ws.timers.delays()).toEqual([30_000]);
    proxy.down = true;
    ws.timers.fireAll();
    await ws.sync.job!.idle();
    expect(ws.timers.delays()).toEqual([750]);
  });

  it('keeps the last successful sync time across a restart', async () => {
    const { ws, username, password } = await signedIn();
    const syncedAt = clock.now();
    expect(ws.sync.status().lastSuccessAt).toBe(syncedAt);
    const file = ws.file;
    await ws.close();
    open.splice(open.indexOf(ws), 1);

    clock.advance(3_600_000);
    // restarted with the server unreachable: nothing new succeeds, the old time is still shown
    proxy.down = true;
    const restarted = workstation({ file });
    expect((await restarted.call('sync.status', {})).lastSuccessAt).toBe(syncedAt);
    await restarted.call('auth.login', { username, password });
    await restarted.sync.job!.idle();
    expect(restarted.sync.status()).toMatchObject({ lastSuccessAt: syncedAt, lastError: { code: 'network' } });

    // and a later success replaces it, on disk too
    proxy.down = false;
    restarted.timers.fireAll();
    await restarted.sync.job!.idle();
    expect(restarted.sync.status().lastSuccessAt).toBe(clock.now());
    await restarted.close();
    open.splice(open.indexOf(restarted), 1);
    expect(workstation({ file }).sync.status().lastSuccessAt).toBe(clock.now());
  });

  it('refuses an old protocol version clearly: update required, no more pushes, nothing deleted', async () => {
    const account = await server.account();
    const ws = workstation({ schemaVersion: 0 });
    await ws.call('auth.login', account);
    await ws.log();
    await ws.sync.job!.idle();
    const status = await ws.call('sync.status', {});
    expect(status).toMatchObject({ state: 'update_required', pending: 1, lastError: { code: 'update_required' } });
    expect(status.lastError!.message).toMatch(/请更新热线工作台/);
    expect(status.lastError!.message).toMatch(/Update required/);
    const before = proxy.requests;
    await ws.call('sync.now', {});
    await ws.log();
    expect(proxy.requests).toBe(before);
    expect(ws.timers.delays()).toEqual([]);
    expect(ws.sync.status().pending).toBe(2);
  });

  it('renews an access token the server calls expired, and goes on', async () => {
    const serverClock = new Clock();
    const other = await startTestServer(serverClock);
    try {
      const { ws } = await signedIn({ serverUrl: other.url }, other);
      // the server's clock runs ahead: the token the workstation still trusts is refused as expired
      serverClock.advance(16 * 60_000);
      const uuid = await ws.log();
      await ws.sync.job!.idle();
      expect(ws.sync.status()).toMatchObject({ pending: 0, lastError: null });
      expect((await other.cases()).has(uuid)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('an empty new server does not wipe local data, and new cases go to it from mutation 1', async () => {
    const { ws, username, password } = await signedIn();
    const logged = [await ws.log(), await ws.log()];
    await syncUntilQuiet(ws);
    const before = ws.cases();
    expect([...before.values()].every((no) => no !== null)).toBe(true);
    const file = ws.file;
    await ws.close();
    open.splice(open.indexOf(ws), 1);

    const fresh = await startTestServer(clock);
    try {
      // the same operator on the new server
      await fresh.account(username);
      await resetPassword(fresh, username, password);
      const moved = workstation({ file, serverUrl: fresh.url });
      await moved.call('auth.login', { username, password });
      await syncUntilQuiet(moved);
      expect(moved.cases()).toEqual(before);
      const third = await moved.log();
      await syncUntilQuiet(moved);
      expect([...(await fresh.cases()).keys()]).toEqual([third]);
      expect(await fresh.db.query('SELECT last_mutation_id AS "last" FROM clients')).toEqual([{ last: 1 }]);
      for (const uuid of logged) expect(moved.cases().get(uuid)).toBe(before.get(uuid));
    } finally {
      await fresh.close();
    }
  });

  it('starts over from cursor null when the server refuses the cursor, deleting nothing', async () => {
    const { ws } = await signedIn();
    await ws.log();
    await syncUntilQuiet(ws);
    const before = ws.cases();
    const clientId = ws.sync.auth.current()!.clientId;
    ws.store.db.prepare('UPDATE sync_accounts SET cursor = ? WHERE client_id = ?').run('0badc0ffee.3', clientId);
    await syncUntilQuiet(ws);
    expect(ws.cases()).toEqual(before);
    expect(ws.sync.store.cursor(clientId)).toMatch(/^[0-9a-f]+\.\d+$/);
    expect(ws.sync.store.cursor(clientId)).not.toBe('0badc0ffee.3');
  });

  it('lists a case the server rejects under 同步异常 with its provisional number, and it never blocks the queue', async () => {
    const serverClock = new Clock();
    const other = await startTestServer(serverClock);
    try {
      const wsClock = new Clock();
      const { ws } = await signedIn({ serverUrl: other.url, clock: wsClock }, other);
      // the workstation's clock runs two days ahead: the server refuses that case as logged in the future
      wsClock.advance(2 * DAY);
      const refused = await ws.log();
      wsClock.advance(-2 * DAY);
      const accepted = await ws.log();
      await syncUntilQuiet(ws);

      expect(ws.sync.status()).toMatchObject({ pending: 0, rejections: 1, unseenRejections: 1 });
      expect([...(await other.cases()).keys()]).toEqual([accepted]);
      const caseId = ws.store.db.prepare('SELECT id FROM cases WHERE uuid = ?').pluck().get(refused) as number;
      const localNo = ws.store.getCase(caseId)!.localNo;
      const list = await ws.call('sync.rejections', {});
      expect(list).toEqual([
        expect.objectContaining({ mutationId: 1, name: 'case.create', code: 'rule_violation', localNo, caseId, seen: false, dismissed: false }),
      ]);
      expect(list[0]!.reason).toMatch(/in the future/);
      expect(ws.sync.status()).toMatchObject({ rejections: 1, unseenRejections: 0 });

      expect(await ws.call('sync.dismissRejection', { id: list[0]!.id })).toEqual({ dismissed: true });
      expect(await ws.call('sync.dismissRejection', { id: list[0]!.id })).toEqual({ dismissed: false });
      expect(ws.sync.status().rejections).toBe(0);
      expect(await ws.call('sync.rejections', {})).toEqual([]);
      expect(await ws.call('sync.rejections', { includeDismissed: true })).toEqual([expect.objectContaining({ localNo, dismissed: true })]);
    } finally {
      await other.close();
    }
  });

  it('reports a server restored from an older backup and keeps every pending change', async () => {
    const { ws } = await signedIn();
    await ws.log();
    await ws.log();
    await syncUntilQuiet(ws);
    const clientId = ws.sync.auth.current()!.clientId;
    await server.db.query('UPDATE clients SET last_mutation_id = 1 WHERE client_id = $1', [clientId]);
    const uuid = await ws.log();
    await ws.sync.job!.idle();
    expect(ws.sync.status()).toMatchObject({ pending: 1, state: 'retrying', lastError: { code: 'server_lost_mutations' } });
    expect(ws.sync.status().lastError!.message).toMatch(/restored from an older backup/);
    expect((await server.cases()).has(uuid)).toBe(false);
    expect(ws.cases().has(uuid)).toBe(true);
  });

  it('gives the account a new client id when the server binds the old one to another account', async () => {
    const { ws } = await signedIn();
    await ws.log();
    await syncUntilQuiet(ws);
    const other = await server.account();
    const oldClient = ws.sync.auth.current()!.clientId;
    await server.db.query('UPDATE clients SET account_id = (SELECT id FROM accounts WHERE username = $1) WHERE client_id = $2', [
      other.username,
      oldClient,
    ]);
    const uuid = await ws.log();
    await syncUntilQuiet(ws);
    const newClient = ws.sync.store.accounts().find((a) => a.username === ws.sync.auth.current()!.username)!.clientId;
    expect(newClient).not.toBe(oldClient);
    const rows = await server.db.query<{ n: number }>('SELECT count(*) AS n FROM cases WHERE uuid = $1', [uuid]);
    expect(rows[0]!.n).toBe(1);
  });
});

/** Sets a known password for an account created with a random one. */
async function resetPassword(srv: TestServer, username: string, password: string): Promise<string> {
  const { hashPassword } = await import('../../../src/server/auth/password');
  await srv.db.query('UPDATE accounts SET password_hash = $1 WHERE username = $2', [
    await hashPassword(password, { N: 1024, r: 8, p: 1, keyLength: 32 }),
    username,
  ]);
  return password;
}
