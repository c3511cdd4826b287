/**
 * One writer per side (src/main/store/case-writer.ts): the same calls written by intake, by a
 * pulled page and by the bulk loader into three stores give the same case rows, the same
 * contacts, the same caller row (one rule for which name wins) and the same search entries.
 * Only what tells the paths apart by design may differ: the row id, the official number and
 * version the server gave (pull and bulk), updated_at, and origin.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseChange } from '../../../src/shared/sync';
import { openBulkLoader } from '../../../src/main/store/bulk';
import { CASE_WRITE_COLUMNS } from '../../../src/main/store/case-writer';
import { createSyncStore } from '../../../src/main/store/sync-store';
import { STORE_FILE } from '../../../src/main/store/paths';
import { openStore, type SqliteStore } from '../../../src/main/store/store';
import { intake, memoryStore, T0, TAXONOMY, tempDir } from './helpers';

const HOUR = 3_600_000;
const PHONE = '13805371234';
/** Three calls of one number: a name, a newer name, then an anonymous call (with call times and a hand-typed extension). */
const CALLS = [
  { at: T0, values: intake({ callerName: '张三', content: '小区门口道路积水严重，出行不便', handlingMode: 'direct', answer: '已告知排水公司' }) },
  { at: T0 + HOUR, values: intake({ callerName: '李四', content: '楼道垃圾无人清理，气味很大', confidential: true }) },
  {
    at: T0 + 2 * HOUR,
    values: {
      ...intake({ phone: `${PHONE} 转 26`, callerName: '', content: '路灯不亮已经一周' }),
      call: { callId: '1764200000.7', ringAt: T0 + 2 * HOUR - 70_000, answerAt: T0 + 2 * HOUR - 64_000, endAt: T0 + 2 * HOUR - 1_000 },
    },
  },
];

type Row = Record<string, unknown>;
/** what differs between the paths by design */
const PATH_COLUMNS = ['id', 'official_no', 'server_version', 'updated_at', 'origin'];
const without = (row: Row, columns: string[]): Row => Object.fromEntries(Object.entries(row).filter(([k]) => !columns.includes(k)));

function written(store: SqliteStore) {
  const db = store.db;
  return {
    cases: db.prepare<[], Row>('SELECT * FROM cases ORDER BY created_at').all().map((r) => without(r, PATH_COLUMNS)),
    contacts: db.prepare<[], Row>('SELECT * FROM contacts ORDER BY created_at').all().map((r) => without(r, ['id', 'case_id'])),
    callers: db.prepare<[], Row>('SELECT * FROM callers').all(),
    // the search entries, compared through what finds them (in id order, which differs by path)
    found: ['张三', '李四', '积水', '垃圾', '路灯', '阳光花园'].map((q) => store.search(q, 10).results.map((r) => r.localNo).sort()),
    history: (({ openCases, recentCases, ...rest }) => ({
      ...rest,
      openCases: openCases.map((c) => c.localNo),
      recentCases: recentCases.map((c) => [c.localNo, c.callerName, c.status, c.address]),
    }))(store.callerHistory(PHONE)),
  };
}

const { dir, cleanup } = tempDir('hotline-writer-');
const stores: SqliteStore[] = [];
afterAll(() => {
  for (const s of stores) s.close();
  cleanup();
});

describe('one writer of a case on the workstation', () => {
  // intake: the calls as they were taken
  const taken = memoryStore();
  stores.push(taken);
  for (const { at, values } of CALLS) {
    taken.clock.now = at;
    taken.saveIntake(values, 'op001');
  }
  const intakeRows = taken.db.prepare<[], Row>('SELECT * FROM cases ORDER BY created_at').all();
  const contactRows = taken.db.prepare<[], Row>('SELECT * FROM contacts ORDER BY created_at').all();
  const call = (r: Row) =>
    r.call_id === null
      ? null
      : { callId: r.call_id as string, ringAt: r.call_ring_at as number, answerAt: r.call_answer_at as number, endAt: r.call_end_at as number, talkSeconds: r.talk_seconds as number };
  const changes: CaseChange[] = intakeRows.map((r, i) => ({
    uuid: r.uuid as string,
    officialNo: `JN20261127-00000${i + 1}`,
    localNo: r.local_no as string,
    workstation: 'W001',
    phone: r.phone as string,
    phoneExt: r.phone_ext as string,
    callerName: r.caller_name as string,
    channel: r.channel as CaseChange['channel'],
    requestType: r.request_type as CaseChange['requestType'],
    categoryCode: r.category_code as string,
    regionCode: r.region_code as string,
    address: r.address as string,
    content: r.content as string,
    answer: r.answer as string,
    urgency: r.urgency as CaseChange['urgency'],
    handlingMode: r.handling_mode as CaseChange['handlingMode'],
    status: r.status as CaseChange['status'],
    confidential: r.confidential === 1,
    operator: r.operator as string,
    createdAt: r.created_at as number,
    originClientId: 'another-workstation',
    call: call(r),
    repeatOf: null,
    version: i + 1,
    contacts: [contactRows[i]!].map((k) => ({
      uuid: k.uuid as string,
      caseUuid: r.uuid as string,
      phone: k.phone as string,
      phoneExt: k.phone_ext as string,
      callerName: k.caller_name as string,
      channel: k.channel as CaseChange['channel'],
      requestType: k.request_type as CaseChange['requestType'],
      content: k.content as string,
      operator: k.operator as string,
      createdAt: k.created_at as number,
    })),
    order: null,
    history: [],
  }));

  it('writes every path through the same columns', () => {
    // the shared record's store columns, plus the workstation's own, and nothing spelled twice
    expect(new Set(CASE_WRITE_COLUMNS.insert).size).toBe(CASE_WRITE_COLUMNS.insert.length);
    expect(CASE_WRITE_COLUMNS.update).toEqual(CASE_WRITE_COLUMNS.insert.filter((c) => !['uuid', 'origin', 'valid', 'last_follow_up'].includes(c)));
  });

  it('gives the same rows, caller and search entries whether a case is taken, pulled or bulk-loaded', () => {
    const expected = written(taken);
    // the rule: the newest call that gave a name, over the whole span
    expect(expected.callers).toEqual([expect.objectContaining({ phone: PHONE, name: '李四', first_seen: T0, last_seen: T0 + 2 * HOUR })]);
    expect(expected.cases[2]).toMatchObject({ phone_ext: '26', call_id: '1764200000.7', talk_seconds: 63 });
    expect(expected.found.every((hits) => hits.length > 0)).toBe(true);

    // a pulled page, newest first (change order is not call order)
    const pulled = memoryStore();
    stores.push(pulled);
    createSyncStore(pulled.db, { now: () => T0 + 3 * HOUR }).applyPull('unknown-client', {
      cursor: 'c1',
      changes: [...changes].reverse(),
      rejections: [],
      lastMutationId: 0,
      more: false,
    });
    expect(written(pulled)).toEqual(expected);

    // the bulk loader (seed, benchmarks, the snapshot builder), oldest first
    const file = join(dir, STORE_FILE);
    const loader = openBulkLoader({ file, workstation: 'W001', categories: TAXONOMY.categories, regions: TAXONOMY.regions });
    for (const c of changes) {
      loader.add({ ...c, valid: true, updatedAt: T0 + 3 * HOUR, lastFollowUp: null, origin: 'server', contactUuid: c.contacts[0]!.uuid });
    }
    loader.finish();
    const loaded = openStore({ file, workstation: 'W001', now: () => T0 + 3 * HOUR });
    stores.push(loaded);
    expect(written(loaded)).toEqual(expected);
  });

  it('keeps the one name rule when a pulled update rewrites a case and a late, older call arrives', () => {
    const pulled = memoryStore();
    stores.push(pulled);
    const sync = createSyncStore(pulled.db, { now: () => T0 + 3 * HOUR });
    const page = (cs: CaseChange[]) => ({ cursor: 'c', changes: cs, rejections: [], lastMutationId: 0, more: false });
    sync.applyPull('unknown-client', page([changes[1]!, changes[2]!]));
    // the oldest call arrives last, and the newest again with a new version: the name stays 李四
    sync.applyPull('unknown-client', page([changes[0]!, { ...changes[2]!, version: 9, address: '古槐路8号' }]));
    expect(pulled.callerHistory(PHONE)).toMatchObject({ callerName: '李四', totalCalls: 3 });
    expect(pulled.db.prepare('SELECT first_seen, last_seen FROM callers').get()).toEqual({ first_seen: T0, last_seen: T0 + 2 * HOUR });
    expect(pulled.search('古槐路', 10).results.map((r) => r.localNo)).toEqual([changes[2]!.localNo]);
  });
});
