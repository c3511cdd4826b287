/**
 * Version 5: the search index is rebuilt with the edge tokens of ../fts.ts (a Han run that
 * touches a letter/digit run stores its last character alone: "今年4月" → 今年 年 4 月), so
 * "年4月" finds "今年4月小区停水". Index and query must be cut by the same rule; an index built
 * by an older version lacks those tokens, so every case is indexed again, in id order, a page
 * at a time (a statement cannot write while another still iterates).
 */
import type { Db } from '../db';
import { indexTokens } from '../fts';

export function migrate5(db: Db): void {
  db.exec("INSERT INTO case_search (case_search) VALUES ('delete-all')");
  const insert = db.prepare('INSERT INTO case_search (rowid, name, address, content, answer) VALUES (?, ?, ?, ?, ?)');
  const page = db.prepare<[number], [number, string, string, string, string]>(
    'SELECT id, caller_name, address, content, answer FROM cases WHERE id > ? ORDER BY id LIMIT 1000',
  );
  for (let rows = page.raw().all(0); rows.length > 0; rows = page.raw().all(rows[rows.length - 1]![0])) {
    for (const [id, name, address, content, answer] of rows) {
      insert.run(id, indexTokens(name), indexTokens(address), indexTokens(content), indexTokens(answer));
    }
  }
}
