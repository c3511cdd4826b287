/** 草稿: the unfinished intake, autosaved as typed so a crash or reload loses nothing. */
import { IntakeDraft, LIMITS } from '../../shared/schemas';
import type { Db } from './db';
import { StoreInputError } from './errors';

export function createDrafts(db: Db, now: () => number) {
  const select = db.prepare<[string], { data: string; updatedAt: number }>(
    'SELECT data, updated_at AS updatedAt FROM drafts WHERE key = ?',
  );
  const upsert = db.prepare(
    'INSERT INTO drafts (key, data, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at',
  );
  const remove = db.prepare('DELETE FROM drafts WHERE key = ?');

  return {
    loadDraft(key: string): { draft: IntakeDraft; updatedAt: number } | null {
      const row = select.get(key);
      if (!row) return null;
      let data: unknown;
      try {
        data = JSON.parse(row.data);
      } catch {
        return null;
      }
      // a draft written by another version may not fit today's shape: better none than a crash
      const parsed = IntakeDraft.safeParse(data);
      return parsed.success ? { draft: parsed.data, updatedAt: row.updatedAt } : null;
    },

    saveDraft(key: string, draft: IntakeDraft): { updatedAt: number } {
      const data = JSON.stringify(draft);
      if (Buffer.byteLength(data) > LIMITS.draftBytes) throw new StoreInputError('draft.tooLarge');
      const updatedAt = now();
      upsert.run(key, data, updatedAt);
      return { updatedAt };
    },

    clearDraft(key: string): boolean {
      return remove.run(key).changes > 0;
    },
  };
}

/**
 * Intake drafts saved since `since` (epoch ms), any account: someone is typing a call here. A
 * draft older than that is safe across a restart (it is in the store and comes back), so only
 * recent ones keep an update from installing (src/main/updates/policy.ts).
 */
export function countRecentDrafts(db: Db, since: number): number {
  return db.prepare<[number], { n: number }>("SELECT count(*) AS n FROM drafts WHERE key LIKE 'intake%' AND updated_at >= ?").get(since)!.n;
}
