/**
 * Change versions (the pull cursor's unit), assigned in commit order.
 *
 * The classic bug: with a plain sequence, transaction A takes version 7, B takes 8, B commits
 * first; a reader sees 8, stores cursor 8, and never sees 7 when A commits. Here every writing
 * sync transaction locks the single sync_head row before it assigns versions and holds the lock
 * until it commits, so writers assign and commit one after the other: when a reader's snapshot
 * shows head = H, every version ≤ H is committed and visible in that same snapshot. Work that
 * needs no versions (parsing, checks, the client row lock) happens before the head lock, so
 * the serialised part of a push is only its inserts.
 */
import type { Queryable } from '../db/adapter';

export interface VersionAllocator {
  /** reserves n consecutive versions; returns the first */
  take(n?: number): number;
  /** writes the new head; call once, last, in the same transaction */
  save(): Promise<void>;
}

export async function lockHead(tx: Queryable): Promise<VersionAllocator> {
  const [row] = await tx.query<{ version: number }>('SELECT version FROM sync_head FOR UPDATE', [], { prepared: true });
  if (!row) throw new Error('sync_head row missing: the database was not migrated');
  const start = row.version;
  let head = start;
  return {
    take(n = 1) {
      const first = head + 1;
      head += n;
      return first;
    },
    async save() {
      if (head !== start) await tx.query('UPDATE sync_head SET version = $1', [head], { prepared: true });
    },
  };
}

/** The head as of the caller's snapshot. */
export async function readHead(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ version: number }>('SELECT version FROM sync_head');
  return row?.version ?? 0;
}
