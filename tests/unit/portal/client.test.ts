/**
 * The portal's HTTP client and its words for failures: error bodies to codes and Chinese
 * reasons (a refused action's own refusal.zh first), the access token in memory and the refresh
 * token in the given store, one renewal on token_expired, the session ending when the renewal is
 * refused, and Shanghai dates whatever the machine's zone.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError, errorFromResponse, PortalClient, REFRESH_KEY, type TokenStore } from '../../../src/portal/src/api/client';
import { DeadlineMark } from '../../../src/portal/src/features/queues/DeadlineMark';
import { formatShanghai, isoShanghai } from '../../../src/portal/src/format';
import { errorMessage } from '../../../src/portal/src/i18n';

class MemoryStore implements TokenStore {
  readonly map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

interface Call {
  method: string;
  url: string;
  auth: string | null;
  body: unknown;
}

/** A fake server: answers by a function of the call, records every call. */
function fakeFetch(answer: (c: Call, n: number) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const call: Call = {
      method: init?.method ?? 'GET',
      url: String(input),
      auth: headers.authorization ?? null,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const { status, body } = answer(call, calls.length);
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fn, calls };
}

const ACCOUNT = { id: 3, username: 'zjj', displayName: '市住建局', role: 'unit', unitCode: 'ZJJ' };
const LOGIN = {
  accessToken: 'access-1',
  accessTokenExpiresAt: 1,
  refreshToken: 'refresh-1',
  refreshTokenExpiresAt: 2,
  account: ACCOUNT,
  offline: { maxOfflineDays: 7, kdf: { algorithm: 'scrypt', N: 1, r: 1, p: 1, keyLength: 1, saltLength: 1 } },
};
const QUEUE = { queue: 'pending_sign', orders: [], more: false };

describe('errorFromResponse', () => {
  it('keeps the body code, the refusal texts and the retry delay', () => {
    const refused = errorFromResponse(409, {
      error: 'action_refused',
      message: 'refused',
      refusal: { code: 'return_window_closed', zh: '已超过退回时限，不能退回', en: 'too late to return' },
    });
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused.code).toBe('action_refused');
    expect(refused.status).toBe(409);
    expect(refused.refusal).toEqual({ code: 'return_window_closed', zh: '已超过退回时限，不能退回', en: 'too late to return' });
    expect(errorFromResponse(429, { error: 'too_many_attempts', message: 'x', retryAfterSeconds: 30 }).retryAfterSeconds).toBe(30);
    expect(errorFromResponse(400, { error: 'invalid_request', message: 'x', field: 'args.reason' }).field).toBe('args.reason');
  });

  it('derives a code from the status when the body has none (a proxy page, no JSON)', () => {
    expect(errorFromResponse(502, null).code).toBe('internal');
    expect(errorFromResponse(404, '<html>').code).toBe('not_found');
    expect(errorFromResponse(401, {}).code).toBe('unauthorized');
    expect(errorFromResponse(409, { error: 'order_changed', message: 'x', refusal: { zh: 1 } }).refusal).toBeNull();
  });
});

describe('errorMessage', () => {
  it('shows a refused action in the words of the transition table, in the page language', () => {
    const e = errorFromResponse(409, { error: 'action_refused', message: 'm', refusal: { code: 'c', zh: '工单已签收', en: 'already signed' } });
    expect(errorMessage(e, 'zh-CN')).toBe('工单已签收');
    expect(errorMessage(e, 'en')).toBe('already signed');
  });

  it('words known codes in Chinese and never shows the English developer message', () => {
    expect(errorMessage(new ApiError('invalid_credentials', 401, 'bad password'), 'zh-CN')).toBe('用户名或密码错误');
    expect(errorMessage(new ApiError('network', 0, 'fetch failed'), 'zh-CN')).toContain('无法连接服务器');
    expect(errorMessage(new ApiError('order_changed', 409, 'stale'), 'zh-CN')).toContain('已被他人更新');
    expect(errorMessage(new ApiError('too_many_attempts', 429, 'x', null, 42), 'zh-CN')).toBe('尝试次数过多，请 42 秒后再试');
    const odd = errorMessage(new ApiError('something_new', 418, 'teapot'), 'zh-CN');
    expect(odd).toContain('something_new');
    expect(odd).not.toContain('teapot');
  });
});

describe('PortalClient', () => {
  it('keeps the access token in memory and the refresh token in the store; sends the Bearer token', async () => {
    const store = new MemoryStore();
    const { fn, calls } = fakeFetch((c) => (c.url === '/api/login' ? { status: 200, body: LOGIN } : { status: 200, body: QUEUE }));
    const client = new PortalClient({ fetch: fn, store });
    expect(await client.login('zjj', 'secret-password')).toMatchObject({ username: 'zjj', role: 'unit' });
    expect(store.map.get(REFRESH_KEY)).toBe('refresh-1');
    expect([...store.map.values()]).not.toContain('access-1');
    await client.queue('pending_sign');
    expect(calls[1]).toMatchObject({ method: 'GET', url: '/api/orders?queue=pending_sign', auth: 'Bearer access-1' });
  });

  it('posts an action with its args and expectedVersion', async () => {
    const { fn, calls } = fakeFetch((c) => (c.url === '/api/login' ? { status: 200, body: LOGIN } : { status: 200, body: { order: {}, entry: {} } }));
    const client = new PortalClient({ fetch: fn, store: new MemoryStore() });
    await client.login('zjj', 'secret-password');
    await client.act('a/b', 'return', { reason: '不属于本单位职责' }, 4);
    expect(calls[1]).toEqual({
      method: 'POST',
      url: '/api/orders/a%2Fb/actions',
      auth: 'Bearer access-1',
      body: { action: 'return', args: { reason: '不属于本单位职责' }, expectedVersion: 4 },
    });
  });

  it('renews the access token once on token_expired and repeats the request', async () => {
    const { fn, calls } = fakeFetch((c) => {
      if (c.url === '/api/login') return { status: 200, body: LOGIN };
      if (c.url === '/api/refresh') return { status: 200, body: { ...LOGIN, accessToken: 'access-2' } };
      if (c.auth === 'Bearer access-1') return { status: 401, body: { error: 'token_expired', message: 'expired' } };
      return { status: 200, body: QUEUE };
    });
    const client = new PortalClient({ fetch: fn, store: new MemoryStore() });
    await client.login('zjj', 'secret-password');
    // two requests meet the expiry together: one renewal
    await Promise.all([client.queue('pending_sign'), client.queue('in_progress')]);
    expect(calls.filter((c) => c.url === '/api/refresh')).toHaveLength(1);
    expect(calls.find((c) => c.url === '/api/refresh')?.body).toEqual({ refreshToken: 'refresh-1' });
    expect(calls.filter((c) => c.auth === 'Bearer access-2')).toHaveLength(2);
  });

  it('ends the session when the renewal is refused: the store is emptied and the screen told', async () => {
    const store = new MemoryStore();
    const { fn } = fakeFetch((c) => {
      if (c.url === '/api/login') return { status: 200, body: LOGIN };
      if (c.url === '/api/refresh') return { status: 401, body: { error: 'invalid_token', message: 'revoked' } };
      return { status: 401, body: { error: 'token_expired', message: 'expired' } };
    });
    const client = new PortalClient({ fetch: fn, store });
    let told = 0;
    client.onSignedOut = () => told++;
    await client.login('zjj', 'secret-password');
    await expect(client.queue('pending_sign')).rejects.toMatchObject({ code: 'signed_out' });
    expect(told).toBe(1);
    expect(store.map.has(REFRESH_KEY)).toBe(false);
    expect(client.signedIn).toBe(false);
  });

  it('after a reload restores the session from the stored refresh token, or says nobody is signed in', async () => {
    const store = new MemoryStore();
    store.setItem(REFRESH_KEY, 'refresh-1');
    const ok = fakeFetch(() => ({ status: 200, body: { ...LOGIN, accessToken: 'access-9' } }));
    expect(await new PortalClient({ fetch: ok.fn, store }).restore()).toMatchObject({ username: 'zjj' });
    const refused = fakeFetch(() => ({ status: 401, body: { error: 'invalid_token', message: 'revoked' } }));
    expect(await new PortalClient({ fetch: refused.fn, store }).restore()).toBeNull();
    expect(store.map.has(REFRESH_KEY)).toBe(false);
    expect(await new PortalClient({ fetch: ok.fn, store: new MemoryStore() }).restore()).toBeNull();
  });

  it('maps a network failure and a refusal to ApiError; logout revokes and forgets the token', async () => {
    const store = new MemoryStore();
    const down = new PortalClient({ fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch, store });
    await expect(down.login('zjj', 'x')).rejects.toMatchObject({ code: 'network', status: 0 });
    const { fn, calls } = fakeFetch((c) => {
      if (c.url === '/api/login') return { status: 200, body: LOGIN };
      if (c.url === '/api/logout') return { status: 200, body: { revoked: true } };
      return { status: 409, body: { error: 'action_refused', message: 'm', refusal: { code: 'x', zh: '不能签收', en: 'cannot sign' } } };
    });
    const client = new PortalClient({ fetch: fn, store });
    await client.login('zjj', 'secret-password');
    const refusal = await client.act('o1', 'sign', {}, 1).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).refusal?.zh).toBe('不能签收');
    await client.logout();
    expect(calls.at(-1)).toMatchObject({ url: '/api/logout', body: { refreshToken: 'refresh-1' } });
    expect(store.map.has(REFRESH_KEY)).toBe(false);
  });
});

describe('formatShanghai', () => {
  it('writes instants in Shanghai time, in Chinese and in English', () => {
    // 2026-02-27 23:59:59.999 +08:00 = 15:59:59.999 UTC
    const ms = Date.UTC(2026, 1, 27, 15, 59, 59, 999);
    expect(formatShanghai(ms, 'zh-CN')).toBe('2026年2月27日 23:59');
    expect(formatShanghai(ms, 'en')).toBe('2026-02-27 23:59');
    expect(isoShanghai(ms)).toBe('2026-02-27T23:59:59+08:00');
    // after 16:00 UTC it is already the next day in Shanghai
    expect(formatShanghai(Date.UTC(2026, 11, 31, 16, 5), 'zh-CN')).toBe('2027年1月1日 00:05');
  });
});

describe('DeadlineMark', () => {
  it('marks 临期 yellow and 超期 red in the page language, and nothing for 正常 or no deadline', () => {
    const html = (status: 'normal' | 'due_soon' | 'overdue' | null, lang: 'zh-CN' | 'en' = 'zh-CN') =>
      renderToStaticMarkup(createElement(DeadlineMark, { status, lang }));
    expect(html('due_soon')).toBe('<span class="mark mark--due_soon">临期</span>');
    expect(html('overdue')).toBe('<span class="mark mark--overdue">超期</span>');
    expect(html('overdue', 'en')).toBe('<span class="mark mark--overdue">overdue</span>');
    expect(html('normal')).toBe('');
    expect(html(null)).toBe('');
  });
});
