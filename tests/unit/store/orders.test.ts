/**
 * Pulled work orders in the workstation store (store/orders.ts): an older snapshot never
 * replaces a newer one, history is upserted by (order, seq), the queue columns are derived with
 * the working calendar (临期 = the last working day before the deadline by default).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOrders, createPulledOrders } from '../../../src/main/store/orders';
import type { CaseChange } from '../../../src/shared/sync';
import {
  applyAction,
  DEFAULT_DEADLINE_RULES,
  DEFAULT_WORKFLOW_SETTINGS,
  defaultWorkingCalendar,
  newWorkOrder,
  type HistoryEntry,
  type WorkOrder,
} from '../../../src/shared/workorders';
import { intake, memoryStore, T0, type TestStore } from './helpers';

let store: TestStore;
afterEach(() => store?.close());

const units = new Map([
  ['RC', { id: 'RC', name: '任城区', parentId: null, active: true }],
  ['SW', { id: 'SW', name: '市水务局', parentId: null, active: true }],
]);
const ctx = (now: number) => ({ now, calendar: defaultWorkingCalendar, rules: DEFAULT_DEADLINE_RULES, units, settings: DEFAULT_WORKFLOW_SETTINGS });
const sup = { username: 'wang', role: 'supervisor' as const, unitId: null };
const unit = { username: 'rc1', role: 'unit' as const, unitId: 'RC' };

function lifecycle(id: string): { orders: WorkOrder[]; entries: HistoryEntry[] } {
  const orders = [newWorkOrder({ id, urgency: 'normal', categoryCode: 'C0201' })];
  const entries: HistoryEntry[] = [];
  for (const [action, actor, args] of [
    ['dispatch', sup, { leadUnitId: 'RC' }],
    ['sign', unit, {}],
  ] as const) {
    const r = applyAction(orders.at(-1)!, action, actor, args, ctx(T0));
    if (!r.ok) throw new Error(r.message.en);
    orders.push(r.order);
    entries.push(r.entry);
  }
  return { orders, entries };
}

function change(uuid: string, order: WorkOrder, history: HistoryEntry[]): CaseChange {
  return { uuid, order, history } as unknown as CaseChange;
}

describe('pulled work orders', () => {
  it('upserts the snapshot only forward, history once per seq, and derives the queue columns', () => {
    store = memoryStore();
    const saved = store.saveIntake(intake(), 'op');
    const uuid = store.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck().get(saved.caseId) as string;
    const { orders, entries } = lifecycle(uuid);
    const pulled = createPulledOrders(store.db, () => T0);
    const view = createOrders(store.db, { now: () => T0 });

    pulled.apply(saved.caseId, change(uuid, orders[2]!, entries));
    pulled.apply(saved.caseId, change(uuid, orders[2]!, entries));
    // an older page (replayed) cannot take the order back
    pulled.apply(saved.caseId, change(uuid, orders[1]!, entries.slice(0, 1)));
    const row = store.db
      .prepare('SELECT state, version, unit_code AS unitCode, lead_unit_code AS lead, deadline, warn_at AS warnAt, sign_by AS signBy FROM orders')
      .get() as Record<string, unknown>;
    const deadline = orders[2]!.assignments[0]!.deadline.at;
    // dispatched Fri 2026-11-27 10:00 with 5 working days → Fri 12-04 23:59:59.999 (+08:00); 临期 from the end of Thu 12-03
    expect(new Date(deadline).toISOString()).toBe('2026-12-04T15:59:59.999Z');
    expect(row).toEqual({
      state: 'in_progress',
      version: 2,
      unitCode: 'RC',
      lead: 'RC',
      deadline,
      warnAt: Date.parse('2026-12-03T15:59:59.999Z'),
      signBy: orders[2]!.assignments[0]!.signBy,
    });
    expect(store.db.prepare('SELECT seq FROM order_history ORDER BY seq').pluck().all()).toEqual([1, 2]);

    const detail = view.get({ caseId: saved.caseId }, null)!;
    expect(detail.order).toEqual(orders[2]);
    expect(detail.history).toEqual(entries);
    expect(detail.available).toEqual([]);
    expect(detail.summary).toMatchObject({ state: 'in_progress', deadlineStatus: 'normal', pendingSync: false });
    expect(view.queue({ queue: 'in_progress', limit: 10 }).orders.map((o) => o.id)).toEqual([uuid]);
  });

  it('a 转办 case logged here and not yet synced can be dispatched at once: its action follows the case in the outbox', () => {
    store = memoryStore();
    store.db
      .prepare(`INSERT INTO sync_accounts (username, account_id, display_name, role, client_id, created_at) VALUES ('wang', 1, '王', 'supervisor', 'c1', 0)`)
      .run();
    const view = createOrders(store.db, { now: () => T0 });
    view.saveUnits({ units: [{ code: 'RC', name: '任城区', kind: 'district', parentCode: null, phone: '', active: true }], rules: [] }, null);
    const saved = store.saveIntake(intake(), 'wang', { clientId: 'c1' });
    const uuid = store.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck().get(saved.caseId) as string;
    expect(view.get({ caseId: saved.caseId }, null)!.order).toMatchObject({ id: uuid, state: 'pending_dispatch', version: 0 });

    const r = view.act({ orderId: uuid, action: 'dispatch', args: { leadUnitId: 'RC' }, expectedVersion: 0 }, { username: 'wang', role: 'supervisor', clientId: 'c1' });
    expect(r).toMatchObject({ ok: true, order: { state: 'pending_sign', version: 1 }, mutationId: 2 });
    expect(store.db.prepare('SELECT mutation_id AS id, name FROM outbox ORDER BY mutation_id').all()).toEqual([
      { id: 1, name: 'case.create' },
      { id: 2, name: 'order.action' },
    ]);
    const detail = view.get({ orderId: uuid }, { username: 'wang', role: 'supervisor', clientId: 'c1' })!;
    expect(detail.summary).toMatchObject({ state: 'pending_sign', unitCode: 'RC', unitName: '任城区', pendingSync: true });
    expect(detail.available).toContain('recall');
    // 直接答复 cases have no order
    const direct = store.saveIntake(intake({ handlingMode: 'direct', answer: '已答复' }), 'wang', { clientId: 'c1' });
    expect(view.get({ caseId: direct.caseId }, null)).toBeNull();
  });

  it('a case without an order (直接答复) leaves no row', () => {
    store = memoryStore();
    const saved = store.saveIntake(intake({ handlingMode: 'direct', answer: '已答复' }), 'op');
    createPulledOrders(store.db, () => T0).apply(saved.caseId, { uuid: 'x', order: null, history: [] } as unknown as CaseChange);
    expect(store.db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(0);
  });
});
