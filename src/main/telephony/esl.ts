/**
 * FreeSWITCH event socket (mod_event_socket, inbound mode) → telephony events, through
 * `esl-lite` (Stéphane Alnet's client-only successor of `esl`, used in production since 2011;
 * TypeScript, reconnects by itself, answers `auth/request` with `auth <password>` and subscribes
 * with `event json …`).
 *
 * For the agent's extension EXT, a leg is the agent's when its Channel-Name is
 * "sofia/<profile>/EXT@…" (or "user/EXT…"), or its Caller-Destination-Number or
 * Caller-Callee-ID-Number is EXT:
 *   CHANNEL_CREATE → ringing (caller: Caller-Caller-ID-Number, line: variable_hotline_line or
 *                    the inbound leg's Caller-Destination-Number when it is not EXT)
 *   CHANNEL_ANSWER → answered
 *   CHANNEL_HANGUP → ended
 * The call id is Channel-Call-UUID (the same on both legs of a bridged call), else Unique-ID;
 * the time is Event-Date-Timestamp (µs).
 */
import { FreeSwitchClient } from 'esl-lite';
import type { TelephonyEventInput } from '../../shared/telephony';
import type { TelephonySourceHandle } from './ami';
import type { TelephonyHub } from './hub';

export interface EslOptions {
  host: string;
  port: number;
  password: string;
  extension: string;
}

type Fields = Record<string, unknown>;

const field = (data: Fields, name: string): string => {
  const v = data[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function legOfExtension(data: Fields, extension: string): boolean {
  const channel = field(data, 'Channel-Name');
  if (new RegExp(`^(?:sofia/[^/]+|user|verto\\.rtc|[a-z]+)/${escape(extension)}(?:[@/;]|$)`).test(channel)) return true;
  return field(data, 'Caller-Destination-Number') === extension || field(data, 'Caller-Callee-ID-Number') === extension;
}

/** Maps one ESL event body to a telephony event of the agent's extension. */
export function mapEslEvent(name: string, data: Fields, extension: string): TelephonyEventInput | null {
  const kind = { CHANNEL_CREATE: 'ringing', CHANNEL_ANSWER: 'answered', CHANNEL_HANGUP: 'ended' }[name] as TelephonyEventInput['kind'] | undefined;
  if (!kind || !legOfExtension(data, extension)) return null;
  const callId = field(data, 'Channel-Call-UUID') || field(data, 'Unique-ID');
  if (!callId) return null;
  const micros = Number(field(data, 'Event-Date-Timestamp'));
  const at = Number.isFinite(micros) && micros > 946_684_800_000_000 ? { at: Math.round(micros / 1000) } : {};
  const destination = field(data, 'Caller-Destination-Number');
  return {
    kind,
    callId,
    callerNumber: field(data, 'Caller-Caller-ID-Number'),
    calledLine: field(data, 'variable_hotline_line') || (destination !== extension ? destination : ''),
    agentExtension: extension,
    ...at,
  };
}

/** esl-lite wants a pino-like logger: it gets a quiet one that passes errors on. */
function quietLogger(onError: (message: string) => void) {
  const noop = () => undefined;
  const logger = {
    trace: noop,
    debug: noop,
    info: noop,
    warn: (obj: unknown, msg?: string) => onError(`ESL: ${msg ?? String(obj)}`),
    error: (obj: unknown, msg?: string) => onError(`ESL: ${msg ?? String(obj)}`),
    fatal: (obj: unknown, msg?: string) => onError(`ESL: ${msg ?? String(obj)}`),
    child: () => logger,
    level: 'warn',
  };
  return logger;
}

export function startEsl(opts: EslOptions, hub: TelephonyHub, onError: (message: string) => void = () => undefined): TelephonySourceHandle {
  let lastError: string | null = null;
  let connected = false;
  const fail = (message: string) => {
    lastError = message;
    onError(message);
  };
  const client = new FreeSwitchClient({
    host: opts.host,
    port: opts.port,
    password: opts.password,
    // the client only calls trace/debug/info/warn/error/child
    logger: quietLogger(fail) as unknown as ConstructorParameters<typeof FreeSwitchClient>[0]['logger'],
  });
  for (const name of ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP'] as const) {
    client.on(name, (msg) => {
      connected = true;
      const event = mapEslEvent(name, msg.body.data as Fields, opts.extension);
      if (!event) return;
      const result = hub.report('esl', event);
      if (!result.ok) fail(`ESL ${name} ignored: ${result.reason}`);
    });
  }
  return {
    status: () => ({ connected, lastError }),
    close: async () => {
      client.end();
    },
  };
}
