/**
 * The work-order HTTP contract of the central server: what the unit portal (/portal/, units'
 * browsers) and the centre's tools call. The server decides every action with the pure table
 * of src/shared/workorders (applyAction) under a row lock, and the acting account is always
 * the one of the access token, never the body.
 *
 *   GET  /api/orders?queue=…               the caller's queue (a unit: its own orders only)
 *   GET  /api/orders/:id                   one order: the case, the order snapshot, its history
 *   POST /api/orders/:id/actions           { action, args, expectedVersion } → the new snapshot
 *
 * Personal data: a unit never receives the number or name of a caller who asked for
 * confidentiality (保密); the server masks them before they leave it (maskedCaller below).
 */
import { z } from 'zod';
import { ActionName } from './workorders/actions';
import { DEADLINE_STATUSES } from './workorders/deadlines';
import { HistoryEntry, WorkOrder } from './workorders/model';
import { WorkOrderState } from './workorders/states';

/** The queues: a unit sees 待签收 and 办理中 of its own orders; the centre sees all of each. */
export const ORDER_QUEUES = [
  'pending_dispatch', // 待派单 (centre)
  'pending_sign', // 待签收
  'in_progress', // 办理中
  'pending_review', // 待审核 (centre)
  'returned', // 已退回 (centre)
  'extension_requested', // 延期申请 (centre)
  'overdue', // 超期 and 临期, open orders (centre: all; unit: its own)
  'pending_follow_up', // 待回访 (centre, operators included): due now first, longest waiting first
] as const;
export const OrderQueue = z.enum(ORDER_QUEUES);
export type OrderQueue = z.infer<typeof OrderQueue>;

export const DeadlineStatus = z.enum(DEADLINE_STATUSES);

/** A caller's personal data as the viewer may see it. */
export const CallerView = z.object({
  /** the normalised number; '' for a unit viewing a 保密 order */
  phone: z.string(),
  name: z.string(),
  /** true when the server masked the number and name for this viewer */
  masked: z.boolean(),
});
export type CallerView = z.infer<typeof CallerView>;

/** One row of a queue. */
export const OrderSummary = z.object({
  /** the case's uuid: the order's id */
  id: z.string(),
  officialNo: z.string(),
  state: WorkOrderState,
  categoryCode: z.string(),
  regionCode: z.string(),
  /** the first 120 characters of the matter */
  summary: z.string(),
  urgency: z.string(),
  /** the unit holding the order now (current level), null before dispatch */
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  receivedAt: z.number().int(),
  dispatchedAt: z.number().int().nullable(),
  /** 签收时限 of the current level, null before dispatch */
  signBy: z.number().int().nullable(),
  /** 办理时限 in force, null before dispatch */
  deadline: z.number().int().nullable(),
  /** 正常 / 临期 / 超期 of the deadline that matters in this state (sign or handle), null when none */
  deadlineStatus: DeadlineStatus.nullable(),
  extensionRequested: z.boolean(),
  confidential: z.boolean(),
  version: z.number().int(),
  /** 待回访: when the call is due (the retry's nextAfter, else the acceptance); absent/null otherwise */
  followUpDue: z.number().int().nullable().optional(),
  /** 督办 level, null/absent when not supervised */
  supervision: z.enum(['normal', 'key']).nullable().optional(),
  /** 催办 so far (absent = 0) */
  reminders: z.number().int().min(0).optional(),
});
export type OrderSummary = z.infer<typeof OrderSummary>;

export const OrderQueueResponse = z.object({
  queue: OrderQueue,
  orders: z.array(OrderSummary),
  /** more rows than returned exist (the first `limit` by deadline are returned) */
  more: z.boolean(),
});
export type OrderQueueResponse = z.infer<typeof OrderQueueResponse>;

export const OrderDetailResponse = z.object({
  summary: OrderSummary,
  case: z.object({
    caller: CallerView,
    channel: z.string(),
    requestType: z.string(),
    address: z.string(),
    content: z.string(),
    createdAt: z.number().int(),
  }),
  order: WorkOrder,
  /** 流转记录, oldest first */
  history: z.array(HistoryEntry),
  /** the actions the caller may try now (role, state and scope allow them), for the buttons */
  available: z.array(ActionName),
  /** unit code → name, for every unit the order and its history mention */
  units: z.record(z.string(), z.string()),
});
export type OrderDetailResponse = z.infer<typeof OrderDetailResponse>;

export const OrderActionRequest = z.object({
  action: ActionName,
  /** checked against the action's schema by applyAction (refusal invalid_args) */
  args: z.record(z.string(), z.unknown()).default({}),
  /**
   * the order version the person saw; a different current version is a 409 order_changed
   * (someone acted in between) instead of acting on a state they never saw
   */
  expectedVersion: z.number().int().min(0),
});
export type OrderActionRequest = z.input<typeof OrderActionRequest>;

export const OrderActionResponse = z.object({ order: WorkOrder, entry: HistoryEntry });
export type OrderActionResponse = z.infer<typeof OrderActionResponse>;

/**
 * A refused action answers 409 with ErrorBody { error: 'action_refused', message (English),
 * refusal: { code, zh, en } } — the table's refusal code and both texts; 'order_changed' when
 * expectedVersion is stale; 404 'order_not_found' for an order the caller may not see (a unit
 * asking for another unit's order gets the same 404 as for no order at all).
 */
export const ActionRefusal = z.object({ code: z.string(), zh: z.string(), en: z.string() });

/**
 * What the viewer may see of the caller. A unit never sees a 保密 caller's number or name, not
 * even in part (a masked number with its last digits still narrows down who called): both come
 * as '' with masked = true, and the portal says 保密.
 */
export function maskedCaller(c: { phone: string; name: string; confidential: boolean }, viewerRole: string): CallerView {
  if (c.confidential && viewerRole === 'unit') return { phone: '', name: '', masked: true };
  return { phone: c.phone, name: c.name, masked: false };
}
