/**
 * 重复件 through the outbox (issue 7 §4, §6): an operator links repeat calls while the network
 * loses acknowledgements, duplicates, replays and cuts requests; every call reaches the server
 * once as a case without an order, every link_call is applied once (one history entry, one id in
 * linkedCaseIds), and the workstation converges to the server. A real server on PGlite, real
 * SQLite stores.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkOrder } from '../../../src/shared/workorders';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy';
import { Clock, openWorkstation, startTestServer, syncUntilQuiet, tempDir, type TestServer, type TestWorkstation } from './helpers';
import { intakeInput } from './intake';

const clock = new Clock();
const { dir, cleanup } = tempDir('hotline-repeat-');
let server: TestServer;
let proxy: FaultProxy;
/** the supervisor who dispatches the first calls */
let sup: TestWorkstation;
/** the operator who takes the repeat calls, through a proxy that injects faults */
let op: TestWorkstation;

beforeAll(async () => {
  server = await startTestServer(clock);
  await server.db.query(`INSERT INTO units (code, name, kind, parent_code) VALUES ('RC', '任城区人民政府', 'district', NULL)`);
  proxy = await startFaultProxy(server.url);
  sup = openWorkstation({ file: join(dir, 'sup.sqlite'), serverUrl: server.url, clock, workstation: 'W001' });
  expect((await sup.call('auth.login', await server.account(undefined, 'supervisor'))).ok).toBe(true);
  op = openWorkstation({ file: join(dir, 'op.sqlite'), serverUrl: proxy.url, clock, workstation: 'W002' });
  expect((await op.call('auth.login', await server.account())).ok).toBe(true);
});

afterAll(async () => {
  await Promise.all([sup, op].map((ws) => ws?.close()));
  await proxy?.close();
  await server?.close();
  cleanup();
});

async function serverOrder(uuid: string): Promise<{ order: WorkOrder; links: number }> {
  const [row] = await server.db.query<{ snapshot: WorkOrder; n: number }>(
    `SELECT w.snapshot, (SELECT count(*)::int FROM order_history h WHERE h.case_id = w.case_id AND h.entry->>'action' = 'link_call') AS n
     FROM work_orders w JOIN cases c ON c.id = w.case_id WHERE c.uuid = $1`,
    [uuid],
  );
  return { order: row!.snapshot, links: row!.n };
}

describe('repeat calls through the outbox under network faults', () => {
  it('lost acknowledgements, duplicated, replayed and cut requests: each call and each link applied once, the workstation converges', async () => {
    // three callers with an order dispatched to 任城区
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await sup.log(9100 + i));
    await syncUntilQuiet(sup);
    for (const id of ids) {
      expect(await sup.call('orders.act', { orderId: id, action: 'dispatch', args: { leadUnitId: 'RC' }, expectedVersion: 0 })).toMatchObject({ ok: true });
    }
    await syncUntilQuiet(sup);
    await syncUntilQuiet(op);

    const faults: Fault[] = ['drop_response', 'duplicate', 'replay_later', 'cut_response', 'drop_request', 'delay'];
    proxy.schedule([...faults, ...faults]);
    const repeats: string[] = [];
    try {
      for (let i = 0; i < ids.length; i++) {
        const input = { ...intakeInput(9100 + i), content: `第${i}位来电人再次来电催促处理` };
        const proposal = (await op.call('repeat.propose', { phone: input.phone })).proposal;
        expect(proposal).toMatchObject({ orderId: ids[i], match: 'phone', state: 'pending_sign' });
        const saved = await op.call('intake.save', { ...input, repeatOf: proposal!.orderId });
        repeats.push(op.store.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck().get(saved.caseId) as string);
        // shown at once, offline too: the local view of the order has the call
        expect((await op.call('orders.get', { orderId: ids[i]! }))!.order.linkedCaseIds).toContain(repeats[i]);
      }
      for (let i = 0; i < 10 && proxy.totalInjected() < faults.length; i++) {
        op.timers.fireAll();
        await op.sync.job!.syncNow();
      }
      await syncUntilQuiet(op);
    } finally {
      proxy.schedule([]);
    }
    expect(proxy.totalInjected()).toBeGreaterThan(0);
    expect(await op.call('sync.rejections', {})).toEqual([]);
    for (let i = 0; i < ids.length; i++) {
      const onServer = await serverOrder(ids[i]!);
      expect(onServer.links, ids[i]).toBe(1);
      expect(onServer.order.linkedCaseIds).toEqual([repeats[i]]);
      const [c] = await server.db.query<{ n: number; repeatOf: string; orders: number }>(
        `SELECT count(*)::int AS n, min(repeat_of::text) AS "repeatOf",
           (SELECT count(*)::int FROM work_orders w JOIN cases k ON k.id = w.case_id WHERE k.uuid = $1) AS orders
         FROM cases WHERE uuid = $1`,
        [repeats[i]],
      );
      expect(c).toEqual({ n: 1, repeatOf: ids[i], orders: 0 });
      const local = (await op.call('orders.get', { orderId: ids[i]! }))!;
      expect(local.order).toEqual(onServer.order);
      expect(local.pending).toEqual([]);
    }
    // the repeat calls are not in 待派单, here or at the centre
    const queue = await sup.call('orders.queue', { queue: 'pending_dispatch' });
    expect(queue.orders.map((o) => o.id).filter((id) => repeats.includes(id))).toEqual([]);
    expect(op.store.db.prepare('SELECT count(*) FROM order_acked').pluck().get()).toBe(0);
  });
});
