/** Keeping the case_search FTS table in step with `cases` (same transaction as the change). */
import type { Db } from './db';
import { searchEntry, type IndexedText } from './case-writer';

export interface CaseIndexer {
  /** index a case, replacing what was indexed for it before */
  put(caseId: number, text: IndexedText): void;
  remove(caseId: number): void;
}

export function createCaseIndexer(db: Db): CaseIndexer {
  const insert = db.prepare('INSERT INTO case_search (rowid, name, address, content, answer) VALUES (?, ?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM case_search WHERE rowid = ?');
  return {
    put(caseId, t) {
      remove.run(caseId);
      insert.run(caseId, ...searchEntry(t));
    },
    remove(caseId) {
      remove.run(caseId);
    },
  };
}
