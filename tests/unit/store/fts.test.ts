import { describe, expect, it } from 'vitest';
import { buildMatch, GAP_TOKEN, indexTokens } from '../../../src/main/store/fts';

describe('search tokens', () => {
  it('cuts Han text into overlapping bigrams', () => {
    expect(indexTokens('物业管理')).toBe('物业 业管 管理');
  });

  it('keeps a lone Han character, lower-cases Latin words and keeps digit runs whole', () => {
    expect(indexTokens('A座3号楼')).toBe('a 座 3 号楼');
  });

  it('folds full-width letters and digits as typed by Chinese input methods', () => {
    expect(indexTokens('ＡＢＣ１２３')).toBe('abc123');
  });

  it('marks a gap between runs that do not touch, so a phrase cannot span punctuation', () => {
    expect(indexTokens('物业，业管')).toBe(`物业 ${GAP_TOKEN} 业管`);
  });

  it('stores the last character of a Han run alone where a letter or digit run touches it', () => {
    expect(indexTokens('今年4月小区停水')).toBe('今年 年 4 月小 小区 区停 停水');
    expect(indexTokens('解放路12号')).toBe('解放 放路 路 12 号');
    expect(indexTokens('2019年4月停电')).toBe('2019 年 4 月停 停电');
    expect(indexTokens('路口，12')).toBe(`路口 ${GAP_TOKEN} 12`);
  });

  it('cuts a query by the same rule, so it may start with the end of a Han run', () => {
    expect(buildMatch('年4月')).toEqual({ kind: 'match', match: '("年" + "4" + "月"*)' });
    expect(buildMatch('放路12')).toEqual({ kind: 'match', match: '("放路" + "路" + "12")' });
  });

  it('handles Han characters outside the basic plane', () => {
    expect(indexTokens('𠀀𠀁𠀂')).toBe('𠀀𠀁 𠀁𠀂');
  });

  it('drops punctuation, emoji, control characters and lone surrogates', () => {
    expect(indexTokens('😀\u0000\ud800，。!')).toBe('');
  });

  it('turns a query into quoted phrases, one per separated word, all required', () => {
    expect(buildMatch('物业 电梯坏了')).toEqual({ kind: 'match', match: '("物业") AND ("电梯" + "梯坏" + "坏了")' });
  });

  it('matches a lone trailing Han character as the prefix of the next token', () => {
    expect(buildMatch('A座')).toEqual({ kind: 'match', match: '("a" + "座"*)' });
  });

  it('reports a single character as too short', () => {
    expect(buildMatch('物')).toEqual({ kind: 'too_short' });
    expect(buildMatch(' x ')).toEqual({ kind: 'too_short' });
  });

  it('reports text with nothing searchable', () => {
    expect(buildMatch('"*()^-- 😀')).toEqual({ kind: 'nothing' });
  });

  it('never lets FTS5 syntax through: every token is quoted and operators become words', () => {
    const plan = buildMatch('NEAR(物业 OR "x" NOT 1=1) * ^col:');
    expect(plan.kind).toBe('match');
    if (plan.kind === 'match') {
      expect(plan.match).toBe('("near") AND ("物业") AND ("or") AND ("not") AND ("col")');
    }
  });
});
