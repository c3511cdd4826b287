/**
 * The work-order snapshot that the transition table reads and writes, and its history entry
 * (流转记录). Timestamps are epoch milliseconds, as everywhere in src/shared.
 */
import { z } from 'zod';
import { Satisfaction, Urgency } from '../domain';
import { Deadline } from './deadlines';
import { UnitId, WorkOrderRole, WorkOrderState } from './states';

const EpochMs = z.number().int();

/** 办理结果 */
export const REPLY_RESULTS = [
  'solved', // 已解决
  'partly_solved', // 部分解决
  'unsolved', // 未解决
  'explained', // 已解释说明
] as const;
export const ReplyResult = z.enum(REPLY_RESULTS);
export type ReplyResult = z.infer<typeof ReplyResult>;
export const REPLY_RESULT_LABELS: Record<ReplyResult, { zh: string; en: string }> = {
  solved: { zh: '已解决', en: 'solved' },
  partly_solved: { zh: '部分解决', en: 'partly solved' },
  unsolved: { zh: '未解决', en: 'not solved' },
  explained: { zh: '已解释说明', en: 'explained' },
};

/**
 * One level of dispatch. Level 0 is the centre's dispatch to the lead unit (承办单位); level n+1
 * is a 下派 by the unit of level n to one of its sub-units. The last one is the current level.
 */
export const Assignment = z
  .object({
    level: z.number().int().min(0),
    unitId: UnitId,
    /** 协办单位 (level 0 only) */
    coUnitIds: z.array(UnitId).max(20),
    dispatchedAt: EpochMs,
    dispatchedBy: z.string(),
    /** the unit that passed it on (下派), null when the centre dispatched */
    dispatchedByUnitId: UnitId.nullable(),
    /** 签收时限 */
    signBy: EpochMs,
    /** 退单时限 */
    returnBy: EpochMs,
    /** 办理时限 in force (extensions included) */
    deadline: Deadline,
    signedAt: EpochMs.nullable(),
    /** working days of approved extension so far (level 0) */
    extendedWorkingDays: z.number().int().min(0),
  })
  .strict();
export type Assignment = z.infer<typeof Assignment>;

export const ExtensionRequest = z
  .object({
    days: z.number().int().min(1),
    reason: z.string(),
    requestedAt: EpochMs,
    requestedBy: z.string(),
    unitId: UnitId,
  })
  .strict();
export type ExtensionRequest = z.infer<typeof ExtensionRequest>;

/** The lead unit's reply (办理反馈) awaiting review, or accepted. */
export const Reply = z
  .object({
    at: EpochMs,
    by: z.string(),
    unitId: UnitId,
    content: z.string(),
    result: ReplyResult,
    contactedCaller: z.boolean(),
    /** the level-0 deadline in force when the reply was given: what "on time" is measured against */
    deadlineAtReply: EpochMs,
  })
  .strict();
export type Reply = z.infer<typeof Reply>;

export const Completion = z
  .object({
    unitId: UnitId,
    repliedAt: EpochMs,
    acceptedAt: EpochMs,
    deadlineAtReply: EpochMs,
    onTime: z.boolean(),
  })
  .strict();
export type Completion = z.infer<typeof Completion>;

/** 回访结果: 接通, 未接通, 拒绝回访 */
export const FOLLOW_UP_OUTCOMES = ['reached', 'not_reached', 'refused'] as const;
export const FollowUpOutcome = z.enum(FOLLOW_UP_OUTCOMES);
export type FollowUpOutcome = z.infer<typeof FollowUpOutcome>;
export const FOLLOW_UP_OUTCOME_LABELS: Record<FollowUpOutcome, { zh: string; en: string }> = {
  reached: { zh: '接通', en: 'reached' },
  not_reached: { zh: '未接通', en: 'not reached' },
  refused: { zh: '拒绝回访', en: 'refused' },
};

/**
 * What a 回访 attempt led to (the history entry's `details.result`, counted by the reports):
 * closed (satisfied and solved → 办结), rehandle (重办), retry (not reached, tried again later),
 * unreachable (not reached the last allowed time → 无法回访, closed), refused (closed).
 */
export const FOLLOW_UP_RESULTS = ['closed', 'rehandle', 'retry', 'unreachable', 'refused'] as const;
export type FollowUpResult = (typeof FOLLOW_UP_RESULTS)[number];

/** The order's follow-up in progress, or its last one. */
export const FollowUp = z
  .object({
    /** attempts in this round (reset when the order is re-handled) */
    attempts: z.number().int().min(0),
    lastAt: EpochMs.nullable(),
    lastOutcome: FollowUpOutcome.nullable(),
    /** not reached: the next attempt is due from here (the queue shows it then) */
    nextAfter: EpochMs.nullable(),
    solved: z.boolean().nullable(),
    satisfaction: Satisfaction.nullable(),
    /** how often the caller was reached and unsatisfied or not solved, over all rounds (面对面 flag) */
    unsatisfiedCount: z.number().int().min(0),
  })
  .strict();
export type FollowUp = z.infer<typeof FollowUp>;

/** 督办 level: 一般, 重点 */
export const SUPERVISION_LEVELS = ['normal', 'key'] as const;
export const SupervisionLevel = z.enum(SUPERVISION_LEVELS);
export type SupervisionLevel = z.infer<typeof SupervisionLevel>;
export const SUPERVISION_LEVEL_LABELS: Record<SupervisionLevel, { zh: string; en: string }> = {
  normal: { zh: '一般', en: 'normal' },
  key: { zh: '重点', en: 'key' },
};

export const Supervision = z
  .object({ level: SupervisionLevel, deadline: EpochMs, at: EpochMs, by: z.string(), note: z.string() })
  .strict();
export type Supervision = z.infer<typeof Supervision>;

/**
 * Fields added with 回访/督办/重复件 are optional: snapshots written before them have none, and
 * absent means "none yet" (no follow-up, not re-handled, never reminded, no linked calls).
 */
export const WorkOrder = z
  .object({
    id: z.string().min(1),
    /** number of history entries applied; the next entry's seq is version + 1 */
    version: z.number().int().min(0),
    state: WorkOrderState,
    urgency: Urgency,
    /** 问题分类, for the deadline rules */
    categoryCode: z.string(),
    assignments: z.array(Assignment),
    extensionRequest: ExtensionRequest.nullable(),
    reply: Reply.nullable(),
    completion: Completion.nullable(),
    /** the last 退单 to the centre, shown to the dispatcher */
    returnedFrom: z.object({ unitId: UnitId, reason: z.string(), at: EpochMs }).strict().nullable(),
    /** 'direct_answer': a sampled 直接答复 followed up; absent = a 转办 order */
    origin: z.enum(['dispatch', 'direct_answer']).optional(),
    followUp: FollowUp.nullable().optional(),
    /** 重办 so far */
    rehandleCount: z.number().int().min(0).optional(),
    /** 催办 so far */
    reminders: z.object({ count: z.number().int().min(1), lastAt: EpochMs, lastBy: z.string() }).strict().nullable().optional(),
    supervision: Supervision.nullable().optional(),
    /** the cases (uuids) of repeat calls linked to this order (重复件) */
    linkedCaseIds: z.array(z.string()).optional(),
  })
  .strict();
export type WorkOrder = z.infer<typeof WorkOrder>;

/** A 直接答复 sampled for 回访: an order that starts in 待回访, with no unit. */
export function newFollowUpOrder(init: { id: string; urgency: WorkOrder['urgency']; categoryCode: string }): WorkOrder {
  return { ...newWorkOrder(init), state: 'pending_follow_up', origin: 'direct_answer', followUp: emptyFollowUp(0) };
}

export const emptyFollowUp = (unsatisfiedCount: number): FollowUp => ({
  attempts: 0,
  lastAt: null,
  lastOutcome: null,
  nextAfter: null,
  solved: null,
  satisfaction: null,
  unsatisfiedCount,
});

/** A new 转办 order, waiting in 待派单. */
export function newWorkOrder(init: { id: string; urgency: WorkOrder['urgency']; categoryCode: string }): WorkOrder {
  return {
    id: init.id,
    version: 0,
    state: 'pending_dispatch',
    urgency: init.urgency,
    categoryCode: init.categoryCode,
    assignments: [],
    extensionRequest: null,
    reply: null,
    completion: null,
    returnedFrom: null,
  };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const JsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

/** One entry of the order's history (流转记录), append-only; (orderId, seq) is unique. */
export const HistoryEntry = z
  .object({
    orderId: z.string().min(1),
    /** 1, 2, 3 … = the order's version after this entry */
    seq: z.number().int().min(1),
    action: z.string().min(1),
    actor: z
      .object({ username: z.string(), role: WorkOrderRole, unitId: UnitId.nullable() })
      .strict(),
    at: EpochMs,
    fromState: WorkOrderState,
    toState: WorkOrderState,
    /** free text: 派单意见, 退回理由, 延期理由, 审核意见 … ('' when none) */
    note: z.string(),
    /** what changed: units, deadlines, days, result … (JSON) */
    details: z.record(z.string(), JsonValue),
  })
  .strict();
export type HistoryEntry = z.infer<typeof HistoryEntry>;
