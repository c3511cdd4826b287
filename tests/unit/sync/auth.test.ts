import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { Clock, DAY, openWorkstation, startTestServer, syncUntilQuiet, tempDir, type TestServer, type TestWorkstation } from './helpers';

const clock = new Clock();
let server: TestServer;
let proxy: FaultProxy;
const { dir, cleanup } = tempDir();
const open: TestWorkstation[] = [];
let files = 0;

function workstation(opts: { serverUrl?: string | null; file?: string } = {}): TestWorkstation {
  const ws = openWorkstation({
    file: opts.file ?? join(dir, `ws-${++files}.sqlite`),
    serverUrl: opts.serverUrl === null ? undefined : (opts.serverUrl ?? proxy.url),
    clock,
  });
  open.push(ws);
  return ws;
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

const outboxRows = (ws: TestWorkstation) =>
  ws.store.db.prepare('SELECT client_id AS clientId, mutation_id AS mutationId FROM outbox ORDER BY seq').all() as {
    clientId: string | null;
    mutationId: number | null;
  }[];

describe('signing in on a workstation', () => {
  it('needs no sign-in without a server, and cases carry the configured operator', async () => {
    const ws = workstation({ serverUrl: null });
    expect(await ws.call('auth.session', {})).toEqual({ loginRequired: false, user: null, endedReason: null });
    expect(await ws.call('auth.login', { username: 'x', password: 'y' })).toMatchObject({ ok: false, reason: 'not_required' });
    expect((await ws.call('app.info', {})).operator).toBe('standalone-op');
    await ws.log();
    expect(ws.store.db.prepare('SELECT operator FROM cases').pluck().all()).toEqual(['standalone-op']);
    expect(outboxRows(ws)).toEqual([{ clientId: null, mutationId: null }]);
    expect(await ws.call('sync.status', {})).toMatchObject({ enabled: false, state: 'disabled', pending: 1 });
  });

  it("refuses a unit's account: units work in the portal, and its token is revoked", async () => {
    await server.db.query("INSERT INTO units (code, name, kind) VALUES ('RC', '任城区人民政府', 'district') ON CONFLICT DO NOTHING");
    const username = `unit-${files}`;
    const { createAccount } = await import('../../../src/server/accounts/service');
    await createAccount(server.db, { username, displayName: '任城区', role: 'unit', unitCode: 'RC', password: 'a-unit-password' }, { N: 1024, r: 8, p: 1, keyLength: 32 });
    const ws = workstation();
    expect(await ws.call('auth.login', { username, password: 'a-unit-password' })).toMatchObject({ ok: false, reason: 'unit_account' });
    expect((await ws.call('auth.session', {})).user).toBeNull();
    const live = await server.db.query('SELECT 1 FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.username = $1 AND t.revoked_at IS NULL', [username]);
    expect(live).toEqual([]);
  });

  it('an admin-set password must be changed at sign-in: no session before, the policy checked, then signed in with the new one', async () => {
    const username = `reset-${files}`;
    const { createAccount } = await import('../../../src/server/accounts/service');
    await createAccount(
      server.db,
      { username, displayName: '新同事', role: 'operator', password: 'temp-pass-1', mustChangePassword: true },
      { N: 1024, r: 8, p: 1, keyLength: 32 },
    );
    const ws = workstation();
    expect(await ws.call('auth.login', { username, password: 'temp-pass-1' })).toMatchObject({ ok: false, reason: 'password_change_required' });
    expect((await ws.call('auth.session', {})).user).toBeNull();
    // its refresh token is not kept, nor an offline verifier: nothing works until the change
    const live = await server.db.query('SELECT 1 FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.username = $1 AND t.revoked_at IS NULL', [username]);
    expect(live).toEqual([]);

    // the policy, checked before anything is sent, in both languages for the field
    expect(await ws.call('auth.changePassword', { username, password: 'temp-pass-1', newPassword: 'short' })).toMatchObject({
      ok: false,
      reason: 'password_rejected',
      policy: { code: 'password_too_short', zh: expect.stringContaining('至少') },
    });
    expect(await ws.call('auth.changePassword', { username, password: 'temp-pass-1', newPassword: 'temp-pass-1' })).toMatchObject({
      ok: false,
      reason: 'password_rejected',
      policy: { code: 'password_unchanged' },
    });
    expect(await ws.call('auth.changePassword', { username, password: 'wrong-pass-1', newPassword: 'my-own-pass-2' })).toMatchObject({
      ok: false,
      reason: 'invalid_credentials',
    });

    const changed = await ws.call('auth.changePassword', { username, password: 'temp-pass-1', newPassword: 'my-own-pass-2' });
    expect(changed).toMatchObject({ ok: true, session: { user: { username, mode: 'online' } } });
    expect((await server.db.query<{ m: boolean }>('SELECT must_change_password AS m FROM accounts WHERE username = $1', [username]))[0]?.m).toBe(false);
    // the temporary password is gone; the new one signs in directly
    const other = workstation();
    expect(await other.call('auth.login', { username, password: 'temp-pass-1' })).toMatchObject({ ok: false, reason: 'invalid_credentials' });
    expect(await other.call('auth.login', { username, password: 'my-own-pass-2' })).toMatchObject({ ok: true });
  });

  it('refuses an intake until someone signs in when a server is configured', async () => {
    const ws = workstation();
    const res = await ws.handlers['app.info']({}, { transport: 'browser' });
    expect(res.operator).toBe('');
    const { dispatch } = await import('../../../src/main/services/dispatch');
    const { intakeInput } = await import('./helpers');
    const refused = await dispatch(ws.handlers, 'intake.save', intakeInput(), { transport: 'browser' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(ws.store.db.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(0);
  });

  it('signs in online: the case carries the username, its outbox row the account client id and mutation 1', async () => {
    const { username, password } = await server.account();
    const ws = workstation();
    const res = await ws.call('auth.login', { username: username.toUpperCase(), password });
    expect(res).toMatchObject({ ok: true, session: { loginRequired: true, user: { username, mode: 'online', role: 'operator' } } });
    const account = ws.sync.store.account(username)!;
    expect(account.refreshToken).toMatch(/^plain:/);
    expect(account.offlineValidUntil).toBe(clock.now() + 7 * DAY);
    expect(JSON.parse(account.offlineVerifier!)).toMatchObject({ algorithm: 'scrypt', N: 1024, r: 8, p: 1 });
    expect(account.offlineVerifier).not.toContain(password);

    await ws.log();
    expect(ws.store.db.prepare('SELECT operator FROM cases').pluck().all()).toEqual([username]);
    expect(outboxRows(ws)).toEqual([{ clientId: account.clientId, mutationId: 1 }]);
    expect((await ws.call('app.info', {})).operator).toBe(username);
  });

  it('a wrong password online is refused and deletes the offline verifier', async () => {
    const { username, password } = await server.account();
    const ws = workstation();
    await ws.call('auth.login', { username, password });
    expect(ws.sync.store.account(username)!.offlineVerifier).not.toBeNull();
    await ws.call('auth.logout', {});
    expect(await ws.call('auth.login', { username, password: 'not-the-password' })).toMatchObject({ ok: false, reason: 'invalid_credentials' });
    expect(ws.sync.store.account(username)!.offlineVerifier).toBeNull();
    proxy.down = true;
    expect(await ws.call('auth.login', { username, password })).toMatchObject({ ok: false, reason: 'offline_unavailable' });
  });

  it('signs in offline with the verifier while the server is unreachable, within the offline period only', async () => {
    const { username, password } = await server.account();
    const ws = workstation();
    await ws.call('auth.login', { username, password });
    await ws.call('auth.logout', {});
    proxy.down = true;

    expect(await ws.call('auth.login', { username, password: 'wrong-password' })).toMatchObject({ ok: false, reason: 'invalid_credentials' });
    const res = await ws.call('auth.login', { username, password });
    expect(res).toMatchObject({ ok: true, session: { user: { username, mode: 'offline' } } });
    await ws.log();
    expect(ws.store.db.prepare('SELECT operator FROM cases').pluck().all()).toEqual([username]);

    await ws.call('auth.logout', {});
    clock.advance(7 * DAY + 1);
    try {
      expect(await ws.call('auth.login', { username, password })).toMatchObject({ ok: false, reason: 'offline_expired' });
    } finally {
      clock.advance(-(7 * DAY + 1));
    }
  });

  it('an account that never signed in online here cannot sign in offline', async () => {
    const { username, password } = await server.account();
    const ws = workstation();
    proxy.down = true;
    expect(await ws.call('auth.login', { username, password })).toMatchObject({ ok: false, reason: 'offline_unavailable' });
  });

  it('limits failed offline attempts like the server does', async () => {
    const { username, password } = await server.account();
    const ws = workstation();
    await ws.call('auth.login', { username, password });
    await ws.call('auth.logout', {});
    proxy.down = true;
    for (let i = 0; i < 5; i++) {
      expect(await ws.call('auth.login', { username, password: `wrong-${i}` })).toMatchObject({ reason: 'invalid_credentials' });
    }
    expect(await ws.call('auth.login', { username, password })).toMatchObject({ ok: false, reason: 'too_many_attempts' });
  });

  it('an offline session goes online by itself when the server is back, and its cases go out', async () => {
    const { username, password } = await server.account();
    const ws = workstation();
    await ws.call('auth.login', { username, password });
    await ws.call('auth.logout', {});
    await ws.sync.job!.idle();
    // the job retired the refresh token of the signed-out account: only the password can bring it back online
    expect(ws.sync.store.account(username)!.refreshToken).toBeNull();
    proxy.down = true;
    await ws.call('auth.login', { username, password });
    const uuid = await ws.log();
    await ws.sync.job!.idle();
    expect(await ws.call('sync.status', {})).toMatchObject({ online: false, pending: 1, lastError: { code: 'network' } });

    proxy.down = false;
    await syncUntilQuiet(ws);
    expect(await ws.call('auth.session', {})).toMatchObject({ user: { username, mode: 'online' } });
    expect((await server.cases()).has(uuid)).toBe(true);
    expect(ws.cases().get(uuid)).toMatch(/^JN\d{8}-\d{6}$/);
  });

  it('ends the session when the server refuses the credentials in the background, keeping the cases', async () => {
    const { username, password } = await server.account();
    const ws = workstation();
    await ws.call('auth.login', { username, password });
    await ws.sync.job!.idle();
    await server.db.query('UPDATE accounts SET disabled = true WHERE username = $1', [username]);
    clock.advance(20 * 60_000); // the access token has expired: the next request refreshes
    try {
      await ws.log();
      await ws.sync.job!.idle();
      const session = await ws.call('auth.session', {});
      expect(session.user).toBeNull();
      expect(session.endedReason).toMatch(/disabled/);
      expect(ws.sync.store.account(username)).toMatchObject({ offlineVerifier: null, refreshToken: null });
      expect(await ws.call('sync.status', {})).toMatchObject({ pending: 1, lastError: { code: 'signed_out' } });
    } finally {
      clock.advance(-20 * 60_000);
    }
  });

  it('the centre can shorten or switch off offline sign-in: the next refresh applies it', async () => {
    const short = await startTestServer(clock, { offlineDays: 0 });
    try {
      const { username, password } = await short.account();
      const ws = workstation({ serverUrl: short.url });
      await ws.call('auth.login', { username, password });
      expect(ws.sync.store.account(username)!.offlineVerifier).toBeNull();
    } finally {
      await short.close();
    }
  });

  it('logging out keeps the refresh token until the account has nothing left to push, then revokes it', async () => {
    const { username, password } = await server.account();
    const ws = workstation();
    await ws.call('auth.login', { username, password });
    await ws.sync.job!.idle();
    proxy.down = true;
    const uuid = await ws.log();
    await ws.sync.job!.idle();
    await ws.call('auth.logout', {});
    await ws.sync.job!.idle();
    expect(ws.sync.store.account(username)!.refreshToken).not.toBeNull();

    proxy.down = false;
    await syncUntilQuiet(ws);
    expect((await server.cases()).has(uuid)).toBe(true);
    expect(ws.sync.store.account(username)!.refreshToken).toBeNull();
    const [row] = await server.db.query<{ n: number }>(
      'SELECT count(*) AS n FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.username = $1 AND t.revoked_at IS NULL',
      [username],
    );
    expect(row!.n).toBe(0);
  });
});

describe('cases logged before anyone signed in (standalone)', () => {
  it('are adopted by the first account that signs in, numbered 1..n in the order they were logged', async () => {
    const { dir: own, cleanup: done } = tempDir();
    try {
      const file = join(own, 'ws.sqlite');
      const standalone = workstation({ serverUrl: null, file });
      const logged = [await standalone.log(), await standalone.log(), await standalone.log()];
      await standalone.close();
      open.pop();

      const first = await server.account();
      const second = await server.account();
      const ws = workstation({ file });
      await ws.call('auth.login', first);
      const clientId = ws.sync.store.account(first.username)!.clientId;
      const rows = ws.store.db.prepare('SELECT client_id AS c, mutation_id AS m, args FROM outbox ORDER BY seq').all() as {
        c: string;
        m: number;
        args: string;
      }[];
      expect(rows.map((r) => [r.c, r.m])).toEqual([
        [clientId, 1],
        [clientId, 2],
        [clientId, 3],
      ]);
      expect(rows.map((r) => (JSON.parse(r.args) as { case: { uuid: string } }).case.uuid)).toEqual(logged);
      await syncUntilQuiet(ws);
      const onServer = await server.cases();
      for (const uuid of logged) expect(onServer.has(uuid)).toBe(true);

      await ws.call('auth.login', second);
      expect(ws.sync.store.pendingCount(ws.sync.store.account(second.username)!.clientId)).toBe(0);
    } finally {
      done();
    }
  });
});
