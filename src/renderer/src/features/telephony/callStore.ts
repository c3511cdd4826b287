/**
 * Screen pop (来电弹屏): what the renderer does with main's telephony events.
 *
 * - ringing while the intake form is blank: 来电号码 is filled and 来电历史 shows the caller at
 *   once (the history travels with the event), focus stays where it is, and the call is attached
 *   to the case being logged.
 * - ringing while a draft is in progress (any field differs from an empty form): nothing typed
 *   is touched; the call waits in 来电提醒 until the operator takes it (接听, F2). Taking it:
 *     · the draft has no number yet, or the same number → the number is filled in (when empty),
 *       the call is attached, the draft's text stays: the operator was already noting this call;
 *     · the draft has another caller's number → that case is saved first (the same checks as
 *       Ctrl+Enter; errors show beside their fields and the call keeps waiting), then the form
 *       starts fresh with the new call. A draft is never lost and never gets the wrong number.
 * - answered, ended: the times of the attached (or waiting) call are updated; intake.save sends
 *   the attached call, so the case records call id, ring/answer/end times and talk time.
 */
import { create } from 'zustand';
import { normalizePhone } from '../../../../shared/phone';
import type { CallerHistory, CallTimes } from '../../../../shared/schemas';
import type { CallRecord, TelephonyPush } from '../../../../shared/telephony';
import { useHistory } from '../history/historyStore';

/** What the intake form lends the screen pop (registered by useIntakePort). */
export interface IntakePort {
  /** every field as on an empty form */
  isBlank(): boolean;
  phone(): string;
  /** sets 来电号码 without moving focus */
  fillPhone(number: string): void;
  /** saves as Ctrl+Enter does */
  save(): void;
}

interface Waiting {
  call: CallRecord;
  history: CallerHistory | null;
}

interface CallState {
  /** the call the form's case is being logged for */
  attached: CallRecord | null;
  /** a call that came while a draft was in progress (来电提醒) */
  waiting: Waiting | null;
  /** 接听 pressed over another caller's draft: take the call once that case is saved */
  acceptAfterSave: boolean;
  receive(push: TelephonyPush): void;
  accept(): void;
  /** the form was emptied (saved or cleared) */
  formCleared(): void;
  /** for intake.save */
  callForSave(): CallTimes | null;
}

let port: IntakePort | null = null;
export function registerIntakePort(p: IntakePort | null): void {
  port = p;
}

const samePhone = (a: string, b: string) => {
  const x = normalizePhone(a);
  const y = normalizePhone(b);
  return x.ok && y.ok ? x.number === y.number : a.trim() === b.trim();
};

/** Fills the form with the call and shows its caller: the form is blank, or its number is empty or the same. */
function take(call: CallRecord, history: CallerHistory | null): void {
  if (!port) return;
  if (port.phone().trim() === '') port.fillPhone(call.callerNumber);
  if (history) useHistory.getState().show(call.callerNumber, history);
  else useHistory.getState().lookup(call.callerNumber);
}

export const useCall = create<CallState>((set, get) => ({
  attached: null,
  waiting: null,
  acceptAfterSave: false,

  receive(push) {
    const { attached, waiting } = get();
    const call = push.call;
    if (attached?.callId === call.callId) return set({ attached: call });
    if (waiting?.call.callId === call.callId) return set({ waiting: { ...waiting, call } });
    // only a call that rings (or is answered, when the ring was missed) pops
    if (push.kind === 'ended' || !call.callerNumber) return;
    if (port?.isBlank()) {
      set({ attached: call });
      take(call, push.history);
      return;
    }
    set({ waiting: { call, history: push.history }, acceptAfterSave: false });
  },

  accept() {
    const { waiting } = get();
    if (!waiting || !port) return;
    const current = port.phone();
    if (current.trim() === '' || samePhone(current, waiting.call.callerNumber)) {
      set({ attached: waiting.call, waiting: null, acceptAfterSave: false });
      take(waiting.call, waiting.history);
      return;
    }
    set({ acceptAfterSave: true });
    port.save();
  },

  formCleared() {
    const { waiting, acceptAfterSave } = get();
    set({ attached: null });
    if (acceptAfterSave && waiting) {
      set({ attached: waiting.call, waiting: null, acceptAfterSave: false });
      take(waiting.call, waiting.history);
    }
  },

  callForSave() {
    const a = get().attached;
    return a ? { callId: a.callId, ringAt: a.ringAt, answerAt: a.answerAt, endAt: a.endAt } : null;
  },
}));
