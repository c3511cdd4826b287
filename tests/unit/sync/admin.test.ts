/**
 * The desktop's admin client (src/main/sync/admin.ts): who it acts as, what it sends, and how
 * every failure becomes a typed refusal. The server is a fake fetch here; tests/e2e/admin.test.ts
 * drives the real one.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AccountListResponse, AdminAccountResponse, CLIENT_ID_HEADER, WORKSTATION_HEADER } from '../../../src/shared/admin';
import { createAdminClient } from '../../../src/main/sync/admin';
import { CredentialsLostError, type WorkstationAuth } from '../../../src/main/sync/auth';
import type { FetchFn } from '../../../src/main/sync/http';

type Role = 'operator' | 'supervisor' | 'admin';

function fakeAuth(role: Role | null, tokens: string[] = ['t1', 't2']) {
  const calls = { invalidated: 0, tokens: 0 };
  const auth = {
    current: () => (role ? { username: 'boss', displayName: 'B', role, mode: 'online', clientId: 'client-1' } : null),
    accessToken: async () => {
      const t = tokens[Math.min(calls.tokens, tokens.length - 1)]!;
      calls.tokens++;
      if (t === 'lost') throw new CredentialsLostError('boss', 'refresh token revoked');
      return t;
    },
    invalidate: () => {
      calls.invalidated++;
    },
  } as unknown as WorkstationAuth;
  return { auth, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const ACCOUNT = { id: 7, username: 'op1', displayName: '张', role: 'operator', unitCode: null, disabled: true, mustChangePassword: false, createdAt: 1 };

function client(role: Role | null, fetch: FetchFn, opts: { serverUrl?: string | null; tokens?: string[] } = {}) {
  const { auth, calls } = fakeAuth(role, opts.tokens);
  const serverUrl = opts.serverUrl === null ? undefined : (opts.serverUrl ?? 'http://127.0.0.1:8345');
  return { admin: createAdminClient({ serverUrl, auth, workstation: 'W042', fetch }), calls };
}

describe('admin client', () => {
  it('calls the route with the signed-in account token, the workstation headers and the body', async () => {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    const { admin } = client('admin', async (url, init) => {
      seen.push({ url, init });
      return json(200, { account: ACCOUNT });
    });
    const res = await admin.json({ method: 'POST', path: '/api/accounts/7/disable' }, AdminAccountResponse);
    expect(res).toEqual({ ok: true, account: ACCOUNT });
    expect(seen[0]!.url).toBe('http://127.0.0.1:8345/api/accounts/7/disable');
    const headers = seen[0]!.init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer t1');
    expect(headers[WORKSTATION_HEADER]).toBe('W042');
    expect(headers[CLIENT_ID_HEADER]).toBe('client-1');
  });

  it('puts query filters in the URL, leaving out empty ones', async () => {
    let url = '';
    const { admin } = client('admin', async (u) => {
      url = u;
      return json(200, { accounts: [] });
    });
    await admin.json({ method: 'GET', path: '/api/audit', query: { actor: 'boss', action: undefined, from: 5, q: '' } }, z.object({ accounts: z.array(z.unknown()) }));
    expect(url).toBe('http://127.0.0.1:8345/api/audit?actor=boss&from=5');
  });

  it('refuses standalone, signed-out and non-admin callers without asking the server', async () => {
    let asked = 0;
    const fetch: FetchFn = async () => {
      asked++;
      return json(200, { accounts: [] });
    };
    expect(await client('admin', fetch, { serverUrl: null }).admin.json({ method: 'GET', path: '/api/accounts' }, AccountListResponse)).toMatchObject({ ok: false, code: 'standalone' });
    expect(await client(null, fetch).admin.json({ method: 'GET', path: '/api/accounts' }, AccountListResponse)).toMatchObject({ ok: false, code: 'signed_out' });
    expect(await client('supervisor', fetch).admin.json({ method: 'GET', path: '/api/accounts' }, AccountListResponse)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(asked).toBe(0);
  });

  it('maps the server refusals to codes and fields', async () => {
    const answer = (status: number, error: string, message: string) => client('admin', async () => json(status, { error, message })).admin;
    const post = { method: 'POST' as const, path: '/api/accounts', body: {} };
    expect(await answer(409, 'username_taken', 'taken').json(post, AdminAccountResponse)).toEqual({ ok: false, code: 'username_taken', message: '/api/accounts: taken', field: 'username' });
    expect(await answer(400, 'password_is_username', 'no').json(post, AdminAccountResponse)).toMatchObject({ code: 'password_is_username', field: 'password' });
    expect(await answer(400, 'unknown_unit', 'no').json(post, AdminAccountResponse)).toMatchObject({ code: 'unknown_unit', field: 'unitCode' });
    expect(await answer(409, 'cannot_change_self', 'self').json(post, AdminAccountResponse)).toMatchObject({ code: 'cannot_change_self', field: null });
    expect(await answer(400, 'invalid_request', 'body/displayName: too long').json(post, AdminAccountResponse)).toMatchObject({ code: 'invalid_request', field: 'displayName' });
    expect(await answer(403, 'forbidden', 'admins only').json(post, AdminAccountResponse)).toMatchObject({ code: 'forbidden' });
    expect(await answer(403, 'account_disabled', 'off').json(post, AdminAccountResponse)).toMatchObject({ code: 'signed_out' });
    expect(await answer(418, 'teapot', 'odd').json(post, AdminAccountResponse)).toMatchObject({ code: 'server_error' });
    expect(await answer(503, 'shutting_down', 'bye').json(post, AdminAccountResponse)).toMatchObject({ code: 'offline' });
  });

  it('is offline when the server cannot be reached, and signed out when the credentials are gone', async () => {
    const down = client('admin', async () => {
      throw new TypeError('fetch failed');
    }).admin;
    expect(await down.json({ method: 'GET', path: '/api/accounts' }, AccountListResponse)).toMatchObject({ ok: false, code: 'offline' });
    const lost = client('admin', async () => json(200, { accounts: [] }), { tokens: ['lost'] }).admin;
    expect(await lost.json({ method: 'GET', path: '/api/accounts' }, AccountListResponse)).toMatchObject({ ok: false, code: 'signed_out' });
  });

  it('retries once with a fresh token after a 401', async () => {
    const tokens: string[] = [];
    const { admin, calls } = client('admin', async (_url, init) => {
      const token = (init.headers as Record<string, string>).authorization!;
      tokens.push(token);
      return token === 'Bearer t1' ? json(401, { error: 'token_expired', message: 'expired' }) : json(200, { accounts: [] });
    });
    expect(await admin.json({ method: 'GET', path: '/api/accounts' }, AccountListResponse)).toEqual({ ok: true, accounts: [] });
    expect(tokens).toEqual(['Bearer t1', 'Bearer t2']);
    expect(calls.invalidated).toBe(1);
  });

  it('refuses an answer that does not match the schema, and hands a file back as base64 with its name', async () => {
    const bad = client('admin', async () => json(200, { accounts: 'nope' })).admin;
    expect(await bad.json({ method: 'GET', path: '/api/accounts' }, AccountListResponse)).toMatchObject({ ok: false, code: 'server_error' });
    const file = client('admin', async () =>
      new Response('\uFEFFid,at\n1,2\n', { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="audit-20261129.csv"' } }),
    ).admin;
    const res = await file.file({ method: 'GET', path: '/api/audit/export', query: { format: 'csv' } });
    expect(res).toMatchObject({ ok: true, filename: 'audit-20261129.csv', contentType: 'text/csv; charset=utf-8' });
    expect(res.ok && Buffer.from(res.base64, 'base64').toString('utf8')).toBe('\uFEFFid,at\n1,2\n');
  });
});
