/**
 * The unfinished intake (草稿): what the form holds, how it travels to the store, and the
 * debounced autosave that lets a crash or a reload lose at most the last ~300 ms of typing.
 */
import { backend } from '../../api/backend';
import { CHANNELS, HANDLING_MODES, REQUEST_TYPES, URGENCIES, type HandlingMode, type RequestType } from '../../../../shared/domain';
import { LIMITS, type IntakeDraft, type IntakeInput } from '../../../../shared/schemas';

/** The form's values: every field present, choices possibly still '' (not yet chosen). */
export type IntakeForm = Required<IntakeInput>;

export const EMPTY_INTAKE: IntakeForm = {
  phone: '',
  callerName: '',
  channel: 'hotline',
  requestType: '',
  categoryCode: '',
  regionCode: '',
  address: '',
  content: '',
  urgency: 'normal',
  handlingMode: '',
  answer: '',
  confidential: false,
};

/**
 * 办理方式 as the request type usually has it: an enquiry is answered on the spot, the rest goes
 * to a unit; 其他 has no usual way. The form presets it until the operator chooses.
 */
const USUAL_HANDLING: Record<RequestType, HandlingMode | ''> = {
  consult: 'direct',
  help: 'dispatch',
  complaint: 'dispatch',
  report: 'dispatch',
  suggestion: 'dispatch',
  praise: 'dispatch',
  other: '',
};

export function usualHandling(requestType: string): HandlingMode | '' {
  return (REQUEST_TYPES as readonly string[]).includes(requestType) ? USUAL_HANDLING[requestType as RequestType] : '';
}

export function isBlank(values: Partial<IntakeForm>): boolean {
  return (Object.keys(EMPTY_INTAKE) as Array<keyof IntakeForm>).every(
    // 领导接听 presets the channel while a session runs at this seat: that alone is not typing
    (key) => (values[key] ?? EMPTY_INTAKE[key]) === EMPTY_INTAKE[key] || (key === 'channel' && values[key] === 'leader_session'),
  );
}

const cut = (s: string | undefined, max: number) => (s ?? '').slice(0, max);

/** Drafts have generous limits of their own; beyond them the draft keeps a prefix, the form all. */
export function toDraft(v: Partial<IntakeForm>): IntakeDraft {
  return {
    phone: cut(v.phone, 40),
    callerName: cut(v.callerName, 200),
    channel: v.channel ?? EMPTY_INTAKE.channel,
    requestType: v.requestType ?? '',
    categoryCode: cut(v.categoryCode, 32),
    regionCode: cut(v.regionCode, 32),
    address: cut(v.address, 1000),
    content: cut(v.content, LIMITS.content * 2),
    urgency: v.urgency ?? EMPTY_INTAKE.urgency,
    handlingMode: v.handlingMode ?? '',
    answer: cut(v.answer, LIMITS.answer * 2),
    confidential: v.confidential ?? false,
  };
}

const oneOf = <T extends string>(list: readonly T[], value: string, fallback: T | ''): T | '' =>
  (list as readonly string[]).includes(value) ? (value as T) : fallback;

/** A stored draft may come from an older version: unknown choices fall back to the defaults. */
export function fromDraft(d: IntakeDraft): IntakeForm {
  return {
    phone: d.phone,
    callerName: d.callerName,
    channel: oneOf(CHANNELS, d.channel, 'hotline') || 'hotline',
    requestType: oneOf(REQUEST_TYPES, d.requestType, ''),
    categoryCode: d.categoryCode,
    regionCode: d.regionCode,
    address: d.address,
    content: d.content,
    urgency: oneOf(URGENCIES, d.urgency, 'normal') || 'normal',
    handlingMode: oneOf(HANDLING_MODES, d.handlingMode, ''),
    answer: d.answer,
    confidential: d.confidential,
  };
}

export interface DraftAutosave {
  schedule: (values: Partial<IntakeForm>) => void;
  /** send a pending save now (the page is being hidden or unloaded) */
  flush: () => void;
  /** the intake was saved or cleared: forget the pending save and the stored draft */
  discard: () => void;
  /** a draft was restored, so the store holds one */
  restored: () => void;
}

/** the form's autosave, so signing out can send the last keystrokes to this account's draft first */
let active: DraftAutosave | null = null;

/** Sends a pending draft save now: call before the session ends (退出登录). */
export function flushIntakeDraft(): void {
  active?.flush();
}

export function createDraftAutosave(delayMs = 300): DraftAutosave {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: Partial<IntakeForm> | null = null;
  let stored = false;

  const write = () => {
    timer = undefined;
    const values = pending;
    pending = null;
    if (!values) return;
    if (isBlank(values)) {
      if (!stored) return;
      stored = false;
      void backend.invoke('draft.clear', {});
      return;
    }
    stored = true;
    void backend.invoke('draft.save', { draft: toDraft(values) });
  };

  const autosave: DraftAutosave = {
    schedule: (values) => {
      pending = { ...values };
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(write, delayMs);
    },
    flush: () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      write();
    },
    discard: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending = null;
      stored = false;
      void backend.invoke('draft.clear', {});
    },
    restored: () => {
      stored = true;
    },
  };
  active = autosave;
  return autosave;
}
