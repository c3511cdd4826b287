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
import type { VersionAllocator } from './versions';
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

export interface ApplyContext extends RuleContext {
  tx: Queryable;
  versions: VersionAllocator;
  caller: Caller;
  clientId: string;
}

export interface MutationHandler<A> {
  /** business rules that need no database; returns the reason to refuse, or null */
  check(args: A, ctx: RuleContext): string | null;
  /**
   * Applies mutations that passed their schema and check(), in order, inside the push
   * transaction (which holds the version head lock). Returns the ones refused by rules that
   * need the database; everything else must be applied, or already present (idempotency).
   */
  apply(ctx: ApplyContext, batch: PendingMutation<A>[]): Promise<RejectionDraft[]>;
}

type Handlers = { [N in MutationName]: MutationHandler<z.output<(typeof MUTATIONS)[N]>> };

export const HANDLERS: Handlers = {
  'case.create': caseCreate,
  'order.action': orderAction,
};
