import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/store/migrations';
import { findIds, insertCase } from './search-fixture';

const find = (db: Database.Database, q: string): number[] => findIds(db, q, 'DESC');

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
