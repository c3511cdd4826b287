/**
 * Asterisk manager interface (AMI) → telephony events, through `asterisk-manager` (the most used
 * Node AMI client: plain TCP, no dependencies; it logs in with Action: Login and parses the
 * "Key: Value\r\n … \r\n\r\n" messages into objects with lower-case keys).
 *
 * Which AMI events mean what, for the agent's extension EXT (a channel "PJSIP/EXT-0000002a",
 * "SIP/EXT-…", "Local/EXT@…" is EXT's):
 *   ringing  DialBegin whose DestChannel is EXT's (caller: CallerIDNum, line: Exten);
 *            AgentCalled whose Interface/DestChannel is EXT's (queues);
 *            Newchannel of a caller dialling EXT directly (Exten = EXT)
 *   answered DialEnd with DialStatus ANSWER whose DestChannel is EXT's; AgentConnect of EXT;
 *            Newstate Up of EXT's channel in a call already ringing
 *   ended    Hangup of any channel of a call already seen (by Linkedid, else Uniqueid)
 * The call id is the Linkedid (the same on every leg of the call), else the Uniqueid.
 * Asterisk's `timestampevents = yes` adds Timestamp: 1700000000.123456, used as the event's time.
 */
import Manager, { type AmiMessage, type AsteriskManager } from 'asterisk-manager';
import type { TelephonyEventInput } from '../../shared/telephony';
import type { TelephonyHub } from './hub';

export interface AmiOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  extension: string;
}

export interface SourceStatus {
  connected: boolean;
  lastError: string | null;
}

export interface TelephonySourceHandle {
  status(): SourceStatus;
  close(): Promise<void>;
}

const str = (v: AmiMessage[string]): string => (typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : '');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether an AMI channel or interface name belongs to the extension. */
export function channelOfExtension(channel: string, extension: string): boolean {
  return new RegExp(`^[A-Za-z0-9_]+/${escape(extension)}(?:[-@;/]|$)`).test(channel);
}

/** Maps one AMI event to a telephony event of the agent's extension; `seen` holds the call ids in progress. */
export function mapAmiEvent(evt: AmiMessage, extension: string, seen: Set<string>): TelephonyEventInput | null {
  const name = str(evt.event).toLowerCase();
  const callId = str(evt.linkedid) || str(evt.uniqueid);
  const timestamp = Number(str(evt.timestamp));
  const at = Number.isFinite(timestamp) && timestamp > 946_684_800 ? { at: Math.round(timestamp * 1000) } : {};
  const mine = (...names: string[]) => names.some((n) => channelOfExtension(str(evt[n]), extension));
  const base = { callId, agentExtension: extension, ...at };
  if (!callId) return null;
  switch (name) {
    case 'dialbegin':
      if (!mine('destchannel')) return null;
      seen.add(callId);
      return { ...base, kind: 'ringing', callerNumber: str(evt.calleridnum), calledLine: str(evt.exten) };
    case 'agentcalled':
      if (!mine('interface', 'destchannel', 'membername')) return null;
      seen.add(callId);
      return { ...base, kind: 'ringing', callerNumber: str(evt.calleridnum), calledLine: str(evt.exten) };
    case 'newchannel':
      if (str(evt.exten) !== extension || mine('channel')) return null;
      seen.add(callId);
      return { ...base, kind: 'ringing', callerNumber: str(evt.calleridnum), calledLine: str(evt.exten) };
    case 'dialend':
      if (!mine('destchannel') || str(evt.dialstatus).toUpperCase() !== 'ANSWER') return null;
      seen.add(callId);
      return { ...base, kind: 'answered' };
    case 'agentconnect':
      if (!mine('interface', 'destchannel', 'membername')) return null;
      seen.add(callId);
      return { ...base, kind: 'answered' };
    case 'newstate':
      if (!seen.has(callId) || !mine('channel') || str(evt.channelstatedesc).toLowerCase() !== 'up') return null;
      return { ...base, kind: 'answered' };
    case 'hangup':
      if (!seen.has(callId)) return null;
      seen.delete(callId);
      return { ...base, kind: 'ended' };
    default:
      return null;
  }
}

export function startAmi(opts: AmiOptions, hub: TelephonyHub, onError: (message: string) => void = () => undefined): TelephonySourceHandle {
  const seen = new Set<string>();
  let manager: AsteriskManager | null = null;
  let stopped = false;
  let connected = false;
  let lastError: string | null = null;
  let backoff = 1_000;
  let retry: NodeJS.Timeout | null = null;

  const fail = (message: string) => {
    lastError = message;
    onError(message);
  };

  const connect = () => {
    retry = null;
    if (stopped) return;
    const m = Manager(opts.port, opts.host, opts.username, opts.secret, true);
    manager = m;
    m.on('connect', () => {
      connected = true;
      backoff = 1_000;
    });
    m.on('error', (error: Error) => fail(`AMI ${opts.host}:${opts.port}: ${error.message}`));
    m.on('response', ((res: AmiMessage) => {
      if (str(res.response).toLowerCase() === 'error' && /auth/i.test(str(res.message))) {
        fail(`AMI ${opts.host}:${opts.port}: login refused for ${opts.username}: ${str(res.message)}`);
      }
    }) as (...args: never[]) => void);
    m.on('managerevent', (evt: AmiMessage) => {
      if (manager !== m) return;
      const event = mapAmiEvent(evt, opts.extension, seen);
      if (!event) return;
      const result = hub.report('ami', event);
      if (!result.ok) fail(`AMI event ${str(evt.event)} ignored: ${result.reason}`);
    });
    m.on('close', () => {
      connected = false;
      // the old manager's listeners stay (its socket may still report an error) but see manager !== m
      if (stopped || manager !== m) return;
      retry = setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 30_000);
    });
  };
  connect();

  return {
    status: () => ({ connected, lastError }),
    close: () =>
      new Promise<void>((resolve) => {
        stopped = true;
        if (retry) clearTimeout(retry);
        const m = manager;
        manager = null;
        if (!m) return resolve();
        m.disconnect(() => resolve());
      }),
  };
}
