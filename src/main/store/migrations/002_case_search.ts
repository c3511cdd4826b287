/**
 * Version 2: full-text search over cases (see ../fts.ts for the bigram tokens).
 *
 * Contentless (the text lives in `cases`), rowid = case id, with contentless_delete so a case
 * changed by sync can be re-indexed. Existing cases are indexed here, in id order.
 *
 * Segments are never merged during a write (automerge=0): ../maintenance.ts merges them when
 * the store is idle, and crisismerge bounds how many small segments a busy spell can leave.
 */
import type { Db } from '../db';
import { indexTokens } from '../fts';

export function migrate2(db: Db): void {
  db.exec(`
    CREATE VIRTUAL TABLE case_search USING fts5(
      name, address, content, answer,
      content = '', contentless_delete = 1, tokenize = 'ascii'
    );
    INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0);
    INSERT INTO case_search (case_search, rank) VALUES ('crisismerge', 32);
  `);
  const insert = db.prepare('INSERT INTO case_search (rowid, name, address, content, answer) VALUES (?, ?, ?, ?, ?)');
  // in id order, a page at a time: a statement cannot write while another still iterates
  const page = db.prepare<[number], [number, string, string, string, string]>(
    'SELECT id, caller_name, address, content, answer FROM cases WHERE id > ? ORDER BY id LIMIT 1000',
  );
  for (let rows = page.raw().all(0); rows.length > 0; rows = page.raw().all(rows[rows.length - 1]![0])) {
    for (const [id, name, address, content, answer] of rows) {
      insert.run(id, indexTokens(name), indexTokens(address), indexTokens(content), indexTokens(answer));
    }
  }
}
