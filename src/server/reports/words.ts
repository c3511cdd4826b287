/**
 * Rising frequent content words (上升高频词): the Han bigrams of the search index
 * (src/shared/text/han.ts) counted over the contents of valid cases in a period and in the
 * period before, on a sample of at most SAMPLE cases each (every k-th id), normalised by the
 * sample sizes; a word rises when it is frequent now and clearly more frequent than before.
 */
import type { Queryable } from '../db/adapter';
import { DAY_MS, dayNumber } from '../../shared/reports/indicators';
import { hanBigrams } from '../../shared/text/han';
import type { Range } from './service';

const SAMPLE = 20_000;
/** bigrams of the callers' set phrases (来电反映, 希望尽快处理 …): frequent in every period, never a topic */
const STOP = new Set(['来电', '电反', '反映', '希望', '尽快', '处理', '有关', '关部', '部门', '市民', '民来', '咨询', '问题', '相关', '请求', '要求', '情况', '附近', '严重', '影响', '生活', '解决']);

async function counts(db: Queryable, r: Range): Promise<{ n: number; words: Map<string, number> }> {
  const start = dayNumber(r.from) * DAY_MS - 28_800_000;
  const end = (dayNumber(r.to) + 1) * DAY_MS - 28_800_000;
  const [c] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE created_at >= $1 AND created_at < $2', [start, end]);
  const k = Math.max(1, Math.ceil(c!.n / SAMPLE));
  const rows = await db.query<{ content: string }>(
    'SELECT content FROM cases WHERE created_at >= $1 AND created_at < $2 AND valid AND id % $3 = 0',
    [start, end, k],
  );
  const words = new Map<string, number>();
  for (const { content } of rows) {
    for (const w of new Set(hanBigrams(content))) if (!STOP.has(w)) words.set(w, (words.get(w) ?? 0) + 1);
  }
  return { n: rows.length, words };
}

export async function risingWords(db: Queryable, now: Range, before: Range, limit = 15): Promise<{ word: string; now: number; previous: number }[]> {
  const [a, b] = await Promise.all([counts(db, now), counts(db, before)]);
  if (a.n === 0) return [];
  const scale = b.n === 0 ? 1 : a.n / b.n;
  return [...a.words]
    .filter(([, n]) => n >= Math.max(5, a.n * 0.002))
    .map(([word, n]) => ({ word, now: n, previous: b.words.get(word) ?? 0, score: n - (b.words.get(word) ?? 0) * scale }))
    .filter((w) => w.score > 0 && w.now >= 1.2 * w.previous * scale)
    .sort((x, y) => y.score - x.score || x.word.localeCompare(y.word))
    .slice(0, limit)
    .map(({ word, now: n, previous }) => ({ word, now: n, previous }));
}
