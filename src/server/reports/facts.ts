/**
 * Report facts and daily rollups (src/shared/reports/indicators.ts defines what is counted).
 *
 * One SQL expression, FACTS, computes a case's facts from its current rows (cases, work_orders
 * snapshot, order_history): the days it counts on (received, due, completed), its dimensions and
 * its flags. Two ways to sum them:
 *   - the ROLLUP: `report_facts` keeps every case's facts as last counted, and `report_daily`
 *     the sums by day × channel × category × region × unit. Whenever the server writes a case or
 *     an order, in the same transaction, refreshReport(ids) subtracts the cases' old facts from
 *     the rollup and adds their new ones (so a later transition moves its counts from one day or
 *     unit to another). A month report then reads a few thousand rollup rows;
 *   - the SCAN: the same FACTS over every case logged before the period's end, summed on the fly
 *     (the baseline of the benchmark, and the cross-check of the tests).
 * Both go through CONTRIBUTIONS, so the numbers are identical by construction unless the
 * maintenance misses a write — which is what tests/unit/server/reports.test.ts checks.
 */
import type { Queryable } from '../db/adapter';
import { SATISFIED_LEVELS } from '../../shared/reports/indicators';

/** The counters stored per rollup row (the computed ones, overdue and due_open, are derived). */
export const STORED = [
  'received',
  'valid',
  'direct',
  'dispatched',
  'signed_on_time',
  'repeat_called',
  'returned',
  'due',
  'due_completed',
  'due_on_time',
  'completed',
  'handling_ms',
  'first_time',
  'rehandled',
  'followed_up',
  'rated',
  'satisfied',
] as const;
export type Stored = (typeof STORED)[number];

export const KEY = ['day', 'channel', 'category', 'region', 'unit'] as const;

const OFF = 28_800_000; // REPORT_OFFSET_MS: centre days are UTC+8 days
const DAYMS = 86_400_000;
const dayExpr = (ms: string) => `floor((${ms} + ${OFF})::numeric / ${DAYMS})::int`;
const levels = `ARRAY[${SATISFIED_LEVELS.map((l) => `'${l}'`).join(', ')}]::text[]`;

/**
 * Where the facts read a case's rows: the tables, or (for cases a statement inserts) the names of
 * its CTEs that return the inserted rows whole (case-create.ts counts a push's new cases in the
 * statement that inserts them).
 */
export interface FactSources {
  cases: string;
  orders: string;
}
const TABLES: FactSources = { cases: 'cases', orders: 'work_orders' };

/** The facts of every case that `where` (on cases c) selects. */
export function factsSql(where: string, src: FactSources = TABLES): string {
  // the history of the chosen cases aggregated in one pass, then joined: a per-case (lateral)
  // subquery was planned as a scan of order_history per case while the table's statistics still
  // said it was small (10,000 dispatches pushed into a fresh table: 1.7 s a batch instead of 0.02)
  return `
  WITH hist AS (
    SELECT e.case_id,
      (array_agg(e.entry #>> '{actor,unitId}' ORDER BY e.seq DESC) FILTER (WHERE e.entry ->> 'action' = 'return'))[1] AS returned_unit,
      bool_or(e.entry ->> 'action' = 'review' AND e.entry #>> '{details,decision}' = 'send_back') AS sent_back,
      bool_or(e.entry ->> 'action' = 'link_call') AS repeat_called,
      bool_or(e.entry ->> 'action' = 'follow_up' AND e.entry #>> '{details,result}' = 'rehandle') AS rehandled,
      bool_or(e.entry ->> 'action' = 'follow_up' AND e.entry #>> '{details,outcome}' = 'reached') AS followed_up,
      (array_agg(coalesce((e.entry #>> '{details,satisfied}')::boolean, (e.entry #>> '{details,satisfaction}') = ANY(${levels})) ORDER BY e.seq DESC)
        FILTER (WHERE e.entry ->> 'action' = 'follow_up' AND e.entry #>> '{details,outcome}' = 'reached'
                AND (e.entry #>> '{details,satisfied}' IS NOT NULL OR e.entry #>> '{details,satisfaction}' IS NOT NULL)))[1] AS satisfied
    FROM order_history e WHERE e.case_id IN (SELECT c.id FROM ${src.cases} c WHERE ${where})
    GROUP BY e.case_id)
  SELECT c.id AS case_id,
    ${dayExpr('c.created_at')} AS rday,
    c.channel, c.category_code AS category, left(c.region_code, 6) AS region,
    coalesce(w.lead_unit_code, '') AS unit,
    h.returned_unit,
    c.valid,
    (c.valid AND c.handling_mode = 'direct') AS direct,
    -- a repeat call (重复件) joined an existing order: it is received, not forwarded again
    (c.valid AND c.handling_mode = 'dispatch' AND c.repeat_of IS NULL) AS dispatched,
    coalesce((w.snapshot #>> '{assignments,0,signedAt}')::bigint <= (w.snapshot #>> '{assignments,0,signBy}')::bigint, false) AS signed_on_time,
    coalesce(h.repeat_called, false) AS repeat_called,
    ${dayExpr(`coalesce((w.snapshot #>> '{completion,deadlineAtReply}')::bigint, (w.snapshot #>> '{assignments,0,deadline,at}')::bigint)`)} AS due_day,
    coalesce(jsonb_typeof(w.snapshot -> 'completion') = 'object', false) AS done,
    coalesce((w.snapshot #>> '{completion,onTime}')::boolean, false) AS on_time,
    ${dayExpr(`(w.snapshot #>> '{completion,acceptedAt}')::bigint`)} AS cday,
    coalesce((w.snapshot #>> '{completion,repliedAt}')::bigint - c.created_at, 0) AS handling_ms,
    (h.returned_unit IS NULL AND NOT coalesce(h.sent_back, false) AND NOT coalesce(h.rehandled, false)) AS first_time,
    coalesce(h.rehandled, false) AS rehandled,
    coalesce(h.followed_up, false) AS followed_up,
    h.satisfied IS NOT NULL AS rated,
    coalesce(h.satisfied, false) AS satisfied
  FROM ${src.cases} c
  LEFT JOIN ${src.orders} w ON w.case_id = c.id
  LEFT JOIN hist h ON h.case_id = c.id AND w.case_id IS NOT NULL
  WHERE ${where}`;
}

const FACT_COLUMNS = [
  'case_id', 'rday', 'channel', 'category', 'region', 'unit', 'returned_unit', 'valid', 'direct', 'dispatched', 'signed_on_time',
  'repeat_called', 'due_day', 'done', 'on_time', 'cday', 'handling_ms', 'first_time', 'rehandled', 'followed_up', 'rated', 'satisfied',
] as const;

/**
 * The rollup rows a set of facts `f` adds (sign '+') or takes away ('-'), summed by key: the
 * received-day counters, the returning unit's count, the due-day and the completion-day counters.
 */
export function contributionsSql(f: string, sign: '+' | '-' = '+'): string {
  const b = (e: string) => `(${e})::int`;
  const row = (day: string, unit: string, vals: Partial<Record<Stored, string>>, where: string) =>
    `SELECT ${day} AS day, channel, category, region, ${unit} AS unit, ${STORED.map((s) => `${vals[s] ?? '0'}::bigint AS ${s}`).join(', ')} FROM f WHERE ${where}`;
  const parts = [
    row('rday', 'unit', {
      received: '1', valid: b('valid'), direct: b('direct'), dispatched: b('dispatched'),
      signed_on_time: b('signed_on_time'), repeat_called: b('repeat_called'),
    }, 'true'),
    row('rday', 'returned_unit', { returned: '1' }, 'returned_unit IS NOT NULL'),
    row('due_day', 'unit', { due: '1', due_completed: b('done'), due_on_time: b('done AND on_time') }, 'due_day IS NOT NULL'),
    row('cday', 'unit', {
      completed: '1', handling_ms: 'handling_ms', first_time: b('first_time'), rehandled: b('rehandled'),
      followed_up: b('followed_up'), rated: b('rated'), satisfied: b('satisfied'),
    }, 'done AND cday IS NOT NULL'),
  ];
  return `WITH f AS (${f})
  SELECT ${KEY.join(', ')}, ${STORED.map((s) => `${sign === '-' ? '-' : ''}sum(${s})::bigint AS ${s}`).join(', ')}
  FROM (${parts.join('\n  UNION ALL ')}) x
  GROUP BY ${KEY.join(', ')}`;
}

/** the rollups' upserts, adding the contributions of a WITH item `c` */
const dailyUpsert = `
    INSERT INTO report_daily (${KEY.join(', ')}, ${STORED.join(', ')})
    SELECT * FROM c ORDER BY ${KEY.join(', ')}
    ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET ${STORED.map((s) => `${s} = report_daily.${s} + excluded.${s}`).join(', ')}`;
const channelUpsert = `
  INSERT INTO report_channel_daily (day, channel, ${STORED.join(', ')})
  SELECT day, channel, ${STORED.map((s) => `sum(${s})`).join(', ')} FROM c GROUP BY day, channel ORDER BY day, channel
  ON CONFLICT (day, channel) DO UPDATE SET ${STORED.map((s) => `${s} = report_channel_daily.${s} + excluded.${s}`).join(', ')}`;

/**
 * Adds contributions to both rollups: report_daily (every dimension) and report_channel_daily
 * (day × channel only: the totals and the channel split of a period read a few hundred rows).
 * `prefix` is the WITH list the contributions' source comes from ('' or "WITH n AS (…),").
 */
const upsertRollup = (contribs: string, prefix = 'WITH') => `
  ${prefix} c AS (${contribs}),
  d AS (${dailyUpsert}
    RETURNING 1
  )${channelUpsert}`;

/**
 * insertFacts as items of a WITH list (n, c, d, dc) that follow the CTEs `src` names: the facts
 * of the cases src.cases returns, stored and added to both rollups in the statement that inserts
 * them. Those cases are new, so they have no history and no facts counted before.
 */
export const newCaseFactsItems = (src: FactSources): string => `
  n AS (INSERT INTO report_facts (${FACT_COLUMNS.join(', ')}) ${factsSql('true', src)} RETURNING *),
  c AS (${contributionsSql('SELECT * FROM n')}),
  d AS (${dailyUpsert} RETURNING 1),
  dc AS (${channelUpsert} RETURNING 1)`;

/**
 * Re-counts the given cases: takes their previous facts out of the rollup, stores their current
 * facts, adds those in. Call it in the transaction that wrote the cases / orders.
 */
export async function refreshReport(tx: Queryable, caseIds: readonly number[]): Promise<void> {
  if (caseIds.length === 0) return;
  const ids = [...new Set(caseIds)].sort((a, b) => a - b);
  await tx.query(
    upsertRollup(contributionsSql(`SELECT * FROM report_facts WHERE case_id = ANY($1::bigint[])`, '-')),
    [ids],
  );
  await tx.query('DELETE FROM report_facts WHERE case_id = ANY($1::bigint[])', [ids]);
  await insertFacts(tx, 'c.id = ANY($1::bigint[])', [ids]);
}

/** Stores the facts of cases never counted (the seed, the migration) and adds them to the rollup. */
export async function insertFacts(tx: Queryable, where: string, params: unknown[]): Promise<void> {
  // a fixed set of texts (the callers' where clauses): planned once per connection
  await tx.query(insertFactsSql(where), params, { prepared: true });
}

export const insertFactsSql = (where: string): string =>
  upsertRollup(contributionsSql('SELECT * FROM n'), `WITH n AS (INSERT INTO report_facts (${FACT_COLUMNS.join(', ')}) ${factsSql(where)} RETURNING *),`);

/** Rebuilds facts and rollups from scratch (repair, or after a bulk load that skipped them). */
export async function rebuildReport(tx: Queryable): Promise<void> {
  await tx.exec('TRUNCATE report_facts, report_daily, report_channel_daily');
  await insertFacts(tx, 'true', []);
}

/** The tables (migration 8). */
export const REPORT_TABLES_SQL = `
  -- 有效工单: false for nuisance / invalid contacts, which count as received but not as orders
  ALTER TABLE cases ADD COLUMN valid boolean NOT NULL DEFAULT true;

  -- every case's facts as last counted into report_daily (src/server/reports/facts.ts)
  CREATE TABLE report_facts (
    case_id bigint PRIMARY KEY REFERENCES cases (id),
    rday integer NOT NULL,
    channel text NOT NULL,
    category text NOT NULL,
    region text NOT NULL,
    unit text NOT NULL,
    returned_unit text,
    valid boolean NOT NULL,
    direct boolean NOT NULL,
    dispatched boolean NOT NULL,
    signed_on_time boolean NOT NULL,
    repeat_called boolean NOT NULL,
    due_day integer,
    done boolean NOT NULL,
    on_time boolean NOT NULL,
    cday integer,
    handling_ms bigint NOT NULL,
    first_time boolean NOT NULL,
    rehandled boolean NOT NULL,
    followed_up boolean NOT NULL,
    rated boolean NOT NULL,
    satisfied boolean NOT NULL
  );
  CREATE INDEX report_facts_by_rday ON report_facts (rday);
  CREATE INDEX report_facts_by_due ON report_facts (due_day) WHERE due_day IS NOT NULL;
  CREATE INDEX report_facts_by_cday ON report_facts (cday) WHERE cday IS NOT NULL;

  -- daily rollup: centre day (days since 1970-01-01, UTC+8) × channel × leaf category × county × lead unit
  CREATE TABLE report_daily (
    day integer NOT NULL,
    channel text NOT NULL,
    category text NOT NULL,
    region text NOT NULL,
    unit text NOT NULL,
    ${STORED.map((s) => `${s} bigint NOT NULL DEFAULT 0`).join(',\n    ')},
    PRIMARY KEY (day, channel, category, region, unit)
  );
  -- the same sums by day × channel alone (a period's totals and channel split)
  CREATE TABLE report_channel_daily (
    day integer NOT NULL,
    channel text NOT NULL,
    ${STORED.map((s) => `${s} bigint NOT NULL DEFAULT 0`).join(',\n    ')},
    PRIMARY KEY (day, channel)
  );
`;
