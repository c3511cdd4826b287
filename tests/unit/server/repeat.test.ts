/**
 * 重复件 on the server (issue 7 §4): a repeat call pushed with its link_call is a case without a
 * work order (never in 待派单), the order's 流转记录 shows the call to the unit, a push replayed
 * (lost acknowledgement) changes nothing, and a supervisor's 取消关联 (unlink_call, HTTP) turns
 * the call into an ordinary 转办 case with its own order in 待派单.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  caseArgs,
  mutations,
  pullAll,
  pushBody,
  serverPerSuite,
  workstation,
  type Session,
  type TestDb,
  type TestServer,
  type Workstation,
} from './helpers';

describe.each(BACKENDS)('repeat calls on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  let sup: Session;
  let rc: Session;
  let opWs: Workstation;

  beforeAll(async () => {
    await t.db.query(`INSERT INTO units (code, name, kind, parent_code) VALUES ('RC', '任城区人民政府', 'district', NULL)`);
    sup = await s.account('supervisor');
    rc = await s.unitAccount('RC');
    opWs = await workstation(s, await s.account('operator'));
  });

  const act = (who: Session, id: string, action: string, args: Record<string, unknown>, expectedVersion: number) =>
    s.call('POST', `/api/orders/${id}/actions`, { action, args, expectedVersion }, who.token);
  const detail = (who: Session, id: string) => s.call('GET', `/api/orders/${id}`, undefined, who.token);
  const queueIds = async (q: string) =>
    ((await s.call('GET', `/api/orders?queue=${q}&limit=500`, undefined, sup.token)).body.orders as { id: string }[]).map((o) => o.id);
  const hasOrder = async (uuid: string) =>
    (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM work_orders w JOIN cases c ON c.id = w.case_id WHERE c.uuid = $1', [uuid]))[0]!.n;

  it('a repeat call and its link_call: no new order, the unit sees the call in the history, a replayed push applies once; a supervisor unlinks it into 待派单', async () => {
    const first = caseArgs();
    const id = first.case.uuid;
    expect((await s.call('POST', '/api/push', pushBody(opWs, mutations(opWs, [first])), opWs.token)).body.rejections).toEqual([]);
    expect((await act(sup, id, 'dispatch', { leadUnitId: 'RC' }, 0)).status).toBe(200);

    const repeat = caseArgs({ case: { phone: first.case.phone, status: 'closed', repeatOf: id } });
    const at = s.clock.now() - 1000;
    const batch = [
      { id: opWs.nextId++, name: 'case.create', args: repeat },
      { id: opWs.nextId++, name: 'order.action', args: { orderId: id, action: 'link_call', args: { caseId: repeat.case.uuid, note: '' }, at } },
    ];
    const pushed = await s.call('POST', '/api/push', pushBody(opWs, batch), opWs.token);
    expect(pushed.status).toBe(200);
    expect(pushed.body.rejections).toEqual([]);
    // the acknowledgement was lost: the workstation pushes the same rows again
    const again = await s.call('POST', '/api/push', pushBody(opWs, batch), opWs.token);
    expect(again.status).toBe(200);
    expect(again.body.rejections).toEqual([]);

    expect(await hasOrder(repeat.case.uuid)).toBe(0);
    expect(await queueIds('pending_dispatch')).not.toContain(repeat.case.uuid);
    const seen = (await detail(rc, id)).body;
    expect(seen.order.linkedCaseIds).toEqual([repeat.case.uuid]);
    const links = (seen.history as { action: string; details: Record<string, unknown> }[]).filter((h) => h.action === 'link_call');
    expect(links).toHaveLength(1);
    expect(links[0]!.details).toMatchObject({ caseId: repeat.case.uuid, unitId: 'RC', repeatCalls: 1, clientAt: at });
    const pulled = (await pullAll(s, opWs)).changes.find((c) => c.uuid === repeat.case.uuid)!;
    expect(pulled).toMatchObject({ repeatOf: id, status: 'closed', order: null });

    // an operator may not unlink; a supervisor may
    const opSession: Session = { ...opWs };
    const refused = await act(opSession, id, 'unlink_call', { caseId: repeat.case.uuid }, 2);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const unlinked = await act(sup, id, 'unlink_call', { caseId: repeat.case.uuid }, 2);
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.order.linkedCaseIds).toEqual([]);
    expect(await hasOrder(repeat.case.uuid)).toBe(1);
    expect(await queueIds('pending_dispatch')).toContain(repeat.case.uuid);
    const after = (await pullAll(s, opWs)).changes.find((c) => c.uuid === repeat.case.uuid)!;
    expect(after).toMatchObject({ repeatOf: null, status: 'pending_dispatch', order: { state: 'pending_dispatch' } });
    // unlinking twice: refused (not_linked), 4xx
    const twice = await act(sup, id, 'unlink_call', { caseId: repeat.case.uuid }, 3);
    expect(twice.status).toBe(409);
  });
});
