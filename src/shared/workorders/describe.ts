/**
 * One line of detail for the history entries of 回访, 催办 and 督办 (流转记录 on the desktop and
 * in the unit portal): what came of a follow-up, which reminder, which supervision level and
 * its deadline. Pure; the caller formats nothing else.
 */
import type { Satisfaction } from '../domain';
import type { HistoryEntry } from './model';
import { FOLLOW_UP_OUTCOME_LABELS, SUPERVISION_LEVEL_LABELS, type FollowUpOutcome, type SupervisionLevel } from './model';

type Lang = 'zh' | 'en';

export const SATISFACTION_LABELS: Record<Satisfaction, { zh: string; en: string }> = {
  very_satisfied: { zh: '非常满意', en: 'very satisfied' },
  satisfied: { zh: '满意', en: 'satisfied' },
  basically_satisfied: { zh: '基本满意', en: 'basically satisfied' },
  unsatisfied: { zh: '不满意', en: 'unsatisfied' },
  very_unsatisfied: { zh: '非常不满意', en: 'very unsatisfied' },
};

export const FOLLOW_UP_RESULT_LABELS: Record<string, { zh: string; en: string }> = {
  closed: { zh: '办结', en: 'closed' },
  rehandle: { zh: '重办', en: 're-handle' },
  retry: { zh: '再次回访', en: 'call again' },
  unreachable: { zh: '无法回访', en: 'unreachable' },
  refused: { zh: '拒绝回访', en: 'refused' },
};

/** The Shanghai date of an instant, yyyy-mm-dd (the deadlines' time zone). */
const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

export function entryDetail(entry: Pick<HistoryEntry, 'action' | 'details'>, lang: Lang): string | null {
  const d = entry.details as Record<string, unknown>;
  const sep = lang === 'zh' ? '，' : ', ';
  switch (entry.action) {
    case 'follow_up': {
      const parts: string[] = [];
      const outcome = FOLLOW_UP_OUTCOME_LABELS[d.outcome as FollowUpOutcome];
      if (outcome) parts.push(outcome[lang]);
      if (typeof d.solved === 'boolean') parts.push(lang === 'zh' ? (d.solved ? '已解决' : '未解决') : d.solved ? 'solved' : 'not solved');
      const sat = SATISFACTION_LABELS[d.satisfaction as Satisfaction];
      if (sat) parts.push(sat[lang]);
      const result = FOLLOW_UP_RESULT_LABELS[String(d.result)];
      if (result) parts.push(`→ ${result[lang]}`);
      return parts.length ? parts.join(sep) : null;
    }
    case 'remind':
      return typeof d.count === 'number' ? (lang === 'zh' ? `第 ${d.count} 次催办` : `reminder #${d.count}`) : null;
    case 'supervise': {
      const level = SUPERVISION_LEVEL_LABELS[d.level as SupervisionLevel];
      if (!level) return null;
      const parts = [lang === 'zh' ? `${level.zh}督办` : `${level.en} supervision`];
      if (typeof d.deadline === 'number') parts.push(lang === 'zh' ? `督办时限 ${day(d.deadline)}` : `due ${day(d.deadline)}`);
      return parts.join(sep);
    }
    default:
      return null;
  }
}
