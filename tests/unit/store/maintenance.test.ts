import { describe, expect, it } from 'vitest';
import { intake, memoryStore } from './helpers';
import { searchIndexLevels } from './fts-structure';

describe('idle housekeeping', () => {
  it('merges the small index segments intakes leave behind, then has nothing left to do', () => {
    const store = memoryStore();
    for (let i = 0; i < 20; i++) {
      store.clock.now += 1000;
      store.saveIntake(intake({ content: `第${i}次反映物业管理问题` }), 'op');
    }
    // intakes never merge: each commit left its own segment
    expect(searchIndexLevels(store.db).flat().length).toBe(20);
    let steps = 0;
    while (store.maintain()) steps++;
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(20);
    expect(searchIndexLevels(store.db).flat().length).toBeLessThan(4);
    expect(store.maintain()).toBe(false);
    expect(store.search('物业管理', 50).results).toHaveLength(20);
  });
});
