/**
 * Work orders on the workstation (issue 6 §5, §7): orders and their history pulled from the
 * centre, actions taken here shown at once (offline too) and sent through the outbox, the
 * server deciding; two supervisors dispatching one order; the units directory and who may
 * dispatch; the overdue board. A real server on PGlite, real SQLite stores.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/main/sync/http';
import { createAccount } from '../../../src/server/accounts/service';
import { DEFAULT_FOLLOW_UP_SETTINGS, type WorkOrder } from '../../../src/shared/workorders';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy';
import { Clock, openWorkstation, startTestServer, syncUntilQuiet, tempDir, type TestServer, type TestWorkstation } from './helpers';

const clock = new Clock();
const { dir, cleanup } = tempDir('hotline-orders-');
let server: TestServer;
let proxy: FaultProxy;
let proxyB: FaultProxy;
/** supervisor A, through a proxy that the tests can take down (offline) */
let a: TestWorkstation;
/** supervisor B */
let b: TestWorkstation;
/** an operator who logs the 转办 cases */
let op: TestWorkstation;
let supA: { username: string; password: string };
let supB: { username: string; password: string };
let files = 0;
const steps: { step: string; state: string | null }[] = [];
let watch: string | null = null;

async function workstation(serverUrl: string, who: { username: string; password: string }, opts: Partial<Parameters<typeof openWorkstation>[0]> = {}) {
  const ws = openWorkstation({ file: join(dir, `ws-${++files}.sqlite`), serverUrl, clock, workstation: `W00${files}`, ...opts });
  const login = await ws.call('auth.login', who);
  expect(login.ok).toBe(true);
  return ws;
}

/** A 转办 case logged by the operator and synced to the centre; returns its uuid. */
async function newOrder(): Promise<string> {
  const uuid = await op.log();
  await syncUntilQuiet(op);
  return uuid;
}

async function serverOrder(uuid: string): Promise<{ order: WorkOrder; history: number }> {
  const [row] = await server.db.query<{ snapshot: WorkOrder; n: number }>(
    `SELECT w.snapshot, (SELECT count(*)::int FROM order_history h WHERE h.case_id = w.case_id) AS n
     FROM work_orders w JOIN cases c ON c.id = w.case_id WHERE c.uuid = $1`,
    [uuid],
  );
  return { order: row!.snapshot, history: row!.n };
}

const localHistory = (ws: TestWorkstation, uuid: string) =>
  ws.store.db.prepare('SELECT count(*) FROM order_history WHERE order_id = ?').pluck().get(uuid) as number;

const dispatchTo = (unit: string, version = 0) => ({ action: 'dispatch', args: { leadUnitId: unit, note: '请尽快处理' }, expectedVersion: version });

beforeAll(async () => {
  server = await startTestServer(clock);
  await server.db.query(
    `INSERT INTO units (code, name, kind, parent_code) VALUES
       ('RC', '任城区人民政府', 'district', NULL), ('RC-GH', '古槐街道办事处', 'street', 'RC'), ('SW', '市水务局', 'department', NULL)`,
  );
  await server.db.query(`INSERT INTO dispatch_rules (category_code, region_code, unit_code) VALUES ('C02', '3708', 'RC'), ('', '', 'SW')`);
  proxy = await startFaultProxy(server.url);
  proxyB = await startFaultProxy(server.url);
  supA = await server.account(undefined, 'supervisor');
  supB = await server.account(undefined, 'supervisor');
  a = await workstation(proxy.url, supA, {
    job: {
      unitsEveryMs: 0,
      onStep: (step) => {
        if (watch && (step === 'push:acked' || step === 'pull:applied')) {
          steps.push({ step, state: a.sync.orders.get({ orderId: watch }, null)?.order.state ?? null });
        }
      },
    },
  });
  b = await workstation(proxyB.url, supB);
  op = await workstation(server.url, await server.account());
});

afterAll(async () => {
  await Promise.all([a, b, op].map((ws) => ws?.close()));
  await proxy?.close();
  await proxyB?.close();
  await server?.close();
  cleanup();
});

describe('work orders on the workstation', () => {
  it('pulls orders with their history and the units directory; the 待派单 queue suggests the unit; a page applied twice duplicates nothing', async () => {
    const uuid = await newOrder();
    await syncUntilQuiet(a);
    const units = await a.call('units.list', {});
    expect(units.units.map((u) => u.code)).toEqual(['RC', 'RC-GH', 'SW']);
    expect(units.mayDispatch).toBe(true);
    expect(units.fetchedAt).toBe(clock.t);

    const queue = await a.call('orders.queue', { queue: 'pending_dispatch' });
    const row = queue.orders.find((o) => o.id === uuid)!;
    expect(row).toMatchObject({
      state: 'pending_dispatch',
      version: 0,
      suggestedUnitCode: 'RC',
      suggestedUnitName: '任城区人民政府',
      pendingSync: false,
      unitCode: null,
      deadline: null,
    });
    expect(row.officialNo).toMatch(/^JN/);
    expect(queue.total).toBe(queue.orders.length);
    expect(a.store.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck().get(row.caseId)).toBe(uuid);

    // B dispatches; A pulls the new state and its history entry
    await syncUntilQuiet(b);
    const r = await b.call('orders.act', { orderId: uuid, ...dispatchTo('RC') });
    expect(r.ok).toBe(true);
    await syncUntilQuiet(b);
    await syncUntilQuiet(a);
    const detail = (await a.call('orders.get', { orderId: uuid }))!;
    expect(detail.order).toEqual((await serverOrder(uuid)).order);
    expect(detail.history.map((h) => [h.seq, h.action, h.actor.username, h.note])).toEqual([[1, 'dispatch', supB.username, '请尽快处理']]);
    expect(detail.pending).toEqual([]);
    expect(detail.units).toMatchObject({ RC: '任城区人民政府' });
    expect(detail.available).toEqual(expect.arrayContaining(['recall', 'reassign']));
    expect(detail.available).not.toContain('dispatch');
    // by case id too
    expect((await a.call('orders.get', { caseId: detail.caseId }))!.order.id).toBe(uuid);

    // the whole window again from cursor null: same rows, no duplicate entry
    const clientId = a.sync.auth.current()!.clientId;
    a.sync.store.resetCursor(clientId);
    await syncUntilQuiet(a);
    expect(localHistory(a, uuid)).toBe(1);
    expect((await a.call('orders.get', { orderId: uuid }))!.order.version).toBe(1);

    // asked again with its ETag, the unchanged directory answers 304: the cache stays, its time moves
    const orders = a.sync.orders;
    let unchanged = 0;
    const original = orders.unitsUnchanged;
    orders.unitsUnchanged = () => {
      unchanged++;
      original();
    };
    try {
      clock.advance(1000);
      await syncUntilQuiet(a);
    } finally {
      orders.unitsUnchanged = original;
    }
    expect(unchanged).toBe(1);
    expect(await a.call('units.list', {})).toMatchObject({ fetchedAt: clock.t, mayDispatch: true });
    expect((await a.call('units.list', {})).units).toHaveLength(3);
  });

  it('a dispatch taken offline shows at once, survives failed syncs, and once synced the server and the workstation agree; no flip-back, no duplicate entry', async () => {
    const uuid = await newOrder();
    await syncUntilQuiet(a);
    proxy.down = true;
    try {
      const r = await a.call('orders.act', { orderId: uuid, ...dispatchTo('RC') });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.order).toMatchObject({ state: 'pending_sign', version: 1 });
      expect(r.entry).toMatchObject({ seq: 1, action: 'dispatch', actor: { username: supA.username, role: 'supervisor', unitId: null } });
      await a.sync.job!.syncNow();
      expect(a.sync.status().lastError?.code).toBe('network');

      expect((await a.call('orders.queue', { queue: 'pending_dispatch' })).orders.map((o) => o.id)).not.toContain(uuid);
      const signQueue = await a.call('orders.queue', { queue: 'pending_sign' });
      expect(signQueue.orders.find((o) => o.id === uuid)).toMatchObject({ unitCode: 'RC', unitName: '任城区人民政府', pendingSync: true, version: 1 });
      const detail = (await a.call('orders.get', { orderId: uuid }))!;
      expect(detail.pending).toEqual([
        expect.objectContaining({ mutationId: r.mutationId, action: 'dispatch', username: supA.username, note: '请尽快处理', refused: null, acknowledged: false }),
      ]);
      expect(detail.summary.pendingSync).toBe(true);
      expect(detail.history).toEqual([]);
    } finally {
      proxy.down = false;
    }

    watch = uuid;
    steps.length = 0;
    await syncUntilQuiet(a);
    watch = null;
    // acknowledged, then pulled: the screen never went back to 待派单 in between
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps.every((s) => s.state === 'pending_sign')).toBe(true);

    const onServer = await serverOrder(uuid);
    expect(onServer.order.state).toBe('pending_sign');
    expect(onServer.history).toBe(1);
    const detail = (await a.call('orders.get', { orderId: uuid }))!;
    expect(detail.order).toEqual(onServer.order);
    expect(detail.pending).toEqual([]);
    expect(detail.history).toHaveLength(1);
    expect(localHistory(a, uuid)).toBe(1);
    expect(a.store.db.prepare('SELECT count(*) FROM order_acked').pluck().get()).toBe(0);
  });

  it('two supervisors dispatch the same order: one wins, the other gets a Chinese reason in 同步异常 and converges to the server', async () => {
    const uuid = await newOrder();
    await syncUntilQuiet(a);
    await syncUntilQuiet(b);
    // B is offline when it acts, so A's dispatch reaches the server first
    proxyB.down = true;
    expect((await a.call('orders.act', { orderId: uuid, ...dispatchTo('RC') })).ok).toBe(true);
    expect((await b.call('orders.act', { orderId: uuid, ...dispatchTo('SW') })).ok).toBe(true);
    await syncUntilQuiet(a);
    await b.sync.job!.idle();

    // B pulls A's dispatch while its own still waits in the outbox: shown as not applying
    const user = b.sync.auth.current()!;
    const http = createHttpClient({ baseUrl: server.url });
    const page = await http.pull(await b.sync.auth.accessToken(user.username), user.clientId, b.sync.store.cursor(user.clientId), 1000);
    b.sync.store.applyPull(user.clientId, page);
    const between = (await b.call('orders.get', { orderId: uuid }))!;
    expect(between.order.assignments[0]!.unitId).toBe('RC');
    expect(between.pending).toHaveLength(1);
    expect(between.pending[0]!.refused).toMatchObject({ code: 'already_dispatched' });
    expect(between.pending[0]!.refused!.zh).toContain('不能重复派单');
    expect(between.summary.unitCode).toBe('RC');

    proxyB.down = false;
    await syncUntilQuiet(b);
    const rejections = await b.call('sync.rejections', {});
    const mine = rejections.find((r) => r.name === 'order.action')!;
    expect(mine.code).toBe('action_refused');
    expect(mine.reason).toContain(`该工单已由 ${supA.username} 派至「任城区人民政府」`);
    expect(mine.reason).toContain('不能重复派单');
    const detail = (await b.call('orders.get', { orderId: uuid }))!;
    expect(mine.caseId).toBe(detail.caseId);
    expect(mine.localNo).toBe(detail.summary.officialNo);

    const onServer = await serverOrder(uuid);
    expect(onServer.history).toBe(1);
    expect(onServer.order.assignments.map((x) => x.unitId)).toEqual(['RC']);
    expect(detail.order).toEqual(onServer.order);
    expect(detail.pending).toEqual([]);
    expect(localHistory(b, uuid)).toBe(1);
    await syncUntilQuiet(a);
    expect((await a.call('orders.get', { orderId: uuid }))!.order).toEqual(onServer.order);
  });

  it('refuses without queuing: an operator dispatching, a stale version, an unknown unit, an unknown order; a unit cannot sign in here', async () => {
    const uuid = await newOrder();
    await syncUntilQuiet(a);
    const pending = () => op.sync.status().pending + a.sync.status().pending;
    const before = pending();

    expect((await op.call('units.list', {})).mayDispatch).toBe(false);
    const opTry = await op.call('orders.act', { orderId: uuid, ...dispatchTo('RC') });
    expect(opTry).toEqual({ ok: false, refusal: { code: 'role_not_allowed', zh: '话务员无权派单。', en: 'Operators may not dispatch.' } });

    const stale = await a.call('orders.act', { orderId: uuid, ...dispatchTo('RC', 3) });
    expect(stale).toMatchObject({ ok: false, refusal: { code: 'order_changed' } });
    if (!stale.ok) expect(stale.refusal.zh).toContain('工单已被他人处理');

    const unknown = await a.call('orders.act', { orderId: uuid, ...dispatchTo('NOPE') });
    expect(unknown).toMatchObject({ ok: false, refusal: { code: 'unknown_unit' } });
    const bad = await a.call('orders.act', { orderId: uuid, action: 'dispatch', args: {}, expectedVersion: 0 });
    expect(bad).toMatchObject({ ok: false, refusal: { code: 'invalid_args' } });
    const missing = await a.call('orders.act', { orderId: '00000000-0000-4000-8000-000000000000', ...dispatchTo('RC') });
    expect(missing).toMatchObject({ ok: false, refusal: { code: 'order_not_found' } });
    expect(pending()).toBe(before);

    // a unit account works in the portal, never on the desktop
    const username = `unit-${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    await createAccount(server.db, { username, displayName: '任城区', role: 'unit', unitCode: 'RC', password }, { N: 1024, r: 8, p: 1, keyLength: 32 });
    const unitWs = openWorkstation({ file: join(dir, `ws-${++files}.sqlite`), serverUrl: server.url, clock });
    try {
      const login = await unitWs.call('auth.login', { username, password });
      expect(login).toMatchObject({ ok: false, reason: 'unit_account' });
      await expect(unitWs.call('orders.act', { orderId: uuid, ...dispatchTo('RC') })).rejects.toThrow(/unauthorized/);
      await expect(unitWs.call('orders.queue', { queue: 'pending_dispatch' })).rejects.toThrow(/unauthorized/);
    } finally {
      await unitWs.close();
    }
  });

  it('the overdue board counts 临期 and 超期 by unit and drills down to the orders behind each count', async () => {
    const uuid = await newOrder();
    await syncUntilQuiet(a);
    expect((await a.call('orders.act', { orderId: uuid, ...dispatchTo('RC-GH') })).ok).toBe(true);
    await syncUntilQuiet(a);
    const order = (await a.call('orders.get', { orderId: uuid }))!.order;
    const deadline = order.assignments[0]!.deadline.at;
    const saved = clock.t;
    try {
      clock.t = deadline - 60_000; // the last working day: 临期
      const soon = await a.call('orders.board', {});
      expect(soon.rows.find((r) => r.unitCode === 'RC-GH')).toMatchObject({ unitName: '古槐街道办事处', dueSoon: 1, overdue: 0 });
      const drill = await a.call('orders.queue', { queue: 'overdue', unitCode: 'RC-GH', deadlineStatus: 'due_soon' });
      expect(drill.orders.map((o) => o.id)).toEqual([uuid]);
      expect(drill.orders[0]!.deadlineStatus).toBe('due_soon');

      clock.t = deadline + 60_000;
      const late = await a.call('orders.board', {});
      const rc = late.rows.find((r) => r.unitCode === 'RC-GH')!;
      expect(rc).toMatchObject({ dueSoon: 0, overdue: 1 });
      expect(late.totals.overdue).toBe(late.rows.reduce((n, r) => n + r.overdue, 0));
      const overdue = await a.call('orders.queue', { queue: 'overdue', unitCode: 'RC-GH', deadlineStatus: 'overdue' });
      expect(overdue).toMatchObject({ total: 1, orders: [{ id: uuid, deadlineStatus: 'overdue' }] });

    } finally {
      clock.t = saved;
    }
    // a local 改派 (not yet synced) moves the order on the board at once
    proxy.down = true;
    try {
      const moved = await a.call('orders.act', { orderId: uuid, action: 'reassign', args: { leadUnitId: 'SW' }, expectedVersion: 1 });
      expect(moved.ok).toBe(true);
      clock.t = deadline + 60_000;
      const after = await a.call('orders.board', {});
      expect(after.rows.find((r) => r.unitCode === 'RC-GH')).toBeUndefined();
      const sw = after.rows.find((r) => r.unitCode === 'SW')!;
      expect(sw.dueSoon + sw.overdue).toBeGreaterThanOrEqual(1);
      expect((await a.call('orders.queue', { queue: 'pending_sign', unitCode: 'SW' })).orders.map((o) => o.id)).toContain(uuid);
    } finally {
      proxy.down = false;
      clock.t = saved;
    }
    await syncUntilQuiet(a);
    expect((await serverOrder(uuid)).order.assignments[0]!.unitId).toBe('SW');
  });
});

describe('work-order actions under network faults', () => {
  it('lost acknowledgements, duplicated, replayed and cut requests: every action applied once, no duplicate entry, the workstation converges', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await op.log());
    await syncUntilQuiet(op);
    await syncUntilQuiet(a);
    const faults: Fault[] = ['drop_response', 'duplicate', 'replay_later', 'cut_response', 'drop_request', 'delay'];
    proxy.schedule([...faults, ...faults, ...faults]);
    try {
      // two transitions per order, taken one after the other on the local view: 派单 then 改派
      for (const id of ids) {
        expect((await a.call('orders.act', { orderId: id, ...dispatchTo('RC') })).ok).toBe(true);
        expect((await a.call('orders.act', { orderId: id, action: 'reassign', args: { leadUnitId: 'SW' }, expectedVersion: 1 })).ok).toBe(true);
      }
      for (let i = 0; i < 10 && proxy.totalInjected() < faults.length; i++) {
        a.timers.fireAll();
        await a.sync.job!.syncNow();
      }
      await syncUntilQuiet(a);
    } finally {
      proxy.schedule([]);
    }
    expect(proxy.totalInjected()).toBeGreaterThan(0);
    const onServerAll = await Promise.all(ids.map(serverOrder));
    console.log(
      JSON.stringify({
        name: 'order_action_faults',
        actions: ids.length * 2,
        injected: proxy.injected,
        lost: onServerAll.reduce((n, o) => n + Math.max(0, 2 - o.order.version), 0),
        duplicatedEntries: onServerAll.reduce((n, o) => n + Math.max(0, o.history - o.order.version), 0),
      }),
    );
    expect((await a.call('sync.rejections', {})).filter((r) => ids.some((id) => r.caseId === a.store.db.prepare('SELECT id FROM cases WHERE uuid = ?').pluck().get(id)))).toEqual([]);
    for (const id of ids) {
      const onServer = await serverOrder(id);
      expect(onServer.history, id).toBe(2);
      expect(onServer.order).toMatchObject({ state: 'pending_sign', version: 2 });
      const local = (await a.call('orders.get', { orderId: id }))!;
      expect(local.order).toEqual(onServer.order);
      expect(local.history.map((h) => h.seq)).toEqual([1, 2]);
      expect(local.pending).toEqual([]);
    }
    expect(a.store.db.prepare('SELECT count(*) FROM order_acked').pluck().get()).toBe(0);
  });
});

describe('回访 under network faults', () => {
  it('follow-ups taken offline-ish through lost, duplicated, replayed and cut requests: each applied once, 重办 and 办结 as decided, the workstation converges', async () => {
    // a unit account answers through the server's API (what its portal sends)
    const username = `rc-fu-${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    await createAccount(server.db, { username, displayName: '任城区', role: 'unit', unitCode: 'RC', password }, { N: 1024, r: 8, p: 1, keyLength: 32 });
    const call = async (token: string | null, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.status, `${method} ${path}`).toBe(200);
      return (await res.json()) as { accessToken: string; order: WorkOrder };
    };
    const unit = (await call(null, 'POST', '/api/login', { username, password })).accessToken;

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await op.log());
    await syncUntilQuiet(op);
    await syncUntilQuiet(a);
    for (const id of ids) expect((await a.call('orders.act', { orderId: id, ...dispatchTo('RC') })).ok).toBe(true);
    await syncUntilQuiet(a);
    for (const id of ids) {
      await call(unit, 'POST', `/api/orders/${id}/actions`, { action: 'sign', args: {}, expectedVersion: 1 });
      await call(unit, 'POST', `/api/orders/${id}/actions`, { action: 'reply', args: { content: '已处理完毕并答复来电人。', result: 'solved', contactedCaller: true }, expectedVersion: 2 });
    }
    await syncUntilQuiet(a);
    for (const id of ids) expect((await a.call('orders.act', { orderId: id, action: 'review', args: { decision: 'accept' }, expectedVersion: 3 })).ok).toBe(true);
    await syncUntilQuiet(a);
    expect((await a.call('orders.queue', { queue: 'pending_follow_up' })).orders.map((o) => o.id).filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());

    const faults: Fault[] = ['drop_response', 'duplicate', 'replay_later', 'cut_response', 'drop_request', 'delay'];
    proxy.schedule([...faults, ...faults]);
    const outcomes = [
      { outcome: 'reached', solved: true, satisfaction: 'satisfied', note: '' }, // 办结
      { outcome: 'reached', solved: false, satisfaction: 'unsatisfied', note: '问题仍在' }, // 重办
      { outcome: 'not_reached', note: '无人接听' }, // retried later
    ];
    try {
      for (const [i, id] of ids.entries()) {
        const r = await a.call('orders.act', { orderId: id, action: 'follow_up', args: outcomes[i]!, expectedVersion: 4 });
        expect(r.ok, JSON.stringify(r)).toBe(true);
      }
      // the local view at once: the order left the due queue (closed, 重办, or due again later)
      const due = (await a.call('orders.queue', { queue: 'pending_follow_up' })).orders.filter((o) => ids.includes(o.id) && (o.followUpDue ?? 0) <= clock.now());
      expect(due).toEqual([]);
      for (let i = 0; i < 10 && proxy.totalInjected() < faults.length; i++) {
        a.timers.fireAll();
        await a.sync.job!.syncNow();
      }
      await syncUntilQuiet(a);
    } finally {
      proxy.schedule([]);
    }
    expect(proxy.totalInjected()).toBeGreaterThan(0);
    const states = [];
    for (const id of ids) {
      const onServer = await serverOrder(id);
      expect(onServer.history, id).toBe(5);
      expect(onServer.order.version).toBe(5);
      states.push(onServer.order.state);
      const local = (await a.call('orders.get', { orderId: id }))!;
      expect(local.order).toEqual(onServer.order);
      expect(local.history.filter((h) => h.action === 'follow_up')).toHaveLength(1);
      expect(local.pending).toEqual([]);
    }
    expect(states).toEqual(['closed', 'pending_sign', 'pending_follow_up']);
    expect((await serverOrder(ids[2]!)).order.followUp).toMatchObject({ attempts: 1, lastOutcome: 'not_reached' });
  });
});

describe('work orders when the server lets operators dispatch', () => {
  it('tells the workstation (GET /api/units workflow), and the operator may dispatch', async () => {
    const own = new Clock();
    const s = await startTestServer(own, { workOrders: { settings: { operatorMayDispatch: true } } });
    const { dir: d2, cleanup: c2 } = tempDir('hotline-orders-op-');
    const ws = openWorkstation({ file: join(d2, 'op.sqlite'), serverUrl: s.url, clock: own });
    try {
      await s.db.query(`INSERT INTO units (code, name, kind, parent_code) VALUES ('RC', '任城区人民政府', 'district', NULL)`);
      expect(await ws.call('units.list', {})).toEqual({ units: [], fetchedAt: null, mayDispatch: false, followUp: { ...DEFAULT_FOLLOW_UP_SETTINGS, satisfiedLevels: [...DEFAULT_FOLLOW_UP_SETTINGS.satisfiedLevels] } }); // nobody signed in, nothing fetched
      expect((await ws.call('auth.login', await s.account())).ok).toBe(true);
      const uuid = await ws.log();
      await syncUntilQuiet(ws);
      expect((await ws.call('units.list', {})).mayDispatch).toBe(true);
      const r = await ws.call('orders.act', { orderId: uuid, ...dispatchTo('RC') });
      expect(r.ok).toBe(true);
      await syncUntilQuiet(ws);
      expect(await ws.call('sync.rejections', {})).toEqual([]);
      expect((await ws.call('orders.get', { orderId: uuid }))!.order.state).toBe('pending_sign');
    } finally {
      await ws.close();
      await s.close();
      c2();
    }
  });
});
