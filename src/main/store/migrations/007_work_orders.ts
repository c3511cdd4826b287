/**
 * Version 7: work orders on the workstation (issue 6), as pulled from the centre.
 *
 * - `orders`: one row per 转办 case that has an order on the server: the snapshot
 *   (src/shared/workorders WorkOrder, JSON) and the columns the queues and the overdue board read
 *   without parsing it — state, version, the unit holding it now and the lead unit, 办理时限,
 *   签收时限, the instant it becomes 临期 (`warn_at`, computed with the working calendar and the
 *   deadline rules when the row is written, so 临期/超期 are plain comparisons with now) and the
 *   extension flag. `order_id` is the case's uuid.
 * - `order_history`: 流转记录, one row per entry, (order_id, seq) unique: a page pulled twice
 *   cannot duplicate an entry.
 * - `order_acked`: actions taken here that the server acknowledged (applied) but whose result
 *   has not been pulled yet; a trigger on the outbox keeps them when their rows are deleted by an
 *   acknowledgement (not when they were rejected), and a pull of the order at a version ≥
 *   `min_version` drops them (so does a rejection recorded later). The screen re-applies them meanwhile, so it never flips back.
 * - `units_cache`, `dispatch_rules_cache`: the units directory and the dispatch catalogue as
 *   last fetched from GET /api/units (replaced whole).
 */
import type { Db } from '../db';

export function migrate7(db: Db): void {
  db.exec(`
    CREATE TABLE orders (
      case_id INTEGER PRIMARY KEY,
      order_id TEXT NOT NULL,
      state TEXT NOT NULL,
      version INTEGER NOT NULL,
      unit_code TEXT,
      lead_unit_code TEXT,
      deadline INTEGER,
      sign_by INTEGER,
      warn_at INTEGER,
      extension_requested INTEGER NOT NULL DEFAULT 0,
      snapshot TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX orders_by_order_id ON orders(order_id);
    -- the centre's queues by state, earliest deadline first
    CREATE INDEX orders_by_state_deadline ON orders(state, deadline);
    -- a unit's orders (board drill-down) by state
    CREATE INDEX orders_by_unit_state ON orders(unit_code, state, deadline);
    -- the overdue board: open orders past their warning point
    CREATE INDEX orders_open_by_warn ON orders(warn_at, unit_code, deadline) WHERE state IN ('pending_sign', 'in_progress');

    -- a rowid table (entries appended at its end) with a small unique index: 2–3 times faster to
    -- fill on a first sync than a WITHOUT ROWID table keyed by (order_id, seq), whose large rows
    -- would land at random places of the tree
    CREATE TABLE order_history (
      id INTEGER PRIMARY KEY,
      order_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      entry TEXT NOT NULL
    );
    CREATE UNIQUE INDEX order_history_by_order ON order_history(order_id, seq);

    -- id: the order the server applied them in (acknowledgements delete in mutation order)
    CREATE TABLE order_acked (
      id INTEGER PRIMARY KEY,
      client_id TEXT NOT NULL,
      mutation_id INTEGER NOT NULL,
      order_id TEXT NOT NULL,
      args TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      min_version INTEGER NOT NULL
    );
    CREATE INDEX order_acked_by_order ON order_acked(order_id);
    CREATE TRIGGER outbox_order_acked AFTER DELETE ON outbox
      WHEN old.name = 'order.action' AND old.client_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM sync_rejections r WHERE r.client_id = old.client_id AND r.mutation_id = old.mutation_id)
    BEGIN
      INSERT INTO order_acked (client_id, mutation_id, order_id, args, created_at, min_version)
      VALUES (old.client_id, old.mutation_id, json_extract(old.args, '$.orderId'), old.args, old.created_at,
        coalesce((SELECT o.version FROM orders o WHERE o.order_id = json_extract(old.args, '$.orderId')), 0) + 1);
    END;
    -- a rejection that arrives after its row was acknowledged (with a later pull): not applied after all
    CREATE TRIGGER sync_rejection_drops_acked AFTER INSERT ON sync_rejections
    BEGIN
      DELETE FROM order_acked WHERE client_id = new.client_id AND mutation_id = new.mutation_id;
    END;

    CREATE TABLE units_cache (
      code TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      kind TEXT NOT NULL,
      parent_code TEXT,
      phone TEXT NOT NULL DEFAULT '',
      active INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE dispatch_rules_cache (
      category_code TEXT NOT NULL,
      region_code TEXT NOT NULL,
      unit_code TEXT NOT NULL,
      PRIMARY KEY (category_code, region_code)
    ) WITHOUT ROWID;
  `);
}
