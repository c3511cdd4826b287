import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DAY, intake, memoryStore, T0, tempDir } from './helpers';
import { openStore } from '../../../src/main/store/store';
import { StoreInputError } from '../../../src/main/store/errors';
import { chinaDay } from '../../../src/main/store/local-no';
import type { CaseCreateMutation } from '../../../src/main/store/types';

describe('intake (受理)', () => {
  it('numbers cases per workstation and China day, starting again each day', () => {
    const store = memoryStore({ workstation: 'W007' });
    const a = store.saveIntake(intake(), 'op');
    const b = store.saveIntake(intake(), 'op');
    store.clock.now = T0 + DAY;
    const c = store.saveIntake(intake(), 'op');
    expect([a.localNo, b.localNo, c.localNo]).toEqual(['W007-20261127-0001', 'W007-20261127-0002', 'W007-20261128-0001']);
  });

  it('uses the China date, not the machine zone: 23:30 UTC is already the next day in Jining', () => {
    expect(chinaDay(Date.UTC(2026, 10, 27, 15, 59))).toBe('20261127');
    expect(chinaDay(Date.UTC(2026, 10, 27, 16, 0))).toBe('20261128');
  });

  it('closes a direct answer on the spot and leaves a forwarded order waiting for dispatch', () => {
    const store = memoryStore();
    const direct = store.saveIntake(intake({ handlingMode: 'direct', answer: '已告知' }), 'op');
    const dispatch = store.saveIntake(intake({ handlingMode: 'dispatch' }), 'op');
    expect(store.getCase(direct.caseId)?.status).toBe('closed');
    expect(store.getCase(dispatch.caseId)?.status).toBe('pending_dispatch');
  });

  it('stores the normalised phone and returns the case with its contact', () => {
    const store = memoryStore();
    const saved = store.saveIntake(intake({ phone: '+86 138-0537-1234', confidential: true }), 'op042');
    expect(saved.createdAt).toBe(T0);
    const detail = store.getCase(saved.caseId)!;
    expect(detail).toMatchObject({
      id: saved.caseId,
      localNo: saved.localNo,
      officialNo: null,
      phone: '13805371234',
      callerName: '张先生',
      channel: 'hotline',
      requestType: 'complaint',
      categoryCode: 'C0201',
      categoryName: '物业管理',
      regionCode: '370811001',
      regionName: '古槐街道',
      content: '小区物业管理不到位，楼道垃圾无人清理',
      operator: 'op042',
      confidential: true,
      createdAt: T0,
      lastFollowUp: null,
    });
    expect(detail.contacts).toEqual([
      {
        id: expect.any(Number),
        caseId: saved.caseId,
        phone: '13805371234',
        callerName: '张先生',
        channel: 'hotline',
        requestType: 'complaint',
        content: '小区物业管理不到位，楼道垃圾无人清理',
        operator: 'op042',
        createdAt: T0,
      },
    ]);
  });

  it('records the phone system’s call with its times and talk time; a case typed by hand has none', () => {
    const store = memoryStore();
    const call = { callId: '1764400000.42', ringAt: T0 - 95_000, answerAt: T0 - 90_000, endAt: T0 - 1_400 };
    const popped = store.saveIntake({ ...intake(), call }, 'op');
    const typed = store.saveIntake(intake(), 'op');
    // answered but not yet ended when saved: no talk time yet
    const ongoing = store.saveIntake({ ...intake(), call: { ...call, callId: 'c2', endAt: null } }, 'op');
    expect(store.getCase(popped.caseId)!.call).toEqual({ ...call, talkSeconds: 89 });
    expect(store.getCase(typed.caseId)!.call).toBeNull();
    expect(store.getCase(ongoing.caseId)!.call).toMatchObject({ callId: 'c2', endAt: null, talkSeconds: null });
    // the call travels to the centre with the case
    const args = store.db.prepare('SELECT args FROM outbox ORDER BY seq').pluck().all() as string[];
    expect(args.map((a) => (JSON.parse(a) as CaseCreateMutation).case.call)).toEqual([call, null, { ...call, callId: 'c2', endAt: null }]);
  });

  it('returns null for a case that does not exist', () => {
    expect(memoryStore().getCase(12345)).toBeNull();
  });

  it('writes the outbox mutation with the full case and contact in the same transaction', () => {
    const store = memoryStore();
    const saved = store.saveIntake(intake({ phone: '0537-2345678转801', handlingMode: 'direct', answer: '已告知' }), 'op');
    const rows = store.db.prepare('SELECT mutation_id AS id, name, args, created_at AS createdAt FROM outbox').all() as {
      id: number;
      name: string;
      args: string;
      createdAt: number;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe('case.create');
    const args = JSON.parse(rows[0]!.args) as CaseCreateMutation;
    const uuids = store.db.prepare('SELECT c.uuid AS caseUuid, t.uuid AS contactUuid FROM cases c JOIN contacts t ON t.case_id = c.id').get();
    expect(uuids).toEqual({ caseUuid: args.case.uuid, contactUuid: args.contact.uuid });
    expect(args.case).toMatchObject({
      localNo: saved.localNo,
      workstation: 'W001',
      phone: '05372345678',
      phoneExt: '801',
      status: 'closed',
      handlingMode: 'direct',
      answer: '已告知',
      operator: 'op',
      createdAt: T0,
    });
    expect(args.contact).toMatchObject({ phone: '05372345678', phoneExt: '801', content: args.case.content, createdAt: T0 });
  });

  it('leaves no case, contact, caller or outbox row behind when the save fails', () => {
    const store = memoryStore();
    store.saveIntake(intake(), 'op');
    // a uuid collision is the one failure the schema itself can raise mid-transaction
    store.db.exec("CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    expect(() => store.saveIntake(intake({ phone: '13912345678' }), 'op')).toThrow(/disk full/);
    const count = (table: string) => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('cases'), count('contacts'), count('callers'), count('outbox')]).toEqual([1, 1, 1, 1]);
    expect(store.search('物业', 50).results).toHaveLength(1);
    store.db.exec('DROP TRIGGER fail_outbox');
    expect(store.saveIntake(intake(), 'op').localNo).toBe('W001-20261127-0002');
  });

  it('refuses a phone number it cannot normalise with a plain error key', () => {
    const store = memoryStore();
    let error: unknown;
    try {
      store.saveIntake(intake({ phone: '12' }), 'op');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreInputError);
    expect((error as StoreInputError).key).toBe('phone.invalid');
  });

  it('keeps its client id across restarts', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'hotline.sqlite');
      const first = openStore({ file, workstation: 'W001' });
      const id = first.clientId;
      first.close();
      const again = openStore({ file, workstation: 'W001' });
      expect(again.clientId).toBe(id);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(again.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(again.db.pragma('foreign_keys', { simple: true })).toBe(1);
      again.close();
    } finally {
      cleanup();
    }
  });
});

describe('领导接听 (leader sessions) in the outbox', () => {
  const SESSION = '0b8f6c1e-2d3a-4b5c-8d7e-9f0a1b2c3d4e';
  const outboxCase = (store: ReturnType<typeof memoryStore>) =>
    (JSON.parse(store.db.prepare('SELECT args FROM outbox ORDER BY seq DESC LIMIT 1').pluck().get() as string) as CaseCreateMutation).case;

  it('a call of the channel 领导接听 carries the running session to the server', () => {
    const store = memoryStore();
    store.saveIntake({ ...intake({ channel: 'leader_session' }), leaderSessionId: SESSION }, 'op');
    expect(outboxCase(store)).toMatchObject({ channel: 'leader_session', leaderSessionId: SESSION });
  });

  it('another channel does not, even while a session runs (the operator changed it)', () => {
    const store = memoryStore();
    store.saveIntake({ ...intake({ channel: 'hotline' }), leaderSessionId: SESSION }, 'op');
    expect(outboxCase(store).leaderSessionId).toBeUndefined();
    store.saveIntake(intake({ channel: 'leader_session' }), 'op');
    expect(outboxCase(store).leaderSessionId).toBeUndefined();
  });
});
