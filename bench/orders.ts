/**
 * Work-order benchmarks on the central server, `npm run bench -- orders [options]`. JSON lines:
 *   {"name":"overdue_board","db","orders":1000000,"open":50000,"p95_ms"}   临期/超期 per unit (target ≤ 50 ms on PostgreSQL)
 *   {"name":"unit_queue","db","orders","open","p95_ms"}                    a unit's 办理中 queue, 100 rows (target ≤ 20 ms)
 *   {"name":"follow_up_queue","db","orders","follow_ups","p95_ms"}        the centre's 待回访 queue, 50 rows, due first
 *                                                                          (an operator's view; target ≤ 20 ms)
 *   {"name":"transition_push","db","n":10000,"total_ms"}                   10,000 'order.action' dispatches pushed in
 *                                                                          batches of 1,000 through the real push (target ≤ 5 s)
 * The orders are generated with SQL (generate_series) straight into cases and work_orders, not
 * through the API: `open` of them at a unit (待签收/办理中, deadlines spread from 3 days ago to 10
 * days ahead over `units` units), `n` waiting in 待派单 for transition_push, the rest closed.
 *
 * Options: --orders N (1,000,000), --open N (50,000), --units N (200), --transitions N (10,000),
 * --follow-ups N (20,000 in 待回访),
 * --runs N (queries timed per line, 100), --pglite (also on the embedded database; by default
 * PostgreSQL when DATABASE_URL is set, else PGlite alone), --keep-schema (leave the PostgreSQL
 * schema for EXPLAIN).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createAccount } from '../src/server/accounts/service';
import { buildServer } from '../src/server/app';
import { resolveConfig } from '../src/server/config';
import type { Db } from '../src/server/db/adapter';
import { migrate } from '../src/server/db/migrations';
import { openDatabase } from '../src/server/db/open';
import { overdueBoard, readQueue } from '../src/server/workorders/views';
import { SYNC_SCHEMA_VERSION } from '../src/shared/sync';
import { percentiles, printLine } from './stats';

interface Options {
  orders: number;
  open: number;
  units: number;
  transitions: number;
  runs: number;
  /** orders waiting in 待回访 (taken from the closed ones) */
  followUps: number;
}

/** 2026-11-27 10:00 in Jining: inside chinese-days' data, whatever day the benchmark runs. */
const NOW = Date.parse('2026-11-27T02:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const unitCode = (i: number) => `U${String(i).padStart(4, '0')}`;

async function generate(db: Db, o: Options): Promise<void> {
  await migrate(db);
  const [acc] = await db.query<{ id: number }>(
    "INSERT INTO accounts (username, display_name, role, password_hash) VALUES ('bench-op', 'bench', 'operator', 'x') RETURNING id",
  );
  await db.query(
    `INSERT INTO units (code, name, kind) SELECT 'U' || lpad(i::text, 4, '0'), '单位 ' || i, 'department' FROM generate_series(1, $1) i`,
    [o.units],
  );
  const started = performance.now();
  // cases: 1..open at a unit, open+1..open+transitions waiting in 待派单, the rest closed
  await db.query(
    `INSERT INTO cases (uuid, official_no, local_no, workstation, phone, phone_ext, caller_name, channel, request_type,
       category_code, region_code, address, content, answer, urgency, handling_mode, status, confidential, operator,
       created_at, account_id, origin_client_id, origin_mutation_id, version)
     SELECT gen_random_uuid(), 'JN' || lpad(i::text, 9, '0'), 'W001-' || i, 'W001', '139' || lpad((i % 100000000)::text, 8, '0'), '',
       '王女士', 'hotline', 'complaint', '0501', '370811', '任城区 古槐路 12 号', '小区楼下夜间施工噪音扰民，希望有关部门尽快处理。', '',
       'normal', 'dispatch',
       CASE WHEN i <= $2 THEN 'in_progress' WHEN i <= $2 + $3 THEN 'pending_dispatch' ELSE 'closed' END,
       i % 20 = 0, 'bench', $4::bigint - (($1::bigint - i) * 60000), $5, 'bench', i, i
     FROM generate_series(1, $1) i`,
    [o.orders, o.open, o.transitions, NOW, acc!.id],
  );
  // work orders: deadline and its warning point (1 day before) from the derived columns' point of view
  await db.query(
    `INSERT INTO work_orders (case_id, snapshot, state, version, unit_code, lead_unit_code, deadline, warn_at, sign_by,
       extension_requested, updated_version)
     SELECT c.id,
       CASE WHEN g.state = 'pending_dispatch' THEN
         jsonb_build_object('id', c.uuid::text, 'version', 0, 'state', 'pending_dispatch', 'urgency', 'normal', 'categoryCode', '0501',
           'assignments', '[]'::jsonb, 'extensionRequest', null, 'reply', null, 'completion', null, 'returnedFrom', null)
       ELSE
         jsonb_build_object('id', c.uuid::text, 'version', g.v, 'state', g.state, 'urgency', 'normal', 'categoryCode', '0501',
           'assignments', jsonb_build_array(jsonb_build_object('level', 0, 'unitId', g.unit, 'coUnitIds', '[]'::jsonb,
             'dispatchedAt', g.deadline - 7 * ${DAY}::bigint, 'dispatchedBy', 'bench-sup', 'dispatchedByUnitId', null,
             'signBy', g.deadline - 6 * ${DAY}::bigint, 'returnBy', g.deadline - 5 * ${DAY}::bigint,
             'deadline', jsonb_build_object('at', g.deadline, 'basis', 'working_days'),
             'signedAt', CASE WHEN g.state = 'pending_sign' THEN null ELSE g.deadline - 6 * ${DAY}::bigint END, 'extendedWorkingDays', 0)),
           'extensionRequest', null, 'reply', null, 'completion', null, 'returnedFrom', null)
       END,
       g.state, g.v, g.unit, g.unit, g.deadline, g.deadline - ${DAY}::bigint, g.deadline - 6 * ${DAY}::bigint, false, c.version
     FROM cases c
     CROSS JOIN LATERAL (
       SELECT CASE WHEN c.id <= $1 THEN (CASE WHEN c.id % 3 = 0 THEN 'pending_sign' ELSE 'in_progress' END)
                   WHEN c.id <= $1 + $2 THEN 'pending_dispatch' ELSE 'closed' END AS state,
              CASE WHEN c.id <= $1 THEN (CASE WHEN c.id % 3 = 0 THEN 1 ELSE 2 END) WHEN c.id <= $1 + $2 THEN 0 ELSE 5 END AS v,
              CASE WHEN c.id <= $1 + $2 AND c.id > $1 THEN NULL ELSE 'U' || lpad((1 + c.id % $3)::text, 4, '0') END AS unit,
              CASE WHEN c.id <= $1 + $2 AND c.id > $1 THEN NULL
                   WHEN c.id <= $1 THEN $4::bigint - 3 * ${DAY}::bigint + (c.id * 7919 % 1000) * (13 * ${DAY}::bigint / 1000)
                   ELSE $4::bigint - 30 * ${DAY}::bigint - c.id * 1000 END AS deadline
     ) g`,
    [o.open, o.transitions, o.units, NOW],
  );
  // 待回访: `followUps` of the closed orders accepted in the last days, one in ten not reached
  // once and due again tomorrow (follow_up_due as service.ts derives it)
  await db.query(
    `UPDATE work_orders w SET state = 'pending_follow_up', deadline = NULL, warn_at = NULL,
       follow_up_due = CASE WHEN w.case_id % 10 = 0 THEN $3::bigint + ${DAY}::bigint ELSE $3::bigint - (w.case_id % 5000) * 60000 END
     WHERE w.case_id IN (SELECT id FROM cases WHERE id > $1 ORDER BY id DESC LIMIT $2)`,
    [o.open + o.transitions, o.followUps, NOW],
  );
  await db.query('UPDATE sync_head SET version = $1', [o.orders]);
  // as autovacuum would have: statistics, and the visibility map for index-only scans
  await db.exec('VACUUM ANALYZE cases');
  await db.exec('VACUUM ANALYZE work_orders');
  await db.exec('ANALYZE units');
  console.error(`orders: generated ${o.orders} orders on ${db.kind} in ${Math.round(performance.now() - started)} ms`);
}

async function timeRuns(runs: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(5, runs); i++) await fn(i); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

async function measure(db: Db, o: Options): Promise<void> {
  await generate(db, o);
  const config = resolveConfig();

  // the board: a little later each run, so no two runs ask the same question
  const board = await timeRuns(o.runs, (i) => overdueBoard(db, NOW + i * 60_000));
  const rows = await overdueBoard(db, NOW);
  if (o.open > 0 && rows.length === 0) throw new Error('overdue_board: no unit has 临期 or 超期 orders: the data is wrong');
  printLine({ name: 'overdue_board', db: db.kind, orders: o.orders, open: o.open, p95_ms: percentiles(board).p95_ms });

  const queue = await timeRuns(o.runs, (i) =>
    readQueue(db, { username: 'bench-unit', role: 'unit', unitId: unitCode(1 + ((i * 37) % o.units)) }, 'in_progress', 100, config.workOrders, NOW),
  );
  const sample = await readQueue(db, { username: 'bench-unit', role: 'unit', unitId: unitCode(1) }, 'in_progress', 100, config.workOrders, NOW);
  if (o.open > 3 * o.units && sample.orders.length === 0) throw new Error('unit_queue: the queue is empty: the data is wrong');
  printLine({ name: 'unit_queue', db: db.kind, orders: o.orders, open: o.open, p95_ms: percentiles(queue).p95_ms });

  const operator = { username: 'bench-op', role: 'operator', unitId: null } as const;
  const followUps = await timeRuns(o.runs, (i) => readQueue(db, operator, 'pending_follow_up', 50, config.workOrders, NOW + i * 60_000));
  const fu = await readQueue(db, operator, 'pending_follow_up', 50, config.workOrders, NOW);
  if (o.followUps > 0 && (fu.orders.length === 0 || fu.orders.some((r) => (r.followUpDue ?? Infinity) > NOW))) {
    throw new Error('follow_up_queue: the first page should be orders due now: the data or the ordering is wrong');
  }
  printLine({ name: 'follow_up_queue', db: db.kind, orders: o.orders, follow_ups: o.followUps, p95_ms: percentiles(followUps).p95_ms });

  // transition_push: a supervisor's workstation pushes n dispatches, 1,000 per request
  const app = await buildServer({ db, config: { scrypt: { N: 1024 } }, now: () => NOW });
  try {
    const username = `bench-sup-${randomBytes(3).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await createAccount(db, { username, displayName: username, role: 'supervisor', password }, { N: 1024, r: 8, p: 1, keyLength: 32 });
    const call = async (url: string, body: unknown, token?: string) => {
      const res = await app.inject({
        method: 'POST',
        url,
        payload: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return JSON.parse(res.body) as Record<string, unknown>;
    };
    const { accessToken } = (await call('/api/login', { username, password })) as { accessToken: string };
    const clientId = `bench-${randomBytes(6).toString('hex')}`;
    await call('/api/clients/register', { schemaVersion: SYNC_SCHEMA_VERSION, clientId }, accessToken);
    const pending = await db.query<{ uuid: string }>(
      "SELECT c.uuid::text AS uuid FROM work_orders w JOIN cases c ON c.id = w.case_id WHERE w.state = 'pending_dispatch' ORDER BY w.case_id LIMIT $1",
      [o.transitions],
    );
    const bodies: string[] = [];
    for (let first = 0; first < pending.length; first += 1000) {
      const mutations = pending.slice(first, first + 1000).map((p, k) => ({
        id: first + k + 1,
        name: 'order.action',
        args: { orderId: p.uuid, action: 'dispatch', args: { leadUnitId: unitCode(1 + ((first + k) % o.units)) }, at: NOW - 1000 },
      }));
      bodies.push(JSON.stringify({ schemaVersion: SYNC_SCHEMA_VERSION, clientId, mutations }));
    }
    const started = performance.now();
    let rejected = 0;
    for (const body of bodies) rejected += ((await call('/api/push', body, accessToken)).rejections as unknown[]).length;
    const totalMs = performance.now() - started;
    if (rejected > 0) throw new Error(`transition_push: ${rejected} dispatches were refused`);
    const [h] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM order_history');
    if (h!.n !== pending.length) throw new Error(`transition_push: ${h!.n} history entries for ${pending.length} dispatches`);
    printLine({ name: 'transition_push', db: db.kind, n: pending.length, total_ms: Math.round(totalMs) });
  } finally {
    await app.close();
  }
}

async function onPglite(o: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-orders-'));
  const db = await openDatabase({ dataDir: dir });
  try {
    await measure(db, o);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(databaseUrl: string, o: Options, keep: boolean): Promise<void> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const db = await openDatabase({ databaseUrl, searchPath: schema });
    try {
      await measure(db, o);
    } finally {
      await db.close();
    }
  } finally {
    if (keep) console.error(`orders: kept the schema ${schema} (drop it yourself)`);
    else await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      orders: { type: 'string' },
      open: { type: 'string' },
      units: { type: 'string' },
      transitions: { type: 'string' },
      'follow-ups': { type: 'string' },
      runs: { type: 'string' },
      pglite: { type: 'boolean', default: false },
      'keep-schema': { type: 'boolean', default: false },
    },
  });
  const num = (name: string, v: string | undefined, dflt: number) => {
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v)) throw new Error(`orders: --${name} expects a whole number, got "${v}"`);
    return Number(v);
  };
  const orders = num('orders', values.orders, 1_000_000);
  const o: Options = {
    orders,
    open: Math.min(num('open', values.open, 50_000), orders),
    units: Math.max(1, num('units', values.units, 200)),
    transitions: 0,
    runs: Math.max(1, num('runs', values.runs, 100)),
    followUps: 0,
  };
  o.transitions = Math.min(num('transitions', values.transitions, 10_000), orders - o.open);
  o.followUps = Math.min(num('follow-ups', values['follow-ups'], 20_000), orders - o.open - o.transitions);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || values.pglite) await onPglite(o);
  if (databaseUrl) await onPostgres(databaseUrl, o, values['keep-schema']);
  else console.error('orders: PostgreSQL skipped because DATABASE_URL is not set');
}
