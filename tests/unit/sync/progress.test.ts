import { describe, expect, it } from 'vitest';
import { initialLoadStatus } from '../../../src/main/sync/progress';

describe('the progress of a first sync', () => {
  it('estimates the time left from the rate so far', () => {
    // 250,000 of 1,000,000 in 10 s: 30 s left
    expect(initialLoadStatus({ startedAt: 1_000, loaded: 250_000, total: 1_000_000 }, 11_000)).toEqual({
      loaded: 250_000,
      total: 1_000_000,
      etaMs: 30_000,
    });
    expect(initialLoadStatus({ startedAt: 0, loaded: 999_000, total: 1_000_000 }, 999_000).etaMs).toBe(1_000);
  });

  it('gives no estimate before anything is loaded or before the clock moved', () => {
    expect(initialLoadStatus({ startedAt: 5_000, loaded: 0, total: 1_000 }, 9_000)).toEqual({ loaded: 0, total: 1_000, etaMs: null });
    expect(initialLoadStatus({ startedAt: 5_000, loaded: 10, total: 1_000 }, 5_000).etaMs).toBeNull();
  });

  it('never shows more loaded than the total, nor a negative time left', () => {
    // cases logged at other workstations after the server counted arrive too
    expect(initialLoadStatus({ startedAt: 0, loaded: 1_010, total: 1_000 }, 2_000)).toEqual({ loaded: 1_010, total: 1_010, etaMs: 0 });
  });
});
