/**
 * Helpers for the harness tests that run it in a child process: start it, speak raw HTTP and
 * WebSocket to it, and tell whether it is still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'harness-child.ts');

export interface ChildHarness {
  port: number;
  token: string;
  url: string;
  child: ChildProcess;
  /** everything the child wrote to stderr */
  stderr(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

export async function startChildHarness(): Promise<ChildHarness> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const info = await new Promise<{ port: number; token: string; url: string }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as { port: number; token: string; url: string });
    });
    child.once('exit', (code) => reject(new Error(`harness child exited (${code}) before it was ready:\n${err}`)));
  });
  return {
    ...info,
    child,
    stderr: () => err,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

export interface RawAnswer {
  status: number;
  reason: string;
  headers: string;
  body: string;
}

/**
 * Sends one request as raw bytes (any path, method and headers, nothing escaped or checked by
 * a client library) and reads the final answer (after any 1xx interim ones) until the server closes. A connection the server ends
 * without an answer gives status 0.
 */
const INTERIM = /^HTTP\/1\.[01] 1\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n/;

export function rawRequest(port: number, bytes: Buffer | string, timeoutMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(String(bytes).slice(0, 200))}`));
    }, timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      let text = Buffer.concat(chunks).toString('latin1');
      // interim answers (100 Continue to "Expect: 100-continue") come before the real one: skip them
      for (let interim = INTERIM.exec(text); interim; interim = INTERIM.exec(text)) text = text.slice(interim[0].length);
      const m = /^HTTP\/1\.[01] (\d{3}) ?([^\r\n]*)\r\n/.exec(text);
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: m ? Number(m[1]) : 0,
        reason: m?.[2] ?? '',
        headers: split >= 0 ? text.slice(0, split) : text,
        body: split >= 0 ? text.slice(split + 4) : '',
      });
    });
    socket.write(bytes);
  });
}

/** A plain GET of `path` exactly as given (raw bytes on the wire). */
export function rawGet(port: number, path: string, extraHeaders = ''): Promise<RawAnswer> {
  return rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extraHeaders}Connection: close\r\n\r\n`);
}

export function openSocket(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { origin: `http://127.0.0.1:${port}` });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/**
 * Sends one message and waits for the first of: an answer (parsed), the socket closing (its
 * code), or a timeout.
 */
export function exchange(
  ws: WebSocket,
  data: string | Buffer,
  opts: { binary?: boolean; timeoutMs?: number } = {},
): Promise<{ answer?: unknown; closed?: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('no answer and no close'));
    }, opts.timeoutMs ?? 5_000);
    const onMessage = (raw: WebSocket.RawData) => {
      cleanup();
      resolve({ answer: JSON.parse(String(raw)) });
    };
    const onClose = (code: number) => {
      cleanup();
      resolve({ closed: code });
    };
    const cleanup = () => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('error', () => undefined);
    ws.send(data, { binary: opts.binary ?? false });
  });
}
