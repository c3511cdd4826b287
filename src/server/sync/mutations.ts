/**
 * The server side of each mutation named in src/shared/sync.ts MUTATIONS.
 *
 * A push applies its batch in order. Consecutive mutations of one name are handed to their
 * handler together, so a handler can write a whole run with a few multi-row statements instead
 * of one statement per row; order across names is kept by applying the runs one after another.
 */
import type { z } from 'zod';
import type { MutationName, MUTATIONS, RejectionCode } from '../../shared/sync';
import type { Queryable } from '../db/adapter';
import type { ServerConfig } from '../config';
import type { Caller } from '../auth/service';
import type { HeadLock } from './versions';
import { caseCreate } from './case-create';
import { orderAction } from './mutations/order-action';

export interface PendingMutation<A> {
  id: number;
  args: A;
}

export interface RejectionDraft {
  mutationId: number;
  code: RejectionCode;
  reason: string;
}

export interface RuleContext {
  /** the server's clock, epoch ms */
  now: number;
  config: ServerConfig;
}

/** What a handler may read before the version head is locked (the same transaction). */
export interface PrepareContext extends RuleContext {
  tx: Queryable;
  caller: Caller;
  clientId: string;
  /** state shared by the runs of one push (a later run of the same name sees what earlier ones claimed) */
  pushState: Map<string, unknown>;
}

export interface ApplyContext extends RuleContext {
  tx: Queryable;
  /** locked before apply(), unless the handler says it locks it itself (locksHead) */
  versions: HeadLock;
  caller: Caller;
  clientId: string;
}

export interface MutationHandler<A> {
  /** business rules that need no database; returns the reason to refuse, or null */
  check(args: A, ctx: RuleContext): string | null;
  /**
   * Optional: the reads a run needs (idempotency lookups …), done in the push transaction BEFORE
   * it locks the version head, so that the serialised part of every push is only its writes. It
   * must take no lock that a holder of the head lock may wait for (no writes to shared rows); what
   * it returns is handed to apply(). Rows another transaction commits between prepare() and the
   * head lock are the handler's to cope with (case.create: a unique violation, and push() retries).
   */
  prepare?(ctx: PrepareContext, batch: PendingMutation<A>[]): Promise<unknown>;
  /**
   * Applies mutations that passed their schema and check(), in order, inside the push
   * transaction (which holds the version head lock). Returns the ones refused by rules that
   * need the database; everything else must be applied, or already present (idempotency).
   * `prepared` is what prepare() returned for this run (undefined without prepare()).
   */
  apply(ctx: ApplyContext, batch: PendingMutation<A>[], prepared?: unknown): Promise<RejectionDraft[]>;
  /**
   * apply() locks the version head itself before it writes (ctx.versions.lock(), or in its first
   * statement, reported with adopt()): the push does not lock it for this handler's run
   */
  locksHead?: boolean;
  /**
   * the handler's statements are few and fixed, and measured better planned once per connection
   * for any values (TransactionOptions.genericPlans): a push whose every mutation's handler says
   * so runs that way; any other push keeps PostgreSQL's choice
   */
  plansOnce?: boolean;
}

type Handlers = { [N in MutationName]: MutationHandler<z.output<(typeof MUTATIONS)[N]>> };

export const HANDLERS: Handlers = {
  'case.create': caseCreate,
  'order.action': orderAction,
};
