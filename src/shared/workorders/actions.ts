/**
 * The actions on a work order and the zod schema of each one's arguments.
 * A new action is added to ACTION_NAMES, to ACTION_ARGS and ActionCall, and as a new definition
 * in table.ts, not edited into existing ones.
 */
import { z } from 'zod';
import type { Message } from './calendar';
import { TimeLimit } from './deadlines';
import { FollowUpOutcome, ReplyResult, SupervisionLevel } from './model';
import { Satisfaction } from '../domain';
import { UnitId } from './states';

export const ACTION_NAMES = [
  'dispatch', // 派单
  'recall', // 撤回
  'sign', // 签收
  'return', // 退回
  'reassign', // 改派
  'request_extension', // 申请延期
  'approve_extension', // 批准延期
  'refuse_extension', // 拒绝延期
  'subdispatch', // 下派
  'reply', // 办理反馈
  'review', // 审核
  'follow_up', // 回访 (satisfied → 办结; unsatisfied or not solved → 重办; not reached → retried, then 无法回访)
  'remind', // 催办
  'supervise', // 督办
  'link_call', // 重复件: a repeat call joins this order
  'unlink_call', // a supervisor undoes a link
] as const;
export const ActionName = z.enum(ACTION_NAMES);
export type ActionName = z.infer<typeof ActionName>;

export const ACTION_LABELS: Record<ActionName, Message> = {
  dispatch: { zh: '派单', en: 'dispatch' },
  recall: { zh: '撤回', en: 'recall' },
  sign: { zh: '签收', en: 'sign for' },
  return: { zh: '退回', en: 'return' },
  reassign: { zh: '改派', en: 'reassign' },
  request_extension: { zh: '申请延期', en: 'request an extension' },
  approve_extension: { zh: '批准延期', en: 'approve the extension' },
  refuse_extension: { zh: '拒绝延期', en: 'refuse the extension' },
  subdispatch: { zh: '下派', en: 'pass on to a sub-unit' },
  reply: { zh: '办理反馈', en: 'reply' },
  review: { zh: '审核', en: 'review' },
  follow_up: { zh: '回访', en: 'follow up' },
  remind: { zh: '催办', en: 'remind' },
  supervise: { zh: '督办', en: 'supervise' },
  link_call: { zh: '关联重复来电', en: 'link a repeat call' },
  unlink_call: { zh: '取消关联', en: 'unlink a call' },
};

export const LIMITS = { note: 1000, reason: 1000, reply: 4000, coUnits: 10 } as const;

const note = z.string().trim().max(LIMITS.note).default('');
const requiredText = (max: number, min = 2) => z.string().trim().min(min).max(max);

/** 派单 and 改派: 承办单位, 协办单位, 办理时限 (absent = the rules' limit), 派单意见 */
export const DispatchArgs = z
  .object({
    leadUnitId: UnitId,
    coUnitIds: z.array(UnitId).max(LIMITS.coUnits).default([]),
    limit: TimeLimit.optional(),
    note,
  })
  .strict();
export const RecallArgs = z.object({ note }).strict();
export const SignArgs = z.object({ note }).strict();
/** 退回: 退回理由 required */
export const ReturnArgs = z.object({ reason: requiredText(LIMITS.reason) }).strict();
export const RequestExtensionArgs = z
  .object({ days: z.number().int().min(1).max(60), reason: requiredText(LIMITS.reason) })
  .strict();
/** days absent = the requested days; fewer may be approved */
export const ApproveExtensionArgs = z.object({ days: z.number().int().min(1).max(60).optional(), note }).strict();
export const RefuseExtensionArgs = z.object({ reason: requiredText(LIMITS.reason) }).strict();
/** 下派: one sub-unit; 办理时限 absent = the rules' limit, capped at the unit's own deadline */
export const SubdispatchArgs = z.object({ unitId: UnitId, limit: TimeLimit.optional(), note }).strict();
/** 办理反馈: what was done (content), 办理结果, whether the caller was contacted */
export const ReplyArgs = z
  .object({
    content: requiredText(LIMITS.reply, 5),
    result: ReplyResult,
    contactedCaller: z.boolean(),
    note,
  })
  .strict();
/** 审核: accept, or send back to the unit with a reason */
export const ReviewArgs = z
  .object({ decision: z.enum(['accept', 'send_back']), note })
  .strict()
  .refine((a) => a.decision === 'accept' || a.note.length >= 2, {
    message: 'a reason is required to send a reply back',
    path: ['note'],
  });

/**
 * 回访: 回访结果 (接通 reached, 未接通 not_reached, 拒绝回访 refused); when reached, 是否解决 and
 * 满意度 are required (the scale in force is checked by the table's guard), otherwise absent.
 */
export const FollowUpArgs = z
  .object({
    outcome: FollowUpOutcome,
    solved: z.boolean().optional(),
    satisfaction: Satisfaction.optional(),
    note,
  })
  .strict()
  .refine((a) => (a.outcome === 'reached' ? a.solved !== undefined && a.satisfaction !== undefined : a.solved === undefined && a.satisfaction === undefined), {
    message: 'a reached caller needs 是否解决 and 满意度; an unreached one has neither',
    path: ['outcome'],
  });
/** 催办 */
export const RemindArgs = z.object({ note }).strict();
/** 督办: 一般 (normal) or 重点 (key); its own deadline (absent = the order's deadline, or the rules' limit before dispatch) */
export const SuperviseArgs = z.object({ level: SupervisionLevel, limit: TimeLimit.optional(), note }).strict();
/** 重复件: the repeat call's case (its uuid) joins the order */
export const LinkCallArgs = z.object({ caseId: z.string().trim().min(1).max(64), note }).strict();

export const ACTION_ARGS = {
  dispatch: DispatchArgs,
  recall: RecallArgs,
  sign: SignArgs,
  return: ReturnArgs,
  reassign: DispatchArgs,
  request_extension: RequestExtensionArgs,
  approve_extension: ApproveExtensionArgs,
  refuse_extension: RefuseExtensionArgs,
  subdispatch: SubdispatchArgs,
  reply: ReplyArgs,
  review: ReviewArgs,
  follow_up: FollowUpArgs,
  remind: RemindArgs,
  supervise: SuperviseArgs,
  link_call: LinkCallArgs,
  unlink_call: LinkCallArgs,
} as const satisfies Record<ActionName, z.ZodType>;

export type ActionArgsInput<A extends ActionName> = z.input<(typeof ACTION_ARGS)[A]>;
export type ActionArgs<A extends ActionName> = z.output<(typeof ACTION_ARGS)[A]>;

/** An action with its arguments, as it travels (e.g. in the sync outbox). */
export const ActionCall = z.discriminatedUnion('action', [
  z.object({ action: z.literal('dispatch'), args: DispatchArgs }),
  z.object({ action: z.literal('recall'), args: RecallArgs }),
  z.object({ action: z.literal('sign'), args: SignArgs }),
  z.object({ action: z.literal('return'), args: ReturnArgs }),
  z.object({ action: z.literal('reassign'), args: DispatchArgs }),
  z.object({ action: z.literal('request_extension'), args: RequestExtensionArgs }),
  z.object({ action: z.literal('approve_extension'), args: ApproveExtensionArgs }),
  z.object({ action: z.literal('refuse_extension'), args: RefuseExtensionArgs }),
  z.object({ action: z.literal('subdispatch'), args: SubdispatchArgs }),
  z.object({ action: z.literal('reply'), args: ReplyArgs }),
  z.object({ action: z.literal('review'), args: ReviewArgs }),
  z.object({ action: z.literal('follow_up'), args: FollowUpArgs }),
  z.object({ action: z.literal('remind'), args: RemindArgs }),
  z.object({ action: z.literal('supervise'), args: SuperviseArgs }),
  z.object({ action: z.literal('link_call'), args: LinkCallArgs }),
  z.object({ action: z.literal('unlink_call'), args: LinkCallArgs }),
]);
export type ActionCall = z.infer<typeof ActionCall>;
