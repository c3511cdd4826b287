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
import type { Queryable, Tx } from '../db/adapter';

export interface VersionAllocator {
  /** reserves n consecutive versions; returns the first */
  take(n?: number): number;
  /** writes the new head (with the COMMIT, in a transaction); call once, last, in the same transaction */
  save(): Promise<void>;
}

/**
 * The head of a push, locked when first needed: by `lock()` (a plain `SELECT … FOR UPDATE`), or
 * by a writer's own first statement (case.create), which reads the head under its lock in a CTE,
 * takes versions in SQL and reports them with `adopt()`, saving a round trip while the lock is held.
 */
export interface HeadLock extends VersionAllocator {
  readonly locked: boolean;
  lock(): Promise<void>;
  /** the last version taken (the head if none): the base of versions taken in SQL once locked */
  last(): number;
  /** a statement read `head` under its lock (or used `last()`) and took the n versions after it */
  adopt(head: number, n: number): void;
}

/**
 * The head, locked. LIMIT 1 (the table has one row) also tells the planner so: a statement that
 * reads it in a CTE (case-create.ts) is otherwise estimated at millions of rows, and PostgreSQL
 * spends half a second JIT-compiling a plan that inserts one case.
 */
export const HEAD_LOCK_SQL = 'SELECT version FROM sync_head LIMIT 1 FOR UPDATE';

export function openHead(tx: Queryable): HeadLock {
  let start: number | null = null;
  let head = 0;
  const locked = (): number => {
    if (start === null) throw new Error('the version head is not locked');
    return head;
  };
  return {
    get locked() {
      return start !== null;
    },
    async lock() {
      if (start !== null) return;
      const [row] = await tx.query<{ version: number }>(HEAD_LOCK_SQL, [], { prepared: true });
      if (!row) throw new Error('sync_head row missing: the database was not migrated');
      start = head = row.version;
    },
    last: locked,
    adopt(at, n) {
      if (start === null) start = head = at;
      else if (at !== head) throw new Error(`versions taken after ${at}, but the head is at ${head}`);
      head += n;
    },
    take(n = 1) {
      const first = locked() + 1;
      head += n;
      return first;
    },
    async save() {
      if (start === null || head === start) return;
      // in a transaction: sent with its COMMIT, so the head is held one round trip less
      const atCommit = (tx as Partial<Tx>).atCommit;
      if (atCommit && Number.isSafeInteger(head)) atCommit(`UPDATE sync_head SET version = ${head}`);
      else await tx.query('UPDATE sync_head SET version = $1', [head], { prepared: true });
    },
  };
}

export async function lockHead(tx: Queryable): Promise<HeadLock> {
  const head = openHead(tx);
  await head.lock();
  return head;
}

/** The head as of the caller's snapshot. */
export async function readHead(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ version: number }>('SELECT version FROM sync_head');
  return row?.version ?? 0;
}
