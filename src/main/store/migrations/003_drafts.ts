/** Version 3: unfinished intakes, autosaved as the operator types (草稿). */
import type { Db } from '../db';

export function migrate3(db: Db): void {
  db.exec(`
    CREATE TABLE drafts (
      key TEXT PRIMARY KEY,
      data TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
}
