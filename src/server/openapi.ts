/** The OpenAPI 3.1 document of the server, generated from the zod schemas of api.ts. */
import { z } from 'zod';
import { ErrorBody, SYNC_SCHEMA_VERSION } from '../shared/sync';
import { API, type RouteSpec } from './api';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  // refinements and defaults have no JSON Schema form beyond what toJSONSchema keeps
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const COMMON_ERRORS = ['invalid_json', 'invalid_request', 'body_too_large', 'unsupported_media_type'];
const AUTH_ERRORS = ['unauthorized', 'token_expired', 'invalid_token'];

function operation(spec: RouteSpec): Record<string, unknown> {
  const codes = [...(spec.body ? COMMON_ERRORS : []), ...(spec.auth ? AUTH_ERRORS : []), ...(spec.errors ?? [])];
  const error = { $ref: '#/components/schemas/ErrorBody' };
  const pathParams = [...spec.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const queryParams = spec.query
    ? Object.entries((jsonSchema(spec.query, 'input').properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
        name,
        in: 'query',
        schema,
      }))
    : [];
  return {
    summary: spec.summary,
    security: spec.auth ? [{ bearer: [] }] : [],
    ...(pathParams.length + queryParams.length ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } }
      : {}),
    responses: {
      '200': spec.produces
        ? { description: `a file: ${spec.produces}`, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }
        : { description: 'OK', content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } } },
      ...(codes.length
        ? { '4XX': { description: `error codes: ${codes.join(', ')}`, content: { 'application/json': { schema: error } } } }
        : {}),
    },
  };
}

export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of Object.values(API) as RouteSpec[]) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: operation(spec) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hotline Desk central server (热线工作台 中心服务器)',
      version: String(SYNC_SCHEMA_VERSION),
      description:
        `Accounts, workstation registration and the push/pull sync protocol (schemaVersion ${SYNC_SCHEMA_VERSION}). ` +
        'Every error is JSON {error, message}; see src/server/README.md.',
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { ErrorBody: jsonSchema(ErrorBody, 'output') },
    },
  };
}
