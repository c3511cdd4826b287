/**
 * The states of a work order (工单) once it is a 转办 order, and who acts on it.
 * Orders answered on the spot (直接答复) never enter this lifecycle.
 *
 * The state is the state at the order's CURRENT level: when a unit passes the order on to one of
 * its sub-units (下派, 二级派单), the order is 待签收 / 办理中 at the sub-unit while the lead
 * unit still answers for it to the centre. A pending extension request is a flag
 * (`extensionRequest`), not a state: the unit keeps working while the centre decides.
 */
import { z } from 'zod';
import type { Message } from './calendar';

export const WORK_ORDER_STATES = [
  'pending_dispatch', // 待派单: at the centre, not yet sent to a unit
  'pending_sign', // 待签收: sent to a unit (or sub-unit) that has not signed for it
  'in_progress', // 办理中: signed, being handled
  'returned', // 已退回: the lead unit returned it (退单); back at the centre for re-dispatch
  'pending_review', // 待审核: the lead unit replied (办理反馈); the centre reviews
  'pending_follow_up', // 待回访: the centre accepted the reply (or sampled a direct answer); the caller is called back
  'closed', // 已办结: followed up (satisfied, unreachable or refused), or accepted before 回访 existed
] as const;
export const WorkOrderState = z.enum(WORK_ORDER_STATES);
export type WorkOrderState = z.infer<typeof WorkOrderState>;

export const STATE_LABELS: Record<WorkOrderState, Message> = {
  pending_dispatch: { zh: '待派单', en: 'pending dispatch' },
  pending_sign: { zh: '待签收', en: 'pending signature' },
  in_progress: { zh: '办理中', en: 'in progress' },
  returned: { zh: '已退回', en: 'returned' },
  pending_review: { zh: '待审核', en: 'pending review' },
  pending_follow_up: { zh: '待回访', en: 'pending follow-up' },
  closed: { zh: '已办结', en: 'closed' },
};

export const isOpenWorkOrderState = (s: WorkOrderState): boolean => s !== 'closed';

/**
 * Who may act: the centre's accounts (src/shared/sync.ts ROLES) plus `unit`, an account bound to
 * one unit of the units directory.
 */
export const WORK_ORDER_ROLES = ['operator', 'supervisor', 'admin', 'unit'] as const;
export const WorkOrderRole = z.enum(WORK_ORDER_ROLES);
export type WorkOrderRole = z.infer<typeof WorkOrderRole>;

export const UnitId = z.string().trim().min(1).max(64);

export const Actor = z
  .object({
    username: z.string().min(1).max(64),
    role: WorkOrderRole,
    /** the unit a `unit` account is bound to; null for the centre's accounts */
    unitId: UnitId.nullable(),
  })
  .strict()
  .refine((a) => (a.role === 'unit') === (a.unitId !== null), {
    message: 'a unit account is bound to exactly one unit; centre accounts to none',
    path: ['unitId'],
  });
export type Actor = z.infer<typeof Actor>;

/** What the table needs to know of the units directory. */
export interface UnitInfo {
  id: string;
  name: string;
  /** the unit it belongs to (a street's district), null for a top-level unit */
  parentId: string | null;
  active: boolean;
}
/** A `Map<string, UnitInfo>` fits. */
export interface UnitDirectory {
  get(unitId: string): UnitInfo | undefined;
}
