/**
 * The loopback telephony endpoint: phone systems (or `npm run phone`) that can call a webhook
 * POST one event to it.
 *
 *   POST http://127.0.0.1:<port>/call
 *   Authorization: Bearer <token>
 *   Content-Type: application/json
 *   {"kind":"ringing","callId":"c1","callerNumber":"13905371234","calledLine":"12345","agentExtension":"8001"}
 *
 * → 202 {"ok":true,"call":{…}} · 400 invalid JSON or event (with the reason) · 401 no or wrong
 * token · 404 other paths · 405 other methods · 413 body over 8 KiB · 415 not JSON.
 *
 * It listens on 127.0.0.1 only, on a free port, with a random token; both are written to
 * `<data dir>/telephony-endpoint.json` (mode 0600, so only this OS user can read the token) and
 * the file is removed on close. The token keeps other local users' programs and web pages (which
 * cannot set an Authorization header cross-origin without a preflight we never answer) out.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { TelephonyHub } from './hub';

export const ENDPOINT_FILE = 'telephony-endpoint.json';
const MAX_BODY = 8 * 1024;

export interface EndpointInfo {
  url: string;
  port: number;
  token: string;
  pid: number;
}

export interface PhoneEndpoint extends EndpointInfo {
  file: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function tokenOk(header: string | undefined, token: string): boolean {
  const match = /^Bearer (\S+)$/.exec(header ?? '');
  if (!match?.[1]) return false;
  const a = Buffer.from(match[1]);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startPhoneEndpoint(opts: { hub: TelephonyHub; dataDir: string; port?: number; token?: string }): Promise<PhoneEndpoint> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 400, { ok: false, error: 'bad_request', reason: 'the request could not be read' });
      else res.end();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/call') return send(res, 404, { ok: false, error: 'not_found', reason: 'POST /call' });
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'method_not_allowed', reason: 'POST /call' }, { allow: 'POST' });
    if (!tokenOk(req.headers.authorization, token)) {
      return send(res, 401, { ok: false, error: 'unauthorized', reason: `Authorization: Bearer <token from ${ENDPOINT_FILE}> required` });
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return send(res, 415, { ok: false, error: 'unsupported_media_type', reason: 'Content-Type must be application/json' });
    }
    const text = await readBody(req);
    if (text === null) return send(res, 413, { ok: false, error: 'body_too_large', reason: `at most ${MAX_BODY} bytes` });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return send(res, 400, { ok: false, error: 'invalid_json', reason: 'the body is not JSON' });
    }
    const result = opts.hub.report('http', body);
    if (!result.ok) return send(res, 400, { ok: false, error: 'invalid_event', reason: result.reason });
    send(res, 202, { ok: true, call: result.call, pushed: result.pushed });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const info: EndpointInfo = { url: `http://127.0.0.1:${port}/call`, port, token, pid: process.pid };
  const file = join(opts.dataDir, ENDPOINT_FILE);
  writeFileSync(file, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its old mode through writeFileSync
  return {
    ...info,
    file,
    close: () =>
      new Promise<void>((resolve) => {
        rmSync(file, { force: true });
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
