/**
 * Appending to the outbox (待同步队列). Called inside the transaction of the change it carries,
 * so a change and its outbox row commit or roll back together.
 *
 * A row written for a signed-in account gets that account's client id and the client's next
 * mutation id (from 1, no gaps: the counter lives in sync_accounts and moves in the same
 * transaction). A row written in standalone mode (no server configured, nobody signed in) has
 * neither until an account adopts it (sync-store.ts).
 */
import type { Db } from './db';

export class UnknownClientError extends Error {
  override readonly name = 'UnknownClientError';
}

export interface Outbox {
  /** must run inside the caller's transaction */
  append(clientId: string | null, name: string, args: unknown, createdAt: number): void;
}

export function createOutbox(db: Db): Outbox {
  const nextId = db.prepare<[string], { id: number }>(
    'UPDATE sync_accounts SET last_mutation_id = last_mutation_id + 1 WHERE client_id = ? RETURNING last_mutation_id AS id',
  );
  const insert = db.prepare('INSERT INTO outbox (client_id, mutation_id, name, args, created_at) VALUES (?, ?, ?, ?, ?)');
  return {
    append(clientId, name, args, createdAt) {
      let mutationId: number | null = null;
      if (clientId !== null) {
        const row = nextId.get(clientId);
        if (!row) throw new UnknownClientError(`no account on this workstation has client id ${clientId}`);
        mutationId = row.id;
      }
      insert.run(clientId, mutationId, name, JSON.stringify(args), createdAt);
    },
  };
}
