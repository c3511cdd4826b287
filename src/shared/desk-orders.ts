/**
 * Work orders on the desktop (the centre's screens): what the renderer asks main for. Main
 * answers from the workstation's store (orders and history pulled from the server) with the
 * actions still waiting in the outbox applied over them, so a dispatch taken offline shows its
 * intended result at once and the screen never flips back when a pull arrives before the push.
 *
 * The row and detail shapes are the server's (src/shared/portal.ts) plus what only a
 * workstation knows: the local case id, the suggested unit (派单目录) and pending local actions.
 */
import { z } from 'zod';
import { OrderQueue, OrderSummary, OrderDetailResponse, ActionRefusal, DeadlineStatus } from './portal';
import { ActionName } from './workorders/actions';
import { HistoryEntry, WorkOrder } from './workorders/model';
import { FollowUpSettingsSchema, Unit } from './units';

export const DeskOrderSummary = OrderSummary.extend({
  /** the case's id in this workstation's store (case.get) */
  caseId: z.number().int(),
  /** 派单目录's suggestion for the case's category × region; null when no line matches */
  suggestedUnitCode: z.string().nullable(),
  suggestedUnitName: z.string().nullable(),
  /** an action taken here is not yet acknowledged by the server (shown as 待同步) */
  pendingSync: z.boolean(),
});
export type DeskOrderSummary = z.infer<typeof DeskOrderSummary>;

export const DeskQueueInput = z
  .object({
    queue: OrderQueue,
    /** overdue board drill-down: only this unit's orders (current level) */
    unitCode: z.string().max(32).optional(),
    /** overdue board drill-down: only 临期 or only 超期 */
    deadlineStatus: DeadlineStatus.optional(),
    limit: z.number().int().min(1).max(500).default(200),
  })
  .strict();

export const DeskQueueResponse = z.object({
  queue: OrderQueue,
  orders: z.array(DeskOrderSummary),
  /** how many match in all (the first `limit` by deadline, then receipt, are returned) */
  total: z.number().int(),
});
export type DeskQueueResponse = z.infer<typeof DeskQueueResponse>;

/** A local action not yet acknowledged by the server, shown in 流转记录 as 待同步. */
export const PendingAction = z.object({
  mutationId: z.number().int(),
  action: ActionName,
  at: z.number().int(),
  username: z.string(),
  note: z.string(),
  /**
   * (added by ws-orders) null: applied to `order`; else the table refuses it over the newer
   * pulled state (someone acted first): it is NOT applied, and the server will reject it
   * (同步异常) with its own reason
   */
  refused: ActionRefusal.nullable().optional(),
  /** (added by ws-orders) true: the server has accepted it; its result has not been pulled yet */
  acknowledged: z.boolean().optional(),
});
export type PendingAction = z.infer<typeof PendingAction>;

export const DeskOrderDetail = OrderDetailResponse.extend({
  summary: DeskOrderSummary,
  caseId: z.number().int(),
  /** oldest first; already applied to `order` and `summary` */
  pending: z.array(PendingAction),
});
export type DeskOrderDetail = z.infer<typeof DeskOrderDetail>;

export const DeskActInput = z
  .object({
    orderId: z.string().min(1).max(64),
    action: ActionName,
    /** checked in main against the action's schema (refusal invalid_args) */
    args: z.record(z.string(), z.unknown()).default({}),
    /** the order version shown when the person acted (pending local actions included) */
    expectedVersion: z.number().int().min(0),
  })
  .strict();

/**
 * ok: the action is in the outbox and already applied locally (order = the intended result);
 * refused: the table refuses it on the state this workstation knows (nothing queued), with the
 * table's code and both texts.
 */
export const DeskActResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), order: WorkOrder, entry: HistoryEntry, mutationId: z.number().int() }),
  z.object({ ok: z.literal(false), refusal: ActionRefusal }),
]);
export type DeskActResult = z.infer<typeof DeskActResult>;

/** 超期预警: open orders by the unit holding them, 临期 and 超期 counted. */
export const OverdueBoard = z.object({
  rows: z.array(
    z.object({
      unitCode: z.string(),
      unitName: z.string(),
      dueSoon: z.number().int(),
      overdue: z.number().int(),
    }),
  ),
  totals: z.object({ dueSoon: z.number().int(), overdue: z.number().int() }),
  /** when the board was computed (epoch ms) */
  at: z.number().int(),
});
export type OverdueBoard = z.infer<typeof OverdueBoard>;

/** The units directory as this workstation last fetched it from the server. */
export const DeskUnits = z.object({
  units: z.array(Unit),
  /** null before the first fetch (standalone, or never synced) */
  fetchedAt: z.number().int().nullable(),
  /** whether the signed-in account may dispatch here (supervisor, admin; operator when the server allows it) */
  mayDispatch: z.boolean(),
  /** 回访 settings from the server (the defaults before the first fetch): the 满意度 scale … */
  followUp: FollowUpSettingsSchema,
});
export type DeskUnits = z.infer<typeof DeskUnits>;

/** 可能重复 (重复件): what the operator has typed so far; every field may be partial or empty. */
export const RepeatProposalInput = z
  .object({
    phone: z.string().max(64).default(''),
    address: z.string().max(1000).default(''),
    categoryCode: z.string().max(32).default(''),
  })
  .strict();

/**
 * An open order this call may repeat: by the caller's number first (`match: 'phone'`), else by the
 * same address and category (`'address'`), among cases created in the last `windowDays`.
 */
export const RepeatProposal = z.object({
  orderId: z.string(),
  caseId: z.number().int(),
  /** the official number, else the provisional one */
  officialNo: z.string(),
  summary: z.string(),
  state: z.string(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  /** when the original call was received */
  receivedAt: z.number().int(),
  match: z.enum(['phone', 'address']),
  /** how many calls are already linked to it */
  repeatCalls: z.number().int(),
});
export type RepeatProposal = z.infer<typeof RepeatProposal>;

export const RepeatProposalResult = z.object({
  proposal: RepeatProposal.nullable(),
  windowDays: z.number().int(),
});
export type RepeatProposalResult = z.infer<typeof RepeatProposalResult>;
