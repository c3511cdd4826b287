import { afterEach, describe, expect, it } from 'vitest';
import type { TelephonyPush } from '../../../src/shared/telephony';
import type { TelephonySourceHandle } from '../../../src/main/telephony/ami';
import { legOfExtension, mapEslEvent, startEsl } from '../../../src/main/telephony/esl';
import { createTelephonyHub } from '../../../src/main/telephony/hub';
import { startFakeEsl, type FakeEsl } from './fake-esl';

let fake: FakeEsl | null = null;
let esl: TelephonySourceHandle | null = null;
afterEach(async () => {
  await esl?.close();
  await fake?.close();
  esl = null;
  fake = null;
});

const until = async (check: () => boolean, what: string, ms = 8000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The agent's leg of a call from 13905371234, as FreeSWITCH 1.10 reports it. */
const leg = (callUuid: string, ext = '8001', micros = '1764400000250000') => ({
  'Unique-ID': `${callUuid}-b`,
  'Channel-Call-UUID': callUuid,
  'Channel-Name': `sofia/internal/${ext}@192.168.1.20:5060`,
  'Call-Direction': 'outbound',
  'Caller-Caller-ID-Number': '13905371234',
  'Caller-Destination-Number': ext,
  'Caller-Callee-ID-Number': ext,
  variable_hotline_line: '12345',
  'Event-Date-Timestamp': micros,
});

describe('FreeSWITCH ESL adapter (against a fake event socket on loopback)', () => {
  it('authenticates, subscribes, and maps CHANNEL_CREATE, CHANNEL_ANSWER, CHANNEL_HANGUP of the agent’s leg', async () => {
    fake = await startFakeEsl({ password: 'ClueCon' });
    const hub = createTelephonyHub();
    const pushes: TelephonyPush[] = [];
    hub.subscribe((p) => pushes.push(p));
    esl = startEsl({ host: '127.0.0.1', port: fake.port, password: 'ClueCon', extension: '8001' }, hub);
    await until(() => ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP'].every((n) => fake!.subscribed(n) === 1), 'subscriptions');
    expect(fake.auths).toEqual([{ password: 'ClueCon', ok: true }]);

    // another agent's leg, and the inbound leg of the trunk: not this agent's
    fake.emit('CHANNEL_CREATE', leg('11111111-1111-4111-8111-111111111111', '8002'));
    fake.emit('CHANNEL_CREATE', {
      ...leg('22222222-2222-4222-8222-222222222222'),
      'Channel-Name': 'sofia/external/13905371234@10.0.0.1',
      'Caller-Destination-Number': '12345',
      'Caller-Callee-ID-Number': '',
    });
    const id = '33333333-3333-4333-8333-333333333333';
    fake.emit('CHANNEL_CREATE', leg(id));
    fake.emit('CHANNEL_ANSWER', leg(id, '8001', '1764400004000000'));
    fake.emit('CHANNEL_HANGUP', leg(id, '8001', '1764400065500000'));
    await until(() => pushes.length === 3, 'three events');
    await new Promise((r) => setTimeout(r, 100));
    expect(pushes.map((p) => [p.kind, p.source])).toEqual([
      ['ringing', 'esl'],
      ['answered', 'esl'],
      ['ended', 'esl'],
    ]);
    expect(pushes[2]!.call).toEqual({
      callId: id,
      callerNumber: '13905371234',
      calledLine: '12345',
      agentExtension: '8001',
      ringAt: 1764400000250,
      answerAt: 1764400004000,
      endAt: 1764400065500,
    });
  });

  it('reconnects after the switch drops the socket', async () => {
    fake = await startFakeEsl({ password: 'ClueCon' });
    const hub = createTelephonyHub();
    const pushes: TelephonyPush[] = [];
    hub.subscribe((p) => pushes.push(p));
    esl = startEsl({ host: '127.0.0.1', port: fake.port, password: 'ClueCon', extension: '8001' }, hub);
    await until(() => fake!.subscribed('CHANNEL_CREATE') === 1, 'subscription');
    fake.dropAll();
    await until(() => fake!.auths.length === 2 && fake!.subscribed('CHANNEL_CREATE') === 1, 'a second session', 15_000);
    fake.emit('CHANNEL_CREATE', leg('44444444-4444-4444-8444-444444444444'));
    await until(() => pushes.length === 1, 'ringing after the reconnect');
    expect(pushes[0]!.call.callerNumber).toBe('13905371234');
  });

  it('maps only the agent’s legs and the three channel events', () => {
    const data = leg('55555555-5555-4555-8555-555555555555');
    expect(mapEslEvent('CHANNEL_CREATE', data, '8001')).toMatchObject({ kind: 'ringing', callerNumber: '13905371234', calledLine: '12345', at: 1764400000250 });
    expect(mapEslEvent('CHANNEL_CREATE', data, '8002')).toBeNull();
    expect(mapEslEvent('CHANNEL_PARK', data, '8001')).toBeNull();
    expect(legOfExtension({ 'Channel-Name': 'user/8001@default' }, '8001')).toBe(true);
    expect(legOfExtension({ 'Channel-Name': 'sofia/internal/80011@x' }, '8001')).toBe(false);
  });
});
