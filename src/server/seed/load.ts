/**
 * Fills a CENTRAL SERVER database with a living floor (`npm run seed -- --server-data DIR`, or
 * `--server` with DATABASE_URL): the units directory and dispatch catalogue of a Jining centre,
 * the centre's and the units' accounts (demo passwords), and the generated cases with their
 * contacts, official numbers and — for 转办 cases — work orders whose histories were made by the
 * shared transition table (lifecycle.ts).
 *
 * Rows go in as multi-row INSERT … SELECT FROM unnest(arrays), a few thousand cases a statement,
 * in ONE transaction holding the version head (sync/versions.ts), so a failed seed leaves no half
 * floor. Each case gets one change version (its final state), so a workstation's first pull
 * brings every case with its order and history. Official numbers are `<prefix><day>-<seq>` by
 * the case's centre day, and official_no_days continues after them for the next real case.
 * Only an EMPTY server (no cases) is seeded.
 */
import { insertFactsSql } from '../reports/facts';
import { hashPassword, type ScryptParams } from '../auth/password';
import { resolveConfig, type ServerConfigOverrides } from '../config';
import type { Db, Queryable } from '../db/adapter';
import { migrate } from '../db/migrations';
import { centreDay, formatOfficialNo } from '../sync/official-no';
import { lockHead } from '../sync/versions';
import { replaceDirectory } from '../units/service';
import { actionContext, CASE_STATUS_OF, derivedColumns, jsonbText, loadUnitDirectory } from '../workorders/service';
import type { CaseStatus, Channel, HandlingMode, RequestType, Urgency } from '../../shared/domain';
import { firstContactOf } from '../../shared/case-model';
import { columnsOf, SERVER_CASE_COLUMNS, SERVER_CONTACT_COLUMNS, type ServerCaseRow, type ServerColumn } from '../sync/case-row';
import type { Role } from '../../shared/sync';
import { WORK_ORDER_STATES, type HistoryEntry, type WorkOrder } from '../../shared/workorders';
import { jiningDirectory, streetUnitsByRegion, unitUsername, type RegionNode } from './directory';
import { OrderSimulator, type LifecycleProfile, type SeedRandom, type Showcase } from './lifecycle';

/** A generated case as the seed writes it (the workstation generator's cases fit). */
export interface SeedCase {
  uuid: string;
  contactUuid: string;
  localNo: string;
  phone: string;
  callerName: string;
  channel: Channel;
  requestType: RequestType;
  categoryCode: string;
  regionCode: string;
  address: string;
  content: string;
  answer: string;
  urgency: Urgency;
  handlingMode: HandlingMode;
  /** 有效工单 (cases.valid) */
  valid: boolean;
  confidential: boolean;
  /** the operator's username (op001 …) */
  operator: string;
  createdAt: number;
}

export interface SeedServerOptions {
  cases: Iterable<SeedCase>;
  /** the seed's now: history steps after it have not happened yet */
  now: number;
  rng: SeedRandom;
  /** the region list (resources/taxonomy/regions.json) */
  regions: readonly RegionNode[];
  /** operator usernames the cases name (each gets an account) */
  operators: readonly string[];
  /** the one demo password of every seeded account */
  password: string;
  /** the server configuration the orders are computed with (deadline rules, calendar files, prefix) */
  config?: ServerConfigOverrides;
  profile?: LifecycleProfile;
  /** cases per INSERT statement */
  chunk?: number;
}

export interface SeedAccount {
  username: string;
  displayName: string;
  role: Role;
  unitCode: string | null;
}

export interface SeedSummary {
  cases: number;
  valid: number;
  contacts: number;
  orders: number;
  history: number;
  units: number;
  rules: number;
  accounts: { created: number; existing: string[] };
  /** work orders by state */
  states: Record<string, number>;
  /** the queues at `now`, as the desktop and the overdue board count them */
  queues: {
    pending_dispatch: number;
    pending_sign: number;
    in_progress: number;
    pending_review: number;
    returned: number;
    extension_requested: number;
    due_soon: number;
    overdue: number;
  };
  /** 转办 ÷ valid cases */
  dispatchedShare: number;
  /** completed on time ÷ completed, % */
  onTimePct: number;
  returnedPct: number;
  extendedPct: number;
  subdispatchedPct: number;
  sentBackPct: number;
  /** orders whose steps stopped at a year without calendar data */
  calendarRefused: number;
  showcased: Partial<Record<Showcase, number>>;
}

/**
 * Demo accounts are hashed at a low scrypt cost so that seeding 100 accounts takes a second, not
 * a minute; the server re-hashes each at its own cost on the account's first successful login.
 */
export const SEED_SCRYPT: ScryptParams = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };

export const DEMO_CENTRE_ACCOUNTS: readonly SeedAccount[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', unitCode: null },
  { username: 'sup01', displayName: '班长 王芳', role: 'supervisor', unitCode: null },
  { username: 'sup02', displayName: '质检 李强', role: 'supervisor', unitCode: null },
];

export class SeedError extends Error {}

async function insertAccounts(tx: Queryable, accounts: readonly SeedAccount[], password: string): Promise<{ created: number; existing: string[] }> {
  const hashes = await Promise.all(accounts.map(() => hashPassword(password, SEED_SCRYPT)));
  const rows = await tx.query<{ username: string }>(
    `INSERT INTO accounts (username, display_name, role, password_hash, unit_code)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (username) DO NOTHING RETURNING username`,
    [accounts.map((a) => a.username), accounts.map((a) => a.displayName), accounts.map((a) => a.role), hashes, accounts.map((a) => a.unitCode)],
  );
  const created = new Set(rows.map((r) => r.username));
  return { created: created.size, existing: accounts.filter((a) => !created.has(a.username)).map((a) => a.username) };
}

/**
 * INSERT … SELECT FROM json_to_recordset($1): a chunk of rows travels as ONE JSON text, which the
 * database parses in C — much cheaper on both sides than one array literal per column.
 */
function jsonInsert<T>(table: string, columns: readonly (readonly [string, string, (row: T) => unknown])[], rows: readonly T[], extra: [string, string][] = []) {
  const names = columns.map(([n]) => n);
  const records = rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [name, , get] of columns) o[name] = get(r);
    return o;
  });
  return {
    sql:
      `INSERT INTO ${table} (${[...names, ...extra.map(([n]) => n)].join(', ')}) ${table === 'cases' ? 'OVERRIDING SYSTEM VALUE ' : ''}` +
      `SELECT ${[...names.map((n) => `u.${n}`), ...extra.map(([, expr]) => expr)].join(', ')} ` +
      `FROM json_to_recordset($1::json) AS u(${columns.map(([n, type]) => `${n} ${type}`).join(', ')})`,
    params: [jsonbText(records)],
  };
}

interface CaseRow {
  id: number;
  c: SeedCase;
  officialNo: string;
  version: number;
  accountId: number;
  status: CaseStatus;
  mutation: number;
}

/** The case row (src/server/sync/case-row.ts, as push writes it) and the seed's own id and 有效工单. */
const CASE_COLUMNS: readonly ServerColumn<CaseRow>[] = [
  ['id', 'bigint', (r) => r.id],
  ...columnsOf(SERVER_CASE_COLUMNS, (r: CaseRow): ServerCaseRow => ({
    record: { ...r.c, workstation: r.c.localNo.split('-')[0], status: r.status },
    officialNo: r.officialNo,
    version: r.version,
    accountId: r.accountId,
    originClientId: 'seed',
    originMutationId: r.mutation,
  })),
  ['valid', 'boolean', (r) => r.c.valid],
];

const CONTACT_COLUMNS: readonly ServerColumn<CaseRow>[] = [
  ['case_id', 'bigint', (r) => r.id],
  ...columnsOf(SERVER_CONTACT_COLUMNS, (r: CaseRow) => firstContactOf(r.c, r.c.contactUuid)),
];

type OrderRow = { caseId: number; version: number; order: WorkOrder; cols: ReturnType<typeof derivedColumns> };
const ORDER_COLUMNS: readonly [string, string, (r: OrderRow) => unknown][] = [
  ['case_id', 'bigint', (r) => r.caseId],
  ['snapshot', 'jsonb', (r) => r.order],
  ['state', 'text', (r) => r.cols.state],
  ['version', 'int', (r) => r.cols.version],
  ['unit_code', 'text', (r) => r.cols.unitCode],
  ['lead_unit_code', 'text', (r) => r.cols.leadUnitCode],
  ['deadline', 'bigint', (r) => r.cols.deadline],
  ['warn_at', 'bigint', (r) => r.cols.warnAt],
  ['sign_by', 'bigint', (r) => r.cols.signBy],
  ['extension_requested', 'boolean', (r) => r.cols.extensionRequested],
  ['follow_up_due', 'bigint', (r) => r.cols.followUpDue],
  ['supervision', 'smallint', (r) => r.cols.supervision],
  ['updated_version', 'bigint', (r) => r.version],
];

const HISTORY_COLUMNS: readonly [string, string, (r: { caseId: number; entry: HistoryEntry }) => unknown][] = [
  ['case_id', 'bigint', (r) => r.caseId],
  ['seq', 'int', (r) => r.entry.seq],
  ['entry', 'jsonb', (r) => r.entry],
  ['at', 'bigint', (r) => r.entry.at],
];

const RECEIVED_AT: [string, string] = ['received_at', 'to_timestamp(u.created_at / 1000.0)'];

/** Seeds an empty server database; returns what it wrote and the calibration measured on it. */
export async function seedServer(db: Db, opts: SeedServerOptions): Promise<SeedSummary> {
  const config = resolveConfig(opts.config);
  await migrate(db);
  const [held] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
  if (held!.n > 0) {
    throw new SeedError(`the server database already holds ${held!.n} cases: seed an empty one (a new --server-data folder or database)`);
  }
  const directory = jiningDirectory(opts.regions);
  await replaceDirectory(db, directory);

  const accounts: SeedAccount[] = [
    ...DEMO_CENTRE_ACCOUNTS,
    ...opts.operators.map((username, i) => ({ username, displayName: `话务员 ${String(i + 1).padStart(3, '0')}`, role: 'operator' as const, unitCode: null })),
    ...directory.units.map((u) => ({ username: unitUsername(u.code), displayName: u.name, role: 'unit' as const, unitCode: u.code })),
  ];
  const supervisors = DEMO_CENTRE_ACCOUNTS.filter((a) => a.role === 'supervisor').map((a) => a.username);
  const chunkSize = opts.chunk ?? 5_000;

  let counts = { cases: 0, valid: 0, contacts: 0, orders: 0, history: 0, calendarRefused: 0 };
  let accountResult = { created: 0, existing: [] as string[] };
  let showcased: Partial<Record<Showcase, number>> = {};
  await db.transaction(async (tx) => {
    accountResult = await insertAccounts(tx, accounts, opts.password);
    const ids = new Map(
      (await tx.query<{ id: number; username: string }>('SELECT id, username FROM accounts WHERE username = ANY($1::text[])', [opts.operators])).map(
        (r) => [r.username, r.id],
      ),
    );
    const [fallback] = await tx.query<{ id: number }>("SELECT id FROM accounts WHERE role IN ('operator', 'admin') ORDER BY id LIMIT 1");
    const units = await loadUnitDirectory(tx);
    const simulator = new OrderSimulator({
      now: opts.now,
      context: actionContext(config.workOrders, opts.now, units),
      units: directory.units,
      rules: directory.rules,
      streets: streetUnitsByRegion(opts.regions),
      supervisors,
      rng: opts.rng,
      profile: opts.profile,
    });
    const versions = await lockHead(tx);
    const [maxId] = await tx.query<{ id: number }>('SELECT coalesce(max(id), 0)::bigint AS id FROM cases');
    let nextId = maxId!.id + 1;
    const daySeq = new Map(
      (await tx.query<{ day: string; last: number }>('SELECT day, last FROM official_no_days')).map((r) => [r.day, r.last]),
    );
    const touchedDays = new Set<string>();
    // the centre's day of an instant, remembered per quarter hour (every time zone's midnight falls on one)
    const days = new Map<number, string>();
    const dayOf = (at: number): string => {
      const bucket = Math.floor(at / 900_000);
      let day = days.get(bucket);
      if (day === undefined) days.set(bucket, (day = centreDay(bucket * 900_000, config.timeZone)));
      return day;
    };

    let batch: SeedCase[] = [];
    let chunks = 0;
    // the next chunk is generated while the database writes the previous one
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (batch.length === 0) return;
      const first = versions.take(batch.length);
      const rows: CaseRow[] = [];
      const orders: { caseId: number; version: number; order: WorkOrder }[] = [];
      const entries: { caseId: number; entry: HistoryEntry }[] = [];
      batch.forEach((c, i) => {
        const day = dayOf(c.createdAt);
        const seq = (daySeq.get(day) ?? 0) + 1;
        daySeq.set(day, seq);
        touchedDays.add(day);
        const id = nextId++;
        let status: CaseStatus = 'closed';
        if (c.handlingMode === 'dispatch') {
          const sim = simulator.simulate({ id: c.uuid, createdAt: c.createdAt, urgency: c.urgency, categoryCode: c.categoryCode, regionCode: c.regionCode });
          if (sim.calendarRefused) counts.calendarRefused++;
          status = CASE_STATUS_OF[sim.order.state];
          orders.push({ caseId: id, version: first + i, order: sim.order });
          for (const entry of sim.history) entries.push({ caseId: id, entry });
        }
        if (c.valid) counts.valid++;
        rows.push({
          id,
          c,
          officialNo: formatOfficialNo(config.officialNoPrefix, day, seq),
          version: first + i,
          accountId: ids.get(c.operator) ?? fallback!.id,
          status,
          mutation: counts.cases + i + 1,
        });
      });
      const orderRows = orders.map((o) => ({ ...o, cols: derivedColumns(o.order, config.workOrders) }));
      const statements = [
        jsonInsert('cases', CASE_COLUMNS, rows, [RECEIVED_AT]),
        jsonInsert('contacts', CONTACT_COLUMNS, rows, [RECEIVED_AT]),
        ...(orderRows.length > 0 ? [jsonInsert('work_orders', ORDER_COLUMNS, orderRows)] : []),
        ...(entries.length > 0 ? [jsonInsert('order_history', HISTORY_COLUMNS, entries)] : []),
        // statistics for the planner as the tables grow inside this one transaction (without them it
        // reads order_history in full for each case of the facts' lateral join)
        ...((++chunks & (chunks - 1)) === 0 ? [{ sql: 'ANALYZE cases, work_orders, order_history', params: [] }] : []),
        // the report facts and rollup of the chunk (src/server/reports/facts.ts)
        { sql: insertFactsSql('c.id BETWEEN $1 AND $2'), params: [rows[0]!.id, rows.at(-1)!.id] },
      ];
      counts = {
        ...counts,
        cases: counts.cases + rows.length,
        contacts: counts.contacts + rows.length,
        orders: counts.orders + orders.length,
        history: counts.history + entries.length,
      };
      batch = [];
      await writing;
      writing = (async () => {
        for (const st of statements) await tx.query(st.sql, st.params);
      })();
      // a failed write must fail the seed even when nothing awaits it yet
      writing.catch(() => undefined);
    };
    for (const c of opts.cases) {
      batch.push(c);
      if (batch.length >= chunkSize) await flush();
    }
    await flush();
    await writing;

    const seeded = [...touchedDays];
    if (seeded.length > 0) {
      await tx.query(
        `INSERT INTO official_no_days (day, last) SELECT * FROM unnest($1::text[], $2::int[])
         ON CONFLICT (day) DO UPDATE SET last = GREATEST(official_no_days.last, excluded.last)`,
        [seeded, seeded.map((d) => daySeq.get(d)!)],
      );
    }
    await tx.query("SELECT setval(pg_get_serial_sequence('cases', 'id'), $1::bigint)", [Math.max(1, nextId - 1)]);
    await versions.save();
    showcased = Object.fromEntries(simulator.showcased);
  });
  return { ...counts, units: directory.units.length, rules: directory.rules.length, accounts: accountResult, showcased, ...(await measure(db, opts.now, counts.valid)) };
}

/** The calibration as the database shows it (the same SQL the tests check). */
export async function measure(db: Queryable, now: number, valid: number) {
  const byState = await db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM work_orders GROUP BY state');
  const states = Object.fromEntries(WORK_ORDER_STATES.map((s) => [s, byState.find((r) => r.state === s)?.n ?? 0]));
  const [q] = await db.query<{ extension: number; dueSoon: number; overdue: number; dispatch: number }>(
    `SELECT count(*) FILTER (WHERE extension_requested)::int AS extension,
            count(*) FILTER (WHERE state IN ('pending_sign', 'in_progress') AND warn_at < $1 AND deadline >= $1)::int AS "dueSoon",
            count(*) FILTER (WHERE state IN ('pending_sign', 'in_progress') AND deadline < $1)::int AS overdue,
            (SELECT count(*)::int FROM cases WHERE handling_mode = 'dispatch') AS dispatch
     FROM work_orders`,
    [now],
  );
  const [h] = await db.query<{ orders: number; returned: number; extended: number; sub: number; sentBack: number; closed: number; onTime: number }>(
    `SELECT (SELECT count(*)::int FROM work_orders) AS orders,
            count(DISTINCT case_id) FILTER (WHERE entry->>'action' = 'return')::int AS returned,
            count(DISTINCT case_id) FILTER (WHERE entry->>'action' = 'approve_extension')::int AS extended,
            count(DISTINCT case_id) FILTER (WHERE entry->>'action' = 'subdispatch')::int AS sub,
            count(DISTINCT case_id) FILTER (WHERE entry->>'action' = 'review' AND entry->'details'->>'decision' = 'send_back')::int AS "sentBack",
            (SELECT count(*)::int FROM work_orders WHERE state = 'closed') AS closed,
            (SELECT count(*)::int FROM work_orders WHERE state = 'closed' AND (snapshot->'completion'->>'onTime')::boolean) AS "onTime"
     FROM order_history`,
  );
  const pct = (a: number, b: number) => (b === 0 ? 0 : Math.round((10_000 * a) / b) / 100);
  return {
    states,
    queues: {
      pending_dispatch: states.pending_dispatch!,
      pending_sign: states.pending_sign!,
      in_progress: states.in_progress!,
      pending_review: states.pending_review!,
      returned: states.returned!,
      extension_requested: q!.extension,
      due_soon: q!.dueSoon,
      overdue: q!.overdue,
    },
    dispatchedShare: valid === 0 ? 0 : Math.round((10_000 * q!.dispatch) / valid) / 10_000,
    onTimePct: pct(h!.onTime, h!.closed),
    returnedPct: pct(h!.returned, h!.orders),
    extendedPct: pct(h!.extended, h!.orders),
    subdispatchedPct: pct(h!.sub, h!.orders),
    sentBackPct: pct(h!.sentBack, h!.orders),
  };
}
