import { afterEach, describe, expect, it } from 'vitest';
import type { TelephonyPush } from '../../../src/shared/telephony';
import { channelOfExtension, mapAmiEvent, startAmi, type TelephonySourceHandle } from '../../../src/main/telephony/ami';
import { createTelephonyHub } from '../../../src/main/telephony/hub';
import { startFakeAmi, type FakeAmi } from './fake-ami';

let fake: FakeAmi | null = null;
let ami: TelephonySourceHandle | null = null;
afterEach(async () => {
  await ami?.close();
  await fake?.close();
  ami = null;
  fake = null;
});

const until = async (check: () => boolean, what: string, ms = 8000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function connect(secret = 's3cret') {
  fake = await startFakeAmi({ username: 'hotline', secret: 's3cret' });
  const hub = createTelephonyHub();
  const pushes: TelephonyPush[] = [];
  const errors: string[] = [];
  hub.subscribe((p) => pushes.push(p));
  ami = startAmi({ host: '127.0.0.1', port: fake.port, username: 'hotline', secret, extension: '8001' }, hub, (e) => errors.push(e));
  return { fake, hub, pushes, errors };
}

/** What Asterisk 18 sends for a call from 13905371234 on line 12345 ringing PJSIP/8001 and answered. */
const call = (f: FakeAmi, linkedid: string, dest = 'PJSIP/8001-0000002b') => ({
  dialBegin: () =>
    f.emit('DialBegin', {
      Channel: 'PJSIP/trunk-0000002a',
      CallerIDNum: '13905371234',
      Exten: '12345',
      Uniqueid: linkedid,
      Linkedid: linkedid,
      DestChannel: dest,
      DestCallerIDNum: '8001',
      DestUniqueid: `${linkedid}1`,
      DestLinkedid: linkedid,
      Timestamp: '1764400000.250000',
    }),
  dialEnd: () =>
    f.emit('DialEnd', { Channel: 'PJSIP/trunk-0000002a', Uniqueid: linkedid, Linkedid: linkedid, DestChannel: dest, DialStatus: 'ANSWER', Timestamp: '1764400004.000000' }),
  hangup: (channel: string) =>
    f.emit('Hangup', { Channel: channel, Uniqueid: `${linkedid}1`, Linkedid: linkedid, Cause: '16', 'Cause-txt': 'Normal Clearing', Timestamp: '1764400065.500000' }),
});

describe('Asterisk AMI adapter (against a fake AMI on loopback)', () => {
  it('logs in and maps DialBegin, DialEnd and Hangup of the agent’s extension to ringing, answered, ended', async () => {
    const { fake, pushes, errors } = await connect();
    await until(() => fake.loggedIn() === 1, 'login');
    expect(fake.logins).toEqual([{ username: 'hotline', ok: true }]);

    // another agent's call is none of ours
    call(fake, '1764400000.40', 'PJSIP/8002-0000002c').dialBegin();
    const c = call(fake, '1764400000.42');
    c.dialBegin();
    await until(() => pushes.length === 1, 'ringing');
    c.dialEnd();
    c.hangup('PJSIP/8001-0000002b');
    c.hangup('PJSIP/trunk-0000002a'); // the other leg: the same call, already ended
    await until(() => pushes.length === 3, 'answered and ended');
    await new Promise((r) => setTimeout(r, 100));
    expect(pushes.map((p) => [p.kind, p.source])).toEqual([
      ['ringing', 'ami'],
      ['answered', 'ami'],
      ['ended', 'ami'],
    ]);
    expect(pushes[2]!.call).toEqual({
      callId: '1764400000.42',
      callerNumber: '13905371234',
      calledLine: '12345',
      agentExtension: '8001',
      ringAt: 1764400000250,
      answerAt: 1764400004000,
      endAt: 1764400065500,
    });
    expect(errors).toEqual([]);
  });

  it('maps queue calls (AgentCalled, AgentConnect) and reconnects after the PBX drops the connection', async () => {
    const { fake, pushes } = await connect();
    await until(() => fake.loggedIn() === 1, 'login');
    fake.dropAll();
    await until(() => fake.loggedIn() === 1 && fake.logins.length === 2, 'a second login after the drop');
    fake.emit('AgentCalled', { Queue: '12345', Interface: 'PJSIP/8001', MemberName: '王芳', CallerIDNum: '05372345678', Exten: '12345', Uniqueid: 'q1', Linkedid: 'q1' });
    fake.emit('AgentConnect', { Queue: '12345', Interface: 'PJSIP/8001', Uniqueid: 'q1', Linkedid: 'q1', HoldTime: '3' });
    fake.emit('Hangup', { Channel: 'PJSIP/trunk-1', Uniqueid: 'q1', Linkedid: 'q1' });
    await until(() => pushes.length === 3, 'queue call events');
    expect(pushes.map((p) => p.kind)).toEqual(['ringing', 'answered', 'ended']);
    expect(pushes[0]!.call.callerNumber).toBe('05372345678');
  });

  it('reports a refused login and pushes nothing', async () => {
    const { fake, pushes, errors } = await connect('wrong');
    await until(() => errors.some((e) => /login refused/.test(e)), 'the refusal');
    expect(fake.logins[0]).toEqual({ username: 'hotline', ok: false });
    call(fake, 'x1').dialBegin();
    await new Promise((r) => setTimeout(r, 100));
    expect(pushes).toEqual([]);
    expect(ami!.status().lastError).toMatch(/login refused for hotline/);
  });

  it('maps a direct dial (Newchannel to the extension, Newstate Up of its channel)', () => {
    const seen = new Set<string>();
    expect(mapAmiEvent({ event: 'Newchannel', channel: 'PJSIP/trunk-1', calleridnum: '13905371234', exten: '8001', uniqueid: 'd1', linkedid: 'd1' }, '8001', seen)).toEqual({
      kind: 'ringing',
      callId: 'd1',
      callerNumber: '13905371234',
      calledLine: '8001',
      agentExtension: '8001',
    });
    expect(mapAmiEvent({ event: 'Newstate', channel: 'PJSIP/8001-2', channelstatedesc: 'Up', uniqueid: 'd2', linkedid: 'd1' }, '8001', seen)).toMatchObject({
      kind: 'answered',
      callId: 'd1',
    });
    // the agent's own outgoing call and other calls' states are not ours
    expect(mapAmiEvent({ event: 'Newchannel', channel: 'PJSIP/8001-3', exten: '8001', uniqueid: 'o1', linkedid: 'o1' }, '8001', seen)).toBeNull();
    expect(mapAmiEvent({ event: 'Newstate', channel: 'PJSIP/8001-4', channelstatedesc: 'Up', uniqueid: 'x', linkedid: 'x' }, '8001', seen)).toBeNull();
    expect(mapAmiEvent({ event: 'Hangup', channel: 'PJSIP/9-1', uniqueid: 'y', linkedid: 'y' }, '8001', seen)).toBeNull();
  });

  it('knows which channels are the extension’s', () => {
    expect(channelOfExtension('PJSIP/8001-0000002b', '8001')).toBe(true);
    expect(channelOfExtension('SIP/8001-00000001', '8001')).toBe(true);
    expect(channelOfExtension('Local/8001@from-queue-00000001;1', '8001')).toBe(true);
    expect(channelOfExtension('PJSIP/8001', '8001')).toBe(true);
    expect(channelOfExtension('PJSIP/80011-0000002b', '8001')).toBe(false);
    expect(channelOfExtension('PJSIP/trunk-8001', '8001')).toBe(false);
  });
});
