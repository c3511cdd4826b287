import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/store/migrations';
import { buildMatch } from '../../../../src/main/store/fts';

function insertCase(db: Database.Database, id: number, content: string, address: string, name: string): void {
  db.prepare(
    `INSERT INTO cases (id, uuid, local_no, phone, caller_name, channel, request_type, category_code, region_code, address,
       content, urgency, handling_mode, status, operator, created_at, updated_at)
     VALUES (?, ?, ?, '13805371234', ?, 'hotline', 'complaint', 'C0201', '370811001', ?, ?, 'normal', 'dispatch',
       'pending_dispatch', 'op', ?, ?)`,
  ).run(id, `u${id}`, `W001-20261127-${String(id).padStart(4, '0')}`, name, address, content, id, id);
}

const find = (db: Database.Database, q: string): number[] => {
  const plan = buildMatch(q);
  if (plan.kind !== 'match') throw new Error(`no match for ${q}`);
  return (db.prepare('SELECT rowid AS id FROM case_search WHERE case_search MATCH ? ORDER BY rowid DESC').all(plan.match) as { id: number }[]).map(
    (r) => r.id,
  );
};

describe('migration 2: case search index', () => {
  it('indexes the cases that existed before it, by content, address and name', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 1);
    insertCase(db, 1, '冬季供暖温度不达标', '任城区古槐街道', '李女士');
    insertCase(db, 2, '楼下商铺噪音扰民', '兖州区鼓楼街道翰林花园', '王先生');
    insertCase(db, 3, '小区物业管理不到位', '任城区古槐街道阳光花园', '张先生');

    migrate(db, ':memory:', 2);

    expect(find(db, '供暖')).toEqual([1]);
    expect(find(db, '噪音扰民')).toEqual([2]);
    expect(find(db, '古槐街道')).toEqual([3, 1]);
    expect(find(db, '翰林花园')).toEqual([2]);
    expect(find(db, '张先生')).toEqual([3]);
    db.exec("INSERT INTO case_search (case_search, rank) VALUES ('integrity-check', 0)");
  });
});
