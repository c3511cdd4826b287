import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/store/migrations';

describe('migration 3: drafts', () => {
  it('adds the drafts table and leaves the cases of version 2 untouched', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 2);
    db.prepare(
      `INSERT INTO cases (uuid, local_no, phone, channel, request_type, category_code, region_code, content, urgency,
         handling_mode, status, operator, created_at, updated_at)
       VALUES ('u1', 'W001-20261127-0001', '13805371234', 'hotline', 'consult', 'C0201', '370811001', '物业', 'normal',
         'direct', 'closed', 'op', 1, 1)`,
    ).run();

    migrate(db, ':memory:', 3);

    db.prepare("INSERT INTO drafts (key, data, updated_at) VALUES ('intake', '{}', 5)").run();
    expect(db.prepare('SELECT key, data, updated_at FROM drafts').all()).toEqual([{ key: 'intake', data: '{}', updated_at: 5 }]);
    expect(db.prepare('SELECT local_no FROM cases').all()).toEqual([{ local_no: 'W001-20261127-0001' }]);
  });
});
