/**
 * The browser harness: serves the built renderer and speaks the contract over a WebSocket, so
 * Playwright and developers can use the real renderer against the real store in Chromium on
 * machines where the Electron binary cannot be downloaded.
 *
 * It is a transport, not a second implementation: every call goes through the same `dispatch`
 * and handler table that Electron's ipcMain uses. It listens on loopback only, and everything
 * it serves needs the random token printed at start-up:
 * - the page (index.html) only with `?token=` in its address; its answer sets the cookie
 *   `hotline_harness_<port>` (HttpOnly, SameSite=Strict) holding the token;
 * - the page's assets with that cookie (or `?token=`);
 * - the socket (`/ws?token=`), which also checks Origin so another page open in the same browser
 *   cannot drive it.
 *
 * No request or message, with or without the token, may end the process: a request it cannot
 * parse or decode gets a 400, one without the token a 403, each with a plain-text reason; a
 * message it cannot read gets an `invalid_input` answer, one over 1 MiB closes that socket
 * with 1009.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
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

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of cookie `name` in a Cookie header, or null. */
function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The request target split without the WHATWG URL parser (which throws on `//` and other
 * inputs a client controls): the raw path and the query's parameters. Null when the target is
 * not origin-form (`/…`).
 */
function splitTarget(target: string | undefined): { rawPath: string; query: URLSearchParams } | null {
  if (!target || !target.startsWith('/')) return null;
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const hash = rawPath.indexOf('#');
  return {
    rawPath: hash < 0 ? rawPath : rawPath.slice(0, hash),
    query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
  };
}

function refuse(res: ServerResponse, status: number, reason: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(`${reason}\n`);
}

function errorReply(message: string, id: number | null = null): string {
  return JSON.stringify({ id, ok: false, error: { code: 'invalid_input', message } });
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let origin = '';
  let cookieName = '';

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      refuse(res, 405, 'method not allowed: only GET and HEAD', { allow: 'GET, HEAD' });
      return;
    }
    const target = splitTarget(req.url);
    if (!target) {
      refuse(res, 400, 'bad request target: expected a path starting with /');
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(target.rawPath);
    } catch {
      refuse(res, 400, 'bad path: malformed percent-encoding');
      return;
    }
    if (rel.includes('\0') || rel.includes('\\')) {
      refuse(res, 400, 'bad path: NUL or backslash');
      return;
    }
    rel = normalize(rel).replace(/^\/+/, '');
    // the page has exactly these two addresses (`//`, `/./` and the like are not it)
    const isPage = target.rawPath === '/' || target.rawPath === '/index.html';
    const queryToken = sameToken(target.query.get('token'), token);
    // the page needs the token in its address; its assets may use the cookie the page set
    if (!queryToken && (isPage || !sameToken(cookieValue(req.headers.cookie, cookieName), token))) {
      refuse(res, 403, 'forbidden: this harness needs the token it printed at start-up');
      return;
    }
    const file = join(opts.rendererDir, isPage ? 'index.html' : rel);
    let size: number;
    try {
      const stat = statSync(file);
      if (!file.startsWith(opts.rendererDir + sep) || !stat.isFile()) throw new Error('not a file in the renderer');
      size = stat.size;
    } catch {
      refuse(res, 404, 'not found');
      return;
    }
    const headers: Record<string, string | number> = {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'x-content-type-options': 'nosniff',
      'content-security-policy': contentSecurityPolicy([origin.replace(/^http/, 'ws')]),
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (isPage) headers['set-cookie'] = `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      // a bug here must cost one request, not the process
      opts.onInternalError?.('http', e);
      if (!res.headersSent) refuse(res, 400, 'bad request');
      else res.destroy();
    }
  });
  // requests Node's parser refuses (bad request line, header overflow): an answer with a reason
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] =
      err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
    endSocket(socket, status, reason, `${reason.toLowerCase()}: ${err.code ?? 'unparseable request'}\n`);
  });
  /** An answer written straight to a socket Node handed over (clientError, CONNECT, refused upgrades). */
  function endSocket(socket: Duplex, status: number, reason: string, body: string, extra = ''): void {
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`,
    );
  }
  // CONNECT never reaches the request handler: without this Node drops the socket unanswered
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    endSocket(socket, 405, 'Method Not Allowed', 'method not allowed: only GET and HEAD\n', 'allow: GET, HEAD\r\n');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const target = splitTarget(req.url);
    const originOk = req.headers.origin === undefined || req.headers.origin === origin;
    if (!target || target.rawPath !== '/ws' || !sameToken(target.query.get('token'), token) || !originOk) {
      endSocket(socket, 403, 'Forbidden', 'forbidden: the socket needs the token and this harness origin\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  async function answer(raw: RawData, isBinary: boolean): Promise<string> {
    if (isBinary) return errorReply('binary messages are not accepted: send JSON text');
    let msg: unknown;
    try {
      msg = JSON.parse(raw.toString());
    } catch {
      return errorReply('not JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return errorReply('expected an object { id, method, input }');
    }
    const { id: rawId, method, input } = msg as { id?: unknown; method?: unknown; input?: unknown };
    const id = typeof rawId === 'number' && Number.isFinite(rawId) ? rawId : null;
    try {
      const envelope = await dispatch(opts.handlers, method, input, { transport: 'browser' }, {
        onInternalError: opts.onInternalError,
      });
      return JSON.stringify({ id, ...envelope });
    } catch (e) {
      // dispatch turns handler failures into envelopes; what is left is input it could not even
      // look at (e.g. nested too deep to walk)
      opts.onInternalError?.(typeof method === 'string' ? method.slice(0, 64) : 'ws', e);
      return errorReply('message could not be processed', id);
    }
  }

  function serve(ws: WebSocket): void {
    // a frame over maxPayload, or a broken frame: ws closes the socket (1009, 1002…) and reports
    // it here; without a listener that report would end the process
    ws.on('error', () => undefined);
    ws.on('message', (raw, isBinary) => {
      void answer(raw, isBinary).then((reply) => {
        if (ws.readyState === ws.OPEN) ws.send(reply);
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  origin = `http://127.0.0.1:${port}`;
  // cookies are per host, not per port: each harness on 127.0.0.1 keeps its own
  cookieName = `hotline_harness_${port}`;
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
