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
import { talkSeconds } from '../../shared/telephony';
import { addFactsSql, storeFactsSql } from '../reports/facts';
import { createOrders } from '../workorders/service';
import type { Queryable } from '../db/adapter';
import { centreDay } from './official-no';
import type { ApplyContext, MutationHandler, PendingMutation, PrepareContext, RejectionDraft } from './mutations';

const DAY_MS = 24 * 60 * 60 * 1000;

type Item = PendingMutation<CaseCreateArgs>;

const iso = (ms: number) => new Date(ms).toISOString();

interface NewCase {
  item: Item;
  officialNo: string;
  version: number;
}

function caseColumns(ctx: Pick<ApplyContext, 'caller' | 'clientId'>): [string, string, (r: NewCase) => unknown][] {
  return [
    ['uuid', 'uuid', (r) => r.item.args.case.uuid],
    ['official_no', 'text', (r) => r.officialNo],
    ['local_no', 'text', (r) => r.item.args.case.localNo],
    ['workstation', 'text', (r) => r.item.args.case.workstation],
    ['phone', 'text', (r) => r.item.args.case.phone],
    ['phone_ext', 'text', (r) => r.item.args.case.phoneExt],
    ['caller_name', 'text', (r) => r.item.args.case.callerName],
    ['channel', 'text', (r) => r.item.args.case.channel],
    ['request_type', 'text', (r) => r.item.args.case.requestType],
    ['category_code', 'text', (r) => r.item.args.case.categoryCode],
    ['region_code', 'text', (r) => r.item.args.case.regionCode],
    ['address', 'text', (r) => r.item.args.case.address],
    ['content', 'text', (r) => r.item.args.case.content],
    ['answer', 'text', (r) => r.item.args.case.answer],
    ['urgency', 'text', (r) => r.item.args.case.urgency],
    ['handling_mode', 'text', (r) => r.item.args.case.handlingMode],
    ['status', 'text', (r) => r.item.args.case.status],
    ['confidential', 'boolean', (r) => r.item.args.case.confidential],
    // the author is the account that pushed, whatever the workstation wrote in the case
    ['operator', 'text', () => ctx.caller.username],
    ['created_at', 'bigint', (r) => r.item.args.case.createdAt],
    ['account_id', 'bigint', () => ctx.caller.id],
    ['origin_client_id', 'text', () => ctx.clientId],
    ['origin_mutation_id', 'bigint', (r) => r.item.id],
    ['version', 'bigint', (r) => r.version],
    ['call_id', 'text', (r) => r.item.args.case.call?.callId ?? null],
    ['call_ring_at', 'bigint', (r) => r.item.args.case.call?.ringAt ?? null],
    ['call_answer_at', 'bigint', (r) => r.item.args.case.call?.answerAt ?? null],
    ['call_end_at', 'bigint', (r) => r.item.args.case.call?.endAt ?? null],
    ['talk_seconds', 'integer', (r) => (r.item.args.case.call ? talkSeconds(r.item.args.case.call) : null)],
    ['leader_session_id', 'uuid', (r) => r.item.args.case.leaderSessionId ?? null],
    ['repeat_of', 'uuid', (r) => r.item.args.case.repeatOf ?? null],
  ];
}

const contactColumns = (ctx: Pick<ApplyContext, 'caller' | 'clientId'>): [string, string, (r: NewCase) => unknown][] => [
  ['uuid', 'uuid', (r) => r.item.args.contact.uuid],
  ['case_uuid', 'uuid', (r) => r.item.args.case.uuid],
  ['phone', 'text', (r) => r.item.args.contact.phone],
  ['phone_ext', 'text', (r) => r.item.args.contact.phoneExt],
  ['caller_name', 'text', (r) => r.item.args.contact.callerName],
  ['channel', 'text', (r) => r.item.args.contact.channel],
  ['request_type', 'text', (r) => r.item.args.contact.requestType],
  ['content', 'text', (r) => r.item.args.contact.content],
  ['operator', 'text', () => ctx.caller.username],
  ['created_at', 'bigint', (r) => r.item.args.contact.createdAt],
];

export interface PreparedCases {
  fresh: Item[];
  rejections: RejectionDraft[];
  /** ids of out-of-window cases of numbers calling again after a long silence, to get fresh versions */
  history: number[];
  /** the ids of `fresh`, in order: inserted by prepare() with placeholders, stamped by stampCases() */
  ids: number[];
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
  async prepare(ctx, batch): Promise<PreparedCases> {
    const seen = claimed(ctx);
    const rows = await ctx.tx.query<{ t: string; uuid: string }>(
      `SELECT 'case' AS t, uuid::text AS uuid FROM cases WHERE uuid = ANY($1::uuid[])
       UNION ALL SELECT 'contact', uuid::text FROM contacts WHERE uuid = ANY($2::uuid[])`,
      [batch.map((m) => m.args.case.uuid), batch.map((m) => m.args.contact.uuid)],
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
    if (fresh.length === 0) return { fresh, rejections, history: [], ids: [] };
    const history = await historyComingBack(ctx, fresh, seen.phones);

    // the new rows, before the head lock: only rows nobody else can see or wait for (a case
    // another client inserts at once waits on the uuid, then fails and reruns, see push()). The
    // version and the official number are placeholders — a unique negative number and "~uuid" —
    // that stampCases() replaces under the head lock, before anything is committed.
    const cols = caseColumns(ctx);
    const newRows: NewCase[] = fresh.map((item) => ({ item, officialNo: '', version: 0 }));
    const contactCols = contactColumns(ctx);
    const offset = cols.length;
    const select = cols.map(([name]) =>
      name === 'version' ? `-nextval(pg_get_serial_sequence('cases', 'id'))` : name === 'official_no' ? `'~' || u.uuid::text` : `u.${name}`,
    );
    const inserted = await ctx.tx.query<{ id: number; uuid: string }>(
      `WITH ins AS (
         INSERT INTO cases (${cols.map(([name]) => name).join(', ')})
         SELECT ${select.join(', ')}
         FROM unnest(${cols.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS u(${cols.map(([name]) => name).join(', ')})
         RETURNING id, uuid),
       k AS (INSERT INTO contacts (uuid, case_id, phone, phone_ext, caller_name, channel, request_type, content, operator, created_at)
         SELECT u.uuid, ins.id, u.phone, u.phone_ext, u.caller_name, u.channel, u.request_type, u.content, u.operator, u.created_at
         FROM unnest(${contactCols.map(([, type], i) => `$${offset + i + 1}::${type}[]`).join(', ')}) AS u(${contactCols.map(([name]) => name).join(', ')})
         JOIN ins ON ins.uuid = u.case_uuid)
       SELECT id, uuid::text AS uuid FROM ins`,
      [...cols.map(([, , get]) => newRows.map(get)), ...contactCols.map(([, , get]) => newRows.map(get))],
    );
    const idOf = new Map(inserted.map((r) => [r.uuid, r.id]));
    const ids = fresh.map((m) => idOf.get(m.args.case.uuid)!);
    // a 转办 case gets its work order, waiting in 待派单; a sampled 直接答复 one waiting in 待回访
    // (src/server/workorders/service.ts)
    await createOrders(ctx.tx, fresh.map((m) => m.args.case), ctx.config.workOrders);
    // the new cases' report facts (src/server/reports/facts.ts); stampCases() adds them to the rollup
    await ctx.tx.query(storeFactsSql('c.id = ANY($1::bigint[])'), [ids]);
    return { fresh, rejections, history, ids };
  },

  /** Under the head lock (taken by push()): versions and official numbers, in one statement. */
  async apply(ctx, _batch, prepared) {
    const { rejections, history, ids } = prepared as PreparedCases;
    const n = history.length + ids.length;
    if (n > 0) {
      await stampCases(ctx.tx, {
        base: ctx.versions.take(n) - 1,
        history,
        ids,
        day: centreDay(ctx.now, ctx.config.timeZone),
        prefix: ctx.config.officialNoPrefix,
        clientId: ctx.clientId,
        now: ctx.now,
        rejections: [],
      });
    }
    return rejections;
  },
};

export interface StampInput {
  /**
   * null: this statement locks the version head itself and advances it by every version it gives
   * (history + ids + rejections); a number: the caller holds the head and reserved base+1 … base+n
   */
  base: number | null;
  history: number[];
  ids: number[];
  day: string;
  prefix: string;
  clientId: string;
  now: number;
  rejections: { mutationId: number; name: string; code: string; reason: string; args: string }[];
}

/**
 * The critical section of a push of cases, in ONE statement: lock the head (h: every other CTE
 * reads h, so no row is locked before it), give the returning history and then the new cases
 * their versions, the new cases their official numbers (official_no_days, in the same order as
 * ever: the day's row after the head) and their orders the case version, record the push's
 * rejections, and add the new cases' stored facts to the report rollup. The transaction commits
 * right after, still holding the head.
 */
export async function stampCases(tx: Queryable, input: StampInput): Promise<void> {
  const total = input.history.length + input.ids.length + (input.base === null ? input.rejections.length : 0);
  const head =
    input.base === null
      ? 'UPDATE sync_head SET version = version + $1::bigint RETURNING version - $1::bigint AS base'
      : 'SELECT $1::bigint AS base';
  const r = input.rejections;
  await tx.query(
    addFactsSql(
      'SELECT f.* FROM report_facts f CROSS JOIN h WHERE f.case_id = ANY($3::bigint[])',
      `WITH h AS (${head}),
       o AS (INSERT INTO official_no_days (day, last) SELECT $4::text, cardinality($3::bigint[]) FROM h WHERE cardinality($3::bigint[]) > 0
             ON CONFLICT (day) DO UPDATE SET last = official_no_days.last + EXCLUDED.last
             RETURNING last),
       v AS (SELECT u.id, h.base + u.ord AS version, u.ord - cardinality($2::bigint[]) AS n
             FROM h, unnest($2::bigint[] || $3::bigint[]) WITH ORDINALITY AS u(id, ord)),
       s AS (SELECT v.id, v.version,
               CASE WHEN v.n > 0 THEN (SELECT last FROM o) - cardinality($3::bigint[]) + v.n END AS seq
             FROM v),
       cs AS (UPDATE cases SET version = s.version,
                official_no = CASE WHEN s.seq IS NULL THEN cases.official_no
                  ELSE $5::text || $4::text || '-' || lpad(s.seq::text, greatest(6, length(s.seq::text)), '0') END
              FROM s WHERE cases.id = s.id
              RETURNING cases.id, cases.version),
       wo AS (UPDATE work_orders SET updated_version = cs.version FROM cs
              WHERE work_orders.case_id = cs.id AND cs.id = ANY($3::bigint[])),
       rj AS (INSERT INTO rejections (client_id, mutation_id, name, code, reason, args, rejected_at, version)
              SELECT $6::text, u.mutation_id, u.name, u.code, u.reason, u.args, $7::bigint,
                h.base + cardinality($2::bigint[]) + cardinality($3::bigint[]) + u.ord
              FROM h, unnest($8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[]) WITH ORDINALITY
                AS u(mutation_id, name, code, reason, args, ord)),`,
    ),
    [
      input.base === null ? total : input.base,
      input.history,
      input.ids,
      input.day,
      input.prefix,
      input.clientId,
      input.now,
      r.map((x) => x.mutationId),
      r.map((x) => x.name),
      r.map((x) => x.code),
      r.map((x) => x.reason),
      r.map((x) => x.args),
    ],
  );
}
