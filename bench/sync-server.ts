/**
 * server_ingest: 20 simulated workstations push at once over real HTTP on 127.0.0.1, in
 * batches of 500 cases, into a freshly started server. Prints one JSON line per database:
 *   {"name":"server_ingest","db":"pglite"|"postgres","clients":20,"cases":N,"batch":500,"total_ms":…,"cases_per_s":…}
 * PGlite always (in a temporary data folder, as the embedded server runs); PostgreSQL when
 * DATABASE_URL is set (in a schema of its own, dropped afterwards). Target: ≥ 5,000 cases/s on
 * PostgreSQL.
 *
 * For bench/run.ts: `run(args)` (options --clients N --cases-per-client N --batch N); the
 * workstation-side sync benchmark can call `serverIngest()` to print this line with its own.
 * Alone: `tsx bench/sync-server.ts`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createAccount } from '../src/server/accounts/service';
import { buildServer } from '../src/server/app';
import type { Db } from '../src/server/db/adapter';
import { openDatabase } from '../src/server/db/open';
import { SYNC_SCHEMA_VERSION, type CaseCreateArgs } from '../src/shared/sync';

export interface ServerIngestOptions {
  clients?: number;
  casesPerClient?: number;
  batch?: number;
  /** defaults to process.env.DATABASE_URL; PostgreSQL is skipped when absent */
  databaseUrl?: string;
}

export interface ServerIngestResult {
  name: 'server_ingest';
  db: 'pglite' | 'postgres';
  clients: number;
  cases: number;
  batch: number;
  total_ms: number;
  cases_per_s: number;
}

const CONTENTS = ['小区楼下夜间施工噪音扰民，希望有关部门尽快处理。', '咨询城乡居民医疗保险缴费时间和渠道。', '供暖不热，室温只有十四度，请供热公司上门检查。'];

export function caseArgs(client: number, i: number, createdAt: number): CaseCreateArgs {
  const uuid = randomUUID();
  const phone = `13${String(client).padStart(2, '0')}${String(i).padStart(7, '0')}`;
  const content = CONTENTS[i % CONTENTS.length]!;
  return {
    case: {
      uuid,
      localNo: `W${String(client).padStart(3, '0')}-20261127-${String(i).padStart(4, '0')}`,
      workstation: `W${String(client).padStart(3, '0')}`,
      phone,
      phoneExt: '',
      callerName: '王女士',
      channel: 'hotline',
      requestType: 'complaint',
      categoryCode: '0501',
      regionCode: '370811',
      address: '任城区 古槐路 12 号',
      content,
      answer: '',
      urgency: 'normal',
      handlingMode: 'dispatch',
      status: 'pending_dispatch',
      confidential: false,
      operator: `话务员 ${client}`,
      createdAt,
    },
    contact: {
      uuid: randomUUID(),
      caseUuid: uuid,
      phone,
      phoneExt: '',
      callerName: '王女士',
      channel: 'hotline',
      requestType: 'complaint',
      content,
      operator: `话务员 ${client}`,
      createdAt,
    },
  };
}

async function post(base: string, path: string, body: string, token?: string): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function ingest(db: Db, opts: Required<Omit<ServerIngestOptions, 'databaseUrl'>>): Promise<ServerIngestResult> {
  const app = await buildServer({ db, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const now = Date.now();
    // setup, untimed: accounts, logins, registrations and the request bodies
    const clients = await Promise.all(
      Array.from({ length: opts.clients }, async (_, c) => {
        const username = `bench${c}-${randomBytes(3).toString('hex')}`;
        const password = randomBytes(12).toString('hex');
        await createAccount(db, { username, displayName: username, role: 'operator', password }, { N: 1024, r: 8, p: 1, keyLength: 32 });
        const { accessToken } = (await post(base, '/api/login', JSON.stringify({ username, password }))) as { accessToken: string };
        const clientId = `bench-${randomUUID()}`;
        await post(base, '/api/clients/register', JSON.stringify({ schemaVersion: SYNC_SCHEMA_VERSION, clientId }), accessToken);
        const bodies: string[] = [];
        for (let first = 1; first <= opts.casesPerClient; first += opts.batch) {
          const n = Math.min(opts.batch, opts.casesPerClient - first + 1);
          const mutations = Array.from({ length: n }, (_, k) => ({
            id: first + k,
            name: 'case.create',
            args: caseArgs(c, first + k, now - 60_000),
          }));
          bodies.push(JSON.stringify({ schemaVersion: SYNC_SCHEMA_VERSION, clientId, mutations }));
        }
        return { accessToken, bodies };
      }),
    );

    const started = performance.now();
    await Promise.all(
      clients.map(async ({ accessToken, bodies }) => {
        for (const body of bodies) await post(base, '/api/push', body, accessToken);
      }),
    );
    const totalMs = performance.now() - started;

    const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM cases');
    const cases = opts.clients * opts.casesPerClient;
    if (row!.n !== cases) throw new Error(`expected ${cases} cases on the server, found ${row!.n}`);
    return {
      name: 'server_ingest',
      db: db.kind,
      clients: opts.clients,
      cases,
      batch: opts.batch,
      total_ms: Math.round(totalMs),
      cases_per_s: Math.round((cases / totalMs) * 1000),
    };
  } finally {
    await app.close();
  }
}

export async function serverIngest(options: ServerIngestOptions = {}): Promise<ServerIngestResult[]> {
  const opts = { clients: options.clients ?? 20, casesPerClient: options.casesPerClient ?? 2500, batch: options.batch ?? 500 };
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const results: ServerIngestResult[] = [];

  const dir = mkdtempSync(join(tmpdir(), 'bench-server-'));
  const embedded = await openDatabase({ dataDir: dir });
  try {
    results.push(await ingest(embedded, opts));
    console.log(JSON.stringify(results.at(-1)));
  } finally {
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }

  if (!databaseUrl) {
    console.error('server_ingest: PostgreSQL skipped because DATABASE_URL is not set');
    return results;
  }
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const db = await openDatabase({ databaseUrl, searchPath: schema });
    try {
      results.push(await ingest(db, opts));
      console.log(JSON.stringify(results.at(-1)));
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  return results;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { clients: { type: 'string' }, 'cases-per-client': { type: 'string' }, batch: { type: 'string' } },
  });
  const num = (v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^[1-9]\d*$/.test(v)) throw new Error(`server_ingest: expected a positive whole number, got "${v}"`);
    return Number(v);
  };
  await serverIngest({ clients: num(values.clients), casesPerClient: num(values['cases-per-client']), batch: num(values.batch) });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
