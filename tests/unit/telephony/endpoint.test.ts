import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelephonyPush } from '../../../src/shared/telephony';
import { createTelephonyHub, type TelephonyHub } from '../../../src/main/telephony/hub';
import { ENDPOINT_FILE, startPhoneEndpoint, type PhoneEndpoint } from '../../../src/main/telephony/http-endpoint';

let dir: string;
let hub: TelephonyHub;
let endpoint: PhoneEndpoint;
const pushes: TelephonyPush[] = [];
const T0 = 1_764_400_000_000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'phone-endpoint-'));
  let clock = T0;
  hub = createTelephonyHub({
    now: () => (clock += 1000),
    history: (phone) => ({ phone, known: false, callerName: null, lastAddress: null, labels: [], totalCalls: 0, callsLast30Days: 0, openCases: [], recentCases: [] }),
  });
  hub.subscribe((p) => pushes.push(p));
  endpoint = await startPhoneEndpoint({ hub, dataDir: dir });
});
afterAll(async () => {
  await endpoint.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(endpoint.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('loopback telephony endpoint', () => {
  it('listens on 127.0.0.1 and leaves its port and token in a file only this user can read', () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/call$/);
    const file = join(dir, ENDPOINT_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ port: endpoint.port, token: endpoint.token, url: endpoint.url });
  });

  it('refuses a missing or wrong token with 401, and pushes nothing', async () => {
    const before = pushes.length;
    const ring = { kind: 'ringing', callId: 'c0', callerNumber: '13905371234' };
    expect((await post(ring, { authorization: '' })).status).toBe(401);
    expect((await post(ring, { authorization: `Bearer ${endpoint.token}x` })).status).toBe(401);
    expect((await post(ring, { authorization: endpoint.token })).status).toBe(401);
    expect(pushes.length).toBe(before);
  });

  it('answers bad input with 4xx and a reason', async () => {
    const bad: [unknown, Record<string, string>, number, RegExp][] = [
      ['{not json', {}, 400, /not JSON/],
      [{ kind: 'ringing', callId: 'c1' }, {}, 400, /callerNumber: required/],
      [{ kind: 'transfer', callId: 'c1', callerNumber: '1' }, {}, 400, /kind/],
      [{ kind: 'ringing', callId: 'c1', callerNumber: '13905371234', extra: 1 }, {}, 400, /extra|Unrecognized/i],
      [{ kind: 'ringing', callId: 'c1', callerNumber: '13905371234' }, { 'content-type': 'text/plain' }, 415, /application\/json/],
      ['x'.repeat(9000), {}, 413, /bytes/],
      [[1, 2], {}, 400, /./],
      [null, {}, 400, /./],
    ];
    for (const [body, headers, status, reason] of bad) {
      const res = await post(body, headers);
      const json = (await res.json()) as { ok: boolean; reason: string };
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      expect(json.ok).toBe(false);
      expect(json.reason).toMatch(reason);
    }
    expect((await fetch(endpoint.url.replace('/call', '/other'), { method: 'POST' })).status).toBe(404);
    expect((await fetch(endpoint.url)).status).toBe(405);
  });

  it('turns ringing, answered and ended into pushes with the call’s times, once each', async () => {
    pushes.length = 0;
    expect((await post({ kind: 'ringing', callId: 'c2', callerNumber: '13905371234', calledLine: '12345', agentExtension: '8001' })).status).toBe(202);
    // a repeat (AMI reports a ring on several channels) changes nothing
    const again = await post({ kind: 'ringing', callId: 'c2', callerNumber: '13905371234' });
    expect(((await again.json()) as { pushed: boolean }).pushed).toBe(false);
    expect((await post({ kind: 'answered', callId: 'c2' })).status).toBe(202);
    const ended = await post({ kind: 'ended', callId: 'c2' });
    expect(ended.status).toBe(202);
    expect(pushes.map((p) => p.kind)).toEqual(['ringing', 'answered', 'ended']);
    expect(pushes[0]!.source).toBe('http');
    expect(pushes[0]!.history?.phone).toBe('13905371234');
    expect(pushes[1]!.history).toBeNull();
    const call = pushes[2]!.call;
    expect(call).toMatchObject({ callId: 'c2', callerNumber: '13905371234', calledLine: '12345', agentExtension: '8001' });
    expect(call.ringAt).toBeLessThan(call.answerAt!);
    expect(call.answerAt).toBeLessThan(call.endAt!);
  });

  it('removes its file on close', async () => {
    const other = mkdtempSync(join(tmpdir(), 'phone-endpoint-'));
    const e = await startPhoneEndpoint({ hub, dataDir: other });
    expect(existsSync(join(other, ENDPOINT_FILE))).toBe(true);
    await e.close();
    expect(existsSync(join(other, ENDPOINT_FILE))).toBe(false);
    rmSync(other, { recursive: true, force: true });
  });
});
