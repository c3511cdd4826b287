/**
 * 可能重复 (store/repeats.ts) and the link of a repeat call (orders.ts linkFor + saveIntake):
 * by number first, then same address and category; only open orders of cases created within the
 * window; index seeks only; a linked call is a closed 转办 case with repeat_of, never in 待派单,
 * its link_call queued right after its case.create in one transaction.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOrders, createPulledOrders, LinkRefusedError } from '../../../src/main/store/orders';
import { REPEAT_SQL } from '../../../src/main/store/repeats';
import { addressKeySql } from '../../../src/main/store/migrations/008_repeat_calls';
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
import { DAY, intake, memoryStore, T0, type TestStore } from './helpers';

let store: TestStore;
afterEach(() => store?.close());

const units = new Map([['RC', { id: 'RC', name: '任城区', parentId: null, active: true }]]);
const ctx = { now: T0, calendar: defaultWorkingCalendar, rules: DEFAULT_DEADLINE_RULES, units, settings: DEFAULT_WORKFLOW_SETTINGS };
const sup = { username: 'wang', role: 'supervisor' as const, unitId: null };
const op = { username: 'li', role: 'operator' as const, clientId: 'c-op' };

function setup(): TestStore {
  store = memoryStore({ now: T0 });
  store.db
    .prepare(`INSERT INTO sync_accounts (username, account_id, display_name, role, client_id, created_at) VALUES ('li', 2, '李', 'operator', 'c-op', 0)`)
    .run();
  createOrders(store.db, { now: () => T0 }).saveUnits(
    { units: [{ code: 'RC', name: '任城区', kind: 'district', parentCode: null, phone: '', active: true }], rules: [] },
    null,
  );
  return store;
}

/** A case logged `daysAgo` days before T0 whose order was pulled in `state` (dispatched to RC, or closed). */
function pulledOrder(overrides: Parameters<typeof intake>[0], daysAgo: number, state: 'pending_sign' | 'closed' = 'pending_sign'): string {
  store.clock.now = T0 - daysAgo * DAY;
  const saved = store.saveIntake(intake(overrides), 'op');
  store.clock.now = T0;
  const uuid = store.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck().get(saved.caseId) as string;
  let order: WorkOrder = newWorkOrder({ id: uuid, urgency: 'normal', categoryCode: 'C0201' });
  const history: HistoryEntry[] = [];
  const r = applyAction(order, 'dispatch', sup, { leadUnitId: 'RC' }, ctx);
  if (!r.ok) throw new Error(r.message.en);
  order = r.order;
  history.push(r.entry);
  if (state === 'closed') order = { ...order, state: 'closed', version: order.version + 1 };
  createPulledOrders(store.db, () => T0).apply(saved.caseId, { uuid, order, history } as unknown as CaseChange);
  return uuid;
}

describe('可能重复: the proposal', () => {
  it('finds the open order by the caller’s number first, in any spelling of it', () => {
    setup();
    const byAddress = pulledOrder({ phone: '13900000001', address: '任城区古槐街道阳光花园3号楼' }, 3);
    const byPhone = pulledOrder({ phone: '13805371234', address: '别处某小区1号' }, 5);
    const orders = createOrders(store.db, { now: () => T0 });
    const p = orders.propose({ phone: '+86 138 0537 1234', address: '任城区古槐街道阳光花园3号楼', categoryCode: 'C0201' });
    expect(p).toMatchObject({ orderId: byPhone, match: 'phone', state: 'pending_sign', unitCode: 'RC', unitName: '任城区', repeatCalls: 0 });
    expect(p!.officialNo).toMatch(/^W001-/);
    expect(p!.summary).toBe('小区物业管理不到位，楼道垃圾无人清理');
    // a number without open orders: the same address and category
    const q = orders.propose({ phone: '13700000000', address: ' 任城区古槐街道 阳光花园３号楼', categoryCode: 'C0201' });
    expect(q).toMatchObject({ orderId: byAddress, match: 'address' });
    // another category at that address, or too short an address: nothing
    expect(orders.propose({ phone: '13700000000', address: '任城区古槐街道阳光花园3号楼', categoryCode: 'C0301' })).toBeNull();
    expect(orders.propose({ address: '阳光', categoryCode: 'C0201' })).toBeNull();
    expect(orders.propose({ phone: '1380537', address: '', categoryCode: '' })).toBeNull();
  });

  it('proposes only open orders of cases created within the window', () => {
    setup();
    pulledOrder({ phone: '13805371234' }, 40);
    pulledOrder({ phone: '13805371234' }, 2, 'closed');
    const orders = createOrders(store.db, { now: () => T0 });
    expect(orders.propose({ phone: '13805371234' })).toBeNull();
    // a 60-day window reaches the older one
    expect(orders.propose({ phone: '13805371234' }, 60)).toMatchObject({ match: 'phone' });
    const recent = pulledOrder({ phone: '13805371234' }, 29);
    expect(orders.propose({ phone: '13805371234' }, 30)).toMatchObject({ orderId: recent });
  });

  it('seeks indexes only (no scan of cases)', () => {
    setup();
    const plan = (sql: string, ...args: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('\n');
    const phone = plan(REPEAT_SQL.byPhone, '13805371234', 0);
    expect(phone).toMatch(/SEARCH c USING INDEX cases_by_phone/);
    const address = plan(REPEAT_SQL.byAddress, 'C0201', '阳光花园3号楼', 0);
    expect(address).toMatch(/SEARCH c USING INDEX cases_repeat_by_address/);
    for (const p of [phone, address]) expect(p).not.toMatch(/SCAN (c|o)\b/);
    expect(REPEAT_SQL.byAddress).toContain(addressKeySql('c.address'));
  });
});

describe('重复件: linking the call being saved', () => {
  it('saves a closed 转办 case marked repeat_of, queues link_call after its case.create, and keeps it out of 待派单', () => {
    setup();
    const orderId = pulledOrder({ phone: '13805371234' }, 3);
    const orders = createOrders(store.db, { now: () => T0 });
    const saved = store.saveIntake(intake({ handlingMode: 'direct', answer: '' }), 'li', { clientId: 'c-op', repeat: orders.linkFor(orderId, op) });
    const row = store.db.prepare('SELECT uuid, handling_mode AS mode, status, repeat_of AS repeatOf FROM cases WHERE id = ?').get(saved.caseId) as Record<string, string>;
    expect(row).toMatchObject({ mode: 'dispatch', status: 'closed', repeatOf: orderId });
    const rows = store.db.prepare('SELECT mutation_id AS id, name, args FROM outbox WHERE client_id = ? ORDER BY mutation_id').all('c-op') as { id: number; name: string; args: string }[];
    expect(rows.map((r) => [r.id, r.name])).toEqual([
      [1, 'case.create'],
      [2, 'order.action'],
    ]);
    expect(JSON.parse(rows[0]!.args).case.repeatOf).toBe(orderId);
    expect(JSON.parse(rows[1]!.args)).toMatchObject({ orderId, action: 'link_call', args: { caseId: row.uuid, note: '' }, at: T0 });
    // the link shows at once on the order (pending), and the call is no new order
    const detail = orders.get({ orderId }, op)!;
    expect(detail.order.linkedCaseIds).toEqual([row.uuid]);
    expect(detail.pending.map((p) => p.action)).toEqual(['link_call']);
    expect(orders.get({ caseId: saved.caseId }, op)).toBeNull();
    expect(orders.queue({ queue: 'pending_dispatch', limit: 50 }).orders.map((o) => o.caseId)).not.toContain(saved.caseId);
  });

  it('refuses before writing anything: an unknown order, a closed order', () => {
    setup();
    const closed = pulledOrder({ phone: '13805371234' }, 3, 'closed');
    const orders = createOrders(store.db, { now: () => T0 });
    const before = store.db.prepare('SELECT count(*) FROM cases').pluck().get();
    expect(() => orders.linkFor('no-such-order', op)).toThrow(LinkRefusedError);
    expect(() => orders.linkFor(closed, op)).toThrow(LinkRefusedError);
    expect(store.db.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(before);
  });

  it('a link refused inside the transaction rolls the case back too', () => {
    setup();
    const orderId = pulledOrder({ phone: '13805371234' }, 3);
    const orders = createOrders(store.db, { now: () => T0 });
    const link = orders.linkFor(orderId, op);
    const before = store.db.prepare('SELECT count(*) FROM cases').pluck().get();
    // the order closes between the proposal and the save
    store.db.prepare(`UPDATE orders SET snapshot = json_set(snapshot, '$.state', 'closed'), state = 'closed'`).run();
    expect(() => store.saveIntake(intake(), 'li', { clientId: 'c-op', repeat: link })).toThrow(LinkRefusedError);
    expect(store.db.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(before);
    expect(store.db.prepare(`SELECT count(*) FROM outbox WHERE client_id = 'c-op'`).pluck().get()).toBe(0);
  });
});
