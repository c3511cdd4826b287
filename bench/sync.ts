/**
 * npm run bench -- sync [--cases 1000000] [--push 10000] [--no-ingest]
 * npm run bench -- sync --orders [--cases 100000,200000] [--cpu-prof-pull]
 * npm run bench -- sync --snapshot [--orders] [--cases 200000,1000000] [--db pglite|postgres] [--mode snapshot|pages]
 *
 * The workstation's side of sync against a real server running in its own process, over HTTP
 * on 127.0.0.1:
 *   {"name":"sync_push_10k","n":10000,"total_ms"}       10,000 cases logged offline, then pushed
 *                                                        until the outbox is empty (target ≤ 5 s)
 *   {"name":"sync_initial_pull","n":1000000,"total_ms"} a fresh workstation pulls the centre's
 *                                                        1,000,000 cases into its store (≤ 30 s)
 *   {"name":"local_bulk_build","n":1000000,"total_ms"}  the floor: the same cases written by the
 *                                                        workstation's own bulk loader (store/bulk.ts)
 * each against the embedded server (db "pglite") and, with DATABASE_URL, a PostgreSQL one (db
 * "postgres"); then bench/sync-server.ts's server_ingest line(s).
 *
 * Setup is not timed: the server's cases for the pull are written with SQL directly, and the
 * 10,000 offline intakes are saved inside one transaction. The timed parts run the production
 * code (sync job, HTTP client, store) with its default settings.
 *
 * With --orders, only the first pull, of a server filled by the demo seed (src/server/seed: ~40 %
 * of the cases are work orders with ~4 history entries each) and, as the baseline in the same
 * run, of the same number of plain cases:
 *   {"name":"sync_initial_pull","db","cases","orders","history","seconds","cases_per_s"}
 * (orders 0 and history 0 on the baseline line), for each of the comma-separated --cases.
 *
 * With --snapshot (and optionally --orders), for each of the comma-separated --cases: the floor
 * (local_bulk_build), then per database the snapshot's build and the first sync both ways, side by side:
 *   {"name":"snapshot_build","db","cases","orders","history","seconds","bytes"}
 *   {"name":"sync_initial_pull","db","cases","orders","history","mode":"pages","seconds",…}
 *   {"name":"sync_initial_pull","db","cases","orders","history","mode":"snapshot","seconds","bytes","download_and_install_ms",
 *    "download_ms","check_ms","install_ms","before_ms","after_ms","sign_in_ms",…}
 * where "seconds" runs from the operator signed in to the job idle with every case held (the
 * sign-in itself, the server's scrypt, is "sign_in_ms" and comes first either way).
 *
 * `tsx bench/sync.ts --serve …` is the server process this benchmark starts.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openBulkLoader } from '../src/main/store/bulk';
import { openStore } from '../src/main/store/store';
import { readTaxonomyFiles } from '../src/main/store/taxonomy-file';
import { DEFAULT_TAXONOMY_DIR } from '../src/main/seed/generate';
import { Rng } from '../src/main/seed/random';
import { STORE_FILE } from '../src/main/store/paths';
import { startSync } from '../src/main/sync/service';
import type { SyncJobOptions } from '../src/main/sync/job';
import { buildSnapshot } from '../src/main/sync/snapshot-build';
import { IN_WINDOW, pullForSnapshot } from '../src/server/sync/pull';
import { DEFAULT_CONFIG } from '../src/server/config';
import { ensureSetting } from '../src/server/db/settings';
import { buildServer } from '../src/server/app';
import { createAccount } from '../src/server/accounts/service';
import { migrate } from '../src/server/db/migrations';
import { openDatabase } from '../src/server/db/open';
import type { Db } from '../src/server/db/adapter';
import { IntakeInput } from '../src/shared/schemas';
import { printLine } from './stats';
import { serverIngest } from './sync-server';
import { seedCentral } from '../scripts/seed-server';

const DAY = 86_400_000;

/**
 * The server's cases for the initial pull, written directly: n cases, each with its first
 * contact, versioned after whatever the database holds (the e2e tests seed a used server too).
 */
export async function seedServer(db: Db, n: number, accountId: number): Promise<void> {
  const now = Date.now();
  const [{ head } = { head: 0 }] = await db.query<{ head: number }>('SELECT version AS head FROM sync_head');
  await db.query("INSERT INTO clients (client_id, account_id, last_mutation_id) VALUES ('bench-seed-client', $1, $2)", [accountId, n]);
  const chunk = 100_000;
  for (let first = 1; first <= n; first += chunk) {
    const last = Math.min(n, first + chunk - 1);
    // 200,000 distinct callers, so caller profiles repeat as on a real floor; all within the window
    await db.query(
      `INSERT INTO cases (uuid, official_no, local_no, workstation, phone, phone_ext, caller_name, channel, request_type,
         category_code, region_code, address, content, answer, urgency, handling_mode, status, confidential, operator,
         created_at, account_id, origin_client_id, origin_mutation_id, version)
       SELECT gen_random_uuid(), 'JN' || lpad(i::text, 12, '0'), 'W' || lpad((i % 90 + 1)::text, 3, '0') || '-' || lpad(i::text, 10, '0'),
         'W' || lpad((i % 90 + 1)::text, 3, '0'), '139' || lpad((i % 200000)::text, 8, '0'), '',
         CASE WHEN i % 3 = 0 THEN '' ELSE '李女士' END, 'hotline', 'complaint', 'C0201', '370811001',
         '任城区古槐街道阳光花园' || (i % 40) || '号楼',
         '第' || i || '次反映小区供暖不热，室温只有十四度，希望供热公司尽快上门检查处理。', '',
         'normal', 'dispatch', 'pending_dispatch', false, 'op' || (i % 90),
         $1::bigint - (i % 300) * ${DAY}::bigint, $2, 'bench-seed-client', i, $5::bigint + i
       FROM generate_series($3::bigint, $4::bigint) AS i`,
      [now, accountId, first, last, head],
    );
  }
  await db.query(
    `INSERT INTO contacts (uuid, case_id, phone, phone_ext, caller_name, channel, request_type, content, operator, created_at)
     SELECT gen_random_uuid(), id, phone, '', caller_name, channel, request_type, content, operator, created_at
     FROM cases WHERE origin_client_id = 'bench-seed-client'`,
  );
  await db.query('UPDATE sync_head SET version = $1', [head + n]);
  await db.exec('ANALYZE');
}

/** Server mode: open (and seed) the database, create the bench account, listen, print how to reach it. */
async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      serve: { type: 'boolean' },
      data: { type: 'string' },
      schema: { type: 'string' },
      seed: { type: 'string', default: '0' },
      'seed-orders': { type: 'boolean', default: false },
      'snapshot-dir': { type: 'string' },
    },
  });
  // PostgreSQL when the parent passed a schema (DATABASE_URL is inherited), else embedded in the data folder
  const db = values.schema
    ? await openDatabase({ databaseUrl: process.env.DATABASE_URL, searchPath: values.schema })
    : await openDatabase({ dataDir: values.data });
  await migrate(db);
  const username = `bench-${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const account = await createAccount(db, { username, displayName: username, role: 'operator', password }, { N: 1024, r: 8, p: 1, keyLength: 32 });
  const started = performance.now();
  const n = Number(values.seed);
  if (n > 0 && values['seed-orders']) {
    // the demo floor's loader: generated cases, ~40 % of them work orders with their histories.
    // At its usual 2,100 calls a day, 1,000,000 cases span 476 days, and a workstation's window
    // (365 days) holds only 84 % of them: so many a day that they all fall inside it
    await seedCentral({ db, cases: n, perDay: Math.max(2_100, Math.ceil(n / 250)) });
    await db.exec('ANALYZE');
  } else if (n > 0) {
    await seedServer(db, n, account.id);
  }
  const seedMs = Math.round(performance.now() - started);
  // what a new workstation's first sync is to receive: the window, counted here as pull reads it
  const [window] = await db.query<{ cases: number; orders: number; history: number }>(
    `WITH w AS (SELECT c.id FROM cases c WHERE ${IN_WINDOW.replaceAll('$2', '$1')})
     SELECT (SELECT count(*)::int FROM w) AS cases,
       (SELECT count(*)::int FROM work_orders o JOIN w ON w.id = o.case_id) AS orders,
       (SELECT count(*)::int FROM order_history h JOIN w ON w.id = h.case_id) AS history`,
    [Date.now() - DEFAULT_CONFIG.windowDays * 24 * 60 * 60 * 1000],
  );
  const { cases, orders, history } = window!;
  // the first-sync snapshot, built as `npm run snapshot` builds it (offline, on the server's side)
  let snapshot: Record<string, unknown> | null = null;
  if (values['snapshot-dir']) {
    const [row] = await db.query<{ value: string }>("SELECT value FROM server_settings WHERE key = 'server_id'");
    const serverId = row?.value ?? (await ensureSetting(db, 'server_id', () => randomBytes(6).toString('hex')));
    const deps = { db, now: Date.now, serverId, windowDays: DEFAULT_CONFIG.windowDays };
    const built = await buildSnapshot({
      outDir: values['snapshot-dir'],
      serverId,
      windowDays: DEFAULT_CONFIG.windowDays,
      readPage: async (cursor, limit) => (await pullForSnapshot(deps, cursor, limit)).json,
    });
    snapshot = { seconds: built.buildMs / 1000, bytes: built.manifest.bytes, cases: built.manifest.cases, orders: built.manifest.orders, history: built.manifest.history };
  }
  const app = await buildServer({ db, logger: false, snapshotDir: values['snapshot-dir'] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  process.stdout.write(`${JSON.stringify({ url, username, password, seedMs, cases, orders, history, snapshot })}\n`);
  const stop = async () => {
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  // the benchmark that started this process is gone (finished or crashed): do not outlive it
  process.on('disconnect', () => void stop());
}

interface ServerProcess {
  url: string;
  username: string;
  password: string;
  seedMs: number;
  /** the cases, work orders and history entries in a new workstation's window (orders 0 unless seeded with --seed-orders) */
  cases: number;
  orders: number;
  history: number;
  /** the snapshot built before it listened (with a snapshot folder) */
  snapshot: { seconds: number; bytes: number; cases: number; orders: number; history: number } | null;
  stop(): Promise<void>;
}

type DbKind = 'pglite' | 'postgres';

/** A server process on a fresh database: embedded in `dir`, or a new schema of DATABASE_URL, dropped afterwards. */
async function startServerProcess(kind: DbKind, dir: string, seed: number, withOrders = false, snapshotDir?: string): Promise<ServerProcess> {
  let schema: string | null = null;
  if (kind === 'postgres') {
    schema = `bench_sync_${randomBytes(4).toString('hex')}`;
    await withPostgres((c) => c.query(`CREATE SCHEMA ${schema}`));
  }
  const args = schema ? ['--schema', schema] : ['--data', join(dir, 'server')];
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', ...args, '--seed', String(seed), ...(withOrders ? ['--seed-orders'] : []), ...(snapshotDir ? ['--snapshot-dir', snapshotDir] : [])], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const info = await new Promise<Omit<ServerProcess, 'stop'>>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as Omit<ServerProcess, 'stop'>);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code} before it was ready`)));
  });
  const server: ServerProcess = {
    ...info,
    stop: async () => {
      await new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
      if (schema) await withPostgres((c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
    },
  };
  // the figures are for `seed` cases: every one of them must be in a new workstation's window
  if (info.cases !== seed) {
    await server.stop();
    throw new Error(`the window of the seeded server holds ${info.cases} of its ${seed} cases`);
  }
  return server;
}

async function withPostgres(fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.end();
  }
}

function intake(i: number): IntakeInput {
  return {
    phone: `1380537${String(i % 10_000).padStart(4, '0')}`,
    callerName: '王先生',
    channel: 'hotline',
    requestType: 'complaint',
    categoryCode: 'C0201',
    regionCode: '370811001',
    address: '任城区古槐街道阳光花园3号楼',
    content: `第${i}次反映小区物业管理不到位，楼道垃圾无人清理`,
    urgency: 'normal',
    handlingMode: i % 5 < 2 ? 'dispatch' : 'direct',
    answer: i % 5 < 2 ? '' : '已告知来电人办理流程',
    confidential: false,
  };
}

/** A workstation on its own store file, signed in to the server. */
async function workstation(dir: string, server: ServerProcess, onStep?: (step: string) => void, job: Omit<SyncJobOptions, 'store' | 'http' | 'auth'> = {}) {
  mkdirSync(dir, { recursive: true });
  const store = openStore({ file: join(dir, STORE_FILE), workstation: 'W001' });
  const sync = startSync({ db: store.db, serverUrl: server.url, onWrite: store.noteWrite, job: { onStep, ...job } });
  const signingIn = performance.now();
  const login = await sync.auth.login(server.username, server.password);
  if (!login.ok) throw new Error(`bench login failed: ${login.reason}`);
  const signedInAt = performance.now();
  await sync.job!.idle();
  return { store, sync, signedInAt, signInMs: Math.round(signedInAt - signingIn), idleAt: performance.now() };
}

async function pushBench(kind: DbKind, n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-push-'));
  const server = await startServerProcess(kind, dir, 0);
  try {
    let pushedAt = 0;
    const { store, sync } = await workstation(join(dir, 'ws'), server, (step) => {
      if (step === 'push:acked' && pushedAt === 0 && sync.store.pendingCount() === 0) pushedAt = performance.now();
    });
    try {
      // logged while offline: the job is not kicked, as if every push had failed
      const clientId = sync.auth.current()!.clientId;
      const values = Array.from({ length: n }, (_, i) => IntakeInput.parse(intake(i)));
      store.db.transaction(() => {
        for (const v of values) store.saveIntake(v, server.username, { clientId });
      })();
      if (sync.store.pendingCount() !== n) throw new Error(`expected ${n} pending, found ${sync.store.pendingCount()}`);

      const started = performance.now();
      const status = await sync.job!.syncNow();
      const done = performance.now();
      if (status.pending !== 0 || status.lastError) throw new Error(`push did not finish: ${JSON.stringify(status)}`);
      const official = store.db.prepare('SELECT count(*) FROM cases WHERE official_no IS NOT NULL').pluck().get() as number;
      printLine({
        name: 'sync_push_10k',
        db: kind,
        n,
        total_ms: Math.round(pushedAt - started),
        // the same cycle then pulls the n cases back with their official numbers
        with_pull_back_ms: Math.round(done - started),
        official_numbers: official,
      });
    } finally {
      sync.stop();
      store.close();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The floor the first pull compares with: the same n cases (the server seed's values, oldest
 * first) written into a fresh store by the workstation's own bulk loader (store/bulk.ts, what
 * `npm run bench -- store` times as "build"), in this process, without any server or network.
 */
function localBulkBuild(n: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-bulk-'));
  try {
    const { categories, regions } = readTaxonomyFiles(DEFAULT_TAXONOMY_DIR);
    const started = performance.now();
    const loader = openBulkLoader({ file: join(dir, STORE_FILE), workstation: 'W001', categories, regions });
    const now = Date.now();
    // time-ordered uuids, as the generator makes them: the bulk loader's fast case (the
    // server's are random; the first pull's load looks them up in its TEMP tables instead)
    const rng = new Rng(12345);
    const pad = (v: number, w: number) => String(v).padStart(w, '0');
    // seedServer's rows: case i is (i % 300) days old; the loader wants the oldest first
    for (let age = Math.min(299, n - 1); age >= 0; age--) {
      const createdAt = now - age * DAY;
      for (let i = age === 0 ? 300 : age; i <= n; i += 300) {
        const ws = `W${pad((i % 90) + 1, 3)}`;
        loader.add({
          uuid: rng.uuidV7(createdAt),
          localNo: `${ws}-${pad(i, 10)}`,
          officialNo: `JN${pad(i, 12)}`,
          phone: `139${pad(i % 200_000, 8)}`,
          callerName: i % 3 === 0 ? '' : '李女士',
          channel: 'hotline',
          requestType: 'complaint',
          categoryCode: 'C0201',
          regionCode: '370811001',
          address: `任城区古槐街道阳光花园${i % 40}号楼`,
          content: `第${i}次反映小区供暖不热，室温只有十四度，希望供热公司尽快上门检查处理。`,
          answer: '',
          urgency: 'normal',
          handlingMode: 'dispatch',
          status: 'pending_dispatch',
          valid: true,
          confidential: false,
          operator: `op${i % 90}`,
          createdAt,
          updatedAt: createdAt,
          lastFollowUp: null,
          origin: 'server',
          contactUuid: rng.uuidV7(createdAt),
        });
      }
    }
    const { cases, phases } = loader.finish();
    const totalMs = performance.now() - started;
    if (cases !== n) throw new Error(`local bulk build wrote ${cases} of ${n} cases`);
    printLine({ name: 'local_bulk_build', n, total_ms: Math.round(totalMs), cases_per_s: Math.round((n / totalMs) * 1000), phases });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A fresh workstation's first sync of n server cases. `orders`: the server is filled by the demo
 * floor's loader (scripts/seed-server.ts → src/server/seed), whose 转办 cases (~40 %) carry work
 * orders with their histories, and the line says how many the workstation wrote; otherwise the
 * plain cases of seedServer above (no orders).
 */
async function pullBench(kind: DbKind, n: number, opts: { orders?: boolean; cpuProfile?: boolean } = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-pull-'));
  const seedStarted = performance.now();
  const server = await startServerProcess(kind, dir, n, opts.orders);
  const setupMs = Math.round(performance.now() - seedStarted);
  let pages = 0;
  let lastApplied = 0;
  let receivedAt = 0;
  // time between a page's arrival and its commit: the workstation's writing (the next page is
  // fetched meanwhile), as against waiting for the server
  let applyMs = 0;
  try {
    // a fresh workstation: sign-in, registration and the first cycle's pull of the whole window
    if (opts.cpuProfile) startProfile();
    const started = performance.now();
    const fresh = await workstation(join(dir, 'ws'), server, (step) => {
      if (step === 'pull:received') {
        pages++;
        receivedAt = performance.now();
      }
      if (step === 'pull:applied') {
        lastApplied = performance.now();
        applyMs += lastApplied - receivedAt;
      }
    });
    const totalMs = performance.now() - started;
    if (opts.cpuProfile) await stopProfile(`sync-pull-${kind}-${opts.orders ? 'orders' : 'plain'}.cpuprofile`);
    const count = (sql: string) => fresh.store.db.prepare(sql).pluck().get() as number;
    const held = count('SELECT count(*) FROM cases');
    const orders = count('SELECT count(*) FROM orders');
    const history = count('SELECT count(*) FROM order_history');
    const status = fresh.sync.status();
    fresh.sync.stop();
    fresh.store.close();
    if (held !== server.cases || status.lastError) throw new Error(`pull incomplete: ${held} of ${server.cases} cases, ${JSON.stringify(status.lastError)}`);
    if (orders !== server.orders || history !== server.history) {
      throw new Error(`pull incomplete: ${orders} of ${server.orders} orders, ${history} of ${server.history} history entries`);
    }
    if (opts.orders !== undefined) {
      printLine({
        name: 'sync_initial_pull',
        db: kind,
        cases: held,
        orders,
        history,
        seconds: Math.round(totalMs) / 1000,
        cases_per_s: Math.round((held / totalMs) * 1000),
        pages,
        apply_ms: Math.round(applyMs),
        finish_ms: Math.round(started + totalMs - lastApplied),
        setup_ms: setupMs,
      });
      return;
    }
    printLine({
      name: 'sync_initial_pull',
      db: kind,
      n,
      total_ms: Math.round(totalMs),
      cases_per_s: Math.round((n / totalMs) * 1000),
      pages,
      // of total_ms: rebuilding the indexes and deriving the callers after the last page
      finish_ms: Math.round(started + totalMs - lastApplied),
      setup_ms: setupMs,
    });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `--snapshot`: a new workstation's first sync both ways against ONE server process (seeded once,
 * its snapshot built before it listens, as `npm run snapshot` would): page by page (`"mode":"pages"`,
 * the job with snapshots off), then from the snapshot (`"mode":"snapshot"`: manifest, download,
 * sha256, quick_check, install, then the pull after its cursor). The snapshot's build is its own
 * line (`snapshot_build`, server side, offline).
 */
async function snapshotBench(kind: DbKind, n: number, withOrders: boolean, modes: readonly ('pages' | 'snapshot')[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-snapshot-'));
  const setupStarted = performance.now();
  const server = await startServerProcess(kind, dir, n, withOrders, join(dir, 'snapshots'));
  const setupMs = Math.round(performance.now() - setupStarted);
  try {
    printLine({ name: 'snapshot_build', db: kind, cases: server.snapshot!.cases, orders: server.orders, history: server.history, seconds: server.snapshot!.seconds, bytes: server.snapshot!.bytes });
    for (const mode of modes) {
      const logs: { message: string; fields: Record<string, unknown>; at: number }[] = [];
      const fresh = await workstation(join(dir, `ws-${mode}`), server, undefined, {
        snapshot: mode === 'snapshot',
        log: (message, fields) => logs.push({ message, fields, at: performance.now() }),
      });
      // the first sync starts when the operator is signed in (sign_in_ms: the server's scrypt, before it)
      const started = fresh.signedInAt;
      const totalMs = fresh.idleAt - started;
      const count = (sql: string) => fresh.store.db.prepare(sql).pluck().get() as number;
      const held = count('SELECT count(*) FROM cases');
      const orders = count('SELECT count(*) FROM orders');
      const history = count('SELECT count(*) FROM order_history');
      const status = fresh.sync.status();
      fresh.sync.stop();
      fresh.store.close();
      if (held !== server.cases || orders !== server.orders || history !== server.history || status.lastError) {
        for (const l of logs) console.error(`sync job: ${l.message} ${JSON.stringify(l.fields)}`);
        throw new Error(`${mode}: ${held}/${server.cases} cases, ${orders}/${server.orders} orders, ${history}/${server.history} history, ${JSON.stringify(status.lastError)}`);
      }
      const installed = logs.find((l) => l.message === 'first sync: snapshot installed');
      if (mode === 'snapshot' && !installed) throw new Error(`the snapshot was not used: ${JSON.stringify(logs)}`);
      printLine({
        name: 'sync_initial_pull',
        db: kind,
        cases: held,
        orders,
        history,
        mode,
        seconds: Math.round(totalMs) / 1000,
        cases_per_s: Math.round((held / totalMs) * 1000),
        ...(installed
          ? {
              bytes: installed.fields.bytes,
              download_and_install_ms: installed.fields.downloadAndInstallMs,
              download_ms: installed.fields.downloadMs,
              check_ms: installed.fields.checkMs,
              install_ms: installed.fields.installMs,
              // the manifest before the download; the pull after the snapshot's cursor after the install
              before_ms: Math.round(installed.at - started - (installed.fields.downloadAndInstallMs as number)),
              after_ms: Math.round(fresh.idleAt - installed.at),
            }
          : {}),
        sign_in_ms: fresh.signInMs,
        setup_ms: setupMs,
      });
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--cpu-prof-pull`: a V8 CPU profile of this process (the workstation side) during each timed pull, into the working folder. */
let profiler: Session | null = null;
function startProfile(): void {
  profiler = new Session();
  profiler.connect();
  profiler.post('Profiler.enable');
  profiler.post('Profiler.start');
}
async function stopProfile(file: string): Promise<void> {
  const session = profiler!;
  profiler = null;
  const profile = await new Promise<unknown>((resolve, reject) =>
    session.post('Profiler.stop', (err, res) => (err ? reject(err) : resolve(res.profile))),
  );
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  console.error(`sync: CPU profile written to ${file}`);
}

export async function run(args: string[]): Promise<void> {
  if (args.includes('--serve')) return serve(args);
  const { values } = parseArgs({
    args,
    options: {
      cases: { type: 'string', default: '1000000' },
      push: { type: 'string', default: '10000' },
      'no-ingest': { type: 'boolean', default: false },
      orders: { type: 'boolean', default: false },
      'cpu-prof-pull': { type: 'boolean', default: false },
      snapshot: { type: 'boolean', default: false },
      /** --snapshot only: one database instead of both */
      db: { type: 'string' },
      /** --snapshot only: "snapshot" or "pages" to time one way only (default both, side by side) */
      mode: { type: 'string' },
    },
  });
  const count = (name: string, v: string) => {
    if (!/^[1-9]\d*$/.test(v)) throw new Error(`--${name} must be a positive whole number, got "${v}"`);
    return Number(v);
  };
  const kinds: DbKind[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  if (!process.env.DATABASE_URL) console.error('sync: PostgreSQL skipped because DATABASE_URL is not set (the embedded server runs)');
  if (values.snapshot) {
    if (values.mode !== undefined && values.mode !== 'snapshot' && values.mode !== 'pages') throw new Error(`--mode must be snapshot or pages, got "${values.mode}"`);
    const modes = values.mode ? [values.mode as 'pages' | 'snapshot'] : (['pages', 'snapshot'] as const);
    for (const n of values.cases.split(',').map((v) => count('cases', v))) {
      // the floor: the workstation's own bulk build of n cases (no orders), in the same run
      localBulkBuild(n);
      for (const kind of kinds.filter((k) => !values.db || k === values.db)) await snapshotBench(kind, n, values.orders, modes);
    }
    return;
  }
  if (values.orders) {
    // the first sync of a server whose cases carry work orders and their histories, and the same
    // number of plain cases as the baseline, in the same run (the machine's load varies)
    // one database, to keep the run short: PostgreSQL when DATABASE_URL is set, else the embedded one
    const kind: DbKind = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    for (const n of values.cases.split(',').map((v) => count('cases', v))) {
      {
        await pullBench(kind, n, { orders: false });
        await pullBench(kind, n, { orders: true, cpuProfile: values['cpu-prof-pull'] });
      }
    }
    return;
  }
  for (const kind of kinds) await pushBench(kind, count('push', values.push));
  const cases = count('cases', values.cases);
  localBulkBuild(cases);
  for (const kind of kinds) await pullBench(kind, cases);
  if (!values['no-ingest']) await serverIngest();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
