import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { HandlerTable } from '../../../src/main/services/dispatch';
import { startHarness, type Harness } from '../../../src/main/harness/server';

let harness: Harness;
let dir: string;

const handlers = {
  'draft.clear': () => ({ cleared: true }),
} as unknown as HandlerTable;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harness-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  harness = await startHarness({ handlers, rendererDir: dir, port: 0 });
});
afterAll(async () => {
  await harness.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function call(ws: WebSocket, msg: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  });
}

describe('browser harness', () => {
  it('listens on loopback only', () => {
    expect(harness.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('serves the renderer and refuses paths outside it', async () => {
    const base = `http://127.0.0.1:${harness.port}`;
    expect((await fetch(`${base}/`)).status).toBe(403);
    const page = await fetch(`${base}/?token=${harness.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${harness.port}`);
    expect((await fetch(`${base}/..%2f..%2fetc%2fpasswd?token=${harness.token}`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });

  it('answers contract calls through the shared dispatch', async () => {
    const ws = await open(`ws://127.0.0.1:${harness.port}/ws?token=${harness.token}`, `http://127.0.0.1:${harness.port}`);
    expect(await call(ws, { id: 1, method: 'draft.clear', input: {} })).toEqual({ id: 1, ok: true, data: { cleared: true } });
    expect(await call(ws, { id: 2, method: 'nope', input: {} })).toMatchObject({ id: 2, ok: false, error: { code: 'unknown_method' } });
    expect(await call(ws, '{not json')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    ws.close();
  });

  it('refuses a socket without the token or from another origin', async () => {
    await expect(open(`ws://127.0.0.1:${harness.port}/ws?token=wrong`)).rejects.toThrow('403');
    await expect(open(`ws://127.0.0.1:${harness.port}/ws?token=${harness.token}`, 'http://evil.example')).rejects.toThrow('403');
  });
});
