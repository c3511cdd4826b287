/**
 * Version 1: the core tables of a workstation (callers, cases, contacts, outbox, taxonomy).
 *
 * Shaped for the sync to come (issue 3): every case and contact has a client-generated uuid
 * (the idempotency key on the server), a provisional local number, room for the official number
 * the server gives later, and an origin ('local' = logged here, 'server' = pulled from the
 * centre). Unique constraints are separate CREATE UNIQUE INDEX statements rather than inline
 * UNIQUE clauses, so the seed's bulk build can drop every index and rebuild it after loading.
 */
import type { Db } from '../db';

export function migrate1(db: Db): void {
  db.exec(`
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;

    -- 问题分类 and 所属区域: replaced as a whole by loadTaxonomy; path is a JSON array of names
    CREATE TABLE categories (
      code TEXT PRIMARY KEY,
      parent_code TEXT,
      name TEXT NOT NULL,
      initials TEXT NOT NULL,
      path TEXT NOT NULL,
      sort_order INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE regions (
      code TEXT PRIMARY KEY,
      parent_code TEXT,
      name TEXT NOT NULL,
      initials TEXT NOT NULL,
      path TEXT NOT NULL,
      sort_order INTEGER NOT NULL
    ) WITHOUT ROWID;

    -- one row per normalised number; phone_rev (digits reversed) turns "last 4 digits" into a
    -- prefix, i.e. an index range seek instead of LIKE '%1234'
    CREATE TABLE callers (
      phone TEXT PRIMARY KEY,
      phone_rev TEXT NOT NULL,
      name TEXT NOT NULL DEFAULT '',
      labels TEXT NOT NULL DEFAULT '[]',
      first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX callers_by_phone_rev ON callers(phone_rev);

    -- 工单. Timestamps are epoch milliseconds.
    CREATE TABLE cases (
      id INTEGER PRIMARY KEY,
      uuid TEXT NOT NULL,
      local_no TEXT NOT NULL,
      official_no TEXT,
      phone TEXT NOT NULL,
      phone_ext TEXT NOT NULL DEFAULT '',
      caller_name TEXT NOT NULL DEFAULT '',
      channel TEXT NOT NULL,
      request_type TEXT NOT NULL,
      category_code TEXT NOT NULL,
      region_code TEXT NOT NULL,
      address TEXT NOT NULL DEFAULT '',
      content TEXT NOT NULL,
      answer TEXT NOT NULL DEFAULT '',
      urgency TEXT NOT NULL,
      handling_mode TEXT NOT NULL,
      status TEXT NOT NULL,
      -- 有效办理单: 0 for silent calls, misdials, harassment
      valid INTEGER NOT NULL DEFAULT 1,
      confidential INTEGER NOT NULL DEFAULT 0,
      operator TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      last_follow_up TEXT,
      origin TEXT NOT NULL DEFAULT 'local'
    );
    CREATE UNIQUE INDEX cases_by_uuid ON cases(uuid);
    CREATE UNIQUE INDEX cases_by_local_no ON cases(local_no);
    CREATE UNIQUE INDEX cases_by_official_no ON cases(official_no);
    CREATE INDEX cases_by_phone ON cases(phone, created_at);
    -- the caller-history panel shows open orders first: a partial index makes that a seek
    CREATE INDEX cases_open_by_phone ON cases(phone, created_at) WHERE status <> 'closed';

    -- each call or letter (来电/来信); for now one intake is one case and one contact
    CREATE TABLE contacts (
      id INTEGER PRIMARY KEY,
      uuid TEXT NOT NULL,
      case_id INTEGER NOT NULL REFERENCES cases(id),
      phone TEXT NOT NULL,
      phone_ext TEXT NOT NULL DEFAULT '',
      caller_name TEXT NOT NULL DEFAULT '',
      channel TEXT NOT NULL,
      request_type TEXT NOT NULL,
      content TEXT NOT NULL,
      operator TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX contacts_by_uuid ON contacts(uuid);
    CREATE INDEX contacts_by_case ON contacts(case_id);
    -- counts per number and period; with the name it also covers rebuilding callers from contacts
    CREATE INDEX contacts_by_phone ON contacts(phone, created_at, caller_name);

    -- provisional numbers W001-20261127-0042: the last sequence per workstation and China date
    CREATE TABLE local_seq (
      workstation TEXT NOT NULL,
      day TEXT NOT NULL,
      last INTEGER NOT NULL,
      PRIMARY KEY (workstation, day)
    ) WITHOUT ROWID;

    -- local mutations waiting for the server, in order; AUTOINCREMENT so a mutation id is never
    -- reused after the rows it follows were acknowledged and deleted
    CREATE TABLE outbox (
      mutation_id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      args TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
  `);
}
