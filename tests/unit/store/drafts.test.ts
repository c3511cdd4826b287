import { describe, expect, it } from 'vitest';
import { IntakeDraft } from '../../../src/shared/schemas';
import { StoreInputError } from '../../../src/main/store/errors';
import { memoryStore, T0 } from './helpers';

const draft = (fields: Partial<IntakeDraft> = {}): IntakeDraft => IntakeDraft.parse({ phone: '1380537', content: '小区物业', ...fields });

describe('drafts (草稿)', () => {
  it('brings back what was typed, with the time it was saved', () => {
    const store = memoryStore();
    expect(store.loadDraft('intake')).toBeNull();
    expect(store.saveDraft('intake', draft())).toEqual({ updatedAt: T0 });
    expect(store.loadDraft('intake')).toEqual({ draft: draft(), updatedAt: T0 });
  });

  it('replaces the previous draft and clears it', () => {
    const store = memoryStore();
    store.saveDraft('intake', draft());
    store.clock.now += 5000;
    store.saveDraft('intake', draft({ content: '小区物业管理不到位' }));
    expect(store.loadDraft('intake')).toEqual({ draft: draft({ content: '小区物业管理不到位' }), updatedAt: T0 + 5000 });
    expect(store.clearDraft('intake')).toBe(true);
    expect(store.clearDraft('intake')).toBe(false);
    expect(store.loadDraft('intake')).toBeNull();
  });

  it('ignores a stored draft it cannot read rather than failing the intake screen', () => {
    const store = memoryStore();
    store.db.prepare("INSERT INTO drafts (key, data, updated_at) VALUES ('intake', '{not json', 1)").run();
    expect(store.loadDraft('intake')).toBeNull();
    store.db.prepare("UPDATE drafts SET data = '{\"phone\": 42}' WHERE key = 'intake'").run();
    expect(store.loadDraft('intake')).toBeNull();
  });

  it('refuses a draft beyond the size limit', () => {
    const store = memoryStore();
    // within every field's length limit, JSON escaping of control characters still makes it 96 KB
    const oversize = draft({ content: '\u0001'.repeat(8000), answer: '\u0001'.repeat(8000) });
    expect(() => store.saveDraft('intake', oversize)).toThrow(StoreInputError);
    expect(store.loadDraft('intake')).toBeNull();
  });
});
