import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { HandlerTable } from '../../../src/main/services/dispatch';
import { startHarness, type Harness } from '../../../src/main/harness/server';
import { createTelephonyHub } from '../../../src/main/telephony/hub';

let harness: Harness;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harness-push-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  harness = await startHarness({ handlers: { 'draft.clear': () => ({ cleared: true }) } as unknown as HandlerTable, rendererDir: dir, port: 0 });
});
afterAll(async () => {
  await harness.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${harness.port}/ws?token=${harness.token}`, { origin: `http://127.0.0.1:${harness.port}` });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

describe('main → renderer events over the harness socket', () => {
  it('pushes each telephony event to every open page as {event, data} without an id', async () => {
    const pages = [await open(), await open()];
    const got = pages.map((ws) => new Promise<unknown>((resolve) => ws.once('message', (raw) => resolve(JSON.parse(String(raw))))));
    const hub = createTelephonyHub();
    hub.subscribe((push) => harness.push('telephony', push));
    expect(hub.report('http', { kind: 'ringing', callId: 'c1', callerNumber: '13905371234' }).ok).toBe(true);
    for (const message of await Promise.all(got)) {
      expect(message).not.toHaveProperty('id');
      expect(message).toMatchObject({ event: 'telephony', data: { kind: 'ringing', source: 'http', call: { callId: 'c1', callerNumber: '13905371234' } } });
    }
    // replies to calls keep their ids alongside
    const reply = new Promise((resolve) => pages[0]!.once('message', (raw) => resolve(JSON.parse(String(raw)))));
    pages[0]!.send(JSON.stringify({ id: 7, method: 'draft.clear', input: {} }));
    expect(await reply).toEqual({ id: 7, ok: true, data: { cleared: true } });
    for (const ws of pages) ws.close();
  });
});
