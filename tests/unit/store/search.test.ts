import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, intake, memoryStore } from './helpers';
import { SEARCH_SQL } from '../../../src/main/store/search';

function seeded() {
  const store = memoryStore();
  const save = (content: string, extra: Parameters<typeof intake>[0] = {}) => {
    store.clock.now += 60_000;
    return store.saveIntake(intake({ content, ...extra }), 'op001');
  };
  const heating = save('冬季供暖温度不达标，室温只有十几度');
  const noise = save('楼下商铺音响噪音扰民，影响休息', { phone: '05372345678', address: '兖州区鼓楼街道翰林花园' });
  const property = save('小区物业管理不到位，楼道垃圾无人清理', { phone: '13912345678', callerName: '王女士' });
  const property2 = save('物业强制收取停车费', { phone: '13712341234' });
  const splitWords = save('反映小区，区政府门口积水');
  return { store, heating, noise, property, property2, splitWords };
}

describe('search', () => {
  it('finds 2-character words, newest first', () => {
    const { store, property, property2 } = seeded();
    const result = store.search('物业', 50);
    expect(result.kind).toBe('text');
    expect(result.results.map((r) => r.id)).toEqual([property2.caseId, property.caseId]);
  });

  it('finds longer words as substrings', () => {
    const { store, property, heating, noise } = seeded();
    expect(store.search('物业管理', 50).results.map((r) => r.id)).toEqual([property.caseId]);
    expect(store.search('温度不达标', 50).results.map((r) => r.id)).toEqual([heating.caseId]);
    expect(store.search('噪音扰民', 50).results.map((r) => r.id)).toEqual([noise.caseId]);
  });

  it('searches addresses and caller names too', () => {
    const { store, noise, property } = seeded();
    expect(store.search('翰林花园', 50).results.map((r) => r.id)).toEqual([noise.caseId]);
    expect(store.search('王女士', 50).results.map((r) => r.id)).toEqual([property.caseId]);
  });

  it('requires every separated word', () => {
    const { store, property } = seeded();
    expect(store.search('物业 垃圾', 50).results.map((r) => r.id)).toEqual([property.caseId]);
  });

  it('does not match a phrase across punctuation', () => {
    const { store, splitWords } = seeded();
    expect(store.search('小区区', 50).results).toEqual([]);
    expect(store.search('区政府', 50).results.map((r) => r.id)).toEqual([splitWords.caseId]);
  });

  it('says when nothing matches', () => {
    const { store } = seeded();
    expect(store.search('地铁', 50)).toEqual({ kind: 'text', results: [], message: 'search.noResults' });
  });

  it('asks for more than one character', () => {
    const { store } = seeded();
    expect(store.search('物', 50)).toEqual({ kind: 'too_short', results: [], message: 'search.tooShort' });
  });

  it('returns nothing and no message for an empty query', () => {
    const { store } = seeded();
    expect(store.search('   ', 50)).toEqual({ kind: 'empty', results: [], message: null });
  });

  it('respects the limit, keeping the newest', () => {
    const store = memoryStore();
    const ids = Array.from({ length: 8 }, (_, i) => {
      store.clock.now += 1000;
      return store.saveIntake(intake({ content: `第${i}次反映物业问题` }), 'op').caseId;
    });
    expect(store.search('物业', 3).results.map((r) => r.id)).toEqual(ids.slice(-3).reverse());
  });

  it('finds a case by its provisional number, whole or by its leading part', () => {
    const { store, noise } = seeded();
    const localNo = store.getCase(noise.caseId)!.localNo;
    expect(store.search(localNo, 50)).toMatchObject({ kind: 'case_no', results: [{ id: noise.caseId }] });
    expect(store.search(localNo.toLowerCase(), 50).results.map((r) => r.id)).toEqual([noise.caseId]);
    const prefix = store.search(localNo.slice(0, 13), 50);
    expect(prefix.kind).toBe('case_no');
    expect(prefix.results).toHaveLength(5);
  });

  it('finds a case by its official number once the server has given one', () => {
    const { store, heating } = seeded();
    store.db.prepare('UPDATE cases SET official_no = ? WHERE id = ?').run('JN-20261127-000042', heating.caseId);
    expect(store.search('JN-20261127-000042', 50).results.map((r) => r.id)).toEqual([heating.caseId]);
    expect(store.search('JN-20261127', 50).results.map((r) => r.id)).toEqual([heating.caseId]);
  });

  it('finds all cases of a full phone number in any spelling', () => {
    const { store, property } = seeded();
    for (const q of ['13912345678', '+86 139-1234-5678', '139 1234 5678']) {
      expect(store.search(q, 50)).toMatchObject({ kind: 'phone', results: [{ id: property.caseId }] });
    }
  });

  it('finds callers by the last 4 or more digits, newest first', () => {
    const { store, property, property2, noise } = seeded();
    const result = store.search('5678', 50);
    expect(result.kind).toBe('phone_suffix');
    expect(result.results.map((r) => r.id)).toEqual([property.caseId, noise.caseId]);
    expect(store.search('41234', 50).results.map((r) => r.id)).toEqual([property2.caseId]);
    expect(store.search('2345678', 50).results.map((r) => r.id)).toEqual([property.caseId, noise.caseId]);
  });

  it('finds the newest cases of many callers sharing a suffix, a heavy caller included', () => {
    const store = memoryStore();
    const saved: { id: number; heavy: boolean }[] = [];
    for (let i = 0; i < 30; i++) {
      store.clock.now += DAY / 10;
      const heavy = i % 3 === 0;
      const phone = heavy ? '13800000099' : `139${String(i).padStart(4, '0')}0099`;
      saved.push({ id: store.saveIntake(intake({ phone, content: `第${i}次来电反映` }), 'op').caseId, heavy });
    }
    const newestFirst = saved.map((s) => s.id).reverse();
    expect(store.search('0099', 50).results.map((r) => r.id)).toEqual(newestFirst);
    expect(store.search('0099', 5).results.map((r) => r.id)).toEqual(newestFirst.slice(0, 5));
    expect(store.search('800000099', 50).results.map((r) => r.id)).toEqual(saved.filter((s) => s.heavy).map((s) => s.id).reverse());
    expect(store.search('99', 50).kind).toBe('text');
  });

  describe('hostile input returns results or a plain message, never an error', () => {
    const cases: [string, string][] = [
      ['double quotes', '"物业'],
      ['a quote pair', '"物业" "'],
      ['star', '物业*'],
      ['lone star', '*'],
      ['NEAR', 'NEAR(物业 管理, 2)'],
      ['boolean operators', '物业 OR 噪音 NOT 供暖 AND'],
      ['SQL injection', '" OR 1=1 --'],
      ['SQL with semicolon', "'; DROP TABLE cases; --"],
      ['column filter', 'content:物业'],
      ['caret and braces', '^物业 {content address}: 噪音'],
      ['parentheses', '((物业)'],
      ['10 KB string', '物业管理'.repeat(2560)],
      ['10 KB of quotes', '"'.repeat(10_240)],
      ['emoji', '😀🏠 物业'],
      ['only emoji', '😀😀'],
      ['control characters', '\u0000\u0001\u001b[31m物业\u0007'],
      ['lone surrogates', '\ud800物业\udfff'],
      ['right-to-left marks', '\u202e物业\u202c'],
      ['full-width digits', '１２３４'],
      ['phone with letters', '138abcd1234'],
      ['percent and underscore', '%_%'],
      ['backslashes', '\\\\物业\\'],
      ['newlines', '物业\n\r\t噪音'],
    ];
    it.each(cases)('%s', (_label, q) => {
      const { store } = seeded();
      const result = store.search(q, 50);
      expect(['empty', 'case_no', 'phone', 'phone_suffix', 'text', 'too_short']).toContain(result.kind);
      expect(Array.isArray(result.results)).toBe(true);
      if (result.results.length === 0 && result.kind !== 'empty') expect(result.message).toMatch(/^search\./);
      // the store is intact afterwards
      expect(store.search('物业', 50).results).toHaveLength(2);
    });

    it('still finds what a hostile query contains', () => {
      const { store, property } = seeded();
      expect(store.search('"物业管理" OR 1=1 --', 50).results.map((r) => r.id)).toEqual([]);
      expect(store.search('NEAR(物业管理', 50).results.map((r) => r.id)).toEqual([]);
      expect(store.search('(物业管理)*', 50).results.map((r) => r.id)).toEqual([property.caseId]);
    });

    it('looks only at the first 200 characters of a long query and says so', () => {
      const { store, property } = seeded();
      const result = store.search('物业管理' + ' '.repeat(300) + '噪音', 50);
      expect(result.results.map((r) => r.id)).toEqual([property.caseId]);
      expect(result.message).toBe('search.queryTruncated');
    });
  });

  it('looks up phone suffixes through the reversed-number index and covering index seeks', () => {
    const { store } = seeded();
    const plan = (sql: string, ...args: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('\n');
    const tail = plan(SEARCH_SQL.idsByPhoneTail, '8765', '8765:', 500, 50);
    expect(tail).toMatch(/SEARCH callers USING COVERING INDEX callers_by_phone_rev \(phone_rev>\? AND phone_rev<\?\)/);
    expect(tail).toMatch(/SEARCH c USING COVERING INDEX cases_by_phone \(phone=\?\)/);
    expect(tail).not.toMatch(/SCAN (callers|c)\b/);
    expect(plan(SEARCH_SQL.byIds, '[1,2]')).toMatch(/SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)/);
  });

  it('searches text through the full-text index and reads only the cases it returns', () => {
    const { store } = seeded();
    const detail = (store.db.prepare(`EXPLAIN QUERY PLAN ${SEARCH_SQL.byText}`).all('"物业"', 50) as { detail: string }[])
      .map((r) => r.detail)
      .join('\n');
    expect(detail).toMatch(/SCAN case_search VIRTUAL TABLE INDEX/);
    expect(detail).toMatch(/SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(detail).not.toMatch(/SCAN c\b/);
  });
});

describe('search a CJK/ASCII boundary', () => {
  it('finds a query that starts with the last Han character of a run before a number', () => {
    const store = memoryStore();
    const save = (content: string) => {
      store.clock.now += 60_000;
      return store.saveIntake(intake({ content, callerName: '', address: '' }), 'op001').caseId;
    };
    const water = save('今年4月小区停水');
    const lift = save('去年3栋电梯坏了');
    const road = save('解放路12号');
    const power = save('2019年4月停电');
    const ids = (q: string) => store.search(q, 50).results.map((r) => r.id);
    expect(ids('年4月')).toEqual([power, water]);
    expect(ids('年3栋')).toEqual([lift]);
    expect(ids('路12号')).toEqual([road]);
    expect(ids('年4')).toEqual([power, water]);
  });
});

describe('search agrees with a substring scan on real citizen messages', () => {
  const messages = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/citizen-messages.json'), 'utf8')) as string[];
  /** the scan sees the text as search does: full-width forms folded, lower case */
  const folded = messages.map((m) => m.normalize('NFKC').toLowerCase());
  const store = memoryStore();
  const ids = messages.map((content, i) => {
    store.clock.now += 60_000;
    return store.saveIntake(intake({ content, callerName: '', address: '', phone: `1380537${String(i).padStart(4, '0')}` }), 'op001').caseId;
  });
  const isHan = (c: string | undefined) => c !== undefined && /\p{Script=Han}/u.test(c);
  /** a letter or digit outside Han: such runs are whole tokens (words) */
  const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c) && !isHan(c);
  /** where a substring starts or ends between two letters/digits, it cuts a word */
  const cutsWord = (text: string, start: number, end: number) =>
    (isWordChar(text[start - 1]) && isWordChar(text[start])) || (isWordChar(text[end - 1]) && isWordChar(text[end]));
  /** the messages holding `s` at least once without cutting a word ("12" in 解放路12号, not in 1200元) */
  const scan = (s: string) =>
    ids
      .filter((_, i) => {
        const text = folded[i]!;
        for (let at = text.indexOf(s); at !== -1; at = text.indexOf(s, at + 1)) if (!cutsWord(text, at, at + s.length)) return true;
        return false;
      })
      .sort((a, b) => b - a);

  /**
   * Any substring of 2–16 characters of any message, except those that cut a run of letters or
   * digits (a word is a whole token: "019" does not find "2019", "12" does not find "1200", as in
   * any word search, and the scan counts only occurrences that cut no word either), must be
   * found exactly where a scan finds it when it has no separator in it. With spaces or
   * punctuation inside, its parts are separate words that must all occur, so search finds at
   * least what the scan finds. Queries that read as a phone number, a phone suffix or a case
   * number are not text searches, and a single character (alone or between separators) is too
   * short for the bigram index: both are left out.
   */
  it('for any substring drawn from them', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.nat(messages.length - 1), fc.nat(1000), fc.integer({ min: 2, max: 16 }), (m, at, len) => {
        const text = folded[m]!;
        if (text.length < 2) return;
        const start = at % (text.length - 1);
        const end = Math.min(text.length, start + len);
        if (end - start < 2) return;
        if (cutsWord(text, start, end)) return;
        const q = text.slice(start, end);
        const result = store.search(q, 200);
        if (result.kind !== 'text') return;
        const found = result.results.map((r) => r.id);
        const scanned = scan(q);
        const onePhrase = [...q].every((c) => isHan(c) || isWordChar(c));
        if (onePhrase) expect(found, q).toEqual(scanned);
        else expect(found, q).toEqual(expect.arrayContaining(scanned));
        checked += 1;
      }),
      { numRuns: 3000, seed: 11 },
    );
    // most draws are text searches that were compared, not skipped
    expect(checked).toBeGreaterThan(2000);
  });
});
