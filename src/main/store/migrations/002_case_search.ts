/**
 * Version 2: full-text search over cases (see ../fts.ts for the bigram tokens).
 *
 * Contentless (the text lives in `cases`), rowid = case id, with contentless_delete so a case
 * changed by sync can be re-indexed. Existing cases are indexed here, in id order.
 */
import type { Db } from '../db';
import { indexTokens } from '../fts';

export function migrate2(db: Db): void {
  db.exec(`
    CREATE VIRTUAL TABLE case_search USING fts5(
      name, address, content, answer,
      content = '', contentless_delete = 1, tokenize = 'ascii'
    );
  `);
  const insert = db.prepare('INSERT INTO case_search (rowid, name, address, content, answer) VALUES (?, ?, ?, ?, ?)');
  const rows = db
    .prepare('SELECT id, caller_name, address, content, answer FROM cases ORDER BY id')
    .raw()
    .iterate() as IterableIterator<[number, string, string, string, string]>;
  for (const [id, name, address, content, answer] of rows) {
    insert.run(id, indexTokens(name), indexTokens(address), indexTokens(content), indexTokens(answer));
  }
}
