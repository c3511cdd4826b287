/**
 * The telephony hub: every source (HTTP endpoint, hotline:// URL, AMI, ESL) reports here. The
 * hub validates the event (src/shared/telephony.ts), keeps each call's times, looks up the
 * caller's history on ringing (so the renderer renders it without another round trip) and hands
 * one TelephonyPush to the transports' listeners.
 *
 * Repeats are folded: a phone system reports the same moment on several channels (AMI's
 * Newchannel and DialBegin, a Hangup per leg), so only the first ringing, answered and ended of
 * a call id are pushed.
 */
import { performance } from 'node:perf_hooks';
import type { CallerHistory } from '../../shared/schemas';
import {
  issueReason,
  TelephonyEvent,
  type CallRecord,
  type TelephonyEventInput,
  type TelephonyPush,
  type TelephonySource,
} from '../../shared/telephony';

/** calls remembered at most; the oldest go first (an agent has a few calls an hour) */
const MAX_CALLS = 500;

export type ReportResult = { ok: true; call: CallRecord; pushed: boolean } | { ok: false; reason: string };

export interface TelephonyHub {
  /** validates and applies one event from a source */
  report(source: TelephonySource, input: TelephonyEventInput | unknown): ReportResult;
  /** the listener gets every push; returns the function that removes it */
  subscribe(listener: (push: TelephonyPush) => void): () => void;
  call(callId: string): CallRecord | null;
  /** calls that rang or were answered in the last 4 hours and have not ended (an update waits for them) */
  activeCalls(): number;
}

export interface HubOptions {
  /** 来电历史 of a number (store.callerHistory); errors leave history null */
  history?: (phone: string) => CallerHistory;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export const epochNow = (): number => performance.timeOrigin + performance.now();

export function createTelephonyHub(opts: HubOptions = {}): TelephonyHub {
  const now = opts.now ?? Date.now;
  const calls = new Map<string, CallRecord>();
  const listeners = new Set<(push: TelephonyPush) => void>();

  return {
    report(source, input) {
      const receivedAt = epochNow();
      const parsed = TelephonyEvent.safeParse(input);
      if (!parsed.success) {
        return { ok: false, reason: issueReason(parsed.error) };
      }
      const e = parsed.data;
      const at = e.at ?? now();
      let call = calls.get(e.callId);
      if (!call) {
        if (calls.size >= MAX_CALLS) calls.delete(calls.keys().next().value!);
        call = { callId: e.callId, callerNumber: '', calledLine: '', agentExtension: '', ringAt: null, answerAt: null, endAt: null };
        calls.set(e.callId, call);
      }
      const next: CallRecord = {
        ...call,
        callerNumber: e.callerNumber || call.callerNumber,
        calledLine: e.calledLine || call.calledLine,
        agentExtension: e.agentExtension || call.agentExtension,
      };
      let fresh = false;
      if (e.kind === 'ringing' && call.ringAt === null) {
        next.ringAt = at;
        fresh = true;
      } else if (e.kind === 'answered' && call.answerAt === null) {
        next.answerAt = Math.max(at, call.ringAt ?? at);
        fresh = true;
      } else if (e.kind === 'ended' && call.endAt === null) {
        next.endAt = Math.max(at, call.answerAt ?? call.ringAt ?? at);
        fresh = true;
      }
      calls.set(e.callId, next);
      if (!fresh) return { ok: true, call: next, pushed: false };

      let history: CallerHistory | null = null;
      if (e.kind === 'ringing' && opts.history && next.callerNumber) {
        try {
          history = opts.history(next.callerNumber);
        } catch (error) {
          opts.onError?.(error);
        }
      }
      const push: TelephonyPush = { kind: e.kind, source, call: next, history, receivedAt };
      for (const listener of listeners) {
        try {
          listener(push);
        } catch (error) {
          opts.onError?.(error);
        }
      }
      return { ok: true, call: next, pushed: true };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    call: (callId) => calls.get(callId) ?? null,
    activeCalls() {
      // a lost 'ended' event must not block updates for ever
      const since = now() - 4 * 3_600_000;
      let n = 0;
      for (const c of calls.values()) {
        const started = c.answerAt ?? c.ringAt;
        if (c.endAt === null && started !== null && started >= since) n++;
      }
      return n;
    },
  };
}
