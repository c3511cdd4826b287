/**
 * server_load: a floor of N simulated workstations (default 500) against TWO server processes
 * (`src/server/cli.ts`, real child processes) on one PostgreSQL database (DATABASE_URL), each
 * workstation pushing a case every 30 s and pulling every 2 s, for --minutes (default 10).
 * Requests go to the two processes in turn, as a round-robin load balancer sends them (chosen
 * here, per request, rather than through a proxy in this process, which would add its own hop
 * and CPU to every figure). Prints one JSON line:
 *
 *   {"name":"server_load","workstations":500,"minutes":10,"push_p99_ms":…,"pull_p99_ms":…,"errors":0,"lost":0, …}
 *
 * `errors`: requests answered with anything but 200, or not answered; `lost`: cases pushed (sent
 * in a push at least once) but not on the server at the end, after every workstation flushed
 * what it still held. Targets: p99 ≤ 100 ms for push and pull, 0 errors, 0 lost.
 *
 * The protocol is the real one (src/shared/sync.ts): register, push with consecutive mutation
 * ids (a failed push is sent again with the next one, as the outbox does), pull with the cursor
 * (again at once while `more`). Each workstation signs in as one of --accounts operators (default
 * 20; signing in 500 accounts would spend minutes of scrypt before the run); the access token is
 * refreshed before it expires. Runs in a schema of its own (hl_load_…), dropped afterwards.
 *
 * `--preload N` first writes N cases of the last 300 days into the database (bench/sync.ts's
 * seedServer, in SQL) and starts every workstation's cursor at the head after them, as a floor
 * that synced before the run: without it the tables hold only the run's own ~10,000 cases, and
 * a plan that degrades with the table's size (a generic pull plan compiled by JIT took 1.9 s at
 * 600,000 cases, session 8) cannot show here.
 *
 * `--log-level info` runs the servers as production does (a few masked lines per request), each
 * writing to a --log-file of its own in a temporary folder; the default, warn, leaves the
 * request log out of the figures.
 *
 *   DATABASE_URL=postgres://… npm run bench -- load [--workstations 500] [--minutes 10]
 *     [--accounts 20] [--db-pool 10] [--push-every-s 30] [--pull-every-s 2] [--preload 0]
 *     [--log-level warn]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createAccount } from '../src/server/accounts/service';
import { openPostgres } from '../src/server/db/postgres';
import { formatCursor } from '../src/server/sync/pull';
import { SYNC_SCHEMA_VERSION } from '../src/shared/sync';
import { spawnServer, type ServerProcess } from './cluster';
import { percentiles, printLine } from './stats';
import { caseArgs } from './sync-server';
import { seedServer } from './sync';

interface Session {
  username: string;
  password: string;
  accessToken: string;
  expiresAt: number;
  refreshToken: string;
  refreshing: Promise<void> | null;
}

interface Station {
  n: number;
  clientId: string;
  session: Session;
  nextId: number;
  pending: { id: number; name: 'case.create'; args: unknown }[];
  cursor: string | null;
  pushing: boolean;
  pulling: boolean;
  cases: number;
}

/**
 * cursor, more and the number of changes of a PullResponse body (src/server/sync/pull.ts writes
 * it as {"cursor":…,"changes":[…],…,"more":…}), read from its bytes without decoding the cases:
 * each case carries exactly one "originClientId" key (json_build_object writes `"key" : value`).
 */
const CASE_KEY = Buffer.from('"originClientId"');
function readPullHead(body: Buffer): { cursor: string; more: boolean; changes: { length: number } } {
  const cursor = /^\{"cursor":("(?:[^"\\]|\\.)*")/.exec(body.toString('utf8', 0, 400));
  const more = /"more":(true|false)[,}]/.exec(body.toString('utf8', Math.max(0, body.length - 200)));
  if (!cursor || !more) return JSON.parse(body.toString()) as { cursor: string; more: boolean; changes: unknown[] };
  let n = 0;
  for (let i = body.indexOf(CASE_KEY); i !== -1; i = body.indexOf(CASE_KEY, i + CASE_KEY.length)) n++;
  return { cursor: JSON.parse(cursor[1]!) as string, more: more[1] === 'true', changes: { length: n } };
}

/**
 * One POST over node:http with keep-alive, the body kept as bytes: this process shares the two
 * cores with the servers it measures, and fetch (undici, web streams, a TextDecoder over every
 * pull) spent half a core here on what 500 separate workstations would each do for themselves.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
function httpPost(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const num = (name: string, v: string | undefined, dflt: number, min = 1): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`server_load: --${name} must be a number ≥ ${min}, got "${v}"`);
  return n;
};

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      workstations: { type: 'string' },
      minutes: { type: 'string' },
      accounts: { type: 'string' },
      'db-pool': { type: 'string' },
      'push-every-s': { type: 'string' },
      'pull-every-s': { type: 'string' },
      preload: { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('server_load needs PostgreSQL: set DATABASE_URL (the embedded database serves one process only)');
  const workstations = Math.floor(num('workstations', values.workstations, 500));
  const minutes = num('minutes', values.minutes, 10, 0.05);
  const accountCount = Math.min(workstations, Math.floor(num('accounts', values.accounts, 20)));
  const pool = Math.floor(num('db-pool', values['db-pool'], 10));
  const pushEveryMs = num('push-every-s', values['push-every-s'], 30, 0.1) * 1000;
  const pullEveryMs = num('pull-every-s', values['pull-every-s'], 2, 0.1) * 1000;
  const preload = Math.floor(num('preload', values.preload, 0, 0));
  const logLevel = values['log-level'] ?? 'warn';
  if (!['fatal', 'error', 'warn', 'info', 'debug'].includes(logLevel)) throw new Error(`server_load: --log-level must be fatal, error, warn, info or debug, got "${logLevel}"`);
  const logDir = mkdtempSync(join(tmpdir(), 'hotline-load-log-'));

  const schema = `hl_load_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const tokenSecret = randomBytes(32).toString('base64');
  const servers: ServerProcess[] = [];
  let dbReal: Awaited<ReturnType<typeof openPostgres>> | null = null;
  // the servers' logs say why a run failed: removed only after a run without errors
  let keepLogs = true;
  try {
    servers.push(
      ...(await Promise.all(
        [0, 1].map((i) =>
          spawnServer({
            databaseUrl,
            tokenSecret,
            schema,
            args: ['--db-pool', String(pool), '--log-file', join(logDir, `server-${i}.log`)],
            env: { LOG_LEVEL: logLevel },
          }),
        ),
      )),
    );
    dbReal = await openPostgres({ connectionString: databaseUrl, searchPath: schema, max: 2 });
    const urls = servers.map((s) => s.url);
    let turn = 0;
    const nextUrl = () => urls[turn++ % urls.length]!;

    let errors = 0;
    const errorKinds = new Map<string, number>();
    const fail = (kind: string) => {
      errors++;
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    };
    const post = async (path: string, body: unknown, token?: string): Promise<{ status: number; json: unknown; ms: number }> => {
      const started = performance.now();
      const res = await httpPost(`${nextUrl()}${path}`, JSON.stringify(body), {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      });
      const ms = performance.now() - started;
      // a pull's page is read without parsing its cases (readPullHead)
      if (res.status === 200 && path === '/api/pull') return { status: res.status, json: readPullHead(res.body), ms };
      return { status: res.status, json: res.body.length > 0 ? JSON.parse(res.body.toString()) : null, ms };
    };

    // operators: created cheaply here (the servers re-hash at their own cost on the first login)
    const sessions: Session[] = [];
    for (let i = 0; i < accountCount; i++) {
      const username = `load${String(i).padStart(3, '0')}`;
      const password = `pw-${randomBytes(6).toString('hex')}`;
      await createAccount(dbReal, { username, displayName: `话务员 ${i}`, role: 'operator', password }, { N: 1024, r: 8, p: 1, keyLength: 32 });
      sessions.push({ username, password, accessToken: '', expiresAt: 0, refreshToken: '', refreshing: null });
    }
    // the centre's past: N cases, and every workstation already synced up to them
    let startCursor: string | null = null;
    let preloadS = 0;
    if (preload > 0) {
      const started = performance.now();
      const [owner] = await dbReal.query<{ id: number }>("SELECT id FROM accounts WHERE username = 'load000'");
      await seedServer(dbReal, preload, owner!.id);
      const [id] = await dbReal.query<{ value: string }>("SELECT value FROM server_settings WHERE key = 'server_id'");
      const [head] = await dbReal.query<{ version: number }>('SELECT version FROM sync_head');
      startCursor = formatCursor(id!.value, head!.version);
      preloadS = Math.round((performance.now() - started) / 100) / 10;
    }
    await Promise.all(
      sessions.map(async (s) => {
        const r = await post('/api/login', { username: s.username, password: s.password });
        if (r.status !== 200) throw new Error(`login ${s.username}: ${r.status} ${JSON.stringify(r.json)}`);
        const j = r.json as { accessToken: string; accessTokenExpiresAt: number; refreshToken: string };
        Object.assign(s, { accessToken: j.accessToken, expiresAt: j.accessTokenExpiresAt, refreshToken: j.refreshToken });
      }),
    );
    const token = async (s: Session): Promise<string> => {
      if (s.expiresAt - Date.now() < 120_000) {
        s.refreshing ??= (async () => {
          const r = await post('/api/refresh', { refreshToken: s.refreshToken });
          if (r.status !== 200) throw new Error(`refresh ${s.username}: ${r.status} ${JSON.stringify(r.json)}`);
          const j = r.json as { accessToken: string; accessTokenExpiresAt: number };
          Object.assign(s, { accessToken: j.accessToken, expiresAt: j.accessTokenExpiresAt });
        })().finally(() => (s.refreshing = null));
        await s.refreshing;
      }
      return s.accessToken;
    };

    const stations: Station[] = Array.from({ length: workstations }, (_, n) => ({
      n,
      clientId: `load-${randomUUID()}`,
      session: sessions[n % sessions.length]!,
      nextId: 1,
      pending: [],
      cursor: startCursor,
      pushing: false,
      pulling: false,
      cases: 0,
    }));
    for (let i = 0; i < stations.length; i += 50) {
      await Promise.all(
        stations.slice(i, i + 50).map(async (s) => {
          const r = await post('/api/clients/register', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: s.clientId }, await token(s.session));
          if (r.status !== 200) throw new Error(`register: ${r.status} ${JSON.stringify(r.json)}`);
        }),
      );
    }

    const pushed = new Set<string>();
    const pushMs: number[] = [];
    const pullMs: number[] = [];
    let pulledChanges = 0;
    let measuring = true;

    const push = async (s: Station, timed: boolean): Promise<boolean> => {
      if (s.pushing || s.pending.length === 0) return s.pending.length === 0;
      s.pushing = true;
      try {
        const mutations = s.pending.slice(0, 100);
        for (const m of mutations) pushed.add((m.args as { case: { uuid: string } }).case.uuid);
        const r = await post('/api/push', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: s.clientId, mutations }, await token(s.session));
        if (timed && measuring) pushMs.push(r.ms);
        if (r.status !== 200) {
          fail(`push_${r.status}_${(r.json as { error?: string } | null)?.error ?? ''}`);
          return false;
        }
        const j = r.json as { lastMutationId: number; rejections: unknown[] };
        if (j.rejections.length > 0) fail('push_rejection');
        s.pending = s.pending.filter((m) => m.id > j.lastMutationId);
        return s.pending.length === 0;
      } catch (e) {
        fail(`push_network_${(e as { code?: string }).code ?? 'error'}`);
        return false;
      } finally {
        s.pushing = false;
      }
    };

    const pull = async (s: Station): Promise<void> => {
      if (s.pulling) return;
      s.pulling = true;
      try {
        for (let page = 0; page < 20; page++) {
          const r = await post('/api/pull', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: s.clientId, cursor: s.cursor, limit: 1000 }, await token(s.session));
          if (measuring) pullMs.push(r.ms);
          if (r.status !== 200) {
            fail(`pull_${r.status}_${(r.json as { error?: string } | null)?.error ?? ''}`);
            return;
          }
          const j = r.json as { cursor: string; more: boolean; changes: { length: number } };
          s.cursor = j.cursor;
          pulledChanges += j.changes.length;
          if (!j.more) return;
        }
      } catch (e) {
        fail(`pull_network_${(e as { code?: string }).code ?? 'error'}`);
      } finally {
        s.pulling = false;
      }
    };

    const logCase = (s: Station) => {
      s.cases++;
      const args = caseArgs(s.n, s.cases, Date.now());
      // a mobile number per workstation and case: 139 + 4 digits of the workstation + 4 of the case
      const phone = `139${String(s.n % 10_000).padStart(4, '0')}${String(s.cases % 10_000).padStart(4, '0')}`;
      args.case.phone = phone;
      args.contact.phone = phone;
      s.pending.push({ id: s.nextId++, name: 'case.create', args });
    };

    // the floor: each workstation at its own phase of both periods, as real ones drift apart
    const timers: NodeJS.Timeout[] = [];
    const inFlight = new Set<Promise<unknown>>();
    const track = (p: Promise<unknown>) => {
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    const startedAt = Date.now();
    for (const s of stations) {
      const pullPhase = Math.random() * pullEveryMs;
      const pushPhase = Math.random() * pushEveryMs;
      timers.push(
        setTimeout(() => {
          track(pull(s));
          timers.push(setInterval(() => track(pull(s)), pullEveryMs));
        }, pullPhase),
        setTimeout(() => {
          logCase(s);
          track(push(s, true));
          timers.push(
            setInterval(() => {
              logCase(s);
              track(push(s, true));
            }, pushEveryMs),
          );
        }, pushPhase),
      );
    }
    await new Promise((r) => setTimeout(r, minutes * 60_000));
    measuring = false;
    for (const t of timers) clearTimeout(t);
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    const elapsedS = (Date.now() - startedAt) / 1000;

    // every workstation hands over what it still holds (untimed), then the server is asked
    for (let attempt = 0; attempt < 5; attempt++) {
      const left = stations.filter((s) => s.pending.length > 0);
      if (left.length === 0) break;
      await Promise.all(left.map((s) => push(s, false)));
    }
    keepLogs = errors > 0;
    const uuids = [...pushed];
    const [found] = await dbReal.query<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE uuid = ANY($1::uuid[])', [uuids]);
    const [all] = await dbReal.query<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT official_no)::int AS distinct FROM cases');
    const push_ = percentiles(pushMs);
    const pull_ = percentiles(pullMs);
    printLine({
      name: 'server_load',
      workstations,
      minutes,
      push_p99_ms: push_.p99_ms,
      pull_p99_ms: pull_.p99_ms,
      errors,
      lost: uuids.length - found!.n,
      push_p50_ms: push_.p50_ms,
      pull_p50_ms: pull_.p50_ms,
      pushes: pushMs.length,
      pulls: pullMs.length,
      pulls_per_s: Math.round(pullMs.length / elapsedS),
      cases: uuids.length,
      preloaded: preload,
      ...(preload > 0 ? { preload_s: preloadS } : {}),
      official_numbers_unique: all!.n === all!.distinct,
      changes_pulled: pulledChanges,
      processes: servers.length,
      log_level: logLevel,
      log_mb: Math.round(readdirSync(logDir).reduce((sum, f) => sum + statSync(join(logDir, f)).size, 0) / 1e5) / 10,
      db_pool: pool,
      accounts: accountCount,
      // the servers' logs say why: kept when anything failed
      ...(errorKinds.size > 0 ? { error_kinds: Object.fromEntries(errorKinds), log_dir: logDir } : {}),
    });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
    await dbReal?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
