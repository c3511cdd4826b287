import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/main/store/migrations';

const insertCase = (db: Database.Database, uuid: string) =>
  db
    .prepare(
      `INSERT INTO cases (uuid, local_no, phone, channel, request_type, category_code, region_code, content, urgency,
         handling_mode, status, operator, created_at, updated_at)
       VALUES (?, 'W001-20261127-0001', '13805371234', 'hotline', 'consult', 'C0201', '370811001', '物业', 'normal', 'direct', 'closed', 'op', 1, 1)`,
    )
    .run(uuid);

const callOf = (db: Database.Database, uuid: string) =>
  db
    .prepare(
      `SELECT call_id AS callId, call_ring_at AS ringAt, call_answer_at AS answerAt, call_end_at AS endAt, talk_seconds AS talkSeconds
       FROM cases WHERE uuid = ?`,
    )
    .get(uuid);

describe('migration 6: call times', () => {
  it('gives the cases of version 4 no call, and lets new cases record one', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 5);
    insertCase(db, 'u1');

    expect(migrate(db, ':memory:', 6)).toBe(6);

    expect(callOf(db, 'u1')).toEqual({ callId: null, ringAt: null, answerAt: null, endAt: null, talkSeconds: null });
    insertCase(db, 'u2');
    db.prepare(
      `UPDATE cases SET call_id = 'c1', call_ring_at = 1000, call_answer_at = 5000, call_end_at = 65000, talk_seconds = 60 WHERE uuid = 'u2'`,
    ).run();
    expect(callOf(db, 'u2')).toEqual({ callId: 'c1', ringAt: 1000, answerAt: 5000, endAt: 65000, talkSeconds: 60 });
    expect(() => db.prepare(`UPDATE cases SET talk_seconds = -1 WHERE uuid = 'u2'`).run()).toThrow(/CHECK/);
  });
});
