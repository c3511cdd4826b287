/**
 * The month report on the central server, `npm run bench -- reports [options]`. JSON lines:
 *   {"name":"month_report","db","orders_per_year":750000,"p95_ms","scan_p95_ms","identical"}
 *      the indicators of one month (with their by-channel split) from the daily rollup (p95_ms,
 *      target ≤ 500 ms; ≤ 2 s at 5,000,000 a year) and, in the same run, by the full scan of the
 *      live rows (scan_p95_ms); "identical" says the two gave the same numbers.
 * A year of cases (2025-12-01 … 2026-11-30) is generated with SQL straight into cases,
 * work_orders and order_history (40 % forwarded; of those 3 % returned once, 99 % of the
 * completed on time), then counted into report_facts / report_daily by the same SQL the server
 * runs on every write (in chunks). The month reported is 2026-10.
 *
 * Options: --orders-per-year N[,N…] (750000,5000000), --runs N (rollup timings, 30),
 * --scan-runs N (5), --pglite (the embedded database instead of DATABASE_URL's PostgreSQL),
 * --keep-schema.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Db } from '../src/server/db/adapter';
import { migrate } from '../src/server/db/migrations';
import { openDatabase } from '../src/server/db/open';
import { insertFacts } from '../src/server/reports/facts';
import { indicators } from '../src/server/reports/service';
import { percentiles, printLine } from './stats';

const NOW = Date.parse('2026-11-30T10:00:00+08:00');
const YEAR_START = Date.parse('2025-12-01T00:00:00+08:00');
const YEAR_MS = NOW - YEAR_START;
const MONTH = { from: '2026-10-01', to: '2026-10-31' };

async function generate(db: Db, n: number, log: (s: string) => void): Promise<void> {
  await migrate(db);
  const [acc] = await db.query<{ id: number }>(
    "INSERT INTO accounts (username, display_name, role, password_hash) VALUES ('bench-op', 'bench', 'operator', 'x') RETURNING id",
  );
  await db.query(`INSERT INTO units (code, name, kind) SELECT 'U' || lpad(i::text, 3, '0'), '单位 ' || i, 'department' FROM generate_series(1, 120) i`);
  const chunk = 250_000;
  for (let lo = 1; lo <= n; lo += chunk) {
    const hi = Math.min(n, lo + chunk - 1);
    const t0 = performance.now();
    await db.query(
      `INSERT INTO cases (uuid, official_no, local_no, workstation, phone, phone_ext, caller_name, channel, request_type,
         category_code, region_code, address, content, answer, urgency, handling_mode, status, confidential, operator,
         created_at, account_id, origin_client_id, origin_mutation_id, version, valid)
       SELECT gen_random_uuid(), 'JN' || lpad(i::text, 10, '0'), 'W001-' || i, 'W001', '139' || lpad((i % 100000000)::text, 8, '0'), '',
         '王女士',
         (ARRAY['hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline',
                'hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline','hotline',
                'hotline','hotline','hotline','hotline','hotline','mayor_mailbox','wechat','website'])[1 + (i * 7) % 32],
         'complaint',
         'C' || lpad((1 + (i * 13) % 16)::text, 2, '0') || lpad((1 + (i * 7) % 5)::text, 2, '0'),
         (ARRAY['370811','370812','370881','370883','370826','370827','370828','370829','370830','370831','370832','370871','370872','370873'])[1 + (i * 11) % 14]
           || lpad((1 + (i * 3) % 6)::text, 3, '0'),
         '任城区 古槐路 12 号', '小区楼下夜间施工噪音扰民，希望有关部门尽快处理。', '', 'normal',
         CASE WHEN i % 5 < 2 THEN 'dispatch' ELSE 'direct' END, 'closed', false, 'bench',
         $2::bigint + ((i::bigint * $3::bigint) / $1::bigint), $4, 'bench', i, i, i % 20 <> 0
       FROM generate_series($5::int, $6::int) i`,
      [n, YEAR_START, YEAR_MS, acc!.id, lo, hi],
    );
    // 转办 orders: dispatched 30 min after logging, signed within 2 h (sign by 4 h), due 5 days on,
    // 98 % completed (99 % of them on time), the last days' still open
    await db.query(
      `INSERT INTO work_orders (case_id, snapshot, state, version, unit_code, lead_unit_code, deadline, warn_at, sign_by, updated_version)
       SELECT c.id, jsonb_build_object('id', c.uuid::text, 'version', 4, 'state', g.state, 'urgency', 'normal', 'categoryCode', c.category_code,
           'assignments', jsonb_build_array(jsonb_build_object('level', 0, 'unitId', g.unit, 'coUnitIds', '[]'::jsonb,
              'dispatchedAt', c.created_at + 1800000, 'dispatchedBy', 'sup01', 'dispatchedByUnitId', null,
              'signBy', c.created_at + 14400000, 'returnBy', c.created_at + 86400000,
              'deadline', jsonb_build_object('at', g.due, 'basis', 'working_days'),
              'signedAt', c.created_at + 1800000 + (c.id % 9) * 1000000, 'extendedWorkingDays', 0)),
           'extensionRequest', null, 'reply', null,
           'completion', CASE WHEN g.state = 'closed' THEN jsonb_build_object('unitId', g.unit, 'repliedAt', g.replied,
              'acceptedAt', g.replied + 7200000, 'deadlineAtReply', g.due, 'onTime', g.replied <= g.due) ELSE null END,
           'returnedFrom', null),
         g.state, 4, g.unit, g.unit, g.due, g.due - 86400000, c.created_at + 14400000, c.version
       FROM cases c
       CROSS JOIN LATERAL (SELECT CASE WHEN c.created_at + 4 * 86400000 > $1 OR c.id % 50 = 0 THEN 'in_progress' ELSE 'closed' END AS state,
                                  'U' || lpad((1 + (c.id * 17) % 120)::text, 3, '0') AS unit,
                                  c.created_at + 5 * 86400000 AS due,
                                  c.created_at + CASE WHEN c.id % 100 = 7 THEN 6 ELSE 3 END * 86400000 AS replied) g
       WHERE c.id BETWEEN $2 AND $3 AND c.handling_mode = 'dispatch'`,
      [NOW, lo, hi],
    );
    await db.query(
      `INSERT INTO order_history (case_id, seq, entry, at)
       SELECT w.case_id, s.seq, jsonb_build_object('orderId', w.case_id::text, 'seq', s.seq, 'action', s.action,
                'actor', jsonb_build_object('username', 'u', 'role', s.role, 'unitId', s.unit), 'at', c.created_at + s.seq * 600000,
                'fromState', 'pending_dispatch', 'toState', 'pending_sign', 'note', '', 'details', '{}'::jsonb),
              c.created_at + s.seq * 600000
       FROM work_orders w JOIN cases c ON c.id = w.case_id
       CROSS JOIN LATERAL (VALUES (1, 'dispatch', 'supervisor', null), (2, 'return', 'unit', 'U001'), (3, 'dispatch', 'supervisor', null)) s(seq, action, role, unit)
       WHERE w.case_id BETWEEN $1 AND $2 AND w.case_id % 33 = 1`,
      [lo, hi],
    );
    await db.transaction((tx) => insertFacts(tx, 'c.id BETWEEN $1 AND $2', [lo, hi]));
    log(`generated ${hi}/${n} cases (${Math.round(performance.now() - t0)} ms for the chunk)`);
  }
  await db.exec('ANALYZE');
}

async function measure(db: Db, n: number, runs: number, scanRuns: number): Promise<void> {
  const opts = { now: NOW };
  const rolled: number[] = [];
  let first: unknown = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await indicators(db, MONTH, opts);
    rolled.push(performance.now() - t0);
    first ??= r;
  }
  const scanned: number[] = [];
  let scan: unknown = null;
  for (let i = 0; i < scanRuns; i++) {
    const t0 = performance.now();
    scan = await indicators(db, MONTH, { ...opts, source: 'scan' });
    scanned.push(performance.now() - t0);
  }
  printLine({
    name: 'month_report',
    db: db.kind,
    orders_per_year: n,
    p95_ms: percentiles(rolled).p95_ms,
    scan_p95_ms: percentiles(scanned).p95_ms,
    identical: JSON.stringify(first) === JSON.stringify(scan),
    received: (first as { received: number }).received,
  });
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'orders-per-year': { type: 'string', default: '750000,5000000' },
      runs: { type: 'string', default: '30' },
      'scan-runs': { type: 'string', default: '5' },
      pglite: { type: 'boolean', default: false },
      'keep-schema': { type: 'boolean', default: false },
    },
  });
  const sizes = values['orders-per-year'].split(',').map((s) => Number(s.replaceAll('_', '')));
  if (sizes.some((s) => !Number.isInteger(s) || s < 1000)) throw new Error('--orders-per-year: whole numbers ≥ 1000, comma-separated');
  const runs = Number(values.runs);
  const scanRuns = Number(values['scan-runs']);
  const log = (s: string) => process.stderr.write(`bench reports: ${s}\n`);
  const databaseUrl = process.env.DATABASE_URL;
  for (const n of sizes) {
    if (values.pglite || !databaseUrl) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
      const db = await openDatabase({ dataDir: dir });
      try {
        await generate(db, n, log);
        await measure(db, n, runs, scanRuns);
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
      continue;
    }
    const schema = `bench_reports_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      const db = await openDatabase({ databaseUrl, searchPath: schema });
      try {
        await generate(db, n, log);
        await measure(db, n, runs, scanRuns);
      } finally {
        await db.close();
      }
    } finally {
      if (values['keep-schema']) log(`schema ${schema} kept`);
      else await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  }
}
