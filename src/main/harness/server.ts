/**
 * The browser harness: serves the built renderer and speaks the contract over a WebSocket, so
 * Playwright and developers can use the real renderer against the real store in Chromium on
 * machines where the Electron binary cannot be downloaded.
 *
 * It is a transport, not a second implementation: every call goes through the same `dispatch`
 * and handler table that Electron's ipcMain uses. It listens on loopback only, and both the page
 * and the socket need the random token printed at start-up; the socket also checks Origin so
 * another page open in the same browser cannot drive it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventData, EventName } from '../../shared/contract';
import { contentSecurityPolicy } from '../csp';
import { dispatch, type HandlerTable } from '../services/dispatch';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** A WebSocket message larger than this is refused: no contract input comes near it. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface HarnessOptions {
  handlers: HandlerTable;
  rendererDir: string;
  port: number;
  token?: string;
  onInternalError?: (method: string, error: unknown) => void;
}

export interface Harness {
  url: string;
  token: string;
  port: number;
  /** sends one of main's events to every connected page (see pushEvent) */
  push<E extends EventName>(event: E, data: EventData<E>): void;
  close(): Promise<void>;
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function serveStatic(rendererDir: string, csp: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
  const file = join(rendererDir, rel === '' ? 'index.html' : rel);
  if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'content-security-policy': csp,
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  createReadStream(file).pipe(res);
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let origin = '';
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    serveStatic(opts.rendererDir, contentSecurityPolicy([origin.replace(/^http/, 'ws')]), req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const originOk = req.headers.origin === undefined || req.headers.origin === origin;
    if (url.pathname !== '/ws' || !sameToken(url.searchParams.get('token'), token) || !originOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  function serve(ws: WebSocket): void {
    ws.on('message', async (raw) => {
      let msg: { id?: unknown; method?: unknown; input?: unknown };
      try {
        msg = JSON.parse(raw.toString()) as typeof msg;
      } catch {
        ws.send(JSON.stringify({ id: null, ok: false, error: { code: 'invalid_input', message: 'not JSON' } }));
        return;
      }
      const id = typeof msg.id === 'number' ? msg.id : null;
      const envelope = await dispatch(opts.handlers, msg.method, msg.input, { transport: 'browser' }, {
        onInternalError: opts.onInternalError,
      });
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ...envelope }));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    token,
    port,
    push: (event, data) => pushEvent(wss, event, data),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

// ─── main → renderer events ──────────────────────────────────────────────────────────────────

/**
 * Main's events (src/shared/contract.ts `events`) travel to every page whose socket passed the
 * token check, as a message without id: {event, data}. Replies to calls always carry an id, so
 * the page tells the two apart.
 */
export function pushEvent<E extends EventName>(wss: WebSocketServer, event: E, data: EventData<E>): void {
  const message = JSON.stringify({ event, data });
  for (const client of wss.clients) {
    if (client.readyState === client.OPEN) client.send(message);
  }
}
