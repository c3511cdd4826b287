/**
 * 'case.create': a case logged at a workstation, with its first contact, arrives at the centre.
 *
 * - Idempotent by uuid: a case the server already holds (its push's response was lost, or the
 *   workstation re-queued it) is not created again, and the mutation counts as applied.
 * - The operator (登记人) of the case and its contact is the account whose credential pushed it:
 *   what the workstation wrote in `operator` is ignored, so nobody can log a case in another's name.
 * - Each new case gets its official number (正式编号) and a change version.
 * - The pull window is "cases of the last windowDays days, plus the full history of every phone
 *   number that has a case in that window". When a number calls again after a long silence,
 *   its old cases enter that set, so they get fresh versions here and reach every workstation's
 *   next pull. (When the number already has a case in the window, its history was already
 *   delivered.)
 */
import type { CaseCreateArgs } from '../../shared/sync';
import { insertFacts, newCaseFactsItems } from '../reports/facts';
import { createOrders, dispatchOrders, sampledDirect } from '../workorders/service';
import { columnsOf, SERVER_CASE_COLUMNS, SERVER_CONTACT_COLUMNS, type ServerCaseRow, type ServerColumn } from './case-row';
import { centreDay, officialNoSql } from './official-no';
import { HEAD_LOCK_SQL } from './versions';
import type { ApplyContext, MutationHandler, PendingMutation, PrepareContext, RejectionDraft } from './mutations';

const DAY_MS = 24 * 60 * 60 * 1000;

type Item = PendingMutation<CaseCreateArgs>;

const iso = (ms: number) => new Date(ms).toISOString();

interface NewCase {
  item: Item;
}

/**
 * The case row (case-row.ts, from the shared record): the author is the account that pushed,
 * whatever the workstation wrote. Its official number and version are given in SQL (below).
 */
const caseColumns = (ctx: ApplyContext) =>
  columnsOf(SERVER_CASE_COLUMNS, (r: NewCase): ServerCaseRow => ({
    record: { ...r.item.args.case, operator: ctx.caller.username },
    officialNo: '',
    version: 0,
    accountId: ctx.caller.id,
    originClientId: ctx.clientId,
    originMutationId: r.item.id,
  })).filter(([name]) => name !== 'official_no' && name !== 'version');

/** The contact row, linked to its case by the case's uuid (joined to its id on insert). */
const contactColumns = (ctx: ApplyContext): ServerColumn<NewCase>[] => [
  ['case_uuid', 'uuid', (r) => r.item.args.case.uuid],
  ...columnsOf(SERVER_CONTACT_COLUMNS, (r: NewCase) => ({ ...r.item.args.contact, operator: ctx.caller.username })),
];

/**
 * The cases, their first contacts and the 待派单 orders of the 转办 ones, in ONE statement that
 * also locks the version head (unless this push holds it already, `held`) and reserves the
 * day's official numbers: the head is held for one round trip fewer per step. `hd` is read
 * before the numbers are reserved (their INSERT selects from it), so every push takes the head
 * lock first and the day's row second, and no two wait on each other.
 *
 * With `facts`, the same statement also counts the new cases into the reports (facts.ts): one
 * round trip fewer under the head again. Not when a case of the batch is sampled for follow-up:
 * its 待回访 order, which its facts read, is inserted after this statement (createOrders).
 */
const insertCasesSqlText = new Map<string, string>();
function insertCasesSql(ctx: ApplyContext, held: boolean, facts: boolean) {
  const caseCols = caseColumns(ctx);
  const contactCols = contactColumns(ctx);
  const key = `${held}:${facts}`;
  const cached = insertCasesSqlText.get(key);
  if (cached !== undefined) return { sql: cached, caseCols, contactCols };
  let n = 0;
  const param = (type: string) => `$${++n}::${type}`;
  const caseArrays = caseCols.map(([, type]) => param(`${type}[]`)).join(', ');
  const contactArrays = contactCols.map(([, type]) => param(`${type}[]`)).join(', ');
  const [count, day, prefix, orderUuids, orderSnapshots] = ['int', 'text', 'text', 'uuid[]', 'text[]'].map(param);
  const head = held ? `SELECT ${param('bigint')} AS version` : HEAD_LOCK_SQL;
  const caseNames = caseCols.map(([name]) => name);
  const contactNames = SERVER_CONTACT_COLUMNS.map(([name]) => name);
  const seq = `(no.last - ${count} + u.ord)`;
  const sql = `WITH hd AS (${head}),
     no AS (INSERT INTO official_no_days (day, last) SELECT ${day}, ${count} FROM hd
            ON CONFLICT (day) DO UPDATE SET last = official_no_days.last + EXCLUDED.last RETURNING last),
     u AS (SELECT * FROM unnest(${caseArrays}) WITH ORDINALITY AS u(${caseNames.join(', ')}, ord)),
     ins AS (INSERT INTO cases (${caseNames.join(', ')}, official_no, version)
             SELECT ${caseNames.map((c) => `u.${c}`).join(', ')},
               ${officialNoSql(prefix!, day!, seq)},
               hd.version + u.ord
             FROM u, no, hd ORDER BY u.ord
             RETURNING *),
     k AS (INSERT INTO contacts (case_id, ${contactNames.join(', ')})
           SELECT ins.id, ${contactNames.map((c) => `k.${c}`).join(', ')}
           FROM unnest(${contactArrays}) AS k(${contactCols.map(([name]) => name).join(', ')})
           JOIN ins ON ins.uuid = k.case_uuid),
     wo AS (INSERT INTO work_orders (case_id, snapshot, state, version, updated_version)
            SELECT ins.id, w.snapshot::jsonb, 'pending_dispatch', 0, ins.version
            FROM unnest(${orderUuids}, ${orderSnapshots}) AS w(uuid, snapshot) JOIN ins ON ins.uuid = w.uuid
            ON CONFLICT (case_id) DO NOTHING
            RETURNING *)${facts ? `,${newCaseFactsItems({ cases: 'ins', orders: 'wo' })}` : ''}
     SELECT ins.id, hd.version AS head FROM ins, hd ORDER BY ins.version`;
  insertCasesSqlText.set(key, sql);
  return { sql, caseCols, contactCols };
}

interface Prepared {
  fresh: Item[];
  rejections: RejectionDraft[];
  /** ids of out-of-window cases of numbers calling again after a long silence, to get fresh versions */
  history: number[];
}

/** what earlier case.create runs of the same push claimed (PrepareContext.pushState) */
function claimed(ctx: PrepareContext): { cases: Set<string>; contacts: Set<string>; phones: Set<string> } {
  let c = ctx.pushState.get('case.create') as ReturnType<typeof claimed> | undefined;
  if (!c) ctx.pushState.set('case.create', (c = { cases: new Set(), contacts: new Set(), phones: new Set() }));
  return c;
}

/**
 * Before the head lock, in ONE statement: which of the batch's case and contact uuids the server
 * already holds, and the out-of-window history of the batch's numbers that call again after a
 * long silence (no case in the window). The history is asked for every in-window number of the
 * batch not claimed earlier in the push; prepare() keeps the rows of the numbers whose case is
 * new. A number's rows depend on that number alone, so this is what asking for the new cases'
 * numbers only would return.
 */
const PREPARE_SQL = `
  SELECT 'case' AS t, uuid::text AS uuid, NULL::bigint AS id, NULL::text AS phone FROM cases WHERE uuid = ANY($1::uuid[])
  UNION ALL SELECT 'contact', uuid::text, NULL, NULL FROM contacts WHERE uuid = ANY($2::uuid[])
  UNION ALL SELECT 'history', NULL, o.id, o.phone FROM cases o
    WHERE o.phone = ANY($3::text[]) AND o.created_at < $4
      AND NOT EXISTS (SELECT 1 FROM cases w WHERE w.phone = o.phone AND w.created_at >= $4)`;

export const caseCreate: MutationHandler<CaseCreateArgs> = {
  check(args, { now, config }) {
    for (const [what, at] of [
      ['case', args.case.createdAt],
      ['contact', args.contact.createdAt],
    ] as const) {
      if (at > now + config.maxClockSkewMs) {
        return `${what}.createdAt ${iso(at)} is in the future (server time ${iso(now)}): check the workstation's clock`;
      }
    }
    return null;
  },

  /**
   * Before the head lock: which cases are new (idempotency by uuid, within the push too), which
   * contacts collide, and which old history comes back into the window. Reads only. A case or
   * contact another client commits between here and the insert makes the insert fail with a
   * unique violation; push() then runs the whole transaction again, which finds it here.
   */
  async prepare(ctx, batch): Promise<Prepared> {
    const seen = claimed(ctx);
    const windowStart = ctx.now - ctx.config.windowDays * DAY_MS;
    const inWindow = (m: Item) => m.args.case.createdAt >= windowStart && !seen.phones.has(m.args.case.phone);
    const rows = await ctx.tx.query<{ t: string; uuid: string | null; id: number | null; phone: string | null }>(
      PREPARE_SQL,
      [
        batch.map((m) => m.args.case.uuid),
        batch.map((m) => m.args.contact.uuid),
        [...new Set(batch.filter(inWindow).map((m) => m.args.case.phone))],
        windowStart,
      ],
      { prepared: true },
    );
    const cases = new Set([...seen.cases, ...rows.filter((r) => r.t === 'case').map((r) => r.uuid)]);
    const contacts = new Set([...seen.contacts, ...rows.filter((r) => r.t === 'contact').map((r) => r.uuid)]);
    const rejections: RejectionDraft[] = [];
    const fresh: Item[] = [];
    for (const m of batch) {
      if (cases.has(m.args.case.uuid)) continue;
      if (contacts.has(m.args.contact.uuid)) {
        rejections.push({
          mutationId: m.id,
          code: 'rule_violation',
          reason: `contact.uuid ${m.args.contact.uuid} already belongs to another case`,
        });
        continue;
      }
      cases.add(m.args.case.uuid);
      contacts.add(m.args.contact.uuid);
      seen.cases.add(m.args.case.uuid);
      seen.contacts.add(m.args.contact.uuid);
      fresh.push(m);
    }
    // the history of the new cases' numbers (each number once per push)
    const phones = new Set(fresh.filter(inWindow).map((m) => m.args.case.phone));
    for (const p of phones) seen.phones.add(p);
    const history = rows.filter((r) => r.t === 'history' && phones.has(r.phone!)).map((r) => r.id!).sort((x, y) => x - y);
    return { fresh, rejections, history };
  },

  /** Under the head lock (taken here): versions, official numbers and the inserts, in as few statements as possible. */
  async apply(ctx, _batch, prepared) {
    const { fresh, rejections, history } = prepared as Prepared;
    if (fresh.length === 0) return rejections;

    if (history.length > 0) {
      await ctx.versions.lock();
      const first = ctx.versions.take(history.length);
      await ctx.tx.query(
        `UPDATE cases SET version = v.version FROM unnest($1::bigint[], $2::bigint[]) AS v(id, version) WHERE cases.id = v.id`,
        [history, history.map((_, i) => first + i)],
      );
    }
    const held = ctx.versions.locked;
    const cases = fresh.map((m) => m.args.case);
    // a case sampled for follow-up gets its order after the insert, so its facts are counted after it
    const factsInInsert = sampledDirect(cases, ctx.config.workOrders).length === 0;
    const { sql, caseCols, contactCols } = insertCasesSql(ctx, held, factsInInsert);
    const rows: NewCase[] = fresh.map((item) => ({ item }));
    const orders = dispatchOrders(cases);
    const inserted = await ctx.tx.query<{ id: number; head: number }>(
      sql,
      [
        ...caseCols.map(([, , get]) => rows.map(get)),
        ...contactCols.map(([, , get]) => rows.map(get)),
        fresh.length,
        centreDay(ctx.now, ctx.config.timeZone),
        ctx.config.officialNoPrefix,
        orders.uuids,
        orders.snapshots,
        ...(held ? [ctx.versions.last()] : []),
      ],
      { prepared: true },
    );
    if (inserted.length !== fresh.length) throw new Error(`case.create inserted ${inserted.length} of ${fresh.length} cases`);
    ctx.versions.adopt(inserted[0]!.head, fresh.length);
    // the insert counted the new cases into the reports, unless one is sampled for follow-up:
    if (factsInInsert) return rejections;
    // its order waits in 待回访 (src/server/workorders/service.ts), and its facts read that order
    await createOrders(ctx.tx, cases, ctx.config.workOrders, { dispatch: false });
    // the report rollup counts the new cases in this transaction (src/server/reports/facts.ts):
    // they are new, so they have no old facts to take out first (refreshReport's other half)
    await insertFacts(ctx.tx, 'c.id = ANY($1::bigint[])', [inserted.map((r) => r.id)]);
    return rejections;
  },

  locksHead: true,
  // the floor's every push: at 600,000 cases 4 ms a push planned once, against 9 (adapter.ts)
  plansOnce: true,
};
