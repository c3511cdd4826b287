import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/store/migrations';

describe('migration 1: core tables', () => {
  it('creates callers, cases, contacts, outbox and their indexes on an empty file', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, ':memory:', 1);
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')").all() as { name: string }[]).map((r) => r.name);
    for (const name of ['meta', 'callers', 'cases', 'contacts', 'outbox', 'local_seq', 'categories', 'regions']) {
      expect(names).toContain(name);
    }
    for (const name of ['callers_by_phone_rev', 'cases_by_uuid', 'cases_by_local_no', 'cases_by_phone', 'cases_open_by_phone', 'contacts_by_phone']) {
      expect(names).toContain(name);
    }

    db.prepare(
      `INSERT INTO cases (uuid, local_no, phone, channel, request_type, category_code, region_code, content, urgency,
         handling_mode, status, operator, created_at, updated_at)
       VALUES ('u1', 'W001-20261127-0001', '13805371234', 'hotline', 'consult', 'C0201', '370811001', '物业', 'normal',
         'direct', 'closed', 'op', 1, 1)`,
    ).run();
    expect(() =>
      db.prepare(`INSERT INTO cases (uuid, local_no, phone, channel, request_type, category_code, region_code, content,
          urgency, handling_mode, status, operator, created_at, updated_at)
        VALUES ('u1', 'W001-20261127-0002', '1', 'hotline', 'consult', 'C', 'R', 'x', 'normal', 'direct', 'closed', 'op', 1, 1)`).run(),
    ).toThrow(/UNIQUE/);
    // a contact must belong to a case
    expect(() =>
      db.prepare(`INSERT INTO contacts (uuid, case_id, phone, channel, request_type, content, operator, created_at)
        VALUES ('c1', 999, '1', 'hotline', 'consult', 'x', 'op', 1)`).run(),
    ).toThrow(/FOREIGN KEY/);
  });
});
