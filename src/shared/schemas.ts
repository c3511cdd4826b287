/**
 * Data shapes that cross the renderer ↔ main boundary. Validation messages are i18n keys
 * (see src/renderer/src/i18n): the shared layer never hard-codes a display language.
 */
import { z } from 'zod';
import { Channel, CaseStatus, HandlingMode, RequestType, Satisfaction, Urgency } from './domain';
import { normalizePhone } from './phone';

export const LIMITS = {
  callerName: 50,
  address: 200,
  content: 4000,
  answer: 4000,
  searchQuery: 200,
  draftBytes: 64 * 1024,
} as const;

const trimmed = (max: number, tooLong: string) => z.string().trim().max(max, { message: tooLong });

export const PhoneInput = z
  .string({ message: 'phone.required' })
  .trim()
  .min(1, { message: 'phone.required' })
  .max(40, { message: 'phone.invalid' })
  .refine((v) => normalizePhone(v).ok, { message: 'phone.invalid' })
  // prefault (not default): a missing value is parsed as '' and so reported as "required"
  .prefault('');

/** Epoch ms, 2000-01-01 … 2100-01-01. */
const CallEpoch = z.number().int().min(946_684_800_000).max(4_102_444_800_000);

/**
 * The times of one call from the phone system (src/shared/telephony.ts), as far as they are
 * known: 来电时间 (ringing), answered, ended. Attached to the case logged during the call.
 */
export const CallTimes = z
  .object({
    callId: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9._:@-]+$/),
    ringAt: CallEpoch.nullable(),
    answerAt: CallEpoch.nullable(),
    endAt: CallEpoch.nullable(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.ringAt !== null && v.answerAt !== null && v.answerAt < v.ringAt) {
      ctx.addIssue({ code: 'custom', path: ['answerAt'], message: 'answerAt: before ringAt' });
    }
    if (v.answerAt !== null && v.endAt !== null && v.endAt < v.answerAt) {
      ctx.addIssue({ code: 'custom', path: ['endAt'], message: 'endAt: before answerAt' });
    }
  });
export type CallTimes = z.infer<typeof CallTimes>;

/** A case's call as stored: its times and the talk time (通话时长) in seconds. */
export const CaseCall = z.object({
  callId: z.string(),
  ringAt: z.number().int().nullable(),
  answerAt: z.number().int().nullable(),
  endAt: z.number().int().nullable(),
  talkSeconds: z.number().int().nullable(),
});
export type CaseCall = z.infer<typeof CaseCall>;

/** What the operator submits from the intake screen (受理). */
const IntakeFields = z
  .object({
    phone: PhoneInput,
    callerName: trimmed(LIMITS.callerName, 'callerName.tooLong').default(''),
    channel: Channel.default('hotline'),
    requestType: RequestType.or(z.literal(''))
      .refine((v) => v !== '', { message: 'requestType.required' })
      .transform((v) => v as RequestType)
      .prefault(''),
    categoryCode: z.string().trim().min(1, { message: 'category.required' }).max(32).prefault(''),
    regionCode: z.string().trim().min(1, { message: 'region.required' }).max(32).prefault(''),
    address: trimmed(LIMITS.address, 'address.tooLong').default(''),
    content: z
      .string()
      .trim()
      .min(1, { message: 'content.required' })
      .min(5, { message: 'content.tooShort' })
      .max(LIMITS.content, { message: 'content.tooLong' })
      .prefault(''),
    urgency: Urgency.default('normal'),
    handlingMode: HandlingMode.or(z.literal(''))
      .refine((v) => v !== '', { message: 'handlingMode.required' })
      .transform((v) => v as HandlingMode)
      .prefault(''),
    /** the answer given on the spot, for 直接答复 */
    answer: trimmed(LIMITS.answer, 'answer.tooLong').default(''),
    /** 保密: the caller's number is never shown to units */
    confidential: z.boolean().default(false),
  });
const directNeedsAnswer = (v: { handlingMode: string; answer: string }, ctx: z.RefinementCtx) => {
  if (v.handlingMode === 'direct' && v.answer.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['answer'], message: 'answer.required' });
  }
};
export const IntakeInput = IntakeFields.superRefine(directNeedsAnswer);
export type IntakeInput = z.input<typeof IntakeInput>;
export type IntakeValues = z.output<typeof IntakeInput>;

/** intake.save: the form's values and, when the case was logged during a call the phone system reported, that call. */
export const IntakeSave = IntakeFields.extend({
  /** the phone system's call this case was logged during (screen pop); null when typed by hand */
  call: CallTimes.nullable().default(null),
  /** 领导接听: the session running at this seat when the case was logged (channel leader_session) */
  leaderSessionId: z.string().uuid().nullable().default(null),
  /**
   * 重复件: link this call to that open order (its id) instead of making a new one: the case is
   * saved as a repeat call (closed, never dispatched) and the order's link_call is queued with it
   */
  repeatOf: z.string().min(1).max(64).nullable().default(null),
}).superRefine(directNeedsAnswer);
export type IntakeSave = z.input<typeof IntakeSave>;
export type IntakeSaveValues = z.output<typeof IntakeSave>;

/** The unfinished intake, autosaved as typed; every field may be empty or half-typed. */
export const IntakeDraft = z.object({
  phone: z.string().max(40).default(''),
  callerName: z.string().max(200).default(''),
  channel: z.string().max(32).default('hotline'),
  requestType: z.string().max(32).default(''),
  categoryCode: z.string().max(32).default(''),
  regionCode: z.string().max(32).default(''),
  address: z.string().max(1000).default(''),
  content: z.string().max(LIMITS.content * 2).default(''),
  urgency: z.string().max(32).default('normal'),
  handlingMode: z.string().max(32).default(''),
  answer: z.string().max(LIMITS.answer * 2).default(''),
  confidential: z.boolean().default(false),
});
export type IntakeDraft = z.output<typeof IntakeDraft>;

export const CaseSummary = z.object({
  id: z.number().int(),
  localNo: z.string(),
  officialNo: z.string().nullable(),
  phone: z.string(),
  callerName: z.string(),
  channel: Channel,
  requestType: RequestType,
  categoryCode: z.string(),
  categoryName: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  address: z.string(),
  summary: z.string(),
  status: CaseStatus,
  handlingMode: HandlingMode,
  urgency: Urgency,
  createdAt: z.number().int(),
  lastFollowUp: Satisfaction.nullable(),
  confidential: z.boolean(),
  /** the work order's last 回访 (result, satisfaction when reached, when), null when none yet */
  followUp: z
    .object({ outcome: z.enum(['reached', 'not_reached', 'refused']), satisfaction: Satisfaction.nullable(), at: z.number().int() })
    .nullable()
    .optional(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

export const ContactRecord = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  phone: z.string(),
  callerName: z.string(),
  channel: Channel,
  requestType: RequestType,
  content: z.string(),
  operator: z.string(),
  createdAt: z.number().int(),
});
export type ContactRecord = z.infer<typeof ContactRecord>;

export const CaseDetail = CaseSummary.extend({
  content: z.string(),
  answer: z.string(),
  operator: z.string(),
  contacts: z.array(ContactRecord),
  /** 来电时间 and 通话时长 from the phone system; null for a case logged without a phone event */
  call: CaseCall.nullable(),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

/** 来电历史: what the operator sees while the caller is still greeting. */
export const CallerHistory = z.object({
  /** normalised number, or null when the text is not (yet) a phone number */
  phone: z.string().nullable(),
  known: z.boolean(),
  callerName: z.string().nullable(),
  /** the address of the caller's most recent case that has one (among recentCases), offered in 详细地址 */
  lastAddress: z.string().nullable(),
  labels: z.array(z.string()),
  totalCalls: z.number().int(),
  callsLast30Days: z.number().int(),
  /** open work orders first (newest first) */
  openCases: z.array(CaseSummary),
  /** then the most recent cases of this number, newest first (open ones included) */
  recentCases: z.array(CaseSummary),
});
export type CallerHistory = z.infer<typeof CallerHistory>;

export const SearchQuery = z.object({
  q: z.string().max(20_000),
  limit: z.number().int().min(1).max(200).default(50),
});
export const SearchResult = z.object({
  /** how the query was understood */
  kind: z.enum(['empty', 'case_no', 'phone', 'phone_suffix', 'text', 'too_short']),
  results: z.array(CaseSummary),
  /** i18n key of a plain message for the operator, when there is something to say */
  message: z.string().nullable(),
});
export type SearchResult = z.infer<typeof SearchResult>;
