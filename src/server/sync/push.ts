/**
 * POST /api/push: a client's mutations, in order, applied in ONE transaction.
 *
 * 1. lock the client row (pushes of one client never interleave), read lastMutationId and write
 *    the batch's last id in its place, in one statement (claimClientForPush);
 * 2. skip ids ≤ lastMutationId (replays after a lost response); refuse a gap (409, nothing
 *    applied); parse and check the rest — a mutation that can never apply becomes a rejection;
 * 3. let each run of same-name mutations do its reads (handler.prepare: idempotency lookups …);
 * 4. lock the version head, apply the runs through their handlers (writes only), record
 *    rejections, advance the head, commit — all or nothing.
 *
 * The head lock (versions.ts) orders every writer of every process, so what it covers is the
 * push's critical section: step 4 only, a handful of statements, instead of every read too.
 */
import { isMutationName, MUTATIONS, type MutationName, type PushResponse, type Rejection } from '../../shared/sync';
import type { Db, Queryable } from '../db/adapter';
import type { ServerConfig } from '../config';
import type { Caller } from '../auth/service';
import { HttpError } from '../errors';
import { boundedJson, boundedReason, MAX_ARGS_DEPTH, nestsDeeperThan } from './bounded';
import { claimClientForPush } from './clients';
import { HANDLERS, type ApplyContext, type PendingMutation, type PrepareContext, type RejectionDraft, type RuleContext } from './mutations';
import { openHead } from './versions';

export interface SyncDeps {
  db: Db;
  config: ServerConfig;
  now: () => number;
}

export interface PushInput {
  clientId: string;
  mutations: { id: number; name: string; args?: unknown }[];
}

type Checked = { id: number; name: MutationName; args: unknown } | (RejectionDraft & { name: string });

function checkMutation(m: PushInput['mutations'][number], ctx: RuleContext): Checked {
  if (!isMutationName(m.name)) {
    return { mutationId: m.id, name: m.name.slice(0, 100), code: 'unknown_mutation', reason: `this server knows no mutation "${m.name.slice(0, 100)}"` };
  }
  if (nestsDeeperThan(m.args, MAX_ARGS_DEPTH)) {
    return { mutationId: m.id, name: m.name, code: 'invalid_args', reason: `(args): nested deeper than ${MAX_ARGS_DEPTH} levels` };
  }
  const parsed = MUTATIONS[m.name].safeParse(m.args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join('.') || '(args)';
    return { mutationId: m.id, name: m.name, code: 'invalid_args', reason: `${where}: ${issue.message}` };
  }
  // parsed by MUTATIONS[m.name], the schema HANDLERS[m.name] expects
  const reason = (HANDLERS[m.name] as { check(a: unknown, c: RuleContext): string | null }).check(parsed.data, ctx);
  if (reason) return { mutationId: m.id, name: m.name, code: 'rule_violation', reason };
  return { id: m.id, name: m.name, args: parsed.data };
}

/** a handler of any mutation: each run holds args parsed by MUTATIONS[name], the schema HANDLERS[name] expects */
interface AnyHandler {
  prepare?(ctx: PrepareContext, batch: PendingMutation<unknown>[]): Promise<unknown>;
  apply(ctx: ApplyContext, batch: PendingMutation<unknown>[], prepared?: unknown): Promise<RejectionDraft[]>;
  locksHead?: boolean;
  plansOnce?: boolean;
}

const REJECTION_COLUMNS = `mutation_id AS "mutationId", name, code, reason, rejected_at AS "rejectedAt"`;

async function rejectionsBetween(tx: Queryable, clientId: string, from: number, to: number): Promise<Rejection[]> {
  return tx.query<Rejection>(
    `SELECT ${REJECTION_COLUMNS} FROM rejections WHERE client_id = $1 AND mutation_id BETWEEN $2 AND $3 ORDER BY mutation_id`,
    [clientId, from, to],
  );
}

/** A unique violation: a row another transaction committed after this one's reads (see below). */
const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === '23505';

/**
 * Applies the push. A case (or contact) that another client committed between this push's reads
 * and its insert (two workstations pushing one re-queued case at once) fails the insert with a
 * unique violation; the transaction is rolled back whole (no version, official number or
 * lastMutationId was kept) and run again, and the second run finds the row and skips it.
 */
export async function push(deps: SyncDeps, caller: Caller, input: PushInput): Promise<PushResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pushOnce(deps, caller, input);
    } catch (e) {
      if (attempt >= 3 || !isUniqueViolation(e)) throw e;
    }
  }
}

type Run = { name: MutationName; items: PendingMutation<unknown>[]; prepared?: unknown } | { refused: RejectionDraft & { name: string } };

async function pushOnce(deps: SyncDeps, caller: Caller, input: PushInput): Promise<PushResponse> {
  const { clientId, mutations } = input;
  // planned once per connection when every handler says its statements may be (plansOnce)
  const genericPlans = mutations.every((m) => isMutationName(m.name) && (HANDLERS[m.name] as AnyHandler).plansOnce === true);
  return deps.db.transaction(async (tx) => {
    const batchFirst = mutations[0]!.id;
    const batchLast = mutations.at(-1)!.id;
    // the client row, locked, with its new lastMutationId (kept only if this push commits)
    const { lastMutationId } = await claimClientForPush(tx, caller.id, clientId, batchLast);
    // rejections of replayed mutations: the response that carried them may be the one that was lost
    const replayed = batchFirst <= lastMutationId ? await rejectionsBetween(tx, clientId, batchFirst, lastMutationId) : [];
    const pending = mutations.filter((m) => m.id > lastMutationId);
    if (pending.length === 0) return { lastMutationId, rejections: replayed };
    if (pending[0]!.id !== lastMutationId + 1) {
      throw new HttpError(
        409,
        'mutation_gap',
        `mutation ${pending[0]!.id} does not follow ${lastMutationId}, the last one the server processed for this client: push from ${lastMutationId + 1}`,
        { lastMutationId },
      );
    }

    const now = deps.now();
    const ruleCtx: RuleContext = { now, config: deps.config };
    const checked = pending.map((m) => checkMutation(m, ruleCtx));

    // runs of same-name mutations, in order, each prepared (its reads) before the head lock
    const runs: Run[] = [];
    for (let i = 0; i < checked.length; ) {
      const first = checked[i]!;
      if (!('id' in first)) {
        runs.push({ refused: first });
        i++;
        continue;
      }
      const items: PendingMutation<unknown>[] = [];
      for (; i < checked.length; i++) {
        const c = checked[i]!;
        if (!('id' in c) || c.name !== first.name) break;
        items.push({ id: c.id, args: c.args });
      }
      runs.push({ name: first.name, items });
    }
    const prepareCtx: PrepareContext = { ...ruleCtx, tx, caller, clientId, pushState: new Map() };
    for (const run of runs) {
      if (!('name' in run)) continue;
      const handler = HANDLERS[run.name] as AnyHandler;
      if (handler.prepare) run.prepared = await handler.prepare(prepareCtx, run.items);
    }

    // from the head lock to COMMIT, pushes (of every process) run one at a time: only writes
    // below. The lock is taken by the first run's handler: a run of cases takes it in its
    // first statement (case-create.ts), others before they apply.
    const versions = openHead(tx);
    const ctx = { ...ruleCtx, tx, versions, caller, clientId };
    const refused: (RejectionDraft & { name: string })[] = [];
    for (const run of runs) {
      if (!('name' in run)) {
        refused.push(run.refused);
        continue;
      }
      const handler = HANDLERS[run.name] as AnyHandler;
      if (!handler.locksHead) await versions.lock();
      for (const r of await handler.apply(ctx, run.items, run.prepared)) refused.push({ ...r, name: run.name });
    }

    const rejections: Rejection[] = refused
      .sort((a, b) => a.mutationId - b.mutationId)
      .map((r) => ({ mutationId: r.mutationId, name: r.name, code: r.code, reason: boundedReason(r.reason), rejectedAt: now }));
    if (rejections.length > 0) {
      await versions.lock();
      const byId = new Map(pending.map((m) => [m.id, m.args]));
      const firstVersion = versions.take(rejections.length);
      await tx.query(
        `INSERT INTO rejections (client_id, mutation_id, name, code, reason, args, rejected_at, version)
         SELECT $1, u.mutation_id, u.name, u.code, u.reason, u.args, $2, u.version
         FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
           AS u(mutation_id, name, code, reason, args, version)`,
        [
          clientId,
          now,
          rejections.map((r) => r.mutationId),
          rejections.map((r) => r.name),
          rejections.map((r) => r.code),
          rejections.map((r) => r.reason),
          rejections.map((r) => boundedJson(byId.get(r.mutationId))),
          rejections.map((_, i) => firstVersion + i),
        ],
      );
    }
    await versions.save();
    return { lastMutationId: batchLast, rejections: [...replayed, ...rejections] };
  }, { genericPlans });
}
