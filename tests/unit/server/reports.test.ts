/**
 * Report indicators (src/shared/reports, src/server/reports) against direct counts: every
 * counter is recomputed here in plain TypeScript from the cases, the order snapshots and their
 * histories, and compared with the rollup and with the scan; after random later transitions
 * (through the server's own write path) and issue-7 follow-up entries, the rollup still equals
 * the scan and the direct count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/server/config';
import { refreshReport, rebuildReport } from '../../../src/server/reports/facts';
import { counters, indicators, ordersBehind, seasonalProfile, trend, unitRanking, hotspots, type Range } from '../../../src/server/reports/service';
import { lockHead } from '../../../src/server/sync/versions';
import { actOnOrders, type ActionRequest } from '../../../src/server/workorders/service';
import { COUNTERS, dayOfInstant, SATISFIED_LEVELS, zeroCounters, type Counters } from '../../../src/shared/reports/indicators';
import type { HistoryEntry, WorkOrder } from '../../../src/shared/workorders';
import { seedCentral } from '../../../scripts/seed-server';
import { Rng } from '../../../src/main/seed/random';
import { BACKENDS, type TestDb } from './helpers';

const NOW = Date.parse('2026-11-27T07:00:00Z');
const CASES = 2_500;

interface CaseRow {
  id: number;
  created_at: number;
  channel: string;
  category_code: string;
  region_code: string;
  valid: boolean;
  handling_mode: string;
  snapshot: WorkOrder | null;
  lead: string | null;
}

/** The counters of [from, to] (day numbers), by the definitions, from the raw rows. */
async function directCounts(t: TestDb, from: number, to: number, today: number, filter: (c: CaseRow, unit: string) => boolean = () => true): Promise<Counters> {
  const cases = await t.db.query<CaseRow>(
    `SELECT c.id, c.created_at, c.channel, c.category_code, c.region_code, c.valid, c.handling_mode, w.snapshot, w.lead_unit_code AS lead
     FROM cases c LEFT JOIN work_orders w ON w.case_id = c.id`,
  );
  const hist = await t.db.query<{ case_id: number; entry: HistoryEntry }>('SELECT case_id, entry FROM order_history ORDER BY case_id, seq');
  const byCase = new Map<number, HistoryEntry[]>();
  for (const h of hist) byCase.set(h.case_id, [...(byCase.get(h.case_id) ?? []), h.entry]);
  const c = zeroCounters();
  const inP = (d: number | null) => d !== null && d >= from && d <= to;
  for (const k of cases) {
    const unit = k.lead ?? '';
    const h = byCase.get(k.id) ?? [];
    const rday = dayOfInstant(k.created_at);
    const returns = h.filter((e) => e.action === 'return');
    const returnedUnit = returns.length ? returns.at(-1)!.actor.unitId : null;
    if (inP(rday) && returnedUnit !== null && filter(k, returnedUnit)) c.returned++;
    if (!filter(k, unit)) continue;
    const o = k.snapshot;
    if (inP(rday)) {
      c.received++;
      if (k.valid) c.valid++;
      if (k.valid && k.handling_mode === 'direct') c.direct++;
      if (k.valid && k.handling_mode === 'dispatch') c.dispatched++;
      const a0 = o?.assignments[0];
      if (a0 && a0.signedAt !== null && a0.signedAt <= a0.signBy) c.signed_on_time++;
      if (h.some((e) => e.action === 'link_call')) c.repeat_called++;
    }
    if (!o) continue;
    const dueAt = o.completion?.deadlineAtReply ?? o.assignments[0]?.deadline.at ?? null;
    const dueDay = dueAt === null ? null : dayOfInstant(dueAt);
    if (inP(dueDay)) {
      c.due++;
      if (o.completion) c.due_completed++;
      else c.due_open++;
      if (o.completion?.onTime) c.due_on_time++;
      if (dueDay! < today && !o.completion?.onTime) c.overdue++;
    }
    if (o.completion && inP(dayOfInstant(o.completion.acceptedAt))) {
      c.completed++;
      c.handling_ms += o.completion.repliedAt - k.created_at;
      const fu = h.filter((e) => e.action === 'follow_up');
      const rehandled = fu.some((e) => e.details.result === 'rehandle');
      const sentBack = h.some((e) => e.action === 'review' && e.details.decision === 'send_back');
      if (!returnedUnit && !sentBack && !rehandled) c.first_time++;
      if (rehandled) c.rehandled++;
      const reached = fu.filter((e) => e.details.outcome === 'reached');
      if (reached.length) c.followed_up++;
      const rated = reached.filter((e) => e.details.satisfied != null || e.details.satisfaction != null).at(-1);
      if (rated) {
        c.rated++;
        const sat = rated.details.satisfied != null ? rated.details.satisfied === true : SATISFIED_LEVELS.includes(String(rated.details.satisfaction));
        if (sat) c.satisfied++;
      }
    }
  }
  return c;
}

const day = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

for (const backend of BACKENDS) {
  describe(`report indicators (${backend.name})`, () => {
    let t: TestDb;
    let whole: Range;
    let week: Range;
    const today = dayOfInstant(NOW);

    beforeAll(async () => {
      t = await backend.open();
      await seedCentral({ db: t.db, cases: CASES, seed: 11, now: NOW, perDay: 120 });
      const [span] = await t.db.query<{ a: number; b: number }>('SELECT min(created_at) AS a, max(created_at) AS b FROM cases');
      whole = { from: day(span!.a), to: day(NOW + 40 * 86_400_000) };
      week = { from: day(NOW - 14 * 86_400_000), to: day(NOW - 8 * 86_400_000) };
    }, 180_000);
    afterAll(async () => {
      await t?.drop();
    });

    const check = async (label: string) => {
      for (const r of [whole, week]) {
        const from = dayOfInstant(Date.parse(`${r.from}T00:00:00+08:00`));
        const to = dayOfInstant(Date.parse(`${r.to}T00:00:00+08:00`));
        const direct = await directCounts(t, from, to, today);
        const [rolled] = await counters(t.db, r, null, { now: NOW });
        const [scanned] = await counters(t.db, r, null, { now: NOW, source: 'scan' });
        expect(rolled!.c, `${label} rollup ${r.from}…${r.to}`).toEqual(direct);
        expect(scanned!.c, `${label} scan ${r.from}…${r.to}`).toEqual(direct);
      }
      // a breakdown by unit: every unit's row equals the direct count restricted to it
      const units = await counters(t.db, week, 'unit', { now: NOW });
      const from = dayOfInstant(Date.parse(`${week.from}T00:00:00+08:00`));
      const to = dayOfInstant(Date.parse(`${week.to}T00:00:00+08:00`));
      for (const u of units.slice(0, 4)) {
        expect(u.c, `${label} unit ${u.key}`).toEqual(await directCounts(t, from, to, today, (_c, unit) => unit === u.key));
      }
      const cats = await counters(t.db, week, 'category', { now: NOW, source: 'scan' });
      for (const k of cats.slice(0, 3)) {
        expect(k.c, `${label} category ${k.key}`).toEqual(await directCounts(t, from, to, today, (c) => c.category_code === k.key));
      }
    };

    it('counts every indicator as the direct count over the orders does, by rollup and by scan', async () => {
      const direct = await directCounts(t, 0, 1e9, today);
      expect(direct.received).toBe(CASES);
      expect(direct.valid).toBeGreaterThan(CASES * 0.9);
      expect(direct.dispatched).toBeGreaterThan(CASES * 0.3);
      expect(direct.due_on_time).toBeGreaterThan(0);
      expect(direct.returned).toBeGreaterThan(0);
      await check('seeded');
    });

    it('prints rates from the counters: received by channel codes, on-time %', async () => {
      const ind = await indicators(t.db, whole, { now: NOW });
      const [c] = await counters(t.db, whole, null, { now: NOW });
      expect(Object.values(ind.by_channel).reduce((a, b) => a + b, 0)).toBe(ind.received);
      expect(ind.by_channel.hotline).toBeGreaterThan(ind.received * 0.9);
      expect(ind.on_time_pct).toBe(Math.round((10_000 * c!.c.due_on_time) / c!.c.due) / 100);
      expect(ind.valid_orders).toBe(c!.c.valid);
    });

    it('keeps the rollup equal to the scan after random later transitions and follow-ups (issue 7 entries)', async () => {
      const cfg = resolveConfig().workOrders;
      const rng = new Rng(99);
      const later = NOW + 2 * 3600_000;
      const open = await t.db.query<{ uuid: string; state: string; unit: string | null; id: number }>(
        `SELECT c.uuid::text AS uuid, w.state, w.unit_code AS unit, c.id FROM work_orders w JOIN cases c ON c.id = w.case_id WHERE w.state <> 'closed' ORDER BY c.id`,
      );
      expect(open.length).toBeGreaterThan(5);
      const accounts = new Map((await t.db.query<{ id: number; username: string; role: string; unit_code: string | null }>('SELECT id, username, role, unit_code FROM accounts')).map((a) => [a.unit_code ?? a.username, a]));
      const sup = accounts.get('sup01')!;
      let acted = 0;
      for (const o of open) {
        if (!rng.chance(0.6)) continue;
        const unit = o.unit ? accounts.get(o.unit) : undefined;
        const req: [typeof sup, ActionRequest] | null =
          o.state === 'pending_dispatch' ? [sup, { orderId: o.uuid, action: 'dispatch', args: { leadUnitId: 'rc', note: '' } }]
          : o.state === 'pending_sign' && unit ? [unit, { orderId: o.uuid, action: rng.chance(0.3) ? 'return' : 'sign', args: { reason: '不属于我单位职责范围，请重新派单。', note: '' } }]
          : o.state === 'in_progress' && unit ? [unit, { orderId: o.uuid, action: 'reply', args: { content: '已处理完毕并告知来电人。', result: 'solved', contactedCaller: true, note: '' } }]
          : o.state === 'pending_review' ? [sup, { orderId: o.uuid, action: 'review', args: { decision: rng.chance(0.2) ? 'send_back' : 'accept', note: '' } }]
          : null;
        if (!req) continue;
        const [who, r] = req;
        const res = await t.db.transaction(async (tx) => {
          const versions = await lockHead(tx);
          const out = await actOnOrders(tx, { id: who.id, username: who.username, role: who.role as 'supervisor' }, [r], { now: later, config: cfg, versions });
          await versions.save();
          return out;
        });
        if (res[0]!.ok) acted++;
      }
      expect(acted).toBeGreaterThan(3);

      // issue 7's follow-ups and repeat calls, as its contract writes them, on closed orders
      const closed = await t.db.query<{ case_id: number; version: number; uuid: string }>(
        `SELECT w.case_id, w.version, c.uuid::text AS uuid FROM work_orders w JOIN cases c ON c.id = w.case_id WHERE w.state = 'closed' ORDER BY w.case_id LIMIT 400`,
      );
      const levels = ['very_satisfied', 'satisfied', 'basically_satisfied', 'unsatisfied', 'very_unsatisfied'];
      const ids: number[] = [];
      await t.db.transaction(async (tx) => {
        for (const o of closed) {
          if (!rng.chance(0.7)) continue;
          const outcome = rng.pick(['reached', 'reached', 'reached', 'not_reached', 'refused'] as const);
          const satisfaction = outcome === 'reached' && rng.chance(0.9) ? rng.pick(levels) : null;
          const rehandle = outcome === 'reached' && satisfaction !== null && satisfaction.startsWith('un') ? rng.chance(0.5) : false;
          const entries = [
            { action: 'follow_up', details: { outcome, solved: outcome === 'reached' ? true : null, satisfaction, satisfied: rng.chance(0.5) || satisfaction === null ? null : !satisfaction.includes('un'), result: rehandle ? 'rehandle' : outcome === 'reached' ? 'closed' : 'retry' } },
            ...(rng.chance(0.1) ? [{ action: 'link_call', details: {} }] : []),
          ];
          let seq = o.version;
          for (const e of entries) {
            seq++;
            const entry = { orderId: o.uuid, seq, action: e.action, actor: { username: 'sup01', role: 'supervisor', unitId: null }, at: later, fromState: 'closed', toState: 'closed', note: '', details: e.details };
            await tx.query('INSERT INTO order_history (case_id, seq, entry, at) VALUES ($1, $2, $3::jsonb, $4)', [o.case_id, seq, JSON.stringify(entry), later]);
          }
          await tx.query('UPDATE work_orders SET version = $2 WHERE case_id = $1', [o.case_id, seq]);
          ids.push(o.case_id);
        }
        await refreshReport(tx, ids);
      });
      expect(ids.length).toBeGreaterThan(10);
      await check('after transitions');
      const [c] = await counters(t.db, whole, null, { now: NOW });
      expect(c!.c.followed_up).toBeGreaterThan(0);
      expect(c!.c.rated).toBeGreaterThan(0);
      expect(c!.c.rehandled + c!.c.repeat_called).toBeGreaterThan(0);

      // and a rebuild from scratch gives the same rollup
      const nonZero = 'received <> 0 OR due <> 0 OR completed <> 0 OR returned <> 0';
      const read = (where: string) =>
        Promise.all([
          t.db.query(`SELECT * FROM report_daily WHERE ${where} ORDER BY day, channel, category, region, unit`),
          t.db.query(`SELECT * FROM report_channel_daily WHERE ${where} ORDER BY day, channel`),
        ]);
      const before = await read(nonZero);
      await t.db.transaction((tx) => rebuildReport(tx));
      expect(await read('true')).toEqual(before);
    });

    it('lists the orders behind a number, as many as the number says', async () => {
      const ind = await indicators(t.db, week, { now: NOW });
      const d = await ordersBehind(t.db, week, { counter: 'dispatched' }, NOW, 5);
      expect(d.total).toBe(ind.dispatched);
      expect(d.rows.length).toBe(Math.min(5, ind.dispatched));
      const units = await unitRanking(t.db, week, { now: NOW });
      const u = units[0]!;
      expect((await ordersBehind(t.db, week, { counter: 'due', unit: u.unit }, NOW)).total).toBe(u.due);
      expect((await ordersBehind(t.db, week, { counter: 'overdue', unit: u.unit }, NOW)).total).toBe(u.overdue);
      await expect(ordersBehind(t.db, week, { counter: 'nonsense' }, NOW)).rejects.toThrow(/unknown number/);
    });

    it('computes trends, risers and hot spots from the same counts', async () => {
      const tr = await trend(t.db, week, { now: NOW });
      const [p] = await counters(t.db, tr.previous, null, { now: NOW });
      expect(tr.valid.previous).toBe(p?.c.valid ?? 0);
      expect(tr.series.reduce((a, s) => a + s.received, 0)).toBe(tr.valid.now);
      expect(tr.top_categories.length).toBeGreaterThan(0);
      for (const r of tr.risers) expect(r.now).toBeGreaterThan(r.previous);
      const spots = await hotspots(t.db, week, 5);
      expect(spots.length).toBeGreaterThan(0);
      expect((await ordersBehind(t.db, week, { counter: 'valid', street: spots[0]!.region }, NOW)).total).toBe(spots[0]!.valid);
      expect(spots[0]!.complaints).toBeGreaterThanOrEqual(spots.at(-1)!.complaints);
      expect(COUNTERS.length).toBeGreaterThan(10);
      // the seasonal profile of a first-level category: its valid orders per calendar month
      const year = Number(whole.to.slice(0, 4));
      const profile = await seasonalProfile(t.db, 'C07', year - 1, year);
      expect(profile).toHaveLength(12);
      const [direct] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM cases WHERE valid AND category_code LIKE 'C07%'");
      expect(profile.reduce((a, m) => a + m.valid, 0)).toBe(direct!.n);
    });
  });
}
