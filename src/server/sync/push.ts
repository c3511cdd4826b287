/**
 * POST /api/push: a client's mutations, in order, applied in ONE transaction.
 *
 * 1. lock the client row (pushes of one client never interleave) and read lastMutationId;
 * 2. skip ids ≤ lastMutationId (replays after a lost response); refuse a gap (409, nothing
 *    applied); parse and check the rest — a mutation that can never apply becomes a rejection;
 * 3. lock the version head, apply runs of same-name mutations through their handlers, record
 *    rejections, advance the head and the client's lastMutationId, commit — all or nothing.
 */
import { isMutationName, MUTATIONS, type MutationName, type PushResponse, type Rejection } from '../../shared/sync';
import type { Db, Queryable } from '../db/adapter';
import type { ServerConfig } from '../config';
import type { Caller } from '../auth/service';
import { HttpError } from '../errors';
import { boundedJson, boundedReason, MAX_ARGS_DEPTH, nestsDeeperThan } from './bounded';
import { requireClient } from './clients';
import { HANDLERS, type MutationHandler, type PendingMutation, type RejectionDraft, type RuleContext } from './mutations';
import { lockHead } from './versions';

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
  const reason = (HANDLERS[m.name] as MutationHandler<unknown>).check(parsed.data, ctx);
  if (reason) return { mutationId: m.id, name: m.name, code: 'rule_violation', reason };
  return { id: m.id, name: m.name, args: parsed.data };
}

const REJECTION_COLUMNS = `mutation_id AS "mutationId", name, code, reason, rejected_at AS "rejectedAt"`;

async function rejectionsBetween(tx: Queryable, clientId: string, from: number, to: number): Promise<Rejection[]> {
  return tx.query<Rejection>(
    `SELECT ${REJECTION_COLUMNS} FROM rejections WHERE client_id = $1 AND mutation_id BETWEEN $2 AND $3 ORDER BY mutation_id`,
    [clientId, from, to],
  );
}

export async function push(deps: SyncDeps, caller: Caller, input: PushInput): Promise<PushResponse> {
  const { clientId, mutations } = input;
  return deps.db.transaction(async (tx) => {
    const { lastMutationId } = await requireClient(tx, caller.id, clientId, { forUpdate: true });
    const batchFirst = mutations[0]!.id;
    const batchLast = mutations.at(-1)!.id;
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

    const versions = await lockHead(tx);
    const ctx = { ...ruleCtx, tx, versions, caller, clientId };
    const refused: (RejectionDraft & { name: string })[] = [];
    for (let i = 0; i < checked.length; ) {
      const first = checked[i]!;
      if (!('id' in first)) {
        refused.push(first);
        i++;
        continue;
      }
      const run: PendingMutation<unknown>[] = [];
      for (; i < checked.length; i++) {
        const c = checked[i]!;
        if (!('id' in c) || c.name !== first.name) break;
        run.push({ id: c.id, args: c.args });
      }
      // the run holds args parsed by MUTATIONS[first.name], the schema HANDLERS[first.name] expects
      const handler = HANDLERS[first.name] as { apply(c: typeof ctx, b: PendingMutation<unknown>[]): Promise<RejectionDraft[]> };
      for (const r of await handler.apply(ctx, run)) refused.push({ ...r, name: first.name });
    }

    const rejections: Rejection[] = refused
      .sort((a, b) => a.mutationId - b.mutationId)
      .map((r) => ({ mutationId: r.mutationId, name: r.name, code: r.code, reason: boundedReason(r.reason), rejectedAt: now }));
    if (rejections.length > 0) {
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
    await tx.query('UPDATE clients SET last_mutation_id = $1, last_push_at = now() WHERE client_id = $2', [batchLast, clientId]);
    return { lastMutationId: batchLast, rejections: [...replayed, ...rejections] };
  });
}
