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
import { insertFacts } from '../reports/facts';
import { createOrders } from '../workorders/service';
import { columnsOf, SERVER_CASE_COLUMNS, SERVER_CONTACT_COLUMNS, type ServerCaseRow, type ServerColumn } from './case-row';
import { allocateOfficialNos, centreDay } from './official-no';
import type { ApplyContext, MutationHandler, PendingMutation, PrepareContext, RejectionDraft } from './mutations';

const DAY_MS = 24 * 60 * 60 * 1000;

type Item = PendingMutation<CaseCreateArgs>;

const iso = (ms: number) => new Date(ms).toISOString();

/** Columns written per row, with their PostgreSQL types: rows go in as one unnest() per column. */
function unnestInsert<T>(table: string, columns: readonly ServerColumn<T>[], rows: T[]) {
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  return {
    sql: `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`,
    params: columns.map(([, , get]) => rows.map(get)),
  };
}

interface NewCase {
  item: Item;
  officialNo: string;
  version: number;
}

/** The case row (case-row.ts, from the shared record): the author is the account that pushed, whatever the workstation wrote. */
const caseColumns = (ctx: ApplyContext) =>
  columnsOf(SERVER_CASE_COLUMNS, (r: NewCase): ServerCaseRow => ({
    record: { ...r.item.args.case, operator: ctx.caller.username },
    officialNo: r.officialNo,
    version: r.version,
    accountId: ctx.caller.id,
    originClientId: ctx.clientId,
    originMutationId: r.item.id,
  }));

/** The contact row, linked to its case by the case's uuid (joined to its id on insert). */
const contactColumns = (ctx: ApplyContext): ServerColumn<NewCase>[] => [
  ['case_uuid', 'uuid', (r) => r.item.args.case.uuid],
  ...columnsOf(SERVER_CONTACT_COLUMNS, (r: NewCase) => ({ ...r.item.args.contact, operator: ctx.caller.username })),
];

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
 * The out-of-window history of numbers that are calling again after a long silence: it gets
 * fresh versions in apply(), so it reaches every workstation's next pull.
 */
async function historyComingBack(ctx: PrepareContext, fresh: Item[], seen: Set<string>): Promise<number[]> {
  const windowStart = ctx.now - ctx.config.windowDays * DAY_MS;
  const phones = [...new Set(fresh.filter((m) => m.args.case.createdAt >= windowStart).map((m) => m.args.case.phone))].filter(
    (p) => !seen.has(p),
  );
  for (const p of phones) seen.add(p);
  if (phones.length === 0) return [];
  // one statement: the numbers without a case in the window, and their older cases
  const old = await ctx.tx.query<{ id: number }>(
    `SELECT id FROM cases o
     WHERE o.phone = ANY($1::text[]) AND o.created_at < $2
       AND NOT EXISTS (SELECT 1 FROM cases w WHERE w.phone = o.phone AND w.created_at >= $2)
     ORDER BY id`,
    [phones, windowStart],
    { prepared: true },
  );
  return old.map((r) => r.id);
}

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
    const rows = await ctx.tx.query<{ t: string; uuid: string }>(
      `SELECT 'case' AS t, uuid::text AS uuid FROM cases WHERE uuid = ANY($1::uuid[])
       UNION ALL SELECT 'contact', uuid::text FROM contacts WHERE uuid = ANY($2::uuid[])`,
      [batch.map((m) => m.args.case.uuid), batch.map((m) => m.args.contact.uuid)],
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
    const history = fresh.length === 0 ? [] : await historyComingBack(ctx, fresh, seen.phones);
    return { fresh, rejections, history };
  },

  /** Under the head lock: versions, official numbers and the inserts, in as few statements as possible. */
  async apply(ctx, _batch, prepared) {
    const { fresh, rejections, history } = prepared as Prepared;
    if (fresh.length === 0) return rejections;

    if (history.length > 0) {
      const first = ctx.versions.take(history.length);
      await ctx.tx.query(
        `UPDATE cases SET version = v.version FROM unnest($1::bigint[], $2::bigint[]) AS v(id, version) WHERE cases.id = v.id`,
        [history, history.map((_, i) => first + i)],
      );
    }
    const numbers = await allocateOfficialNos(
      ctx.tx,
      ctx.config.officialNoPrefix,
      centreDay(ctx.now, ctx.config.timeZone),
      fresh.length,
    );
    const firstVersion = ctx.versions.take(fresh.length);
    const rows: NewCase[] = fresh.map((item, i) => ({ item, officialNo: numbers[i]!, version: firstVersion + i }));

    // the cases and their first contacts in one statement (the contacts join the inserted ids)
    const insertCases = unnestInsert('cases', caseColumns(ctx), rows);
    const contactCols = contactColumns(ctx);
    const offset = insertCases.params.length;
    const contactArrays = contactCols.map(([, type], i) => `$${offset + i + 1}::${type}[]`).join(', ');
    const contactNames = SERVER_CONTACT_COLUMNS.map(([name]) => name);
    const inserted = await ctx.tx.query<{ id: number }>(
      `WITH ins AS (${insertCases.sql} RETURNING id, uuid),
       k AS (INSERT INTO contacts (case_id, ${contactNames.join(', ')})
         SELECT ins.id, ${contactNames.map((n) => `u.${n}`).join(', ')}
         FROM unnest(${contactArrays}) AS u(${contactCols.map(([name]) => name).join(', ')})
         JOIN ins ON ins.uuid = u.case_uuid)
       SELECT id FROM ins`,
      [...insertCases.params, ...contactCols.map(([, , get]) => rows.map(get))],
      { prepared: true },
    );
    // a 转办 case gets its work order, waiting in 待派单; a sampled 直接答复 one waiting in 待回访
    // (src/server/workorders/service.ts)
    await createOrders(ctx.tx, fresh.map((m) => m.args.case), ctx.config.workOrders);
    // the report rollup counts the new cases in this transaction (src/server/reports/facts.ts):
    // they are new, so they have no old facts to take out first (refreshReport's other half)
    await insertFacts(ctx.tx, 'c.id = ANY($1::bigint[])', [inserted.map((r) => r.id)]);
    return rejections;
  },
};
