/**
 * The progress of a first sync (首次同步) as 同步状态 shows it: cases written of the total the
 * server announced with the first page, and the time left at the rate measured so far.
 */
import type { SyncStatus } from '../../shared/contract';

export type InitialLoadStatus = NonNullable<SyncStatus['initialLoad']>;

export interface LoadProgress {
  /** when the first page was requested, epoch ms */
  startedAt: number;
  /** cases written so far */
  loaded: number;
  /** cases the server announced for the whole pull */
  total: number;
  /** a load resumed after a restart: the cases written before it (the rate counts only this run's) */
  resumedAt?: number;
}

/**
 * The rate is measured from the start, so it includes the server's time for the first page; no
 * estimate before a first page is written (nothing to measure) or when the clock has not moved.
 */
export function initialLoadStatus(p: LoadProgress, now: number): InitialLoadStatus {
  // the server counted in its snapshot: cases logged meanwhile can make loaded exceed it
  const total = Math.max(p.total, p.loaded);
  const elapsed = now - p.startedAt;
  const done = p.loaded - (p.resumedAt ?? 0);
  const etaMs = done > 0 && elapsed > 0 ? Math.round(((total - p.loaded) * elapsed) / done) : null;
  return { loaded: p.loaded, total, etaMs };
}
