/** Shared fixtures for the work-order tests: units, actors, a context, orders in each state. */
import { expect } from 'vitest';
import {
  applyAction,
  createWorkingCalendar,
  DEFAULT_DEADLINE_RULES,
  DEFAULT_WORKFLOW_SETTINGS,
  newWorkOrder,
  type ActionContext,
  type ActionName,
  type Actor,
  type CalendarOverrideFile,
  type UnitInfo,
  type WorkOrder,
} from '../../../../src/shared/workorders';

/** an instant written in Shanghai time */
export const sh = (s: string): number => Date.parse(`${s}+08:00`);

const unit = (id: string, name: string, parentId: string | null = null, active = true): UnitInfo => ({ id, name, parentId, active });
export const units = new Map<string, UnitInfo>(
  [
    unit('U1', '市住建局'),
    unit('U1a', '市住建局物业科', 'U1'),
    unit('U2', '市水务集团'),
    unit('U3', '市城管局'),
    unit('D1', '任城区'),
    unit('S1', '济阳街道', 'D1'),
    unit('S2', '古槐街道', 'D1'),
    unit('D2', '兖州区'),
    unit('S3', '鼓楼街道', 'D2'),
    unit('X', '已撤并单位', null, false),
  ].map((u) => [u.id, u]),
);

export const actors = {
  operator: { username: 'op1', role: 'operator', unitId: null },
  supervisor: { username: 'sup1', role: 'supervisor', unitId: null },
  supervisor2: { username: 'sup2', role: 'supervisor', unitId: null },
  admin: { username: 'admin', role: 'admin', unitId: null },
  U1: { username: 'zjj', role: 'unit', unitId: 'U1' },
  U1a: { username: 'zjj-wy', role: 'unit', unitId: 'U1a' },
  U2: { username: 'sw', role: 'unit', unitId: 'U2' },
  D1: { username: 'rcq', role: 'unit', unitId: 'D1' },
  S1: { username: 'jyjd', role: 'unit', unitId: 'S1' },
  S2: { username: 'ghjd', role: 'unit', unitId: 'S2' },
  D2: { username: 'yzq', role: 'unit', unitId: 'D2' },
} as const satisfies Record<string, Actor>;

export const override2027: CalendarOverrideFile = {
  format: 'hotline-desk/working-calendar@1',
  years: { '2027': { holidays: ['2027-01-01'], workdays: [] } },
};

export function ctxAt(now: string | number, over: Partial<ActionContext> = {}): ActionContext {
  return {
    now: typeof now === 'number' ? now : sh(now),
    calendar: createWorkingCalendar(),
    rules: DEFAULT_DEADLINE_RULES,
    units,
    settings: DEFAULT_WORKFLOW_SETTINGS,
    ...over,
  };
}

/** apply and insist that it was allowed */
export function must(order: WorkOrder, action: ActionName, actor: Actor, args: unknown, ctx: ActionContext): WorkOrder {
  const r = applyAction(order, action, actor, args, ctx);
  if (!r.ok) expect.fail(`${action} by ${actor.username} refused: ${r.code} ${r.message.en}`);
  return r.order;
}

export const fresh = (): WorkOrder => newWorkOrder({ id: 'WO-1', urgency: 'normal', categoryCode: 'A0101' });

export const DISPATCHED_AT = '2026-03-02T09:00:00'; // Monday
export const SIGNED_AT = '2026-03-02T10:00:00';

/** one order in each state, lead unit U1 (dispatched Mon 2026-03-02 09:00, deadline end of 03-09) */
export function orderIn(kind: FixtureKind): WorkOrder {
  let o = fresh();
  if (kind === 'pending_dispatch') return o;
  o = must(o, 'dispatch', actors.supervisor, { leadUnitId: 'U1', note: '请核实处理' }, ctxAt(DISPATCHED_AT));
  if (kind === 'pending_sign') return o;
  if (kind === 'returned') return must(o, 'return', actors.U1, { reason: '不属于本单位职责' }, ctxAt('2026-03-02T11:00:00'));
  o = must(o, 'sign', actors.U1, {}, ctxAt(SIGNED_AT));
  if (kind === 'in_progress') return o;
  if (kind === 'in_progress_ext') {
    return must(o, 'request_extension', actors.U1, { days: 3, reason: '需协调多个部门' }, ctxAt('2026-03-02T15:00:00'));
  }
  o = must(o, 'reply', actors.U1, { content: '已安排人员现场处理完毕', result: 'solved', contactedCaller: true }, ctxAt('2026-03-03T09:00:00'));
  if (kind === 'pending_review') return o;
  o = must(o, 'review', actors.supervisor, { decision: 'accept' }, ctxAt('2026-03-03T10:00:00'));
  if (kind === 'pending_follow_up') return o;
  return must(o, 'follow_up', actors.operator, { outcome: 'reached', solved: true, satisfaction: 'satisfied' }, ctxAt('2026-03-03T15:00:00'));
}
export const FIXTURE_KINDS = [
  'pending_dispatch',
  'pending_sign',
  'in_progress',
  'in_progress_ext',
  'returned',
  'pending_review',
  'pending_follow_up',
  'closed',
] as const;
export type FixtureKind = (typeof FIXTURE_KINDS)[number];
