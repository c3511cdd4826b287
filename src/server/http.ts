/**
 * Registers one route of API (api.ts): authentication before the body is read, the schema
 * version check before the body is validated (an old client gets "update required", not a
 * validation error about a field it never heard of), then the body's zod schema, then the handler.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { SYNC_MIN_SCHEMA_VERSION, SYNC_SCHEMA_VERSION } from '../shared/sync';
import type { RouteSpec } from './api';
import type { AuthService, Caller } from './auth/service';
import { HttpError, parseBody, parseQuery } from './errors';

type BodyOf<S extends RouteSpec> = S extends { body: z.ZodType } ? z.output<S['body']> : undefined;
type CallerOf<S extends RouteSpec> = S['auth'] extends false ? null : Caller;
type QueryOf<S extends RouteSpec> = S extends { query: z.ZodType } ? z.output<S['query']> : undefined;

export interface RouteContext<S extends RouteSpec> {
  caller: CallerOf<S>;
  req: FastifyRequest;
  /** path parameters (`/api/orders/:id` → { id }) */
  params: Record<string, string>;
  /** the query string, checked against spec.query (400 invalid_request naming the parameter) */
  query: QueryOf<S>;
}

/**
 * A response body the handler already has as JSON text (a pull page, built by the database):
 * sent as is, without parsing it into objects and serialising them again.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A response that is not JSON (an export file): its bytes, content type and extra headers. */
export class RawBody {
  constructor(
    readonly body: Buffer | string | Readable,
    readonly contentType: string,
    readonly headers: Record<string, string> = {},
    /** 200 unless given (206 for a range of a file) */
    readonly status?: number,
  ) {}
}

export type Handler<S extends RouteSpec> = (
  body: BodyOf<S>,
  ctx: RouteContext<S>,
) => Promise<z.input<S['response']> | RawJson | RawBody>;

export function checkSchemaVersion(body: unknown): void {
  const v = (body as { schemaVersion?: unknown } | null)?.schemaVersion;
  // a missing or non-integer version is left to the body schema: a 400 naming the field
  if (typeof v !== 'number' || !Number.isInteger(v)) return;
  if (v < SYNC_MIN_SCHEMA_VERSION) {
    throw new HttpError(
      409,
      'update_required',
      `请更新热线工作台：服务器需要同步协议版本 ${SYNC_MIN_SCHEMA_VERSION} 或更高，本机为 ${v}。` +
        ` Update required: the server needs sync protocol version ${SYNC_MIN_SCHEMA_VERSION} or newer; this workstation sends ${v}.`,
      { minVersion: SYNC_MIN_SCHEMA_VERSION },
    );
  }
  if (v > SYNC_SCHEMA_VERSION) {
    throw new HttpError(
      409,
      'server_update_required',
      `服务器版本过旧：它最高支持同步协议版本 ${SYNC_SCHEMA_VERSION}，本机为 ${v}，请联系信息中心升级服务器。` +
        ` The server is older than this workstation: it speaks sync protocol version ${SYNC_SCHEMA_VERSION} at most, this workstation ${v}; ask IT to update the server.`,
      { maxVersion: SYNC_SCHEMA_VERSION },
    );
  }
}

const callers = new WeakMap<FastifyRequest, Caller>();

export function route<S extends RouteSpec>(
  app: FastifyInstance,
  spec: S,
  auth: AuthService,
  handler: Handler<S>,
  opts: { bodyLimit?: number } = {},
): void {
  const roles = Array.isArray(spec.auth) ? (spec.auth as readonly string[]) : null;
  app.route({
    method: spec.method,
    url: spec.path,
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    // onRequest runs before the body is read: an unauthenticated client cannot make us parse 8 MB
    ...(spec.auth
      ? {
          onRequest: async (req: FastifyRequest) => {
            const caller = await auth.authenticate(req.headers.authorization, {
              allowMustChangePassword: spec.allowMustChangePassword === true,
            });
            if (roles && !roles.includes(caller.role)) {
              throw new HttpError(403, 'forbidden', `${spec.method} ${spec.path} needs the role ${roles.join(' or ')}`);
            }
            callers.set(req, caller);
          },
        }
      : {}),
    handler: async (req, reply) => {
      if (spec.versioned) checkSchemaVersion(req.body);
      const body = (spec.body ? parseBody(spec.body, req.body) : undefined) as BodyOf<S>;
      const query = (spec.query ? parseQuery(spec.query, req.query) : undefined) as QueryOf<S>;
      const caller = (callers.get(req) ?? null) as CallerOf<S>;
      const result = await handler(body, { caller, req, params: (req.params ?? {}) as Record<string, string>, query });
      if (result instanceof RawBody) {
        reply.type(result.contentType).headers(result.headers);
        if (result.status !== undefined) reply.code(result.status);
        return result.body;
      }
      if (!(result instanceof RawJson)) return result;
      // a string with a JSON content type is sent unchanged
      reply.type('application/json; charset=utf-8');
      return result.text;
    },
  });
}
