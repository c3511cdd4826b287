/**
 * Issue 10, probe 8: the server's HTTP entry point under arbitrary requests, sent as raw bytes
 * over TCP to a listening server (so nothing between the generator and the server's parser
 * cleans them up): any method, path (percent-escapes, overlong UTF-8, //, backslashes, control
 * bytes), headers and body, with and without a valid token. The process must survive, every
 * answer must be below 500, and every 4xx must carry a reason. After each run the server still
 * answers a normal request.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/server/app';
import { createAccount } from '../../../src/server/accounts/service';
import { migrate } from '../../../src/server/db/migrations';
import { openPglite } from '../../../src/server/db/pglite';
import type { Db } from '../../../src/server/db/adapter';

interface RawAnswer {
  status: number;
  body: string;
}

/** Sends `request` as is and reads the first response (or null when the server just closed). */
function raw(port: number, request: Buffer): Promise<RawAnswer | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s to ${JSON.stringify(request.subarray(0, 200).toString('latin1'))}`));
    }, 10_000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined); // a reset after the answer is fine; the answer is what counts
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) return resolve(null);
      const headEnd = text.indexOf('\r\n\r\n');
      const head = text.slice(0, headEnd);
      let body = text.slice(headEnd + 4);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      // only the first response counts (a server may answer a smuggling attempt twice)
      if (length) body = Buffer.from(body, 'utf8').subarray(0, Number(length[1])).toString('utf8');
      else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
        const size = parseInt(body, 16);
        body = body.slice(body.indexOf('\r\n') + 2).slice(0, size);
      }
      resolve({ status: Number(m[1]), body });
    });
    socket.end(request);
  });
}

const PATH_PIECES = [
  '/', '//', '/api', '/api/', '/api/login', '/api/pull', '/api/push', '/api/accounts', '/health', '/api/openapi.json',
  '%', '%%', '%c0%ae%c0%ae', '%2e%2e', '..', '\\', '%00', '%ff', '?', '?a=%', '#', ';', '~', '%e4%b8%ad', '中',
  '%u002e', '/..%2f', 'x'.repeat(3000),
];

const pathArb = fc.oneof(
  fc.array(fc.constantFrom(...PATH_PIECES), { minLength: 1, maxLength: 6 }).map((p) => p.join('')),
  fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `/${s}`),
  fc.webPath(),
);

const headerName = fc.constantFrom('content-type', 'authorization', 'x-forwarded-for', 'accept', 'cookie', 'transfer-encoding', 'expect', 'x-a');
const headerValue = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'Bearer x', 'Bearer ', 'chunked', '100-continue', '', '1.2.3.4, ::1'),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
);
const bodyArb = fc.oneof(
  fc.constant(''),
  fc.json(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 1, max: 3000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.integer({ min: 1, max: 3000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
);

describe('the server under arbitrary HTTP requests', () => {
  let db: Db;
  let app: FastifyInstance;
  let port: number;
  let token: string;

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    app = await buildServer({ db, config: { scrypt: { N: 1024 }, login: { maxFailuresPerIp: 1_000_000, maxFailuresPerUsername: 1_000_000 } } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
    await createAccount(db, { username: 'fuzz', displayName: '模糊', role: 'admin', password: 'a-good-password' }, { N: 1024, r: 8, p: 1, keyLength: 32 });
    const login = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'fuzz', password: 'a-good-password' } });
    token = login.json<{ accessToken: string }>().accessToken;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const stillServing = async () => {
    const health = await raw(port, Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(health?.status).toBe(200);
  };

  it('answers every request below 500, with a reason for each 4xx, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'BREW', 'G\u00e9T'),
        pathArb,
        fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
        bodyArb,
        fc.boolean(),
        async (method, path, headers, body, withToken) => {
          const bytes = Buffer.from(body, 'utf8');
          const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
          if (withToken) lines.push(`Authorization: Bearer ${token}`);
          for (const [k, v] of headers) lines.push(`${k}: ${v}`);
          if (!headers.some(([k]) => k === 'transfer-encoding')) lines.push(`Content-Length: ${bytes.length}`);
          const request = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]);
          const answer = await raw(port, request);
          // the parser may hang up on bytes that are not HTTP at all; anything it answers is judged
          if (answer) {
            expect(answer.status, `${method} ${path}`).toBeLessThan(500);
            if (answer.status >= 400 && method !== 'HEAD' && answer.body.trim().startsWith('{')) {
              const parsed = JSON.parse(answer.body) as { error?: unknown; message?: unknown };
              expect(typeof parsed.error).toBe('string');
              expect(String(parsed.message).length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 250 },
    );
    await stillServing();
  });

  it('answers a body nested 100,000 levels deep with a 4xx', async () => {
    for (const url of ['/api/login', '/api/push', '/api/accounts']) {
      const body = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const res = await app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
    await stillServing();
  });
});
