/**
 * 系统管理: the desktop's calls to the server's admin routes (src/server/README.md, "Account
 * administration"), made with the signed-in account's access token (refreshed once when the
 * server says it expired) and the workstation's code and client id in the audit headers.
 * Every failure becomes a typed refusal (src/shared/desk-admin.ts); nothing throws to the caller.
 */
import type { z } from 'zod';
import { CLIENT_ID_HEADER, WORKSTATION_HEADER } from '../../shared/admin';
import type { AdminField, AdminRefusal, AdminRefusalCode } from '../../shared/desk-admin';
import { ADMIN_REFUSALS } from '../../shared/desk-admin';
import { ErrorBody } from '../../shared/sync';
import { CredentialsLostError, type WorkstationAuth } from './auth';
import { NetworkError, normalizeServerUrl, ServerError, type FetchFn } from './http';

export interface AdminClientOptions {
  /** absent: standalone, every call is refused as such */
  serverUrl?: string;
  auth: WorkstationAuth;
  workstation: string;
  fetch?: FetchFn;
  timeoutMs?: number;
  /** the roles the client acts for (default admin only; 统计分析 also supervisors) */
  roles?: readonly string[];
}

export interface AdminRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export interface AdminClient {
  /** a JSON answer checked against `schema` */
  json<S extends z.ZodType>(req: AdminRequest, schema: S): Promise<({ ok: true } & z.output<S>) | AdminRefusal>;
  /** a file answer (the audit export) */
  file(req: AdminRequest): Promise<{ ok: true; filename: string; contentType: string; base64: string } | AdminRefusal>;
}

const FIELD_OF: Partial<Record<AdminRefusalCode, AdminField>> = {
  username_taken: 'username',
  password_too_short: 'password',
  password_too_long: 'password',
  password_is_username: 'password',
  unknown_unit: 'unitCode',
  unit_inactive: 'unitCode',
  not_a_unit_account: 'unitCode',
};

const refusal = (code: AdminRefusalCode, message: string, field: AdminField | null = FIELD_OF[code] ?? null): AdminRefusal => ({
  ok: false,
  code,
  message,
  field,
});

/** The field an invalid_request message names ("password: at least 8 characters", "body/unitCode …"). */
function fieldOf(message: string): AdminField | null {
  const m = /\b(username|displayName|role|password|unitCode)\b/.exec(message);
  return (m?.[1] as AdminField | undefined) ?? null;
}

function mapServerError(e: ServerError): AdminRefusal {
  if (e.status === 401 || e.code === 'account_disabled' || e.code === 'password_change_required') return refusal('signed_out', e.message);
  const known = (ADMIN_REFUSALS as readonly string[]).includes(e.code) ? (e.code as AdminRefusalCode) : null;
  if (known === 'invalid_request') return refusal('invalid_request', e.message, fieldOf(e.message));
  if (known) return refusal(known, e.message);
  if (e.code === 'invalid_json' || e.code === 'unsupported_media_type') return refusal('invalid_request', e.message);
  if (e.status >= 500) return refusal('offline', e.message);
  return refusal('server_error', e.message);
}

export function createAdminClient(opts: AdminClientOptions): AdminClient {
  const baseUrl = opts.serverUrl ? normalizeServerUrl(opts.serverUrl) : null;
  const doFetch: FetchFn = opts.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = opts.timeoutMs ?? 30_000;

  async function send(req: AdminRequest, token: string, clientId: string): Promise<Response> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${req.path}${qs ? `?${qs}` : ''}`, {
        method: req.method,
        headers: {
          authorization: `Bearer ${token}`,
          [WORKSTATION_HEADER]: opts.workstation,
          [CLIENT_ID_HEADER]: clientId,
          ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new NetworkError(`${req.path}: the server cannot be reached (${(e as Error).message})`);
    }
    if (res.status >= 400) {
      const text = await res.text().catch(() => '');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const err = ErrorBody.safeParse(json);
      if (err.success) throw new ServerError(res.status, err.data.error, `${req.path}: ${err.data.message}`, err.data);
      throw new ServerError(res.status, `http_${res.status}`, `${req.path}: HTTP ${res.status} ${text.slice(0, 200)}`);
    }
    return res;
  }

  /** Runs the request as the signed-in account; a 401 forgets the cached token and tries once more. */
  async function authorized<T>(req: AdminRequest, read: (res: Response) => Promise<T>): Promise<T | AdminRefusal> {
    if (!baseUrl) return refusal('standalone', 'account administration needs the central server: this workstation is standalone');
    const user = opts.auth.current();
    if (!user) return refusal('signed_out', 'sign in as an admin first');
    const roles = opts.roles ?? ['admin'];
    if (!roles.includes(user.role)) return refusal('forbidden', `only an account of role ${roles.join(' or ')} may do this`);
    try {
      let res: Response;
      try {
        res = await send(req, await opts.auth.accessToken(user.username), user.clientId);
      } catch (e) {
        if (!(e instanceof ServerError && e.status === 401)) throw e;
        opts.auth.invalidate(user.username);
        res = await send(req, await opts.auth.accessToken(user.username), user.clientId);
      }
      return await read(res);
    } catch (e) {
      if (e instanceof CredentialsLostError) return refusal('signed_out', e.message);
      if (e instanceof NetworkError) return refusal('offline', e.message);
      if (e instanceof ServerError) {
        if (e.code === 'forbidden') return refusal('forbidden', e.message);
        return mapServerError(e);
      }
      if (e instanceof Error && e.name === 'TimeoutError') return refusal('offline', `${req.path}: no answer within ${timeoutMs} ms`);
      throw e;
    }
  }

  return {
    json: (req, schema) =>
      authorized(req, async (res) => {
        const parsed = schema.safeParse(await res.json().catch(() => undefined));
        if (!parsed.success) return refusal('server_error', `${req.path}: unexpected answer (${parsed.error.issues[0]?.message})`);
        return { ok: true as const, ...(parsed.data as object) } as { ok: true } & z.output<typeof schema>;
      }),
    file: (req) =>
      authorized(req, async (res) => {
        const disposition = res.headers.get('content-disposition') ?? '';
        const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'audit';
        const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
        const base64 = Buffer.from(await res.arrayBuffer()).toString('base64');
        return { ok: true as const, filename, contentType, base64 };
      }),
  };
}
