/** Workstation clients: each client id belongs to the account that registered it first. */
import type { Queryable } from '../db/adapter';
import { HttpError } from '../errors';

export interface ClientState {
  lastMutationId: number;
}

export function refuseClient(clientId: string): never {
  throw new HttpError(
    403,
    'client_bound_to_other_account',
    `client id ${clientId} is registered to another account; each account uses its own client id on a workstation`,
  );
}

/** Registers clientId for the account (idempotent); 403 if another account holds it. */
export async function registerClient(db: Queryable, accountId: number, clientId: string): Promise<ClientState> {
  await db.query('INSERT INTO clients (client_id, account_id) VALUES ($1, $2) ON CONFLICT (client_id) DO NOTHING', [
    clientId,
    accountId,
  ]);
  return requireClient(db, accountId, clientId);
}

/** The client's state, checked against the calling account (403 if another account's). */
export async function requireClient(db: Queryable, accountId: number, clientId: string): Promise<ClientState> {
  const [row] = await db.query<{ accountId: number; lastMutationId: number }>(
    `SELECT account_id AS "accountId", last_mutation_id AS "lastMutationId" FROM clients WHERE client_id = $1`,
    [clientId],
    { prepared: true },
  );
  if (!row) {
    throw new HttpError(403, 'client_not_registered', `client id ${clientId} is not registered: POST /api/clients/register first`);
  }
  if (row.accountId !== accountId) refuseClient(clientId);
  return { lastMutationId: row.lastMutationId };
}

/**
 * A push's first statement: locks the client row (pushes of one client are applied one after the
 * other), records the batch's last mutation id (never lowering it) and the push time, and returns
 * the id the server had processed before. One round trip instead of a locking read and an update.
 * The transaction is rolled back if the push is refused (a gap), so nothing of it is kept then.
 */
export async function claimClientForPush(tx: Queryable, accountId: number, clientId: string, batchLast: number): Promise<ClientState> {
  const [row] = await tx.query<{ lastMutationId: number }>(
    `UPDATE clients c SET last_mutation_id = GREATEST(old.last_mutation_id, $3), last_push_at = now()
     FROM (SELECT client_id, last_mutation_id FROM clients WHERE client_id = $1 FOR UPDATE) old
     WHERE c.client_id = old.client_id AND c.account_id = $2
     RETURNING old.last_mutation_id AS "lastMutationId"`,
    [clientId, accountId, batchLast],
    { prepared: true },
  );
  // not registered, or another account's: the plain read says which (and throws)
  return row ?? requireClient(tx, accountId, clientId);
}
