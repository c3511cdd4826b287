import { describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_VERSION } from '../../../src/shared/sync';
import { BACKENDS, serverPerSuite, startServer, uniqueName, workstation, type TestDb, type TestServer } from './helpers';

describe.each(BACKENDS)('accounts and login on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  it('logs in with the right password: tokens, the account and the offline policy', async () => {
    const op = await s.account('operator');
    const res = await s.call('POST', '/api/login', { username: op.username, password: op.password });
    expect(res.status).toBe(200);
    expect(res.body.account).toMatchObject({ username: op.username, role: 'operator' });
    expect(res.body.accessTokenExpiresAt).toBe(Math.floor((s.clock.t + 15 * 60_000) / 1000) * 1000);
    expect(res.body.refreshTokenExpiresAt).toBeGreaterThan(res.body.accessTokenExpiresAt);
    expect(res.body.offline).toMatchObject({ maxOfflineDays: 7, kdf: { algorithm: 'scrypt', N: 1024, r: 8, p: 1 } });
  });

  it('accepts the username in any case and with stray spaces', async () => {
    const op = await s.account('operator');
    const res = await s.call('POST', '/api/login', { username: ` ${op.username.toUpperCase()} `, password: op.password });
    expect(res.status).toBe(200);
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const op = await s.account('operator');
    const wrong = await s.call('POST', '/api/login', { username: op.username, password: 'not-the-password' });
    const unknown = await s.call('POST', '/api/login', { username: uniqueName('ghost'), password: 'whatever1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toBe('invalid_credentials');
  });

  it('locks a username for a minute after 5 failures, even against the right password, then lets it in', async () => {
    const op = await s.account('operator');
    for (let i = 0; i < 5; i++) {
      const res = await s.call('POST', '/api/login', { username: op.username, password: `guess-${i}` });
      expect(res.status).toBe(401);
    }
    const limited = await s.call('POST', '/api/login', { username: op.username, password: op.password });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('too_many_attempts');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body.retryAfterSeconds).toBe(Number(limited.headers['retry-after']));

    // another user on the same machine is not locked out by the first one's typos
    const colleague = await s.account('operator');
    expect((await s.call('POST', '/api/login', { username: colleague.username, password: colleague.password })).status).toBe(200);

    s.clock.advance(61_000);
    const later = await s.call('POST', '/api/login', { username: op.username, password: op.password });
    expect(later.status).toBe(200);
  });

  it('limits failures per IP address across usernames (password spraying)', async () => {
    const ip = await startServer(t.db, { config: { login: { maxFailuresPerIp: 3 } }, clock: s.clock });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await ip.call('POST', '/api/login', { username: uniqueName('spray'), password: 'Password1' })).status).toBe(401);
      }
      const res = await ip.call('POST', '/api/login', { username: uniqueName('spray'), password: 'Password1' });
      expect(res.status).toBe(429);
    } finally {
      await ip.close();
    }
  });

  it('renews the access token with the refresh token until logout revokes it', async () => {
    const op = await s.account('operator');
    s.clock.advance(20 * 60_000);
    expect((await s.call('POST', '/api/pull', {}, op.token)).body.error).toBe('token_expired');
    const renewed = await s.call('POST', '/api/refresh', { refreshToken: op.refreshToken });
    expect(renewed.status).toBe(200);
    expect(renewed.body.account.username).toBe(op.username);
    const reg = await s.call(
      'POST',
      '/api/clients/register',
      { schemaVersion: SYNC_SCHEMA_VERSION, clientId: `ws-${uniqueName('c')}` },
      renewed.body.accessToken,
    );
    expect(reg.status).toBe(200);

    expect((await s.call('POST', '/api/logout', { refreshToken: op.refreshToken })).body).toEqual({ revoked: true });
    const revoked = await s.call('POST', '/api/refresh', { refreshToken: op.refreshToken });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('invalid_token');
    expect((await s.call('POST', '/api/refresh', { refreshToken: 'made-up' })).status).toBe(401);
  });

  it('lets a refresh token expire after its lifetime', async () => {
    const op = await s.account('operator');
    s.clock.advance(31 * 24 * 60 * 60_000);
    const res = await s.call('POST', '/api/refresh', { refreshToken: op.refreshToken });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('token_expired');
  });

  it('refuses a disabled account at login and at refresh', async () => {
    const op = await s.account('operator');
    await t.db.query('UPDATE accounts SET disabled = true WHERE id = $1', [op.accountId]);
    expect((await s.call('POST', '/api/login', { username: op.username, password: op.password })).body.error).toBe('account_disabled');
    expect((await s.call('POST', '/api/refresh', { refreshToken: op.refreshToken })).body.error).toBe('account_disabled');
  });

  it('lets an admin create accounts, and nobody else', async () => {
    const admin = await s.account('admin');
    const op = await s.account('operator');
    const supervisor = await s.account('supervisor');
    const username = uniqueName('new');
    const body = { username, displayName: '李四', role: 'supervisor', password: 'a-good-password' };
    for (const who of [op, supervisor]) {
      const res = await s.call('POST', '/api/accounts', body, who.token);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('forbidden');
    }
    const created = await s.call('POST', '/api/accounts', body, admin.token);
    expect(created.status).toBe(200);
    expect(created.body.account).toMatchObject({ username, displayName: '李四', role: 'supervisor' });
    expect((await s.call('POST', '/api/login', { username, password: 'a-good-password' })).body.account.role).toBe('supervisor');

    const again = await s.call('POST', '/api/accounts', body, admin.token);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('username_taken');

    const weak = await s.call('POST', '/api/accounts', { ...body, username: uniqueName('w'), password: 'short' }, admin.token);
    expect(weak.status).toBe(400);
    expect(weak.body.field).toBe('password');
    const badRole = await s.call('POST', '/api/accounts', { ...body, username: uniqueName('r'), role: 'root' }, admin.token);
    expect(badRole.body.field).toBe('role');
  });

  it('stores passwords as salted scrypt hashes with their parameters, never in clear', async () => {
    const op = await s.account('operator');
    const other = await s.account('operator');
    const rows = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE id = ANY($1::bigint[]) ORDER BY id', [
      [op.accountId, other.accountId],
    ]);
    for (const r of rows) {
      expect(r.password_hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(r.password_hash).not.toContain(op.password);
    }
    expect(rows[0]!.password_hash.split('$')[4]).not.toBe(rows[1]!.password_hash.split('$')[4]);
  });

  it('binds a client id to the account that registered it', async () => {
    const a = await workstation(s);
    const again = await s.call('POST', '/api/clients/register', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: a.clientId }, a.token);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ clientId: a.clientId, lastMutationId: 0 });
    expect(again.body.serverId).toMatch(/^[0-9a-f]+$/);

    const b = await s.account('operator');
    for (const [url, body] of [
      ['/api/clients/register', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: a.clientId }],
      ['/api/push', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: a.clientId, mutations: [{ id: 1, name: 'case.create', args: {} }] }],
      ['/api/pull', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: a.clientId, cursor: null }],
    ] as const) {
      const res = await s.call('POST', url, body, b.token);
      expect(res.status, url).toBe(403);
      expect(res.body.error).toBe('client_bound_to_other_account');
      expect(res.body.message).toMatch(/another account/);
    }
    const unknown = await s.call('POST', '/api/pull', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: 'ws-never-registered', cursor: null }, b.token);
    expect(unknown.status).toBe(403);
    expect(unknown.body.error).toBe('client_not_registered');
  });
});
