/**
 * Why an action is refused: a stable code (for tests, logs and the 同步异常 list) and the
 * message in Chinese and English (the server sends both; the screen shows the user's language).
 */
import type { Message } from './calendar';
import { ACTION_LABELS, type ActionName } from './actions';
import { STATE_LABELS, type WorkOrderRole, type WorkOrderState } from './states';

export const REFUSAL_CODES = [
  'role_not_allowed',
  'invalid_state',
  'already_dispatched',
  'not_your_order',
  'recall_by_dispatcher_only',
  'invalid_args',
  'unknown_unit',
  'inactive_unit',
  'invalid_co_units',
  'same_unit',
  'not_a_sub_unit',
  'subdispatch_beyond_parent_deadline',
  'return_window_closed',
  'not_signed',
  'extension_already_requested',
  'no_extension_request',
  'extension_after_deadline',
  'extension_cap_exceeded',
  'approve_more_than_requested',
  'no_reply',
  'calendar_year_not_covered',
  'satisfaction_not_on_scale',
  'already_linked',
  'not_linked',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  code: RefusalCode;
  message: Message;
}

const ROLE_LABELS: Record<WorkOrderRole, Message> = {
  operator: { zh: '话务员', en: 'operators' },
  supervisor: { zh: '班长', en: 'supervisors' },
  admin: { zh: '管理员', en: 'administrators' },
  unit: { zh: '承办单位', en: 'units' },
};

export const refuse = (code: RefusalCode, zh: string, en: string): Refusal => ({ code, message: { zh, en } });

export const refusals = {
  roleNotAllowed: (action: ActionName, role: WorkOrderRole): Refusal =>
    refuse(
      'role_not_allowed',
      `${ROLE_LABELS[role].zh}无权${ACTION_LABELS[action].zh}。`,
      `${ROLE_LABELS[role].en[0]!.toUpperCase()}${ROLE_LABELS[role].en.slice(1)} may not ${ACTION_LABELS[action].en}.`,
    ),
  invalidState: (action: ActionName, state: WorkOrderState): Refusal =>
    refuse(
      'invalid_state',
      `该工单当前为「${STATE_LABELS[state].zh}」，不能${ACTION_LABELS[action].zh}。`,
      `The order is ${STATE_LABELS[state].en}: you cannot ${ACTION_LABELS[action].en} it now.`,
    ),
  alreadyDispatched: (state: WorkOrderState): Refusal =>
    refuse(
      'already_dispatched',
      `该工单已被派出（当前为「${STATE_LABELS[state].zh}」），不能重复派单；如需更换承办单位请改派。`,
      `The order has already been dispatched (now ${STATE_LABELS[state].en}); reassign it to change the unit.`,
    ),
  notYourOrder: (): Refusal =>
    refuse('not_your_order', '该工单不在本单位办理，不能操作。', 'This order is not with your unit.'),
  recallByDispatcherOnly: (): Refusal =>
    refuse(
      'recall_by_dispatcher_only',
      '只有派出该工单的一方可以撤回（中心派单由中心撤回，下派由上级单位撤回）。',
      'Only whoever dispatched the order can recall it (the centre its dispatch, a unit its own 下派).',
    ),
  invalidArgs: (details: string): Refusal =>
    refuse('invalid_args', `填写的内容不完整或有误：${details}`, `Invalid input: ${details}`),
  unknownUnit: (id: string): Refusal =>
    refuse('unknown_unit', `单位「${id}」不在单位目录中。`, `Unit "${id}" is not in the units directory.`),
  inactiveUnit: (name: string): Refusal =>
    refuse('inactive_unit', `单位「${name}」已停用，不能接收工单。`, `Unit "${name}" is inactive and cannot receive orders.`),
  invalidCoUnits: (): Refusal =>
    refuse(
      'invalid_co_units',
      '协办单位不能重复，也不能与承办单位相同。',
      'Co-units must be distinct and differ from the lead unit.',
    ),
  sameUnit: (): Refusal =>
    refuse('same_unit', '改派的单位与当前承办单位相同。', 'The order is already with that unit.'),
  notASubUnit: (name: string): Refusal =>
    refuse('not_a_sub_unit', `「${name}」不是本单位的下属单位，不能下派。`, `"${name}" is not one of your sub-units.`),
  beyondParentDeadline: (): Refusal =>
    refuse(
      'subdispatch_beyond_parent_deadline',
      '下派的办理时限不能晚于本单位的办理时限。',
      "A sub-unit's deadline cannot be later than your own.",
    ),
  returnWindowClosed: (days: number): Refusal =>
    refuse(
      'return_window_closed',
      `已超过退回时限（派单后 ${days} 个工作日内），不能退回；如确需调整请联系中心。`,
      `The return window (${days} working days after dispatch) has closed; contact the centre.`,
    ),
  notSigned: (): Refusal =>
    refuse('not_signed', '请先签收该工单。', 'Sign for the order first.'),
  extensionAlreadyRequested: (): Refusal =>
    refuse('extension_already_requested', '已有延期申请待审批。', 'An extension request is already pending.'),
  noExtensionRequest: (): Refusal =>
    refuse('no_extension_request', '该工单没有待审批的延期申请。', 'There is no pending extension request.'),
  extensionAfterDeadline: (): Refusal =>
    refuse('extension_after_deadline', '已超过办理时限，不能再申请延期。', 'The deadline has passed: an extension can no longer be requested.'),
  extensionCapExceeded: (left: number, cap: number): Refusal =>
    refuse(
      'extension_cap_exceeded',
      `延期累计不能超过 ${cap} 个工作日（还可延期 ${left} 个工作日）。`,
      `Extensions may total at most ${cap} working days (${left} left).`,
    ),
  approveMoreThanRequested: (requested: number): Refusal =>
    refuse(
      'approve_more_than_requested',
      `批准的天数不能多于申请的 ${requested} 个工作日。`,
      `You cannot approve more than the ${requested} working days requested.`,
    ),
  noReply: (): Refusal => refuse('no_reply', '该工单没有待审核的办理反馈。', 'There is no reply to review.'),
  calendarNotCovered: (text: Message): Refusal => ({ code: 'calendar_year_not_covered', message: text }),
  satisfactionNotOnScale: (levels: number): Refusal =>
    refuse(
      'satisfaction_not_on_scale',
      `满意度须为本中心使用的 ${levels} 级评价之一。`,
      `The satisfaction must be one of this centre's ${levels} levels.`,
    ),
  alreadyLinked: (): Refusal =>
    refuse('already_linked', '该来电已关联到此工单。', 'That call is already linked to this order.'),
  notLinked: (): Refusal =>
    refuse('not_linked', '该来电未关联到此工单。', 'That call is not linked to this order.'),
};
