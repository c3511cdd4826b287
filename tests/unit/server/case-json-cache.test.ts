/** The pull's memo of cases' JSON (src/server/sync/pull.ts): by id AND version, bounded, oldest out first. */
import { describe, expect, it } from 'vitest';
import { CaseJsonCache } from '../../../src/server/sync/pull';

describe('CaseJsonCache', () => {
  it('answers only for the same version of a case, and keeps at most max entries, dropping the oldest', () => {
    const cache = new CaseJsonCache(3);
    cache.set(1, 10, '{"v":10}');
    expect(cache.get(1, 10)).toBe('{"v":10}');
    // a case changed since: its new version is a miss, never the old text
    expect(cache.get(1, 11)).toBeUndefined();
    cache.set(2, 12, 'b');
    cache.set(3, 13, 'c');
    cache.set(4, 14, 'd');
    expect(cache.size).toBe(3);
    expect(cache.get(1, 10)).toBeUndefined();
    expect([cache.get(2, 12), cache.get(3, 13), cache.get(4, 14)]).toEqual(['b', 'c', 'd']);
  });
});
