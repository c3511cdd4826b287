/** Shared by the migration tests of the search index (002, 005): a case row and an FTS query. */
import type Database from 'better-sqlite3';
import { buildMatch } from '../../../../src/main/store/fts';

export function insertCase(db: Database.Database, id: number, content: string, address: string, name: string): void {
  db.prepare(
    `INSERT INTO cases (id, uuid, local_no, phone, caller_name, channel, request_type, category_code, region_code, address,
       content, urgency, handling_mode, status, operator, created_at, updated_at)
     VALUES (?, ?, ?, '13805371234', ?, 'hotline', 'complaint', 'C0201', '370811001', ?, ?, 'normal', 'dispatch',
       'pending_dispatch', 'op', ?, ?)`,
  ).run(id, `u${id}`, `W001-20261127-${String(id).padStart(4, '0')}`, name, address, content, id, id);
}

/** The ids of the cases the index finds for `q`, by rowid in the given order. */
export function findIds(db: Database.Database, q: string, order: 'ASC' | 'DESC'): number[] {
  const plan = buildMatch(q);
  if (plan.kind !== 'match') throw new Error(`no match for ${q}`);
  return (db.prepare(`SELECT rowid AS id FROM case_search WHERE case_search MATCH ? ORDER BY rowid ${order}`).all(plan.match) as { id: number }[]).map(
    (r) => r.id,
  );
}
