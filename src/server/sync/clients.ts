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

/**
 * The client's state, checked against the calling account. `forUpdate` locks the client row until
 * the transaction ends: pushes of one client are applied one after the other.
 */
export async function requireClient(
  db: Queryable,
  accountId: number,
  clientId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ClientState> {
  const [row] = await db.query<{ accountId: number; lastMutationId: number }>(
    `SELECT account_id AS "accountId", last_mutation_id AS "lastMutationId" FROM clients WHERE client_id = $1
     ${opts.forUpdate ? 'FOR UPDATE' : ''}`,
    [clientId],
    { prepared: true },
  );
  if (!row) {
    throw new HttpError(403, 'client_not_registered', `client id ${clientId} is not registered: POST /api/clients/register first`);
  }
  if (row.accountId !== accountId) refuseClient(clientId);
  return { lastMutationId: row.lastMutationId };
}
