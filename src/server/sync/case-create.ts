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
import { refreshReport } from '../reports/facts';
import { createOrders } from '../workorders/service';
import { columnsOf, SERVER_CASE_COLUMNS, SERVER_CONTACT_COLUMNS, type ServerCaseRow, type ServerColumn } from './case-row';
import { allocateOfficialNos, centreDay } from './official-no';
import type { ApplyContext, MutationHandler, PendingMutation, RejectionDraft } from './mutations';

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

async function existing(ctx: ApplyContext, table: 'cases' | 'contacts', uuids: string[]): Promise<Set<string>> {
  const rows = await ctx.tx.query<{ uuid: string }>(`SELECT uuid::text AS uuid FROM ${table} WHERE uuid = ANY($1::uuid[])`, [uuids]);
  return new Set(rows.map((r) => r.uuid));
}

/** Gives fresh versions to the out-of-window history of numbers that are calling again after a long silence. */
async function bringHistoryIntoWindow(ctx: ApplyContext, fresh: Item[]): Promise<void> {
  const windowStart = ctx.now - ctx.config.windowDays * DAY_MS;
  const phones = [...new Set(fresh.filter((m) => m.args.case.createdAt >= windowStart).map((m) => m.args.case.phone))];
  if (phones.length === 0) return;
  const inWindow = await ctx.tx.query<{ phone: string }>(
    'SELECT DISTINCT phone FROM cases WHERE phone = ANY($1::text[]) AND created_at >= $2',
    [phones, windowStart],
  );
  const known = new Set(inWindow.map((r) => r.phone));
  const returning = phones.filter((p) => !known.has(p));
  if (returning.length === 0) return;
  const old = await ctx.tx.query<{ id: number }>(
    'SELECT id FROM cases WHERE phone = ANY($1::text[]) AND created_at < $2 ORDER BY id',
    [returning, windowStart],
  );
  if (old.length === 0) return;
  const first = ctx.versions.take(old.length);
  await ctx.tx.query(
    `UPDATE cases SET version = v.version FROM unnest($1::bigint[], $2::bigint[]) AS v(id, version) WHERE cases.id = v.id`,
    [old.map((r) => r.id), old.map((_, i) => first + i)],
  );
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

  async apply(ctx, batch) {
    const rejections: RejectionDraft[] = [];
    const cases = await existing(ctx, 'cases', batch.map((m) => m.args.case.uuid));
    const contacts = await existing(ctx, 'contacts', batch.map((m) => m.args.contact.uuid));
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
      fresh.push(m);
    }
    if (fresh.length === 0) return rejections;

    await bringHistoryIntoWindow(ctx, fresh);
    const numbers = await allocateOfficialNos(
      ctx.tx,
      ctx.config.officialNoPrefix,
      centreDay(ctx.now, ctx.config.timeZone),
      fresh.length,
    );
    const firstVersion = ctx.versions.take(fresh.length);
    const rows: NewCase[] = fresh.map((item, i) => ({ item, officialNo: numbers[i]!, version: firstVersion + i }));

    const insertCases = unnestInsert('cases', caseColumns(ctx), rows);
    await ctx.tx.query(insertCases.sql, insertCases.params);
    // a 转办 case gets its work order, waiting in 待派单; a sampled 直接答复 one waiting in 待回访
    // (src/server/workorders/service.ts)
    await createOrders(ctx.tx, fresh.map((m) => m.args.case), ctx.config.workOrders);
    const contactCols = contactColumns(ctx);
    const contactArrays = contactCols.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    const contactNames = SERVER_CONTACT_COLUMNS.map(([name]) => name);
    await ctx.tx.query(
      `INSERT INTO contacts (case_id, ${contactNames.join(', ')})
       SELECT c.id, ${contactNames.map((n) => `u.${n}`).join(', ')}
       FROM unnest(${contactArrays}) AS u(${contactCols.map(([name]) => name).join(', ')})
       JOIN cases c ON c.uuid = u.case_uuid`,
      contactCols.map(([, , get]) => rows.map(get)),
    );
    // the report rollup counts the new cases in this transaction (src/server/reports/facts.ts)
    const ids = await ctx.tx.query<{ id: number }>('SELECT id FROM cases WHERE uuid = ANY($1::uuid[])', [fresh.map((m) => m.args.case.uuid)]);
    await refreshReport(ctx.tx, ids.map((r) => r.id));
    return rejections;
  },
};
