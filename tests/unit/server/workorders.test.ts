/**
 * Work orders over HTTP and sync (issue 6): the centre dispatches and reviews, a unit signs,
 * returns, asks for more time and replies, each action decided by the server under a row lock
 * and recorded once in the order's history; a unit sees only its own orders and never a 保密
 * caller's number or name; the acting account is always the credential's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { overdueBoard } from '../../../src/server/workorders/views';
import {
  defaultWorkingCalendar,
  extendDeadline,
  type HistoryEntry,
  type WorkOrder,
} from '../../../src/shared/workorders';
import {
  BACKENDS,
  caseArgs,
  directCaseArgs,
  mutations,
  pullAll,
  pushBody,
  serverPerSuite,
  workstation,
  type Session,
  type TestDb,
  type TestServer,
} from './helpers';

describe.each(BACKENDS)('work orders on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  let supA: Session;
  let supB: Session;
  let rc: Session; // 任城区 (lead unit)
  let sw: Session; // 市水务局 (another unit)
  let opWs: Awaited<ReturnType<typeof workstation>>;

  beforeAll(async () => {
    await t.db.query(
      `INSERT INTO units (code, name, kind, parent_code) VALUES
         ('RC', '任城区人民政府', 'district', NULL), ('RC-GH', '古槐街道办事处', 'street', 'RC'), ('SW', '市水务局', 'department', NULL)`,
    );
    supA = await s.account('supervisor');
    supB = await s.account('supervisor');
    rc = await s.unitAccount('RC');
    sw = await s.unitAccount('SW');
    opWs = await workstation(s);
  });

  /** A 转办 case logged at a workstation; returns its order id (the case uuid). */
  async function newOrder(over: Parameters<typeof caseArgs>[0] = {}): Promise<string> {
    const args = caseArgs(over);
    const res = await s.call('POST', '/api/push', pushBody(opWs, mutations(opWs, [args])), opWs.token);
    expect(res.status).toBe(200);
    expect(res.body.rejections).toEqual([]);
    return args.case.uuid;
  }

  const act = (who: Session, id: string, action: string, args: Record<string, unknown>, expectedVersion: number, extra = {}) =>
    s.call('POST', `/api/orders/${id}/actions`, { action, args, expectedVersion, ...extra }, who.token);
  const detail = (who: Session, id: string) => s.call('GET', `/api/orders/${id}`, undefined, who.token);
  const queue = (who: Session, q: string) => s.call('GET', `/api/orders?queue=${q}&limit=500`, undefined, who.token);
  const ids = (res: { body: { orders: { id: string }[] } }) => res.body.orders.map((o) => o.id);

  it('a 转办 case waits in 待派单; dispatch → sign → extension approved (deadline moves) → reply → review accept, each step in the history', async () => {
    const id = await newOrder();
    expect(ids(await queue(supA, 'pending_dispatch'))).toContain(id);

    const d = await act(supA, id, 'dispatch', { leadUnitId: 'RC', note: '请尽快处理' }, 0);
    expect(d.status).toBe(200);
    expect(d.body.order.state).toBe('pending_sign');
    expect(d.body.entry).toMatchObject({ seq: 1, action: 'dispatch', actor: { username: supA.username, role: 'supervisor', unitId: null } });

    const pending = await queue(rc, 'pending_sign');
    const row = pending.body.orders.find((o: { id: string }) => o.id === id);
    expect(row).toMatchObject({ state: 'pending_sign', unitCode: 'RC', unitName: '任城区人民政府', deadlineStatus: 'normal', version: 1 });
    expect(ids(await queue(sw, 'pending_sign'))).not.toContain(id);

    expect((await act(rc, id, 'sign', {}, 1)).body.order.state).toBe('in_progress');
    const before = (await detail(rc, id)).body.order as WorkOrder;
    expect((await act(rc, id, 'request_extension', { days: 2, reason: '需协调多个部门' }, 2)).status).toBe(200);
    expect(ids(await queue(supA, 'extension_requested'))).toContain(id);
    const approved = await act(supA, id, 'approve_extension', {}, 3);
    expect(approved.status).toBe(200);
    const moved = extendDeadline(defaultWorkingCalendar, before.assignments[0]!.deadline, 2);
    expect(approved.body.order.assignments[0].deadline).toEqual(moved);
    expect(moved.at).toBeGreaterThan(before.assignments[0]!.deadline.at);
    expect((await detail(rc, id)).body.summary.deadline).toBe(moved.at);

    const reply = await act(rc, id, 'reply', { content: '已到现场处理，施工已停止。', result: 'solved', contactedCaller: true }, 4);
    expect(reply.body.order.state).toBe('pending_review');
    expect(ids(await queue(supA, 'pending_review'))).toContain(id);
    const review = await act(supA, id, 'review', { decision: 'accept' }, 5);
    expect(review.body.order.state).toBe('pending_follow_up');
    expect(review.body.order.completion.onTime).toBe(true);
    const [waiting] = await t.db.query<{ status: string }>('SELECT status FROM cases WHERE uuid = $1', [id]);
    expect(waiting!.status).toBe('follow_up');
    const followUp = await act(supA, id, 'follow_up', { outcome: 'reached', solved: true, satisfaction: 'satisfied' }, 6);
    expect(followUp.body.order.state).toBe('closed');

    const full = await detail(supA, id);
    expect(full.body.history.map((e: HistoryEntry) => `${e.seq}:${e.action}`)).toEqual([
      '1:dispatch',
      '2:sign',
      '3:request_extension',
      '4:approve_extension',
      '5:reply',
      '6:review',
      '7:follow_up',
    ]);
    expect(full.body.units).toMatchObject({ RC: '任城区人民政府' });
    const [c] = await t.db.query<{ status: string }>('SELECT status FROM cases WHERE uuid = $1', [id]);
    expect(c!.status).toBe('closed');
    // the workstation's pull carries the new status
    const pulled = await pullAll(s, opWs);
    const change = pulled.changes.find((ch) => ch.uuid === id)!;
    expect(change.status).toBe('closed');
    // … with the order's snapshot and its whole history, in the JSON-text page
    expect(change.order).toEqual(followUp.body.order);
    expect(change.history!.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(change.history![4]).toEqual(reply.body.entry);
    // a case that is not 转办 has no order (one outside the 回访 sample of 直接答复)
    const direct = directCaseArgs();
    await s.call('POST', '/api/push', pushBody(opWs, mutations(opWs, [direct])), opWs.token);
    const later = await pullAll(s, opWs, pulled.cursor);
    expect(later.changes.find((ch) => ch.uuid === direct.case.uuid)).toMatchObject({ order: null, history: [] });
  });

  it('a unit returns an order with a reason; the centre dispatches it again to another unit, and the first loses sight of it', async () => {
    const id = await newOrder();
    await act(supA, id, 'dispatch', { leadUnitId: 'RC' }, 0);
    const noReason = await act(rc, id, 'return', {}, 1);
    expect(noReason.status).toBe(409);
    expect(noReason.body.refusal.code).toBe('invalid_args');
    const ret = await act(rc, id, 'return', { reason: '不属于本区职责，应由水务部门办理' }, 1);
    expect(ret.status).toBe(200);
    expect(ret.body.order).toMatchObject({ state: 'returned', returnedFrom: { unitId: 'RC' } });
    expect(ids(await queue(supA, 'returned'))).toContain(id);

    const again = await act(supA, id, 'dispatch', { leadUnitId: 'SW', note: '改由水务局办理' }, 2);
    expect(again.body.order.state).toBe('pending_sign');
    expect(ids(await queue(sw, 'pending_sign'))).toContain(id);
    expect((await detail(rc, id)).status).toBe(404);
    expect((await detail(sw, id)).body.history.map((e: HistoryEntry) => e.action)).toEqual(['dispatch', 'return', 'dispatch']);
  });

  it('two supervisors dispatch the same order at once: one wins, the other is refused, the history has one entry', async () => {
    const id = await newOrder();
    const [a, b] = await Promise.all([
      act(supA, id, 'dispatch', { leadUnitId: 'RC' }, 0),
      act(supB, id, 'dispatch', { leadUnitId: 'SW' }, 0),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error).toBe('action_refused');
    expect(loser.body.refusal.code).toBe('already_dispatched');
    // it says who won, and where the order went
    const winner = a.status === 200 ? supA : supB;
    expect(loser.body.refusal.zh).toContain(`已由 ${winner.username} 派至`);
    expect(loser.body.refusal.en).toContain(`dispatched by ${winner.username} to`);
    const rows = await t.db.query<{ seq: number }>(
      'SELECT h.seq FROM order_history h JOIN cases c ON c.id = h.case_id WHERE c.uuid = $1',
      [id],
    );
    expect(rows).toEqual([{ seq: 1 }]);
  });

  it("another unit's order is a 404, the same as no order, for reading and acting", async () => {
    const id = await newOrder();
    await act(supA, id, 'dispatch', { leadUnitId: 'RC' }, 0);
    const read = await detail(sw, id);
    expect(read.status).toBe(404);
    expect(read.body.error).toBe('order_not_found');
    const acted = await act(sw, id, 'sign', {}, 1);
    expect(acted.status).toBe(404);
    expect(acted.body.error).toBe('order_not_found');
    const none = await detail(sw, '00000000-0000-4000-8000-00000000dead');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ error: read.body.error });
    expect((await detail(sw, 'not-a-uuid')).status).toBe(404);
    // and the order did not move
    expect((await detail(rc, id)).body.order.version).toBe(1);
    // a unit cannot read the centre's queues
    expect((await queue(rc, 'pending_dispatch')).status).toBe(403);
    expect((await s.call('GET', '/api/orders?queue=nope', undefined, rc.token)).status).toBe(400);
  });

  it("never sends a unit the number or name of a 保密 caller, anywhere in the JSON; the centre sees them", async () => {
    const phone = '13855501234';
    const name = '李秀英';
    const id = await newOrder({
      case: {
        phone,
        callerName: name,
        confidential: true,
        content: `${name}反映：小区水管爆裂，请回电 138-5550-1234。`,
        address: '任城区 古槐路 8 号',
      },
      contact: { phone, callerName: name },
    });
    await act(supA, id, 'dispatch', { leadUnitId: 'RC', note: `来电人${name}要求保密，号码 ${phone}` }, 0);
    await act(rc, id, 'sign', {}, 1);
    const digits = /1\D?3\D?8\D?5\D?5\D?5\D?0\D?1\D?2\D?3\D?4/;
    for (const res of [await detail(rc, id), await queue(rc, 'in_progress'), await queue(rc, 'overdue')]) {
      const raw = JSON.stringify(res.body);
      expect(res.status).toBe(200);
      expect(raw).not.toMatch(digits);
      expect(raw).not.toContain(name);
    }
    const unitView = (await detail(rc, id)).body;
    expect(unitView.case.caller).toEqual({ phone: '', name: '', masked: true });
    expect(unitView.case.content).toContain('小区水管爆裂'); // the matter stays
    expect(unitView.case.address).toBe('任城区 古槐路 8 号');
    const centre = (await detail(supA, id)).body;
    expect(centre.case.caller).toEqual({ phone, name, masked: false });
  });

  it('下派: the sub-unit gets it to sign, the lead unit keeps it in 办理中; past the deadline both see it as 超期, and so does the board', async () => {
    const gh = await s.unitAccount('RC-GH');
    const id = await newOrder();
    await act(supA, id, 'dispatch', { leadUnitId: 'RC' }, 0);
    await act(rc, id, 'sign', {}, 1);
    const sub = await act(rc, id, 'subdispatch', { unitId: 'RC-GH', note: '请古槐街道现场核实' }, 2);
    expect(sub.status).toBe(200);
    expect(ids(await queue(gh, 'pending_sign'))).toContain(id);
    expect(ids(await queue(rc, 'in_progress'))).toContain(id);
    expect(ids(await queue(rc, 'pending_sign'))).not.toContain(id);
    expect((await detail(sw, id)).status).toBe(404);

    const deadline = (await detail(gh, id)).body.summary.deadline as number;
    const saved = s.clock.t;
    s.clock.t = deadline + 60_000;
    try {
      // tokens of the earlier clock have expired: sign in again
      const again = async (who: Session) => ({
        ...who,
        token: (await s.call('POST', '/api/login', { username: who.username, password: who.password })).body.accessToken as string,
      });
      const [rc2, gh2, sup2] = [await again(rc), await again(gh), await again(supA)];
      for (const who of [rc2, gh2, sup2]) {
        const row = (await queue(who, 'overdue')).body.orders.find((o: { id: string }) => o.id === id);
        expect(row, who.username).toMatchObject({ deadlineStatus: 'overdue', unitCode: 'RC-GH' });
      }
      const sw2 = await again(sw);
      expect(ids(await queue(sw2, 'overdue'))).not.toContain(id);
      const board = await overdueBoard(t.db, s.clock.now());
      expect(board.find((b) => b.unitCode === 'RC-GH')?.overdue).toBeGreaterThanOrEqual(1);
      // the same board over HTTP, for the centre only, with the unit's name and totals
      const http = await s.call('GET', '/api/orders/board', undefined, sup2.token);
      expect(http.status).toBe(200);
      const ghRow = http.body.rows.find((r: { unitCode: string }) => r.unitCode === 'RC-GH');
      expect(ghRow).toEqual({ unitCode: 'RC-GH', unitName: '古槐街道办事处', ...board.find((b) => b.unitCode === 'RC-GH') });
      expect(http.body.totals.overdue).toBe(board.reduce((n, b) => n + b.overdue, 0));
      expect(http.body.totals.dueSoon).toBe(board.reduce((n, b) => n + b.dueSoon, 0));
      expect(http.body.at).toBe(s.clock.now());
      expect((await s.call('GET', '/api/orders/board', undefined, gh2.token)).status).toBe(403);
    } finally {
      s.clock.t = saved;
    }
  });

  it('stores text jsonb would refuse (a lone surrogate, NUL) instead of failing: 200, not 500', async () => {
    const id = await newOrder({ case: { categoryCode: '05\ud80001' } });
    const res = await act(supA, id, 'dispatch', { leadUnitId: 'RC', note: '注意\ud800 \u0000 结束' }, 0);
    expect(res.status).toBe(200);
    const stored = (await detail(supA, id)).body.history[0].note as string;
    expect(stored).toBe('注意\ufffd \ufffd 结束');
  });

  it('a stale expectedVersion is a 409 order_changed, and nothing is written', async () => {
    const id = await newOrder();
    await act(supA, id, 'dispatch', { leadUnitId: 'RC' }, 0);
    const stale = await act(rc, id, 'sign', {}, 0);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('order_changed');
    expect((await detail(rc, id)).body.order).toMatchObject({ state: 'pending_sign', version: 1 });
  });

  it('acts as the account of the credential: a body naming another user or role is ignored, and a unit cannot dispatch', async () => {
    const id = await newOrder();
    const res = await act(supA, id, 'dispatch', { leadUnitId: 'RC' }, 0, {
      username: supB.username,
      actor: { username: supB.username, role: 'admin', unitId: null },
    });
    expect(res.status).toBe(200);
    expect(res.body.entry.actor.username).toBe(supA.username);
    // args are strict: an actor smuggled into them is refused, not used
    const id2 = await newOrder();
    const smuggled = await act(supA, id2, 'dispatch', { leadUnitId: 'RC', by: supB.username }, 0);
    expect(smuggled.status).toBe(409);
    expect(smuggled.body.refusal.code).toBe('invalid_args');
    const unitTries = await act(rc, id2, 'dispatch', { leadUnitId: 'RC' }, 0, { role: 'supervisor' });
    expect([403, 404, 409]).toContain(unitTries.status);
    expect((await detail(supA, id2)).body.order.state).toBe('pending_dispatch');
    // operators may not dispatch unless the setting allows it
    const op = await s.account('operator');
    const opTry = await act(op, id2, 'dispatch', { leadUnitId: 'RC' }, 0);
    expect(opTry.body.refusal?.code).toBe('role_not_allowed');
  });

  it("the sync mutation 'order.action': applied from a workstation; a refused one is a rejection in Chinese and English, and the queue moves on", async () => {
    const id = await newOrder();
    const other = await newOrder();
    const wsA = await workstation(s, supA);
    const wsB = await workstation(s, supB);
    const at = s.clock.now() - 60_000;
    const pa = await s.call(
      'POST',
      '/api/push',
      pushBody(wsA, mutations(wsA, [{ orderId: id, action: 'dispatch', args: { leadUnitId: 'RC', note: '离线派单' }, at }], 'order.action')),
      wsA.token,
    );
    expect(pa.status).toBe(200);
    expect(pa.body.rejections).toEqual([]);
    const after = (await detail(supA, id)).body;
    expect(after.order.state).toBe('pending_sign');
    expect(after.history[0]).toMatchObject({ action: 'dispatch', actor: { username: supA.username }, note: '离线派单', details: { clientAt: at } });

    const pb = await s.call(
      'POST',
      '/api/push',
      pushBody(
        wsB,
        mutations(
          wsB,
          [
            { orderId: id, action: 'dispatch', args: { leadUnitId: 'SW' }, at },
            { orderId: other, action: 'dispatch', args: { leadUnitId: 'SW' }, at },
          ],
          'order.action',
        ),
      ),
      wsB.token,
    );
    expect(pb.status).toBe(200);
    expect(pb.body.lastMutationId).toBe(2);
    expect(pb.body.rejections).toHaveLength(1);
    expect(pb.body.rejections[0]).toMatchObject({ mutationId: 1, name: 'order.action', code: 'action_refused' });
    expect(pb.body.rejections[0].reason).toMatch(/[\u4e00-\u9fff]/);
    expect(pb.body.rejections[0].reason).toMatch(/already_dispatched: .*already been dispatched/);
    expect((await detail(supA, other)).body.order).toMatchObject({ state: 'pending_sign', version: 1 });
    expect((await detail(supA, id)).body.history).toHaveLength(1);
    // the rejection comes back in the pull too (同步异常)
    const pulled = await pullAll(s, wsB);
    expect(pulled.rejections.map((r) => r.code)).toEqual(['action_refused']);

    // replaying the same batch (lost response) changes nothing
    const sameBatch = [id, other].map((orderId, i) => ({ id: i + 1, name: 'order.action', args: { orderId, action: 'dispatch', args: { leadUnitId: 'SW' }, at } }));
    const replay = await s.call('POST', '/api/push', pushBody(wsB, sameBatch), wsB.token);
    expect(replay.status).toBe(200);
    expect(replay.body.rejections).toEqual(pb.body.rejections);
    expect((await detail(supA, other)).body.order.version).toBe(1);

    // an unknown order is a rejection too
    const ghost = await s.call(
      'POST',
      '/api/push',
      pushBody(wsA, mutations(wsA, [{ orderId: '00000000-0000-4000-8000-00000000beef', action: 'sign', args: {}, at }], 'order.action')),
      wsA.token,
    );
    expect(ghost.body.rejections[0]).toMatchObject({ code: 'action_refused' });
    expect(ghost.body.rejections[0].reason).toMatch(/工单不存在/);
  });
});
