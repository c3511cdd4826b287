/**
 * Test support for the workstation's sync: a real server (Fastify on embedded PGlite, listening
 * on 127.0.0.1), accounts on it, and workstations — a store file, the sync service and the
 * handler table, sharing one controllable clock with the server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../../../src/main/config';
import { createHandlers } from '../../../src/main/services/handlers';
import { dispatch, type HandlerTable } from '../../../src/main/services/dispatch';
import { openStore, type SqliteStore } from '../../../src/main/store/store';
import type { SyncJobOptions } from '../../../src/main/sync/job';
import { startSync, type SyncService } from '../../../src/main/sync/service';
import { buildServer } from '../../../src/server/app';
import { createAccount } from '../../../src/server/accounts/service';
import type { ServerConfigOverrides } from '../../../src/server/config';
import type { Db } from '../../../src/server/db/adapter';
import { openPglite } from '../../../src/server/db/pglite';
import type { MethodOutput } from '../../../src/shared/contract';
import { intakeInput } from './intake';

export { intakeInput };

/** 2026-11-27 10:00 in Jining (UTC+8), as the server tests use. */
export const T0 = Date.parse('2026-11-27T02:00:00Z');
export const DAY = 86_400_000;

export class Clock {
  constructor(public t = T0) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

export interface TestServer {
  url: string;
  app: FastifyInstance;
  db: Db;
  /** a new operator account; returns its password */
  account(username?: string, role?: 'operator' | 'supervisor' | 'admin'): Promise<{ username: string; password: string }>;
  /** the server's cases: uuid → official number */
  cases(): Promise<Map<string, string>>;
  caseCount(): Promise<number>;
  close(): Promise<void>;
}

let names = 0;
export const uniqueName = (prefix = 'op') => `${prefix}${++names}-${randomBytes(3).toString('hex')}`;

export async function startTestServer(clock: Clock, config: ServerConfigOverrides = {}): Promise<TestServer> {
  const db = await openPglite();
  // scrypt at 2^10 keeps logins (and the offline verifier, which uses the server's parameters) fast
  const app = await buildServer({ db, config: { scrypt: { N: 1024 }, ...config }, now: clock.now });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    url,
    app,
    db,
    async account(username = uniqueName(), role = 'operator') {
      const password = `pw-${randomBytes(6).toString('hex')}`;
      await createAccount(db, { username, displayName: `话务员 ${username}`, role, password }, { N: 1024, r: 8, p: 1, keyLength: 32 });
      return { username, password };
    },
    async cases() {
      const rows = await db.query<{ uuid: string; officialNo: string }>('SELECT uuid::text AS uuid, official_no AS "officialNo" FROM cases');
      return new Map(rows.map((r) => [r.uuid, r.officialNo]));
    },
    async caseCount() {
      const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM cases');
      return row!.n;
    },
    async close() {
      const closing = app.close();
      // every request of the test has been answered; what is left are connections a stopped
      // workstation opened and never used (0 bytes read), which Node's server.close() would
      // otherwise wait for until headersTimeout (60 s)
      app.server.closeAllConnections();
      await closing;
      await db.close();
    },
  };
}

/** Timers the test fires by hand: a retry happens when the test says so. */
export class ManualTimers {
  private pending = new Map<number, { fn: () => void; ms: number }>();
  private next = 0;
  set = (fn: () => void, ms: number) => {
    const id = ++this.next;
    this.pending.set(id, { fn, ms });
    return id;
  };
  clear = (handle: unknown) => {
    this.pending.delete(handle as number);
  };
  /** the delays of the timers waiting now */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fn();
  }
}

export const CONFIG: AppConfig = { workstation: 'W001', operator: 'standalone-op', defaultAreaCode: '0537', locale: 'zh-CN' };

export interface TestWorkstation {
  file: string;
  store: SqliteStore;
  sync: SyncService;
  handlers: HandlerTable;
  timers: ManualTimers;
  call<M extends keyof HandlerTable>(method: M, input: unknown): Promise<MethodOutput<M>>;
  /** logs a case through 'intake.save'; returns its uuid */
  log(i?: number): Promise<string>;
  /** the cases held here: uuid → official number (null until the server gave one) */
  cases(): Map<string, string | null>;
  /** stops sync and closes the store; resolves once nothing of it writes in the folder (a first sync's index worker) */
  close(): Promise<void>;
}

export interface WorkstationOptions {
  file: string;
  serverUrl?: string;
  clock: Clock;
  workstation?: string;
  job?: Omit<SyncJobOptions, 'store' | 'http' | 'auth' | 'timers'>;
  schemaVersion?: number;
  /** unexpected job failures; by default they fail the test */
  onInternalError?: (error: unknown) => void;
}

export function openWorkstation(opts: WorkstationOptions): TestWorkstation {
  const timers = new ManualTimers();
  const config: AppConfig = { ...CONFIG, workstation: opts.workstation ?? 'W001', serverUrl: opts.serverUrl };
  const store = openStore({ file: opts.file, workstation: config.workstation, now: opts.clock.now });
  const sync = startSync({
    db: store.db,
    serverUrl: opts.serverUrl,
    now: opts.clock.now,
    schemaVersion: opts.schemaVersion,
    onInternalError:
      opts.onInternalError ??
      ((e) => {
        throw e;
      }),
    job: { random: () => 0.5, ...opts.job, timers },
  });
  const handlers = createHandlers(store, config, sync);
  const call = async <M extends keyof HandlerTable>(method: M, input: unknown): Promise<MethodOutput<M>> => {
    const res = await dispatch(handlers, method, input, { transport: 'browser' });
    if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message} ${JSON.stringify(res.error.fields ?? {})}`);
    return res.data as MethodOutput<M>;
  };
  return {
    file: opts.file,
    store,
    sync,
    handlers,
    timers,
    call,
    async log(i) {
      const saved = await call('intake.save', intakeInput(i));
      return (store.db.prepare('SELECT uuid FROM cases WHERE id = ?').pluck().get(saved.caseId) as string);
    },
    cases() {
      const rows = store.db.prepare('SELECT uuid, official_no AS officialNo FROM cases').all() as { uuid: string; officialNo: string | null }[];
      return new Map(rows.map((r) => [r.uuid, r.officialNo]));
    },
    close() {
      const stopped = sync.stop();
      store.close();
      return stopped;
    },
  };
}

export function tempDir(prefix = 'hotline-sync-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs sync cycles until the workstation has nothing pending and the last cycle succeeded
 * (each retry fired by hand). Fails loudly rather than looping for ever.
 */
export async function syncUntilQuiet(ws: TestWorkstation, maxCycles = 50): Promise<void> {
  for (let i = 0; i < maxCycles; i++) {
    const status = await ws.sync.job!.syncNow();
    if (status.pending === 0 && status.lastError === null && status.state === 'idle') return;
  }
  throw new Error(`sync did not settle: ${JSON.stringify(ws.sync.status())}`);
}
