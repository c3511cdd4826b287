/**
 * The central server's demo floor (npm run seed -- --server-data DIR / --server): calibration
 * measured with direct SQL, histories that replay through the shared table to the stored
 * snapshots, and a floor the server serves — a unit signs in and sees its queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/server/config';
import { actionContext, CASE_STATUS_OF, derivedColumns, loadUnitDirectory } from '../../../src/server/workorders/service';
import { INVALID_CONTENTS } from '../../../src/main/seed/vocabulary';
import { applyAction, type ActionName, type HistoryEntry, type WorkOrder } from '../../../src/shared/workorders';
import { newWorkOrder } from '../../../src/shared/workorders';
import { DEMO_PASSWORD, seedCentral, type SeedCentralResult } from '../../../scripts/seed-server';
import { BACKENDS, Clock, startServer, type TestDb, type TestServer } from './helpers';

/** 2026-11-27 15:00 in Jining (a Friday) */
const NOW = Date.parse('2026-11-27T07:00:00Z');
const CASES = 4_000;

/** The arguments an entry was made with, read back from what the entry records. */
function argsOf(e: HistoryEntry): unknown {
  const d = e.details as Record<string, unknown>;
  switch (e.action as ActionName) {
    case 'dispatch':
    case 'reassign':
      return { leadUnitId: d.unitId, coUnitIds: d.coUnitIds, note: e.note };
    case 'return':
      return { reason: e.note };
    case 'request_extension':
      return { days: d.days, reason: e.note };
    case 'approve_extension':
      return { days: d.days, note: e.note };
    case 'refuse_extension':
      return { reason: e.note };
    case 'subdispatch':
      return { unitId: d.unitId, note: e.note };
    case 'reply':
      return { content: e.note, result: d.result, contactedCaller: d.contactedCaller, note: d.remark };
    case 'review':
      return { decision: d.decision, note: e.note };
    case 'follow_up':
      return {
        outcome: d.outcome,
        ...(d.solved === null ? {} : { solved: d.solved }),
        ...(d.satisfaction === null ? {} : { satisfaction: d.satisfaction }),
        note: e.note,
      };
    default:
      return { note: e.note };
  }
}

for (const backend of BACKENDS) {
  describe(`seeded central server (${backend.name})`, () => {
    let t: TestDb;
    let seeded: SeedCentralResult;
    const one = async <R>(sql: string, params: unknown[] = []): Promise<R> => (await t.db.query<{ v: R }>(sql, params))[0]!.v;

    beforeAll(async () => {
      t = await backend.open();
      seeded = await seedCentral({ db: t.db, cases: CASES, seed: 7, now: NOW, perDay: 150 });
    }, 120_000);
    afterAll(async () => {
      await t?.drop();
    });

    it('writes the cases with their contacts, official numbers and one sync version each', async () => {
      expect(await one<number>('SELECT count(*)::int AS v FROM cases')).toBe(CASES);
      expect(await one<number>('SELECT count(DISTINCT case_id)::int AS v FROM contacts')).toBe(CASES);
      expect(await one<number>("SELECT count(*)::int AS v FROM cases WHERE official_no !~ '^JN[0-9]{8}-[0-9]{6}$'")).toBe(0);
      expect(await one<number>('SELECT count(DISTINCT version)::int AS v FROM cases')).toBe(CASES);
      expect(await one<number>('SELECT version AS v FROM sync_head')).toBe(await one<number>('SELECT max(version) AS v FROM cases'));
      // the next real case of a seeded day continues the day's sequence
      const [day] = await t.db.query<{ day: string; last: number; n: number }>(
        `SELECT d.day, d.last, (SELECT count(*)::int FROM cases WHERE official_no LIKE 'JN' || d.day || '-%') AS n
         FROM official_no_days d ORDER BY d.day DESC LIMIT 1`,
      );
      expect(day!.last).toBe(day!.n);
      // every 转办 case has its order, and its case status follows the order's state
      expect(await one<number>("SELECT count(*)::int AS v FROM cases WHERE handling_mode = 'dispatch'")).toBe(
        await one<number>('SELECT count(*)::int AS v FROM work_orders'),
      );
      const statuses = await t.db.query<{ state: keyof typeof CASE_STATUS_OF; status: string }>(
        'SELECT DISTINCT w.state, c.status FROM work_orders w JOIN cases c ON c.id = w.case_id',
      );
      for (const s of statuses) expect(s.status).toBe(CASE_STATUS_OF[s.state]);
    });

    it('is calibrated: ~40 % of valid cases dispatched, ~99.3 % on time, a few per cent returned and extended', async () => {
      const valid = await one<number>(
        "SELECT count(*)::int AS v FROM cases WHERE NOT (category_code = 'C1603' AND request_type = 'other' AND content = ANY($1::text[]))",
        [INVALID_CONTENTS],
      );
      const dispatched = await one<number>("SELECT count(*)::int AS v FROM cases WHERE handling_mode = 'dispatch'");
      expect(valid / CASES).toBeGreaterThan(0.93);
      expect(dispatched / valid).toBeGreaterThan(0.37);
      expect(dispatched / valid).toBeLessThan(0.43);

      const [done] = await t.db.query<{ closed: number; late: number }>(
        `SELECT count(*)::int AS closed, count(*) FILTER (WHERE NOT (snapshot->'completion'->>'onTime')::boolean)::int AS late
         FROM work_orders WHERE state = 'closed'`,
      );
      expect(done!.closed).toBeGreaterThan(dispatched * 0.6);
      const onTime = 1 - done!.late / done!.closed;
      expect(onTime).toBeGreaterThan(0.985);
      expect(onTime).toBeLessThan(1);
      expect(seeded.onTimePct).toBeCloseTo(onTime * 100, 1);

      const share = async (action: string) =>
        (await one<number>("SELECT count(DISTINCT case_id)::int AS v FROM order_history WHERE entry->>'action' = $1", [action])) / dispatched;
      for (const action of ['return', 'request_extension', 'approve_extension', 'subdispatch']) {
        expect(await share(action), action).toBeGreaterThan(0.005);
        expect(await share(action), action).toBeLessThan(0.08);
      }
    });

    it('leaves every queue with orders at the seed’s now, and the overdue board with 临期 and 超期 ones', async () => {
      const [q] = await t.db.query<Record<string, number>>(
        `SELECT count(*) FILTER (WHERE state = 'pending_dispatch')::int AS pending_dispatch,
                count(*) FILTER (WHERE state = 'pending_sign')::int AS pending_sign,
                count(*) FILTER (WHERE state = 'in_progress')::int AS in_progress,
                count(*) FILTER (WHERE state = 'pending_review')::int AS pending_review,
                count(*) FILTER (WHERE state = 'returned')::int AS returned,
                count(*) FILTER (WHERE extension_requested)::int AS extension_requested,
                count(*) FILTER (WHERE state IN ('pending_sign', 'in_progress') AND warn_at < $1 AND deadline >= $1)::int AS due_soon,
                count(*) FILTER (WHERE state IN ('pending_sign', 'in_progress') AND deadline < $1)::int AS overdue
         FROM work_orders`,
        [NOW],
      );
      for (const [queue, n] of Object.entries(q!)) expect(n, queue).toBeGreaterThan(0);
      expect(seeded.queues).toEqual(q);
      // nothing happened after now
      expect(await one<number>('SELECT count(*)::int AS v FROM order_history WHERE at > $1', [NOW])).toBe(0);
    });

    it('has histories that replay through applyAction to the stored snapshots and columns', async () => {
      const units = await loadUnitDirectory(t.db);
      const rows = await t.db.query<{ snapshot: WorkOrder; entries: HistoryEntry[]; state: string; unitCode: string | null; deadline: number | null; warnAt: number | null; version: number }>(
        `SELECT w.snapshot, w.state, w.unit_code AS "unitCode", w.deadline, w.warn_at AS "warnAt", w.version,
                coalesce((SELECT json_agg(h.entry ORDER BY h.seq) FROM order_history h WHERE h.case_id = w.case_id), '[]'::json) AS entries
         FROM work_orders w`,
      );
      let steps = 0;
      for (const row of rows) {
        let order = newWorkOrder({ id: row.snapshot.id, urgency: row.snapshot.urgency, categoryCode: row.snapshot.categoryCode });
        for (const entry of row.entries) {
          const r = applyAction(order, entry.action as ActionName, entry.actor, argsOf(entry), actionContext(DEFAULT_CONFIG.workOrders, entry.at, units));
          if (!r.ok) throw new Error(`${row.snapshot.id} seq ${entry.seq} ${entry.action}: ${r.code}`);
          expect(r.entry).toEqual(entry);
          order = r.order;
          steps++;
        }
        expect(order).toEqual(row.snapshot);
        const cols = derivedColumns(order, DEFAULT_CONFIG.workOrders);
        expect({ state: row.state, unitCode: row.unitCode, deadline: row.deadline, warnAt: row.warnAt, version: row.version }).toEqual({
          state: cols.state,
          unitCode: cols.unitCode,
          deadline: cols.deadline,
          warnAt: cols.warnAt,
          version: cols.version,
        });
      }
      expect(steps).toBe(seeded.history);
    });

    describe('served', () => {
      let s: TestServer;
      beforeAll(async () => {
        s = await startServer(t.db, { clock: new Clock(NOW) });
      });
      afterAll(async () => {
        await s?.close();
      });

      it('lets the demo accounts sign in: a supervisor sees 待派单, a unit its own 待签收 and 办理中 orders only', async () => {
        const login = async (username: string) => {
          const res = await s.call('POST', '/api/login', { username, password: DEMO_PASSWORD });
          expect(res.status, username).toBe(200);
          return res.body.accessToken as string;
        };
        const sup = await login('sup01');
        const pending = await s.call('GET', '/api/orders?queue=pending_dispatch', undefined, sup);
        expect(pending.status).toBe(200);
        expect(pending.body.orders.length).toBe(seeded.queues.pending_dispatch);

        // the unit holding the most open orders
        const [busiest] = await t.db.query<{ code: string; n: number }>(
          "SELECT unit_code AS code, count(*)::int AS n FROM work_orders WHERE state IN ('pending_sign', 'in_progress') GROUP BY unit_code ORDER BY n DESC LIMIT 1",
        );
        const unit = await login(busiest!.code.toLowerCase());
        const seen = [];
        for (const queue of ['pending_sign', 'in_progress']) {
          const res = await s.call('GET', `/api/orders?queue=${queue}&limit=500`, undefined, unit);
          expect(res.status).toBe(200);
          seen.push(...res.body.orders);
        }
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.length).toBeGreaterThanOrEqual(busiest!.n);
        expect((await s.call('GET', '/api/orders?queue=pending_dispatch', undefined, unit)).status).toBe(403);
      });
    });
  });
}
