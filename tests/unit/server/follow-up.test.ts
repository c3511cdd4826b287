/**
 * 回访, 催办 and 督办 on the server (issue 7 §1, §2): the 待回访 queue for the centre's accounts
 * (operators included: they make the calls), due orders first; an operator follows up, a unit
 * may not; 直接答复 cases sampled deterministically into 待回访, once under a retried push; a
 * unit's queues list supervised orders first and flag reminders.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampledForFollowUp } from '../../../src/server/workorders/service';
import type { HistoryEntry } from '../../../src/shared/workorders';
import {
  BACKENDS,
  caseArgs,
  DAY,
  mutations,
  pushBody,
  serverPerSuite,
  workstation,
  type Session,
  type TestDb,
  type TestServer,
} from './helpers';

describe.each(BACKENDS)('回访 and 督办 on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  let sup: Session;
  let op: Session;
  let rc: Session;
  let opWs: Awaited<ReturnType<typeof workstation>>;

  beforeAll(async () => {
    await t.db.query(`INSERT INTO units (code, name, kind, parent_code) VALUES ('RC', '任城区人民政府', 'district', NULL)`);
    sup = await s.account('supervisor');
    op = await s.account('operator');
    rc = await s.unitAccount('RC');
    opWs = await workstation(s, op);
  });

  /** the test moves the server's clock by days: a session signs in again once its token is old */
  const signedAt = new WeakMap<Session, number>();
  async function token(who: Session): Promise<string> {
    const at = signedAt.get(who) ?? s.clock.now();
    if (s.clock.now() - at > 10 * 60_000) {
      const res = await s.call('POST', '/api/login', { username: who.username, password: who.password });
      if (res.status !== 200) throw new Error(`login again: ${res.status} ${JSON.stringify(res.body)}`);
      who.token = res.body.accessToken;
      signedAt.set(who, s.clock.now());
    } else signedAt.set(who, at);
    return who.token;
  }
  const act = async (who: Session, id: string, action: string, args: Record<string, unknown>, expectedVersion: number) =>
    s.call('POST', `/api/orders/${id}/actions`, { action, args, expectedVersion }, await token(who));
  const queue = async (who: Session, q: string) => s.call('GET', `/api/orders?queue=${q}&limit=500`, undefined, await token(who));
  const ids = (res: { body: { orders: { id: string }[] } }) => res.body.orders.map((o) => o.id);

  async function push(argsList: unknown[]) {
    const res = await s.call('POST', '/api/push', pushBody(opWs, mutations(opWs, argsList)), await token(opWs));
    expect(res.status).toBe(200);
    expect(res.body.rejections).toEqual([]);
  }

  /** A 转办 order taken to 待回访: dispatched to RC, signed, replied, accepted. */
  async function accepted(): Promise<string> {
    const args = caseArgs();
    await push([args]);
    const id = args.case.uuid;
    expect((await act(sup, id, 'dispatch', { leadUnitId: 'RC' }, 0)).status).toBe(200);
    expect((await act(rc, id, 'sign', {}, 1)).status).toBe(200);
    expect((await act(rc, id, 'reply', { content: '已到现场处理完毕。', result: 'solved', contactedCaller: true }, 2)).status).toBe(200);
    const r = await act(sup, id, 'review', { decision: 'accept' }, 3);
    expect(r.body.order.state).toBe('pending_follow_up');
    return id;
  }

  it('待回访 for operators and supervisors: due orders first, longest waiting first; a retry not yet due comes after; a unit gets 403', async () => {
    const a = await accepted();
    s.clock.advance(60_000);
    const b = await accepted();
    s.clock.advance(60_000);
    const c = await accepted();
    // the operator calls A first, nobody answers: A is retried from the next working day
    const miss = await act(op, a, 'follow_up', { outcome: 'not_reached', note: '无人接听' }, 4);
    expect(miss.status).toBe(200);
    expect(miss.body.entry.details).toMatchObject({ result: 'retry' });
    const nextAfter = miss.body.order.followUp.nextAfter as number;
    expect(nextAfter).toBeGreaterThan(s.clock.now());

    for (const who of [op, sup]) {
      const q = await queue(who, 'pending_follow_up');
      expect(q.status).toBe(200);
      const mine = ids(q).filter((id) => [a, b, c].includes(id));
      expect(mine).toEqual([b, c, a]);
      expect(q.body.orders.find((o: { id: string }) => o.id === a).followUpDue).toBe(nextAfter);
    }
    const unit = await queue(rc, 'pending_follow_up');
    expect(unit.status).toBe(403);

    // once due, A is ordered by when it became due: after B and C, before D accepted later
    s.clock.advance(nextAfter - s.clock.now() + 1);
    const d = await accepted();
    const lq = await queue(op, 'pending_follow_up');
    expect(lq.body).toMatchObject({ queue: 'pending_follow_up' });
    const later = ids(lq).filter((id) => [a, b, c, d].includes(id));
    expect(later).toEqual([b, c, a, d]);
  });

  it('an operator follows up by HTTP (with the caller’s number in the detail); unsatisfied → 重办 to the same unit; a unit may not follow up', async () => {
    const id = await accepted();
    const detail = await s.call('GET', `/api/orders/${id}`, undefined, await token(op));
    expect(detail.status).toBe(200);
    expect(detail.body.case.caller.phone).toMatch(/^1\d{10}$/);
    expect(detail.body.case.caller.masked).toBe(false);
    expect(detail.body.available).toContain('follow_up');

    const byUnit = await act(rc, id, 'follow_up', { outcome: 'reached', solved: true, satisfaction: 'satisfied' }, 4);
    expect(byUnit.status).toBe(409);
    expect(byUnit.body.refusal.code).toBe('role_not_allowed');

    const r = await act(op, id, 'follow_up', { outcome: 'reached', solved: false, satisfaction: 'unsatisfied', note: '噪音仍在' }, 4);
    expect(r.status).toBe(200);
    expect(r.body.order).toMatchObject({ state: 'pending_sign', rehandleCount: 1 });
    expect(r.body.order.assignments[0].unitId).toBe('RC');
    expect(r.body.entry).toMatchObject({ action: 'follow_up', note: '噪音仍在', details: { result: 'rehandle', unitId: 'RC' } });
    expect(ids(await queue(op, 'pending_follow_up'))).not.toContain(id);
    expect(ids(await queue(rc, 'pending_sign'))).toContain(id);
    const [row] = await t.db.query<{ due: string | null; status: string }>(
      'SELECT w.follow_up_due AS due, c.status FROM work_orders w JOIN cases c ON c.id = w.case_id WHERE c.uuid = $1',
      [id],
    );
    expect(row).toEqual({ due: null, status: 'dispatched' });
  });

  it("an operator's follow-up through the sync mutation 'order.action' is applied once, even pushed twice", async () => {
    const id = await accepted();
    const muts = mutations(opWs, [{ orderId: id, action: 'follow_up', args: { outcome: 'reached', solved: true, satisfaction: 'very_satisfied', note: '' }, at: s.clock.now() }], 'order.action');
    const body = pushBody(opWs, muts);
    for (let i = 0; i < 2; i++) {
      const res = await s.call('POST', '/api/push', body, await token(opWs));
      expect(res.status).toBe(200);
      expect(res.body.rejections).toEqual([]);
    }
    const detail = await s.call('GET', `/api/orders/${id}`, undefined, await token(sup));
    expect(detail.body.order.state).toBe('closed');
    expect(detail.body.history.filter((e: HistoryEntry) => e.action === 'follow_up')).toHaveLength(1);
  });

  it('直接答复 cases are sampled from their uuid (share directAnswerSample) into 待回访, once under a retried push', async () => {
    let inUuid = '';
    let outUuid = '';
    while (!inUuid || !outUuid) {
      const u = randomUUID();
      if (sampledForFollowUp(u, 0.1)) inUuid ||= u;
      else outUuid ||= u;
    }
    // the rule is deterministic and near the share
    let n = 0;
    for (let i = 0; i < 4000; i++) if (sampledForFollowUp(randomUUID(), 0.1)) n++;
    expect(n).toBeGreaterThan(300);
    expect(n).toBeLessThan(500);
    expect(sampledForFollowUp(inUuid, 0.1)).toBe(true);
    expect(sampledForFollowUp(inUuid.toUpperCase(), 0.1)).toBe(true);

    const direct = (uuid: string) => {
      const a = caseArgs({ case: { handlingMode: 'direct', status: 'closed', answer: '已告知办理流程。' } });
      return { ...a, case: { ...a.case, uuid }, contact: { ...a.contact, caseUuid: uuid } };
    };
    const argsIn = direct(inUuid);
    const argsOut = direct(outUuid);
    const body = pushBody(opWs, mutations(opWs, [argsIn, argsOut]));
    for (let i = 0; i < 2; i++) {
      const res = await s.call('POST', '/api/push', body, await token(opWs));
      expect(res.status).toBe(200);
      expect(res.body.rejections).toEqual([]);
    }
    const rows = await t.db.query<{ uuid: string; state: string; status: string; origin: string }>(
      `SELECT c.uuid::text AS uuid, w.state, c.status, w.snapshot->>'origin' AS origin
       FROM cases c JOIN work_orders w ON w.case_id = c.id WHERE c.uuid = ANY($1::uuid[])`,
      [[inUuid, outUuid]],
    );
    expect(rows).toEqual([{ uuid: inUuid, state: 'pending_follow_up', status: 'follow_up', origin: 'direct_answer' }]);
    expect(ids(await queue(op, 'pending_follow_up'))).toContain(inUuid);
    const r = await act(op, inUuid, 'follow_up', { outcome: 'reached', solved: true, satisfaction: 'satisfied' }, 0);
    expect(r.body.order.state).toBe('closed');
  });

  it('催办 and 督办 by a supervisor (not an operator): the unit sees them flagged, supervised first, every step in the history', async () => {
    const plain = caseArgs();
    const watched = caseArgs();
    await push([plain, watched]);
    // the plain order has the earlier deadline
    expect((await act(sup, plain.case.uuid, 'dispatch', { leadUnitId: 'RC' }, 0)).status).toBe(200);
    s.clock.advance(DAY);
    expect((await act(sup, watched.case.uuid, 'dispatch', { leadUnitId: 'RC' }, 0)).status).toBe(200);
    const before = ids(await queue(rc, 'pending_sign'));
    expect(before.indexOf(plain.case.uuid)).toBeLessThan(before.indexOf(watched.case.uuid));

    expect((await act(op, watched.case.uuid, 'remind', {}, 1)).body.refusal.code).toBe('role_not_allowed');
    expect((await act(sup, watched.case.uuid, 'remind', { note: '请尽快签收' }, 1)).status).toBe(200);
    expect((await act(sup, watched.case.uuid, 'remind', {}, 2)).status).toBe(200);
    const sv = await act(sup, watched.case.uuid, 'supervise', { level: 'key', limit: { unit: 'working_days', value: 3 }, note: '领导关注' }, 3);
    expect(sv.status).toBe(200);
    expect(sv.body.order.supervision).toMatchObject({ level: 'key', note: '领导关注' });

    const q = await queue(rc, 'pending_sign');
    const after = ids(q);
    expect(after.indexOf(watched.case.uuid)).toBeLessThan(after.indexOf(plain.case.uuid));
    expect(q.body.orders.find((o: { id: string }) => o.id === watched.case.uuid)).toMatchObject({ supervision: 'key', reminders: 2 });
    expect(q.body.orders.find((o: { id: string }) => o.id === plain.case.uuid)).toMatchObject({ supervision: null, reminders: 0 });
    const detail = await s.call('GET', `/api/orders/${watched.case.uuid}`, undefined, await token(rc));
    expect(detail.body.history.map((e: HistoryEntry) => e.action)).toEqual(['dispatch', 'remind', 'remind', 'supervise']);
  });
});
