import { describe, expect, it } from 'vitest';
import { DAY, intake, memoryStore, T0 } from './helpers';
import { HISTORY_SQL } from '../../../src/main/store/callers';
import { CALLER_UPSERT_SQL, callersFromContactsSql, reverseDigits } from '../../../src/main/store/case-writer';

describe('caller history (来电历史)', () => {
  it('a repeat caller sees their open order first, then recent cases newest first', () => {
    const store = memoryStore({ now: T0 - 40 * DAY });
    const first = store.saveIntake(intake({ handlingMode: 'direct', answer: '已告知办理流程', content: '咨询物业费收费标准' }), 'op');
    store.clock.now = T0 - 10 * DAY;
    const open = store.saveIntake(intake({ handlingMode: 'dispatch', content: '楼道垃圾无人清理，物业不作为' }), 'op');
    store.clock.now = T0 - DAY;
    const latest = store.saveIntake(intake({ handlingMode: 'direct', answer: '已解释', content: '再次咨询物业费收费标准' }), 'op');
    store.clock.now = T0;

    const history = store.callerHistory('138-0537-1234');
    expect(history.phone).toBe('13805371234');
    expect(history.known).toBe(true);
    expect(history.callerName).toBe('张先生');
    expect(history.totalCalls).toBe(3);
    expect(history.callsLast30Days).toBe(2);
    expect(history.openCases.map((c) => c.id)).toEqual([open.caseId]);
    expect(history.openCases[0]).toMatchObject({ status: 'pending_dispatch', categoryName: '物业管理', regionName: '古槐街道' });
    expect(history.recentCases.map((c) => c.id)).toEqual([latest.caseId, open.caseId, first.caseId]);
  });

  it('finds the caller whatever spelling the phone system or the operator uses', () => {
    const store = memoryStore();
    store.saveIntake(intake({ phone: '0537-2345678' }), 'op');
    for (const spelling of ['05372345678', '2345678', '+86 537 2345678', '0537 234 5678', '0537-2345678转801']) {
      expect(store.callerHistory(spelling)).toMatchObject({ phone: '05372345678', known: true, totalCalls: 1 });
    }
  });

  it('says an unknown number is unknown', () => {
    const store = memoryStore();
    store.saveIntake(intake(), 'op');
    expect(store.callerHistory('13912345678')).toEqual({
      phone: '13912345678',
      known: false,
      callerName: null,
      lastAddress: null,
      labels: [],
      totalCalls: 0,
      callsLast30Days: 0,
      openCases: [],
      recentCases: [],
    });
  });

  it('returns an empty panel while the number is still being typed', () => {
    const store = memoryStore();
    store.saveIntake(intake(), 'op');
    for (const partial of ['', '1', '138', '1380537', 'abc']) {
      expect(store.callerHistory(partial)).toMatchObject({ phone: null, known: false, totalCalls: 0, openCases: [] });
    }
  });

  it('offers the address of the most recent case that has one', () => {
    const store = memoryStore();
    store.saveIntake(intake({ address: '古槐路 12 号 3 单元' }), 'op');
    store.clock.now += 1000;
    store.saveIntake(intake({ address: '' }), 'op');
    expect(store.callerHistory('13805371234').lastAddress).toBe('古槐路 12 号 3 单元');
    store.clock.now += 1000;
    store.saveIntake(intake({ address: '建设路 8 号' }), 'op');
    expect(store.callerHistory('13805371234').lastAddress).toBe('建设路 8 号');
    store.saveIntake(intake({ phone: '13912345678', address: '' }), 'op');
    expect(store.callerHistory('13912345678')).toMatchObject({ known: true, lastAddress: null });
  });

  it('keeps the last name given when a later call is anonymous', () => {
    const store = memoryStore();
    store.saveIntake(intake({ callerName: '张先生' }), 'op');
    store.clock.now += 1000;
    store.saveIntake(intake({ callerName: '' }), 'op');
    expect(store.callerHistory('13805371234').callerName).toBe('张先生');
    store.clock.now += 1000;
    store.saveIntake(intake({ callerName: '张建国' }), 'op');
    expect(store.callerHistory('13805371234').callerName).toBe('张建国');
  });

  it('shows the caller labels and the last follow-up result', () => {
    const store = memoryStore();
    const saved = store.saveIntake(intake(), 'op');
    store.db.prepare('UPDATE callers SET labels = ? WHERE phone = ?').run('["frequent_caller","elderly"]', '13805371234');
    store.db.prepare("UPDATE cases SET status = 'closed', last_follow_up = 'unsatisfied' WHERE id = ?").run(saved.caseId);
    const history = store.callerHistory('13805371234');
    expect(history.labels).toEqual(['frequent_caller', 'elderly']);
    expect(history.openCases).toEqual([]);
    expect(history.recentCases[0]).toMatchObject({ status: 'closed', lastFollowUp: 'unsatisfied' });
  });

  it('caps the lists for a caller with many cases', () => {
    const store = memoryStore();
    for (let i = 0; i < 30; i++) {
      store.clock.now += 1000;
      store.saveIntake(intake({ content: `第${i}次来电反映物业问题` }), 'op');
    }
    const history = store.callerHistory('13805371234');
    expect(history.totalCalls).toBe(30);
    expect(history.openCases).toHaveLength(20);
    expect(history.recentCases).toHaveLength(20);
    expect(store.callerHistory('13805371234', { limit: 5 }).recentCases).toHaveLength(5);
  });

  it('answers every history query with index seeks, never a scan of cases or contacts', () => {
    const store = memoryStore();
    store.saveIntake(intake(), 'op');
    const plans = Object.entries(HISTORY_SQL).map(([name, sql]) => {
      const params = sql.split('?').length - 1;
      const args = ['13805371234', 20].slice(0, params);
      const detail = (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('\n');
      return [name, detail] as const;
    });
    for (const [name, detail] of plans) {
      expect(detail, name).not.toMatch(/\bSCAN\b/);
      expect(detail, name).not.toMatch(/TEMP B-TREE/);
    }
    const byName = Object.fromEntries(plans);
    expect(byName.caller).toMatch(/SEARCH callers USING PRIMARY KEY \(phone=\?\)/);
    expect(byName.callsSince).toMatch(/SEARCH contacts USING COVERING INDEX contacts_by_phone \(phone=\? AND created_at>\?\)/);
    expect(byName.openCases).toMatch(/SEARCH c USING INDEX cases_open_by_phone \(phone=\?\)/);
    expect(byName.recentCases).toMatch(/SEARCH c USING INDEX cases_by_phone \(phone=\?\)/);
  });

  it("keeps one rule for the caller's name, whoever writes it: the most recent call that gave a name", () => {
    const store = memoryStore({ now: T0 - 3 * DAY });
    store.saveIntake(intake({ callerName: '张三' }), 'op');
    store.clock.now = T0 - 2 * DAY;
    store.saveIntake(intake({ callerName: '' }), 'op'); // an anonymous call erases nothing
    expect(store.callerHistory('13805371234').callerName).toBe('张三');
    store.clock.now = T0 - DAY;
    store.saveIntake(intake({ callerName: '李四' }), 'op');
    expect(store.callerHistory('13805371234').callerName).toBe('李四');

    // a pulled call older than the newest one seen (pages arrive in change order) changes no name
    store.db.prepare(CALLER_UPSERT_SQL).run('13805371234', reverseDigits('13805371234'), '王五', T0 - 5 * DAY, T0 - 5 * DAY);
    const row = () => store.db.prepare<[], { name: string; first: number; last: number }>(
      "SELECT name, first_seen AS first, last_seen AS last FROM callers WHERE phone = '13805371234'",
    ).get()!;
    expect(row()).toEqual({ name: '李四', first: T0 - 5 * DAY, last: T0 - DAY });

    // derived from the contacts (end of a first sync, the bulk loader): the same name as intake wrote
    store.db.prepare('DELETE FROM callers').run();
    store.db.function('rev_test', (p: unknown) => reverseDigits(String(p)));
    store.db.prepare(callersFromContactsSql((c) => `rev_test(${c})`)).run();
    expect(row()).toEqual({ name: '李四', first: T0 - 3 * DAY, last: T0 - DAY });
  });
});
