import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/store/migrations';
import { findIds, insertCase } from './search-fixture';

const find = (db: Database.Database, q: string): number[] => findIds(db, q, 'ASC');

describe('migration 5: search index rebuilt with edge tokens', () => {
  it('re-indexes every case of version 4, so a query starting with the end of a Han run before a number finds it', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 4);
    insertCase(db, 1, '今年4月小区停水', '', '');
    insertCase(db, 2, '去年3栋电梯坏了', '', '李女士');
    insertCase(db, 3, '门口积水', '解放路12号', '');
    // what version 4 stored for them: tokens cut without the edge token
    const oldIndex = db.prepare('INSERT INTO case_search (rowid, name, address, content, answer) VALUES (?, ?, ?, ?, ?)');
    oldIndex.run(1, '', '', '今年 4 月小 小区 区停 停水', '');
    oldIndex.run(2, '李女 女士', '', '去年 3 栋电 电梯 梯坏 坏了', '');
    oldIndex.run(3, '', '解放 放路 12 号', '门口 口积 积水', '');
    expect(find(db, '年4月')).toEqual([]);

    migrate(db, ':memory:', 5);

    expect(find(db, '年4月')).toEqual([1]);
    expect(find(db, '年3栋')).toEqual([2]);
    expect(find(db, '路12号')).toEqual([3]);
    // what was found before still is, once each
    expect(find(db, '小区停水')).toEqual([1]);
    expect(find(db, '李女士')).toEqual([2]);
    expect(find(db, '积水')).toEqual([3]);
    expect(db.prepare('SELECT count(*) AS n FROM case_search').get()).toEqual({ n: 3 });
    db.exec("INSERT INTO case_search (case_search, rank) VALUES ('integrity-check', 0)");
  });
});
