/**
 * Housekeeping kept off the intake path: merging the search index's segments and
 * checkpointing the WAL, in small steps when the store has been idle for a moment.
 *
 * Why: with FTS5's default automerge every commit may do merge work, and a merge that reaches
 * the big segment of a million-case index costs milliseconds per commit for a long while (or a
 * second at once in a crisis merge); a WAL checkpoint inside a commit adds an fsync of the
 * database file. Either would put the operator's Ctrl+Enter over its 2 ms budget. So the
 * search index never merges during a write (automerge=0, see migration 2) and the WAL
 * checkpoints only as a safety valve (db.ts); this module does both when nobody is waiting.
 */
import type { Db } from './db';

/** pages of FTS5 merge work per step: a few milliseconds */
const MERGE_PAGES = 64n;
/** quiet time after the last write before housekeeping starts */
const IDLE_MS = 1500;
/** pause between steps while there is merge work left, so a request never waits long */
const STEP_MS = 200;

export interface Maintenance {
  /** call after every write: (re)starts the idle countdown */
  touch(): void;
  /** one bounded step now; true while merge work remains */
  step(): boolean;
  stop(): void;
}

export function createMaintenance(db: Db): Maintenance {
  // FTS5 reads the merge budget as an integer: bind a BigInt, never a float
  const merge = db.prepare("INSERT INTO case_search (case_search, rank) VALUES ('merge', ?)");
  const totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  let timer: NodeJS.Timeout | null = null;

  const step = (): boolean => {
    const before = totalChanges.get()!;
    merge.run(MERGE_PAGES);
    // the merge command itself counts as one change; more means segments were rewritten
    const merged = totalChanges.get()! - before > 1;
    db.pragma('wal_checkpoint(PASSIVE)');
    return merged;
  };

  const schedule = (delay: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (!db.open) return;
      if (step()) schedule(STEP_MS);
    }, delay);
    timer.unref();
  };

  return {
    touch: () => schedule(IDLE_MS),
    step,
    stop: () => {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
