import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/store/migrations';

const insertCase = (db: Database.Database, uuid: string) =>
  db
    .prepare(
      `INSERT INTO cases (uuid, local_no, phone, channel, request_type, category_code, region_code, content, urgency,
         handling_mode, status, operator, created_at, updated_at)
       VALUES (?, 'W001-20261127-0001', '13805371234', 'hotline', 'complaint', 'C0201', '370811001', '供暖', 'normal', 'dispatch', 'pending_dispatch', 'op', 1, 1)`,
    )
    .run(uuid);

const insertOrder = (db: Database.Database, caseId: number, orderId: string, version: number) =>
  db
    .prepare(
      `INSERT INTO orders (case_id, order_id, state, version, snapshot, updated_at) VALUES (?, ?, 'pending_dispatch', ?, '{}', 1)`,
    )
    .run(caseId, orderId, version);

describe('migration 7: work orders', () => {
  it('keeps the cases and outbox of version 6, and adds orders, history, acknowledged actions and the units cache', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 6);
    insertCase(db, 'u1');
    db.prepare(`INSERT INTO outbox (client_id, mutation_id, name, args, created_at) VALUES ('c1', 1, 'case.create', '{}', 1)`).run();

    expect(migrate(db, ':memory:', 7)).toBe(7);

    expect(db.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1);
    const caseId = db.prepare(`SELECT id FROM cases WHERE uuid = 'u1'`).pluck().get() as number;
    insertOrder(db, caseId, 'u1', 2);
    // one order per case and per order id
    expect(() => insertOrder(db, caseId, 'u2', 0)).toThrow(/UNIQUE/);
    expect(() => insertOrder(db, caseId + 1, 'u1', 0)).toThrow(/UNIQUE/);

    // a history entry is stored once per (order, seq)
    db.prepare(`INSERT INTO order_history (order_id, seq, entry) VALUES ('u1', 1, '{}')`).run();
    expect(() => db.prepare(`INSERT INTO order_history (order_id, seq, entry) VALUES ('u1', 1, '{}')`).run()).toThrow(/UNIQUE/);

    db.prepare(`INSERT INTO units_cache (code, name, kind, parent_code, active) VALUES ('RC', '任城区', 'district', NULL, 1)`).run();
    db.prepare(`INSERT INTO dispatch_rules_cache (category_code, region_code, unit_code) VALUES ('C02', '3708', 'RC')`).run();
    expect(db.prepare('SELECT count(*) FROM units_cache').pluck().get()).toBe(1);
  });

  it('keeps an acknowledged order action until its result is pulled, but not a rejected one', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 7);
    insertCase(db, 'u1');
    insertOrder(db, 1, 'u1', 3);
    const action = (id: number) =>
      db
        .prepare(`INSERT INTO outbox (client_id, mutation_id, name, args, created_at) VALUES ('c1', ?, 'order.action', ?, 10)`)
        .run(id, JSON.stringify({ orderId: 'u1', action: 'dispatch', args: { leadUnitId: 'RC' }, at: 10 }));
    action(1);
    action(2);
    db.prepare(`INSERT INTO outbox (client_id, mutation_id, name, args, created_at) VALUES ('c1', 3, 'case.create', '{}', 10)`).run();
    db.prepare(
      `INSERT INTO sync_rejections (client_id, mutation_id, name, code, reason, rejected_at) VALUES ('c1', 2, 'order.action', 'action_refused', 'x', 11)`,
    ).run();
    db.prepare(`DELETE FROM outbox WHERE client_id = 'c1' AND mutation_id <= 3`).run();

    const acked = db.prepare('SELECT mutation_id AS mutationId, order_id AS orderId, min_version AS minVersion FROM order_acked').all();
    expect(acked).toEqual([{ mutationId: 1, orderId: 'u1', minVersion: 4 }]);
    // a rejection recorded afterwards (with a pull) drops it too
    db.prepare(
      `INSERT INTO sync_rejections (client_id, mutation_id, name, code, reason, rejected_at) VALUES ('c1', 1, 'order.action', 'action_refused', 'x', 12)`,
    ).run();
    expect(db.prepare('SELECT count(*) FROM order_acked').pluck().get()).toBe(0);
  });
});
