import { describe, expect, it } from 'vitest';
import { durationText, initialLoadText } from '../../../src/renderer/src/features/sync/initialLoadText';
import { en } from '../../../src/renderer/src/i18n/en';
import { zhCN } from '../../../src/renderer/src/i18n/zh-CN';

describe("a first sync's progress in words", () => {
  it('says cases loaded of the total, the share and the time left', () => {
    expect(initialLoadText(zhCN, 'zh-CN', { loaded: 250_000, total: 1_000_000, etaMs: 83_000 })).toBe(
      '首次同步：已载入 250,000 / 1,000,000 条（25%） · 约剩 1 分 23 秒',
    );
    expect(initialLoadText(en, 'en', { loaded: 5_000, total: 20_000, etaMs: 9_400 })).toBe(
      'First sync: 5,000 of 20,000 cases loaded (25%) · about 9 s left',
    );
  });

  it('says it is still estimating before the first page, and rounds times sensibly', () => {
    expect(initialLoadText(zhCN, 'zh-CN', { loaded: 0, total: 1_000, etaMs: null })).toContain('正在估算剩余时间');
    expect(durationText(zhCN, 0)).toBe('1 秒');
    expect(durationText(zhCN, 59_600)).toBe('1 分 0 秒');
    expect(durationText(zhCN, 2 * 3_600_000 + 5 * 60_000)).toBe('2 小时 5 分');
  });
});
