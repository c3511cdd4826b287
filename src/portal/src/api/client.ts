/**
 * The portal's HTTP client: the login API of src/shared/sync.ts and the work-order routes of
 * src/shared/portal.ts, nothing else.
 *
 * Tokens. The access token (15 min) lives in memory only. The refresh token lives in
 * sessionStorage: a reload of the tab keeps the unit signed in (a department reloads a page
 * often), closing the tab or the browser signs it out, other tabs and later visitors of a shared
 * office computer never see it, which localStorage would allow. Script on the page could read it;
 * the portal's CSP (no inline script, 'self' only) is what stands against that, and 退出登录
 * revokes it on the server. An HttpOnly cookie would hide it from script, but the server's login
 * API is Bearer-token based for every client, and the portal is one more client of it.
 *
 * A 401 token_expired renews the access token once with the refresh token and repeats the
 * request; a refused refresh ends the session (ApiError code 'signed_out').
 */
import type { ActionName } from '../../../shared/workorders/actions';
import type {
  OrderActionResponse,
  OrderDetailResponse,
  OrderQueue,
  OrderQueueResponse,
} from '../../../shared/portal';
import type { Account, ErrorBody, LoginResponse, RefreshResponse } from '../../../shared/sync';
import type { TaxonomyResponse } from '../../../shared/taxonomy';

export const REFRESH_KEY = 'hotline.portal.refresh';

export interface Refusal {
  code: string;
  zh: string;
  en: string;
}

/** Every failure the screens handle: a stable code, the HTTP status (0: no answer), the server's texts. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly refusal: Refusal | null = null,
    readonly retryAfterSeconds: number | null = null,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A response that is not 2xx as an ApiError: the body's code when it has one, else one from the status. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Partial<ErrorBody> & { refusal?: unknown };
  const fallback = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'http_error';
  const code = typeof b.error === 'string' && b.error !== '' ? b.error : fallback;
  const r = b.refusal as Partial<Refusal> | undefined;
  const refusal =
    r && typeof r === 'object' && typeof r.zh === 'string' && typeof r.en === 'string'
      ? { code: typeof r.code === 'string' ? r.code : code, zh: r.zh, en: r.en }
      : null;
  return new ApiError(
    code,
    status,
    typeof b.message === 'string' ? b.message : `HTTP ${status}`,
    refusal,
    typeof b.retryAfterSeconds === 'number' ? b.retryAfterSeconds : null,
    typeof b.field === 'string' ? b.field : null,
  );
}

/** The part of Storage the client needs (sessionStorage in the page, a Map in tests). */
export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ClientOptions {
  fetch?: typeof fetch;
  store: TokenStore;
  /** '' in the page: the portal and the API share the origin */
  baseUrl?: string;
}

export class PortalClient {
  private accessToken: string | null = null;
  private refreshing: Promise<Account> | null = null;
  private readonly fetchFn: typeof fetch;
  private readonly store: TokenStore;
  private readonly baseUrl: string;
  /** called when the session ends on its own (refresh refused): the screen goes back to 登录 */
  onSignedOut: (() => void) | null = null;

  constructor(opts: ClientOptions) {
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
    this.store = opts.store;
    this.baseUrl = opts.baseUrl ?? '';
  }

  get signedIn(): boolean {
    return this.accessToken !== null;
  }

  hasRefreshToken(): boolean {
    return this.safeGet() !== null;
  }

  async login(username: string, password: string): Promise<Account> {
    const res = await this.send<LoginResponse>('POST', '/api/login', { username, password }, null);
    this.accessToken = res.accessToken;
    this.safeSet(res.refreshToken);
    return res.account;
  }

  /** After a reload: a new access token from the refresh token kept in sessionStorage. */
  async restore(): Promise<Account | null> {
    if (this.safeGet() === null) return null;
    try {
      return await this.refresh();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'signed_out') return null;
      throw e;
    }
  }

  async logout(): Promise<void> {
    const refreshToken = this.safeGet();
    this.accessToken = null;
    this.safeRemove();
    if (refreshToken === null) return;
    try {
      await this.send('POST', '/api/logout', { refreshToken }, null);
    } catch {
      // signed out here whatever the server says; the token dies at its expiry otherwise
    }
  }

  queue(queue: OrderQueue): Promise<OrderQueueResponse> {
    return this.authed<OrderQueueResponse>('GET', `/api/orders?queue=${encodeURIComponent(queue)}`);
  }

  /** 问题分类 and 所属区域 (GET /api/taxonomy), to name a case's codes */
  taxonomy(): Promise<TaxonomyResponse> {
    return this.authed<TaxonomyResponse>('GET', '/api/taxonomy');
  }

  order(id: string): Promise<OrderDetailResponse> {
    return this.authed<OrderDetailResponse>('GET', `/api/orders/${encodeURIComponent(id)}`);
  }

  act(id: string, action: ActionName, args: Record<string, unknown>, expectedVersion: number): Promise<OrderActionResponse> {
    return this.authed<OrderActionResponse>('POST', `/api/orders/${encodeURIComponent(id)}/actions`, {
      action,
      args,
      expectedVersion,
    });
  }

  /** One renewal at a time, whatever the number of requests that met token_expired together. */
  private refresh(): Promise<Account> {
    if (this.refreshing) return this.refreshing;
    const run = async () => {
      const refreshToken = this.safeGet();
      if (refreshToken === null) throw this.endSession();
      try {
        const res = await this.send<RefreshResponse>('POST', '/api/refresh', { refreshToken }, null);
        this.accessToken = res.accessToken;
        return res.account;
      } catch (e) {
        // 401/403: revoked, expired, account disabled — the session is over; anything else (network) is not
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) throw this.endSession();
        throw e;
      }
    };
    this.refreshing = run().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private endSession(): ApiError {
    this.accessToken = null;
    this.safeRemove();
    this.onSignedOut?.();
    return new ApiError('signed_out', 401, 'the session has ended: sign in again');
  }

  private async authed<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (this.accessToken === null) await this.refresh();
    try {
      return await this.send<T>(method, path, body, this.accessToken);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && (e.code === 'token_expired' || e.code === 'invalid_token')) {
        await this.refresh();
        return this.send<T>(method, path, body, this.accessToken);
      }
      if (e instanceof ApiError && e.status === 401) throw this.endSession();
      throw e;
    }
  }

  private async send<T>(method: string, path: string, body: unknown, token: string | null): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError('network', 0, e instanceof Error ? e.message : String(e));
    }
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    if (!res.ok) throw errorFromResponse(res.status, json);
    if (json === null) throw new ApiError('bad_response', res.status, 'the server answered without a JSON body');
    return json as T;
  }

  private safeGet(): string | null {
    try {
      return this.store.getItem(REFRESH_KEY);
    } catch {
      return null;
    }
  }
  private safeSet(v: string): void {
    try {
      this.store.setItem(REFRESH_KEY, v);
    } catch {
      // storage refused (privacy mode): the session then ends with the access token
    }
  }
  private safeRemove(): void {
    try {
      this.store.removeItem(REFRESH_KEY);
    } catch {
      // nothing kept
    }
  }
}
