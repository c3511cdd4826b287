/**
 * 领导接听 and 面对面 over HTTP: who may manage and read sessions, validation with reasons, the
 * rota's 逢节假日顺延, the running session of a seat, the cases logged in it, 转督办 (dispatch to the
 * catalogue's unit + 督办 重点, each in the history), the session's figures against direct counts,
 * and the face-to-face flag after two unsatisfied follow-ups, with a meeting and its outcome.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, caseArgs, directCaseArgs, mutations, pushBody, serverPerSuite, T0, workstation, type Session, type TestDb, type TestServer } from './helpers';

describe.each(BACKENDS)('leader sessions and face-to-face meetings on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  let sup: Session;
  let op: Session;
  let rc: Session;
  let ws: Awaited<ReturnType<typeof workstation>>;

  beforeAll(async () => {
    await t.db.query(`INSERT INTO units (code, name, kind, parent_code) VALUES ('RC', '任城区人民政府', 'district', NULL), ('CG', '市城市管理局', 'department', NULL)`);
    await t.db.query(`INSERT INTO dispatch_rules (category_code, region_code, unit_code) VALUES ('', '', 'CG'), ('05', '370811', 'RC')`);
    sup = await s.account('supervisor');
    op = await s.account('operator');
    ws = await workstation(s, op);
    rc = await s.unitAccount('RC');
  });

  const session = (over: Record<string, unknown> = {}) => ({
    date: '2026-11-27',
    startTime: '09:30',
    endTime: '11:00',
    leaderName: '李明',
    leaderTitle: '局长',
    department: '市城市管理局',
    seat: 'W001',
    ...over,
  });

  it('supervisors schedule, operators read, units neither; bad input is a 400 naming the field', async () => {
    expect((await s.call('POST', '/api/leader/sessions', session({ seat: 'W009' }), op.token)).status).toBe(403);
    expect((await s.call('GET', '/api/leader/sessions', undefined, rc.token)).status).toBe(403);
    expect((await s.call('GET', '/api/leader/sessions')).status).toBe(401);
    const bad = await s.call('POST', '/api/leader/sessions', session({ endTime: '09:00' }), sup.token);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/endTime/);
    expect((await s.call('POST', '/api/leader/sessions', session({ date: '2026-13-01' }), sup.token)).status).toBe(400);
    expect((await s.call('POST', '/api/leader/sessions', session({ leaderName: '' }), sup.token)).status).toBe(400);
    expect((await s.call('POST', '/api/leader/rota', { weeks: 0, seat: 'W001' }, sup.token)).status).toBe(400);
    expect((await s.call('GET', '/api/leader/current', undefined, op.token)).status).toBe(400);
    expect((await s.call('GET', '/api/leader/sessions/not-a-uuid', undefined, op.token)).status).toBe(404);
  });

  it('generates the Wednesday rota, moving a holiday Wednesday to the next working day, and skips dates already taken', async () => {
    const r = await s.call(
      'POST',
      '/api/leader/rota',
      { weeks: 3, seat: 'W002', from: '2026-09-28', leaders: [{ leaderName: '王强', leaderTitle: '主任', department: '市住建局' }] },
      sup.token,
    );
    expect(r.status).toBe(200);
    expect(r.body.created.map((x: { date: string; movedFrom: string | null }) => [x.date, x.movedFrom])).toEqual([
      ['2026-09-30', null],
      ['2026-10-08', '2026-10-07'],
      ['2026-10-14', null],
    ]);
    expect(r.body.created[0]).toMatchObject({ startTime: '09:00', endTime: '10:30', leaderName: '王强', state: 'ended' });
    const again = await s.call('POST', '/api/leader/rota', { weeks: 4, seat: 'W002', from: '2026-09-28' }, sup.token);
    expect(again.body.skipped).toEqual(['2026-09-30', '2026-10-08', '2026-10-14']);
    expect(again.body.created.map((x: { date: string }) => x.date)).toEqual(['2026-10-21']);
    const list = await s.call('GET', '/api/leader/sessions?from=2026-09-01&to=2026-10-31', undefined, op.token);
    expect(list.status).toBe(200);
    expect(list.body.sessions.filter((x: { seat: string }) => x.seat === 'W002')).toHaveLength(4);
  });

  it('a running session at a seat tags its calls; 转督办 after the end dispatches and supervises; the figures match the counts', async () => {
    const created = await s.call('POST', '/api/leader/sessions', session(), sup.token);
    expect(created.status).toBe(200);
    const id: string = created.body.session.id;
    expect(created.body.session.state).toBe('running'); // T0 is 10:00 Shanghai
    const clash = await s.call('POST', '/api/leader/sessions', session({ startTime: '10:30', endTime: '12:00' }), sup.token);
    expect(clash.status).toBe(409);
    expect(clash.body.error).toBe('session_overlap');

    expect((await s.call('GET', '/api/leader/current?seat=W001', undefined, op.token)).body.session?.id).toBe(id);
    expect((await s.call('GET', '/api/leader/current?seat=W003', undefined, op.token)).body.session).toBeNull();

    const lead = caseArgs({ case: { channel: 'leader_session', leaderSessionId: id, createdAt: T0 } });
    const other = caseArgs({ case: { channel: 'leader_session', leaderSessionId: id, createdAt: T0, categoryCode: '1101', regionCode: '370800' } });
    const direct = directCaseArgs({ case: { channel: 'leader_session', leaderSessionId: id, createdAt: T0, answer: '已当场答复' } });
    const plain = caseArgs();
    const push = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [lead, other, direct, plain])), ws.token);
    expect(push.body.rejections).toEqual([]);

    const early = await s.call('POST', `/api/leader/sessions/${id}/dispatch`, {}, sup.token);
    expect(early.status).toBe(409);
    expect(early.body.error).toBe('session_not_ended');
    expect((await s.call('POST', `/api/leader/sessions/${id}/end`, {}, op.token)).status).toBe(403);
    const ended = await s.call('POST', `/api/leader/sessions/${id}/end`, {}, sup.token);
    expect(ended.body.session.state).toBe('ended');
    expect((await s.call('GET', '/api/leader/current?seat=W001', undefined, op.token)).body.session).toBeNull();

    const sent = await s.call('POST', `/api/leader/sessions/${id}/dispatch`, { limitDays: 3 }, sup.token);
    expect(sent.status).toBe(200);
    expect(sent.body.session.state).toBe('dispatched');
    const byCase = new Map(sent.body.orders.map((o: { caseId: string }) => [o.caseId, o]));
    expect(byCase.get(lead.case.uuid)).toMatchObject({ ok: true, unitCode: 'RC' });
    expect(byCase.get(other.case.uuid)).toMatchObject({ ok: true, unitCode: 'CG' }); // the catch-all rule
    expect(byCase.has(direct.case.uuid)).toBe(false);
    expect((await s.call('POST', `/api/leader/sessions/${id}/dispatch`, {}, sup.token)).body.error).toBe('session_already_dispatched');

    const d = await s.call('GET', `/api/orders/${lead.case.uuid}`, undefined, sup.token);
    expect(d.body.history.map((h: { action: string }) => h.action)).toEqual(['dispatch', 'supervise']);
    expect(d.body.order.supervision).toMatchObject({ level: 'key', by: sup.username });
    expect(d.body.order.supervision.deadline).toBeGreaterThan(T0);

    // the unit replies, the centre accepts, follow-ups: lead satisfied, other unsatisfied (重办)
    let v = d.body.order.version;
    const act = async (who: Session, orderId: string, action: string, args: Record<string, unknown>) => {
      const r = await s.call('POST', `/api/orders/${orderId}/actions`, { action, args, expectedVersion: v }, who.token);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      v = r.body.order.version;
    };
    await act(rc, lead.case.uuid, 'sign', {});
    await act(rc, lead.case.uuid, 'reply', { content: '已安排维修人员处理完毕', result: 'solved', contactedCaller: true });
    await act(sup, lead.case.uuid, 'review', { decision: 'accept' });
    await act(op, lead.case.uuid, 'follow_up', { outcome: 'reached', solved: true, satisfaction: 'satisfied' });

    const cg = (await s.call('GET', `/api/orders/${other.case.uuid}`, undefined, sup.token)).body.order;
    v = cg.version;
    // the centre answers for CG through an accepted reply written by an account of CG
    const cgS = await s.unitAccount('CG');
    const round = async (satisfaction: string) => {
      await act(cgS, other.case.uuid, 'sign', {});
      await act(cgS, other.case.uuid, 'reply', { content: '已协调清运垃圾并加强巡查', result: 'solved', contactedCaller: true });
      await act(sup, other.case.uuid, 'review', { decision: 'accept' });
      await act(op, other.case.uuid, 'follow_up', { outcome: 'reached', solved: false, satisfaction });
    };
    await round('unsatisfied');

    const detail = await s.call('GET', `/api/leader/sessions/${id}`, undefined, op.token);
    expect(detail.status).toBe(200);
    const [direct1] = await t.db.query<{ items: string; closed: string }>(
      "SELECT count(*) AS items, count(*) FILTER (WHERE status = 'closed') AS closed FROM cases WHERE leader_session_id = $1",
      [id],
    );
    const [fu] = await t.db.query<{ reached: string; satisfied: string }>(
      `SELECT count(*) FILTER (WHERE h.entry->'details'->>'outcome' = 'reached') AS reached,
              count(*) FILTER (WHERE h.entry->'details'->>'satisfied' = 'true') AS satisfied
       FROM order_history h JOIN cases c ON c.id = h.case_id WHERE c.leader_session_id = $1 AND h.entry->>'action' = 'follow_up'`,
      [id],
    );
    expect(detail.body.figures).toEqual({
      items: Number(direct1!.items),
      closed: Number(direct1!.closed),
      completion: Number(direct1!.closed) / Number(direct1!.items),
      reached: Number(fu!.reached),
      satisfied: Number(fu!.satisfied),
      satisfaction: Number(fu!.satisfied) / Number(fu!.reached),
    });
    expect(detail.body.figures).toMatchObject({ items: 3, closed: 2, reached: 2, satisfied: 1 });
    expect(detail.body.items.map((i: { caseId: string }) => i.caseId)).not.toContain(plain.case.uuid);
    expect(detail.body.items.find((i: { caseId: string }) => i.caseId === lead.case.uuid)).toMatchObject({ orderState: 'closed', supervision: 'key' });

    // 面对面: not flagged after one unsatisfied follow-up, flagged after the second
    const f1 = await s.call('GET', '/api/meetings/face-to-face', undefined, sup.token);
    expect(f1.body.faceToFaceAfter).toBe(2);
    expect(f1.body.flagged.map((o: { orderId: string }) => o.orderId)).not.toContain(other.case.uuid);
    await round('very_unsatisfied');
    const f2 = await s.call('GET', '/api/meetings/face-to-face', undefined, sup.token);
    const flagged = f2.body.flagged.find((o: { orderId: string }) => o.orderId === other.case.uuid);
    expect(flagged).toMatchObject({ unsatisfiedCount: 2, unitCode: 'CG', meetingId: null, phone: other.case.phone });
    expect((await s.call('GET', '/api/meetings/face-to-face', undefined, op.token)).status).toBe(403);

    const when = T0 + 3 * 86_400_000;
    const meeting = { orderId: other.case.uuid, attendees: '市城市管理局 张科长；热线中心 刘主任', place: '市政务热线服务中心 3 楼会议室', at: when, unitCode: 'CG' };
    expect((await s.call('POST', '/api/meetings', meeting, op.token)).status).toBe(403);
    expect((await s.call('POST', '/api/meetings', { ...meeting, place: '' }, sup.token)).status).toBe(400);
    const unknownUnit = await s.call('POST', '/api/meetings', { ...meeting, unitCode: 'NOPE' }, sup.token);
    expect([unknownUnit.status, unknownUnit.body.error]).toEqual([422, 'unknown_unit']);
    expect((await s.call('POST', '/api/meetings', { ...meeting, orderId: direct.case.uuid }, sup.token)).status).toBe(404);
    const m = await s.call('POST', '/api/meetings', meeting, sup.token);
    expect(m.status).toBe(200);
    expect(m.body.meeting).toMatchObject({ state: 'scheduled', unitName: '市城市管理局', phone: other.case.phone, at: when });
    const f3 = await s.call('GET', '/api/meetings/face-to-face', undefined, sup.token);
    expect(f3.body.flagged.find((o: { orderId: string }) => o.orderId === other.case.uuid).meetingId).toBe(m.body.meeting.id);
    expect((await s.call('POST', `/api/meetings/${m.body.meeting.id}/outcome`, { state: 'held', outcome: '' }, sup.token)).status).toBe(400);
    const held = await s.call('POST', `/api/meetings/${m.body.meeting.id}/outcome`, { state: 'held', outcome: '双方当面沟通，单位承诺两周内清理完毕' }, sup.token);
    expect(held.body.meeting).toMatchObject({ state: 'held', outcome: '双方当面沟通，单位承诺两周内清理完毕' });
    const mine = await s.call('GET', `/api/meetings?phone=${other.case.phone}`, undefined, op.token);
    expect(mine.body.meetings.map((x: { id: string }) => x.id)).toEqual([m.body.meeting.id]);
    expect((await s.call('GET', '/api/meetings', undefined, op.token)).status).toBe(400);
  });
});
