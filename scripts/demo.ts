/**
 * npm run demo [-- --port 8345] [--desktop-port 5174] [--cases 3000] [--dir .demo] [--host 127.0.0.1]
 *
 * One command to see the whole floor: builds the unit portal if it is missing, creates and seeds
 * a demo central server in DIR/server the first time (embedded PGlite, a few thousand cases over
 * about three weeks, src/server/seed), starts that server and the browser harness of the desktop
 * (DIR/ws) pointed at it, and prints the desktop URL, the portal URL and the demo accounts.
 * Ctrl+C stops both. Delete DIR to start again from scratch.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/server/db/open';
import { restrictNewFiles } from '../src/server/db/private-dir';
import { DEMO_PASSWORD, demoAccounts, seedCentral } from './seed-server';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export class DemoError extends Error {}

export interface DemoOptions {
  /** the demo's folder (server database, workstation data, seed summary) */
  dir: string;
  port: number;
  desktopPort: number;
  host?: string;
  /** cases of the first seed */
  cases?: number;
  /** build the portal when out/portal is missing (default true) */
  build?: boolean;
  /** start the desktop harness too (default true) */
  desktop?: boolean;
  /** progress lines */
  log?: (line: string) => void;
}

export interface SeedRecord {
  seededAt: string;
  now: string;
  cases: number;
  orders: number;
  queues: Record<string, number>;
  password: string;
}

export interface RunningDemo {
  serverUrl: string;
  portalUrl: string;
  desktopUrl: string | null;
  seed: SeedRecord;
  /** pids of the process groups started (server, harness) */
  pids: number[];
  /** resolves with a reason when a started process exits by itself */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/** true when `built` exists and is newer than every file under the source folders (relative to ROOT) */
function upToDate(built: string, sources: string[]): boolean {
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const path = join(dir, e.name);
      return e.isDirectory() ? newer(path) : statSync(path).mtimeMs > builtAt;
    });
  return !sources.some((s) => newer(join(ROOT, s)));
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, host, () => probe.close(() => done(true)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.status < 500;
  } catch {
    return false;
  }
}

interface Child {
  name: string;
  proc: ChildProcess;
  output: () => string;
  done: Promise<number | null>;
}

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  // node with tsx's loader (no npx in between), in its own process group so that stopping it
  // stops whatever it started too
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-8_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const done = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { name, proc, output: () => out, done };
}

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * SIGTERM to the child's process group, then waits until the whole group is gone (the server
 * closes its database first) and SIGKILLs what is left after 15 s.
 */
async function stopChild(c: Child): Promise<void> {
  const pid = c.proc.pid;
  if (!pid || !groupAlive(pid)) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const until = Date.now() + 15_000;
  while (groupAlive(pid) && Date.now() < until) await sleep(100);
  if (groupAlive(pid)) {
    signal('SIGKILL');
    while (groupAlive(pid)) await sleep(100);
  }
}

async function waitFor(c: Child, url: string, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (c.proc.exitCode !== null) {
      throw new DemoError(`${what} stopped at start (exit ${c.proc.exitCode}):\n${c.output().trim()}`);
    }
    if (await answers(url)) return;
    await sleep(300);
  }
  throw new DemoError(`${what} did not answer at ${url} within ${Math.round(timeoutMs / 1000)} s:\n${c.output().trim()}`);
}

/** The URL the harness prints when it is ready ("… ready: http://127.0.0.1:5174/?token=…"). */
async function readyUrl(c: Child, timeoutMs: number, what: string): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const m = /ready: (http\S+)/.exec(c.output());
    if (m) return m[1]!;
    if (c.proc.exitCode !== null) throw new DemoError(`${what} stopped at start (exit ${c.proc.exitCode}):\n${c.output().trim()}`);
    await sleep(300);
  }
  throw new DemoError(`${what} did not start within ${Math.round(timeoutMs / 1000)} s:\n${c.output().trim()}`);
}

/** Seeds DIR/server once (into a scratch folder first, so an interrupted seed is simply redone). */
async function ensureSeeded(dir: string, cases: number, log: (l: string) => void): Promise<SeedRecord> {
  const serverDir = join(dir, 'server');
  const record = join(dir, 'seed.json');
  if (existsSync(record) && existsSync(serverDir)) return JSON.parse(readFileSync(record, 'utf8')) as SeedRecord;
  if (existsSync(serverDir)) {
    throw new DemoError(`${serverDir} exists but was not seeded by the demo (no ${record}): delete ${dir} to start again`);
  }
  const scratch = join(dir, 'server.seeding');
  rmSync(scratch, { recursive: true, force: true });
  log(`seeding a demo server with ${cases} cases (first run only)…`);
  const db = await openDatabase({ dataDir: scratch });
  let seeded;
  try {
    seeded = await seedCentral({ db, cases, perDay: 150, password: DEMO_PASSWORD });
  } finally {
    await db.close();
  }
  renameSync(scratch, serverDir);
  const rec: SeedRecord = {
    seededAt: new Date().toISOString(),
    now: new Date(seeded.now).toISOString(),
    cases: seeded.cases,
    orders: seeded.orders,
    queues: seeded.queues,
    password: DEMO_PASSWORD,
  };
  writeFileSync(record, `${JSON.stringify(rec, null, 2)}\n`, { mode: 0o600 });
  log(`seeded in ${seeded.seconds.toFixed(1)} s: ${seeded.cases} cases, ${seeded.orders} work orders`);
  return rec;
}

export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const log = opts.log ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  const dir = resolve(opts.dir);
  for (const [flag, port] of [['--port', opts.port], ['--desktop-port', opts.desktopPort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DemoError(`${flag} must be 1–65535, got ${port}`);
  }
  if (opts.desktop !== false && opts.port === opts.desktopPort) throw new DemoError('--port and --desktop-port must differ');
  restrictNewFiles();
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  if (!upToDate(join(ROOT, 'out', 'portal', 'index.html'), ['src/portal', 'src/shared'])) {
    if (opts.build === false) log('the unit portal is not built (npm run build:portal): /portal/ will say so');
    else {
      log('building the unit portal (npm run build:portal)…');
      const b = spawnSync('npx', ['vite', 'build', '--config', 'vite.portal.config.ts'], { cwd: ROOT, stdio: 'inherit' });
      if (b.status !== 0) throw new DemoError('the portal build failed (npm run build:portal): see the output above');
    }
  }
  const seed = await ensureSeeded(dir, opts.cases ?? 3_000, log);

  for (const [port, flag] of [[opts.port, '--port'], ...(opts.desktop === false ? [] : [[opts.desktopPort, '--desktop-port']])] as [number, string][]) {
    if (!(await portFree(port, host))) {
      throw new DemoError(`port ${port} on ${host} is in use (another demo or server?): choose another with npm run demo -- ${flag} N`);
    }
  }

  // the embedded database, even where DATABASE_URL is exported for something else
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  delete env.DATABASE_URL;
  const serverUrl = `http://${host}:${opts.port}`;
  const children: Child[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
  };
  try {
    log(`starting the central server on ${serverUrl}…`);
    const server = startChild('server', ['src/server/cli.ts', '--data', join(dir, 'server'), '--port', String(opts.port), '--host', host], env);
    children.push(server);
    await waitFor(server, `${serverUrl}/health`, 90_000, 'the central server');

    let desktopUrl: string | null = null;
    if (opts.desktop !== false) {
      // after a git pull the old build would show yesterday's screens: rebuild when a source is newer
      const built = upToDate(join(ROOT, 'out', 'renderer', 'index.html'), ['src/renderer', 'src/shared']);
      log(built ? `starting the desktop (browser harness) on port ${opts.desktopPort}…` : 'building and starting the desktop (browser harness)…');
      const harness = startChild(
        'desktop',
        ['src/main/harness/cli.ts', '--data', join(dir, 'ws'), '--port', String(opts.desktopPort), '--server', serverUrl, ...(built ? ['--no-build'] : [])],
        env,
      );
      children.push(harness);
      // the harness serves its page only with the random ?token= of the URL it prints
      desktopUrl = await readyUrl(harness, 300_000, 'the desktop harness');
    }
    const exited = Promise.race(
      children.map((c) => c.done.then((code) => `the ${c.name} stopped (exit ${code}):\n${c.output().trim()}`)),
    );
    return { serverUrl, portalUrl: `${serverUrl}/portal/`, desktopUrl, seed, pids: children.map((c) => c.proc.pid!), exited, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function banner(d: RunningDemo): string {
  const a = demoAccounts(d.seed.password);
  return [
    '',
    'Hotline Desk demo (热线工作台演示) is running — Ctrl+C stops it',
    `  desktop (坐席/班长)   ${d.desktopUrl ?? '(not started)'}`,
    `  unit portal (承办单位) ${d.portalUrl}`,
    `  central server        ${d.serverUrl}`,
    '',
    `  every demo account's password: ${a.password}`,
    `  supervisor (班长): ${a.supervisors.join(', ')}    admin: ${a.admin}    operators: ${a.operators}`,
    `  units (承办单位): ${a.units}`,
    '',
    `  seeded ${d.seed.cases} cases, ${d.seed.orders} work orders, history up to ${d.seed.now}`,
    `  queues then: ${Object.entries(d.seed.queues).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.DEMO_PORT ?? '8345' },
      'desktop-port': { type: 'string', default: process.env.DEMO_DESKTOP_PORT ?? '5174' },
      host: { type: 'string', default: '127.0.0.1' },
      cases: { type: 'string', default: '3000' },
      dir: { type: 'string', default: join(ROOT, '.demo') },
    },
  });
  const num = (flag: string, v: string) => {
    if (!/^\d+$/.test(v)) throw new DemoError(`--${flag} must be a whole number, got "${v}"`);
    return Number(v);
  };
  const demo = await startDemo({
    dir: values.dir,
    port: num('port', values.port),
    desktopPort: num('desktop-port', values['desktop-port']),
    host: values.host,
    cases: num('cases', values.cases),
    log: (line) => process.stdout.write(`demo: ${line}\n`),
  });
  process.stdout.write(banner(demo));
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('demo: stopping…\n');
    await demo.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const reason = await demo.exited;
  if (!stopping) {
    process.stderr.write(`demo: ${reason}\n`);
    await shutdown(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
