/**
 * Telephony events (来电事件): what the phone system tells the workstation about a call, in one
 * shape whatever the source (loopback HTTP endpoint, hotline:// URL, Asterisk AMI, FreeSWITCH
 * ESL; src/main/telephony). Main keeps the times of each call (CallRecord) and pushes every
 * event, with the call so far, to the renderer (screen pop, 来电提醒).
 */
import { z } from 'zod';
import { CallerHistory, CallTimes } from './schemas';

export { CallTimes };

export const TELEPHONY_KINDS = ['ringing', 'answered', 'ended'] as const;
export const TelephonyKind = z.enum(TELEPHONY_KINDS);
export type TelephonyKind = z.infer<typeof TelephonyKind>;

export const TELEPHONY_SOURCES = ['http', 'url', 'ami', 'esl'] as const;
export const TelephonySource = z.enum(TELEPHONY_SOURCES);
export type TelephonySource = z.infer<typeof TelephonySource>;

/** Epoch ms, 2000-01-01 … 2100-01-01 (the same bounds as the sync protocol's EpochMs). */
const Epoch = z.number().int().min(946_684_800_000).max(4_102_444_800_000);

/** A call id as phone systems give them: Asterisk Linkedid/Uniqueid "1700000000.42", FreeSWITCH UUIDs. */
export const CallId = z
  .string()
  .trim()
  .min(1, { message: 'callId: required' })
  .max(128, { message: 'callId: at most 128 characters' })
  .regex(/^[A-Za-z0-9._:@-]+$/, { message: 'callId: letters, digits and . _ : @ - only' });

/** The number as the phone system sends it: digits, maybe +, spaces or dashes; normalised later. */
const DialString = z
  .string()
  .trim()
  .max(40, { message: 'at most 40 characters' })
  .regex(/^[0-9+*#() -]*$/, { message: 'digits, +, *, #, spaces, dashes or brackets only' });

/** One event as a source reports it. */
export const TelephonyEvent = z
  .object({
    kind: TelephonyKind,
    callId: CallId,
    /** the caller's number (主叫); required for ringing, may be '' afterwards */
    callerNumber: DialString.default(''),
    /** the number the caller dialled (被叫, e.g. 12345) */
    calledLine: DialString.default(''),
    /** the agent's extension the call rings on (坐席分机) */
    agentExtension: z.string().trim().max(32).regex(/^[A-Za-z0-9*#_.-]*$/, { message: 'agentExtension: letters, digits, * # _ . - only' }).default(''),
    /** when it happened, epoch ms; the time main received it when the source gives none */
    at: Epoch.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.kind === 'ringing' && v.callerNumber.replace(/\D/g, '') === '') {
      ctx.addIssue({ code: 'custom', path: ['callerNumber'], message: 'callerNumber: required for ringing' });
    }
  });
export type TelephonyEventInput = z.input<typeof TelephonyEvent>;
export type TelephonyEvent = z.output<typeof TelephonyEvent>;

/** Talk time (通话时长) in whole seconds: answered to ended; null until both are known. */
export function talkSeconds(call: { answerAt: number | null; endAt: number | null }): number | null {
  if (call.answerAt === null || call.endAt === null) return null;
  return Math.max(0, Math.round((call.endAt - call.answerAt) / 1000));
}

/** A call as main tracks it: the event fields plus the times seen so far. */
export const CallRecord = z.object({
  callId: z.string(),
  callerNumber: z.string(),
  calledLine: z.string(),
  agentExtension: z.string(),
  ringAt: z.number().int().nullable(),
  answerAt: z.number().int().nullable(),
  endAt: z.number().int().nullable(),
});
export type CallRecord = z.infer<typeof CallRecord>;

/**
 * Parses `hotline://call/ringing?number=13905371234&callId=abc&line=12345&ext=8001` (also
 * `answered`, `ended`; `hotline://ring?...` style kind-as-host is accepted too). Returns the
 * event or a reason. Pure: Electron's open-url / second-instance argv and tests use it.
 */
export function parseHotlineUrl(raw: string): { ok: true; event: TelephonyEvent } | { ok: false; reason: string } {
  if (typeof raw !== 'string' || raw.length > 2048) return { ok: false, reason: 'not a hotline:// URL' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'hotline:') return { ok: false, reason: `scheme ${url.protocol} is not hotline:` };
  const parts = [url.hostname, ...url.pathname.split('/')].map((p) => decodeURIComponent(p).toLowerCase()).filter(Boolean);
  const alias: Record<string, TelephonyKind> = {
    ring: 'ringing',
    ringing: 'ringing',
    answer: 'answered',
    answered: 'answered',
    end: 'ended',
    ended: 'ended',
    hangup: 'ended',
  };
  const verb = parts[0] === 'call' ? parts[1] : parts[0];
  const kind = verb ? alias[verb] : undefined;
  if (!kind) return { ok: false, reason: 'unknown action: use hotline://call/ringing, answered or ended' };
  const q = url.searchParams;
  const at = q.get('at');
  const parsed = TelephonyEvent.safeParse({
    kind,
    callId: q.get('callId') ?? q.get('call_id') ?? '',
    callerNumber: q.get('number') ?? q.get('caller') ?? '',
    calledLine: q.get('line') ?? '',
    agentExtension: q.get('ext') ?? '',
    ...(at !== null ? { at: Number(at) } : {}),
  });
  if (!parsed.success) return { ok: false, reason: issueReason(parsed.error) };
  return { ok: true, event: parsed.data };
}

/** "field: message" of a zod error's first issue, for 4xx answers and logs. */
export function issueReason(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  const message = issue?.message ?? 'invalid event';
  return path && !message.startsWith(path) ? `${path}: ${message}` : message;
}

/** What main pushes to the renderer for each event. */
export const TelephonyPush = z.object({
  kind: TelephonyKind,
  source: TelephonySource,
  call: CallRecord,
  /**
   * 来电历史 of the caller, looked up in main as the event arrived (ringing only), so the panel
   * renders without another round trip; null when the lookup failed or for other kinds.
   */
  history: CallerHistory.nullable(),
  /** performance.timeOrigin + performance.now() in main when the event arrived (for screen_pop) */
  receivedAt: z.number(),
});
export type TelephonyPush = z.infer<typeof TelephonyPush>;
