import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/main/sync/backoff';

describe('retry backoff', () => {
  it('doubles from one second and never exceeds a minute, however long the outage', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, mid))).toEqual([750, 1500, 3000, 6000]);
    for (const n of [7, 8, 20, 1000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(n, () => 1)).toBe(60_000);
      expect(backoffDelay(n, () => 0)).toBe(30_000);
    }
  });

  it('spreads workstations that failed together over the upper half of the interval', () => {
    expect(backoffDelay(3, () => 0)).toBe(2000);
    expect(backoffDelay(3, () => 0.999)).toBeCloseTo(4000, -1);
  });
});
