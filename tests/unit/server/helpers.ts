/**
 * Test support for the server: real databases (PGlite always; PostgreSQL when DATABASE_URL is
 * set, each test file in a schema of its own, dropped afterwards), a server built on them with
 * a controllable clock, and builders for accounts, clients and case mutations.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { buildServer } from '../../../src/server/app';
import { createAccount } from '../../../src/server/accounts/service';
import type { ServerConfigOverrides } from '../../../src/server/config';
import type { Db } from '../../../src/server/db/adapter';
import { sampledForFollowUp } from '../../../src/server/workorders/service';
import { DEFAULT_FOLLOW_UP_SETTINGS } from '../../../src/shared/workorders';
import { migrate } from '../../../src/server/db/migrations';
import { openPglite } from '../../../src/server/db/pglite';
import { openPostgres } from '../../../src/server/db/postgres';
import { SYNC_SCHEMA_VERSION, type CaseChange, type CaseCreateArgs, type Rejection, type Role } from '../../../src/shared/sync';

export interface TestDb {
  db: Db;
  drop(): Promise<void>;
}

export interface Backend {
  name: 'pglite' | 'postgres';
  open(): Promise<TestDb>;
}

const databaseUrl = process.env.DATABASE_URL;

const pglite: Backend = {
  name: 'pglite',
  async open() {
    const db = await openPglite();
    return { db, drop: () => db.close() };
  },
};

const postgres: Backend = {
  name: 'postgres',
  async open() {
    const schema = `hl_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const db = await openPostgres({ connectionString: databaseUrl!, searchPath: schema, max: 8 });
    return {
      db,
      async drop() {
        await db.close();
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
        await c.end();
      },
    };
  },
};

if (!databaseUrl) {
  console.log('server tests: PostgreSQL variant skipped because DATABASE_URL is not set (PGlite variant runs)');
}

/** The databases every server test runs against. */
export const BACKENDS: Backend[] = databaseUrl ? [pglite, postgres] : [pglite];

/** scrypt at 2^10 keeps tests fast; the production cost is covered by the CLI test. */
export const TEST_CONFIG: ServerConfigOverrides = { scrypt: { N: 1024 } };

/** 2026-11-27 10:00 in Jining (UTC+8). */
export const T0 = Date.parse('2026-11-27T02:00:00Z');
export const DAY = 24 * 60 * 60 * 1000;

export class Clock {
  constructor(public t = T0) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a response body is whatever the server sent; the assertions check its shape
type ResponseBody = any;

export interface TestServer {
  app: FastifyInstance;
  db: Db;
  clock: Clock;
  /** POST/GET with JSON; `token` adds the Bearer header */
  call(method: 'GET' | 'POST', url: string, body?: unknown, token?: string): Promise<{ status: number; body: ResponseBody; headers: Record<string, unknown> }>;
  /** a new account of `role`; returns its tokens */
  account(role?: Role, username?: string): Promise<Session>;
  /** a new account of the unit `unitCode` (role unit, bound to it); returns its tokens */
  unitAccount(unitCode: string): Promise<Session>;
  close(): Promise<void>;
}

export interface Session {
  username: string;
  password: string;
  accountId: number;
  token: string;
  refreshToken: string;
}

let seq = 0;
export const uniqueName = (prefix: string) => `${prefix}${process.pid}-${++seq}-${randomBytes(2).toString('hex')}`;

export async function startServer(db: Db, opts: { config?: ServerConfigOverrides; clock?: Clock } = {}): Promise<TestServer> {
  const clock = opts.clock ?? new Clock();
  const config = { ...TEST_CONFIG, ...opts.config };
  const app = await buildServer({ db, config, now: clock.now });
  const call: TestServer['call'] = async (method, url, body, token) => {
    const req: InjectOptions = { method, url, headers: {} };
    if (body !== undefined) {
      req.payload = typeof body === 'string' ? body : JSON.stringify(body);
      req.headers!['content-type'] = 'application/json';
    }
    if (token) req.headers!.authorization = `Bearer ${token}`;
    const res = await app.inject(req);
    let parsed: unknown = res.body;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.statusCode, body: parsed, headers: res.headers };
  };
  const signIn = async (role: Role, username: string, unitCode?: string): Promise<Session> => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const displayName = unitCode ?? `测试 ${username}`;
    const acc = await createAccount(db, { username, displayName, role, password, ...(unitCode ? { unitCode } : {}) }, { N: 1024, r: 8, p: 1, keyLength: 32 });
    const res = await call('POST', '/api/login', { username, password });
    if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
    return { username, password, accountId: acc.id, token: res.body.accessToken, refreshToken: res.body.refreshToken };
  };
  const account: TestServer['account'] = (role = 'operator', username = uniqueName('u')) => signIn(role, username);
  const unitAccount: TestServer['unitAccount'] = (unitCode) => signIn('unit', uniqueName('unit'), unitCode);
  return { app, db, clock, call, account, unitAccount, close: () => app.close() };
}

/** Opens a migrated database of the backend. */
export async function openMigrated(backend: Backend): Promise<TestDb> {
  const t = await backend.open();
  await migrate(t.db);
  return t;
}

/**
 * For a describe block: a migrated database of the backend and a server on it, opened before
 * the block's tests and closed (and the database dropped) after them; `use` receives both.
 */
export function serverPerSuite(backend: Backend, use: (t: TestDb, s: TestServer) => void): void {
  let t: TestDb | undefined;
  let s: TestServer | undefined;
  beforeAll(async () => {
    t = await openMigrated(backend);
    s = await startServer(t.db);
    use(t, s);
  });
  afterAll(async () => {
    await s?.close();
    await t?.drop();
  });
}

/** A workstation: an account's session plus a registered client id. */
export interface Workstation extends Session {
  clientId: string;
  nextId: number;
}

export async function workstation(s: TestServer, session?: Session): Promise<Workstation> {
  const sess = session ?? (await s.account());
  const clientId = `ws-${randomUUID()}`;
  const res = await s.call('POST', '/api/clients/register', { schemaVersion: SYNC_SCHEMA_VERSION, clientId }, sess.token);
  if (res.status !== 200) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
  return { ...sess, clientId, nextId: 1 };
}

let phoneSeq = 0;
/** A distinct valid mobile number per call. */
export const newPhone = () => `139${String(process.pid % 10_000).padStart(4, '0')}${String(++phoneSeq % 10_000).padStart(4, '0')}`;

/**
 * A 直接答复 case (closed on the call) whose uuid falls outside the 回访 sample of the default
 * settings: the server samples 直接答复 for follow-up by uuid (one in ten), and such a case would
 * get an order in 待回访 instead of staying closed without one.
 */
export function directCaseArgs(over: { case?: Partial<CaseCreateArgs['case']>; contact?: Partial<CaseCreateArgs['contact']> } = {}): CaseCreateArgs {
  for (;;) {
    const args = caseArgs({ ...over, case: { handlingMode: 'direct', status: 'closed', answer: '已当场答复。', ...over.case } });
    if (!sampledForFollowUp(args.case.uuid, DEFAULT_FOLLOW_UP_SETTINGS.directAnswerSample)) return args;
  }
}

/** A valid 'case.create' args object, as the workstation's outbox holds it. */
export function caseArgs(over: { case?: Partial<CaseCreateArgs['case']>; contact?: Partial<CaseCreateArgs['contact']> } = {}): CaseCreateArgs {
  const uuid = randomUUID();
  const phone = over.case?.phone ?? newPhone();
  const createdAt = over.case?.createdAt ?? T0 - 60_000;
  return {
    case: {
      uuid,
      localNo: `W001-20261127-${String(++seq).padStart(4, '0')}`,
      workstation: 'W001',
      phone,
      phoneExt: '',
      callerName: '张先生',
      channel: 'hotline',
      requestType: 'complaint',
      categoryCode: '0501',
      regionCode: '370811',
      address: '任城区 古槐路 12 号',
      content: '小区楼下夜间施工噪音扰民，希望有关部门处理。',
      answer: '',
      urgency: 'normal',
      handlingMode: 'dispatch',
      status: 'pending_dispatch',
      confidential: false,
      operator: '话务员 001',
      createdAt,
      ...over.case,
    },
    contact: {
      uuid: randomUUID(),
      caseUuid: over.case?.uuid ?? uuid,
      phone,
      phoneExt: '',
      callerName: '张先生',
      channel: 'hotline',
      requestType: 'complaint',
      content: '小区楼下夜间施工噪音扰民，希望有关部门处理。',
      operator: '话务员 001',
      createdAt,
      ...over.contact,
    },
  };
}

/** Wraps args as the next mutations of the workstation's outbox. */
export function mutations(ws: Workstation, argsList: unknown[], name = 'case.create') {
  return argsList.map((args) => ({ id: ws.nextId++, name, args }));
}

export function pushBody(ws: Workstation, muts: { id: number; name: string; args?: unknown }[]) {
  return { schemaVersion: SYNC_SCHEMA_VERSION, clientId: ws.clientId, mutations: muts };
}

/** Pulls until `more` is false; returns every change seen, the final cursor and the rejections. */
export async function pullAll(s: TestServer, ws: Workstation, cursor: string | null = null, limit = 1000) {
  const changes: CaseChange[] = [];
  const rejections: Rejection[] = [];
  for (;;) {
    const res = await s.call('POST', '/api/pull', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: ws.clientId, cursor, limit }, ws.token);
    if (res.status !== 200) throw new Error(`pull failed: ${JSON.stringify(res.body)}`);
    changes.push(...res.body.changes);
    rejections.push(...res.body.rejections);
    cursor = res.body.cursor;
    if (!res.body.more) return { changes, rejections, cursor: cursor!, lastMutationId: res.body.lastMutationId as number };
  }
}

export async function countCases(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM cases');
  return row!.n;
}
