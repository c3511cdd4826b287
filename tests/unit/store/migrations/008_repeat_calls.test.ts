import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/store/migrations';

describe('migration 8: repeat calls', () => {
  it('gives older cases no repeat link and indexes (category, normalised address, created_at)', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 7);
    db.prepare(
      `INSERT INTO cases (uuid, local_no, phone, channel, request_type, category_code, region_code, address, content, urgency,
         handling_mode, status, operator, created_at, updated_at)
       VALUES ('u1', 'W001-20261127-0001', '13805371234', 'hotline', 'consult', 'C0201', '370811001', '阳光花园　３号楼', '物业', 'normal', 'dispatch', 'pending_dispatch', 'op', 1, 1)`,
    ).run();
    expect(migrate(db, ':memory:', 8)).toBe(8);
    expect(db.prepare(`SELECT repeat_of FROM cases WHERE uuid = 'u1'`).pluck().get()).toBeNull();
    const indexed = db
      .prepare(`SELECT uuid FROM cases INDEXED BY cases_repeat_by_address WHERE category_code = 'C0201' AND address <> ''`)
      .pluck()
      .all();
    expect(indexed).toEqual(['u1']);
  });
});
