/**
 * The workstation's HTTP client for the central server (src/shared/sync.ts is the protocol).
 *
 * Every failure ends as one of two errors, because the sync job treats them differently:
 * - NetworkError: no HTTP answer at all (refused, reset, cut mid-body, timeout, DNS). The
 *   request may or may not have reached the server; the protocol makes retrying it harmless.
 * - ServerError: the server answered with a status ≥ 400 and, normally, an ErrorBody; or it
 *   answered 200 with a body this client cannot read (code 'bad_response').
 * Responses are validated with the protocol's schemas before anyone uses them: nothing the
 * server sends reaches SQLite unchecked.
 */
import type { z } from 'zod';
import {
  ErrorBody,
  LoginResponse,
  LogoutResponse,
  type PullResponse,
  PushResponse,
  RefreshResponse,
  RegisterResponse,
  SnapshotManifest,
  SYNC_SCHEMA_VERSION,
} from '../../shared/sync';
import { UnitsResponse } from '../../shared/units';
import { ChangePasswordResponse } from '../../shared/admin';
import { checkPullResponse } from './pull-response';

export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly status: number,
    /** the ErrorBody code ('token_expired', 'mutation_gap', …), or 'bad_response' / 'http_<status>' */
    readonly code: string,
    message: string,
    readonly body: ErrorBody | null = null,
  ) {
    super(message);
  }
}

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  /** http(s)://host:port of the central server, without a trailing path */
  baseUrl: string;
  fetch?: FetchFn;
  /** the protocol version sent with register/push/pull; tests send an old one */
  schemaVersion?: number;
  /** per request, until the whole response body has arrived */
  timeoutMs?: number;
  /** sent with every request (X-Hotline-Workstation: the code the server's audit trail records) */
  headers?: Record<string, string>;
}

/** One outbox row as pushed: args are the JSON text the outbox holds, sent without re-encoding. */
export interface OutgoingMutation {
  id: number;
  name: string;
  argsJson: string;
}

export interface SyncHttpClient {
  readonly baseUrl: string;
  login(username: string, password: string, signal?: AbortSignal): Promise<LoginResponse>;
  refresh(refreshToken: string, signal?: AbortSignal): Promise<RefreshResponse>;
  logout(refreshToken: string, signal?: AbortSignal): Promise<z.infer<typeof LogoutResponse>>;
  register(token: string, clientId: string, signal?: AbortSignal): Promise<z.infer<typeof RegisterResponse>>;
  push(token: string, clientId: string, mutations: OutgoingMutation[], signal?: AbortSignal): Promise<PushResponse>;
  pull(token: string, clientId: string, cursor: string | null, limit: number, signal?: AbortSignal): Promise<PullResponse>;
  /** POST /api/account/password: the signed-in user replaces their password (one an admin set must be) */
  changePassword?(token: string, currentPassword: string, newPassword: string, signal?: AbortSignal): Promise<{ changed: true }>;
  /** GET /api/sync/snapshot: the first-sync snapshot's manifest, or why there is none (404) */
  snapshotManifest?(token: string, signal?: AbortSignal): Promise<{ manifest: SnapshotManifest } | { none: string }>;
  /**
   * GET /api/sync/snapshot/file from byte `from` (Range, If-Range: the manifest's ETag): the
   * answer with its body unread, status 200 (the whole file) or 206; ServerError otherwise.
   * No timeout on the body (a large file on a slow link); `signal` cancels it.
   */
  snapshotFile?(token: string, from: number, etag: string, signal?: AbortSignal): Promise<Response>;
  /** GET /api/units with If-None-Match: null when unchanged (304) */
  units?(token: string, etag: string | null, signal?: AbortSignal): Promise<{ etag: string | null; body: UnitsResponse } | null>;
}

/** Checks a configured server URL; returns it without a trailing slash. */
export function normalizeServerUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`serverUrl "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`serverUrl "${url}" must start with http:// or https://`);
  }
  return parsed.href.replace(/\/+$/, '');
}

export function createHttpClient(opts: HttpClientOptions): SyncHttpClient {
  const baseUrl = normalizeServerUrl(opts.baseUrl);
  const doFetch: FetchFn = opts.fetch ?? ((url, init) => fetch(url, init));
  const schemaVersion = opts.schemaVersion ?? SYNC_SCHEMA_VERSION;
  const timeoutMs = opts.timeoutMs ?? 30_000;

  async function post<S extends z.ZodType>(path: string, body: string, schema: S, token?: string, signal?: AbortSignal): Promise<z.output<S>> {
    return request(path, body, (json) => {
      const parsed = schema.safeParse(json);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      throw new Error(`${issue?.path.join('.')}: ${issue?.message}`);
    }, token, signal);
  }

  /** `read` checks the parsed answer and returns it, or throws saying why it is unreadable. */
  async function request<T>(path: string, body: string, read: (json: unknown) => T, token?: string, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status: number;
    let text: string;
    try {
      const res = await doFetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...opts.headers, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
        signal: combined,
      });
      status = res.status;
      // the body is part of the answer: a connection cut while it streams is a network failure
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw e;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const detail = timeout.aborted ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new NetworkError(`${path}: the server cannot be reached (${detail})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (status >= 400) {
      const err = ErrorBody.safeParse(json);
      if (err.success) throw new ServerError(status, err.data.error, `${path}: ${err.data.message}`, err.data);
      throw new ServerError(status, `http_${status}`, `${path}: HTTP ${status} ${text.slice(0, 200)}`);
    }
    try {
      return read(json);
    } catch (e) {
      throw new ServerError(status, 'bad_response', `${path}: unexpected answer (${(e as Error).message})`);
    }
  }

  /** GET /api/units: the same failure rules as `request`, plus 304 → null. */
  async function units(token: string, etag: string | null, signal?: AbortSignal): Promise<{ etag: string | null; body: UnitsResponse } | null> {
    const path = '/api/units';
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(`${baseUrl}${path}`, {
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, ...(etag ? { 'if-none-match': etag } : {}) },
        signal: combined,
      });
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw e;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const detail = timeout.aborted ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new NetworkError(`${path}: the server cannot be reached (${detail})`);
    }
    if (res.status === 304) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.status >= 400) {
      const err = ErrorBody.safeParse(json);
      if (err.success) throw new ServerError(res.status, err.data.error, `${path}: ${err.data.message}`, err.data);
      throw new ServerError(res.status, `http_${res.status}`, `${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
    }
    const parsed = UnitsResponse.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServerError(res.status, 'bad_response', `${path}: unexpected answer (${issue?.path.join('.')}: ${issue?.message})`);
    }
    return { etag: res.headers.get('etag'), body: parsed.data };
  }

  /** A GET answered with a status ≥ 400 → ServerError (its ErrorBody when it has one). */
  async function failure(path: string, res: Response): Promise<ServerError> {
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const err = ErrorBody.safeParse(json);
    if (err.success) return new ServerError(res.status, err.data.error, `${path}: ${err.data.message}`, err.data);
    return new ServerError(res.status, `http_${res.status}`, `${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }

  async function get(path: string, headers: Record<string, string>, signal: AbortSignal | undefined, timed: boolean): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = timed ? (signal ? AbortSignal.any([signal, timeout]) : timeout) : signal;
    try {
      return await doFetch(`${baseUrl}${path}`, { method: 'GET', headers: { ...opts.headers, ...headers }, signal: combined });
    } catch (e) {
      if (signal?.aborted) throw e;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const detail = timeout.aborted ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new NetworkError(`${path}: the server cannot be reached (${detail})`);
    }
  }

  async function snapshotManifest(token: string, signal?: AbortSignal): Promise<{ manifest: SnapshotManifest } | { none: string }> {
    const path = '/api/sync/snapshot';
    const res = await get(path, { authorization: `Bearer ${token}` }, signal, true);
    if (res.status === 404) {
      const err = await failure(path, res);
      // a server from before snapshots answers 404 not_found for the route itself
      return { none: err.message };
    }
    if (res.status >= 400) throw await failure(path, res);
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw new NetworkError(`${path}: the answer was cut (${(e as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = SnapshotManifest.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServerError(res.status, 'bad_response', `${path}: unexpected answer (${issue?.path.join('.')}: ${issue?.message})`);
    }
    return { manifest: parsed.data };
  }

  async function snapshotFile(token: string, from: number, etag: string, signal?: AbortSignal): Promise<Response> {
    const path = '/api/sync/snapshot/file';
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (from > 0) Object.assign(headers, { range: `bytes=${from}-`, 'if-range': etag });
    const res = await get(path, headers, signal, false);
    if (res.status !== 200 && res.status !== 206) throw await failure(path, res);
    return res;
  }

  return {
    baseUrl,
    units,
    snapshotManifest,
    snapshotFile,
    login: (username, password, signal) => post('/api/login', JSON.stringify({ username, password }), LoginResponse, undefined, signal),
    refresh: (refreshToken, signal) => post('/api/refresh', JSON.stringify({ refreshToken }), RefreshResponse, undefined, signal),
    logout: (refreshToken, signal) => post('/api/logout', JSON.stringify({ refreshToken }), LogoutResponse, undefined, signal),
    changePassword: (token, currentPassword, newPassword, signal) =>
      post('/api/account/password', JSON.stringify({ currentPassword, newPassword }), ChangePasswordResponse, token, signal),
    register: (token, clientId, signal) =>
      post('/api/clients/register', JSON.stringify({ schemaVersion, clientId }), RegisterResponse, token, signal),
    push(token, clientId, mutations, signal) {
      // the outbox already holds each args as JSON: splice it in rather than parse and re-encode
      const items = mutations.map((m) => `{"id":${m.id},"name":${JSON.stringify(m.name)},"args":${m.argsJson}}`);
      const body = `{"schemaVersion":${schemaVersion},"clientId":${JSON.stringify(clientId)},"mutations":[${items.join(',')}]}`;
      return post('/api/push', body, PushResponse, token, signal);
    },
    // a page holds thousands of cases: checked field by field, not object by object through zod
    pull: (token, clientId, cursor, limit, signal) =>
      request('/api/pull', JSON.stringify({ schemaVersion, clientId, cursor, limit }), checkPullResponse, token, signal),
  };
}
