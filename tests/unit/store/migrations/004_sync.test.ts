import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/store/migrations';

const insertCase = (db: Database.Database, uuid: string, localNo: string, officialNo: string | null) =>
  db
    .prepare(
      `INSERT INTO cases (uuid, local_no, official_no, phone, channel, request_type, category_code, region_code, content, urgency,
         handling_mode, status, operator, created_at, updated_at)
       VALUES (?, ?, ?, '13805371234', 'hotline', 'consult', 'C0201', '370811001', '物业', 'normal', 'direct', 'closed', 'op', 1, 1)`,
    )
    .run(uuid, localNo, officialNo);

describe('migration 4: sync', () => {
  it('keeps the outbox of version 3 in order, waiting for an account to adopt it', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 3);
    insertCase(db, 'u1', 'W001-20261127-0001', null);
    const outbox = db.prepare('INSERT INTO outbox (name, args, created_at) VALUES (?, ?, ?)');
    outbox.run('case.create', '{"case":{"uuid":"u1"}}', 10);
    outbox.run('case.create', '{"case":{"uuid":"u2"}}', 20);

    migrate(db, ':memory:', 4);

    expect(db.prepare('SELECT seq, client_id AS clientId, mutation_id AS mutationId, name, args, created_at AS createdAt FROM outbox ORDER BY seq').all()).toEqual([
      { seq: 1, clientId: null, mutationId: null, name: 'case.create', args: '{"case":{"uuid":"u1"}}', createdAt: 10 },
      { seq: 2, clientId: null, mutationId: null, name: 'case.create', args: '{"case":{"uuid":"u2"}}', createdAt: 20 },
    ]);
    // a row has both a client and a mutation id, or neither; ids are unique per client
    expect(() => db.prepare("INSERT INTO outbox (client_id, name, args, created_at) VALUES ('c1', 'x', '{}', 1)").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO outbox (client_id, mutation_id, name, args, created_at) VALUES ('c1', 1, 'x', '{}', 1)").run();
    expect(() => db.prepare("INSERT INTO outbox (client_id, mutation_id, name, args, created_at) VALUES ('c1', 1, 'x', '{}', 1)").run()).toThrow(
      /UNIQUE/,
    );
    expect(db.prepare('SELECT local_no AS localNo, server_version AS version FROM cases').all()).toEqual([{ localNo: 'W001-20261127-0001', version: null }]);
  });

  it('adds the accounts and rejections tables, and lets pulled numbers repeat without stopping sync', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 4);
    db.prepare("INSERT INTO sync_accounts (username, account_id, display_name, role, client_id, created_at) VALUES ('1024', 7, '王芳', 'operator', 'c1', 1)").run();
    expect(() =>
      db.prepare("INSERT INTO sync_accounts (username, account_id, display_name, role, client_id, created_at) VALUES ('1025', 8, '李', 'operator', 'c1', 1)").run(),
    ).toThrow(/UNIQUE/);
    db.prepare("INSERT INTO sync_rejections (client_id, mutation_id, name, code, reason, rejected_at) VALUES ('c1', 3, 'case.create', 'invalid_args', 'x', 5)").run();
    expect(db.prepare('SELECT count(*) FROM sync_rejections').pluck().get()).toBe(1);

    // another workstation with the same code, and an old server's numbers next to a new server's
    insertCase(db, 'u1', 'W001-20261127-0001', 'JN20261127-000001');
    insertCase(db, 'u2', 'W001-20261127-0001', 'JN20261127-000001');
    expect(() => insertCase(db, 'u1', 'W001-20261127-0002', null)).toThrow(/UNIQUE/);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM cases WHERE official_no >= 'JN2026' AND official_no < 'JN2026~'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toMatch(/cases_by_official_no/);
  });
});
