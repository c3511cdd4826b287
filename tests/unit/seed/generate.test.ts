import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { openKeyed } from '../../../src/main/store/db';
import { CHANNEL_SHARES, generateStore, heavyCallerPhones, VALID_SHARE } from '../../../src/main/seed/generate';
import { StoreNotEmptyError } from '../../../src/main/store/bulk';
import { openStore, type SqliteStore } from '../../../src/main/store/store';
import { chinaDay } from '../../../src/main/store/local-no';
import { tempDir } from '../store/helpers';
import { searchIndexLevels } from '../store/fts-structure';

/** 2026-11-27 15:00 in China */
const NOW = Date.UTC(2026, 10, 27, 7, 0, 0);
const CASES = 20_000;

function digest(file: string): string {
  const db = openKeyed(file, { readonly: true });
  const hash = createHash('sha256');
  for (const table of ['cases', 'contacts', 'callers', 'local_seq']) {
    for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).raw().iterate()) hash.update(JSON.stringify(row));
  }
  db.close();
  return hash.digest('hex');
}

describe('seed generator', () => {
  const dirs = Array.from({ length: 4 }, () => tempDir('hotline-seed-'));
  let store: SqliteStore;
  const share = (sql: string): number => store.db.prepare(sql).pluck().get() as number;

  beforeAll(() => {
    generateStore({ dataDir: dirs[0]!.dir, cases: CASES, seed: 42, now: NOW });
    store = openStore({ file: join(dirs[0]!.dir, 'hotline.sqlite'), workstation: 'W001', now: () => NOW });
  });
  afterAll(() => {
    store.close();
    for (const d of dirs) d.cleanup();
  });

  it('builds the number of cases asked for, each with its contact, and an intact file', () => {
    expect(share('SELECT count(*) FROM cases')).toBe(CASES);
    expect(share('SELECT count(*) FROM contacts')).toBe(CASES);
    expect(share('SELECT count(*) FROM outbox')).toBe(0);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.db.exec("INSERT INTO case_search (case_search, rank) VALUES ('integrity-check', 0)");
  });

  it('leaves the search index where later intakes and housekeeping never rewrite it', () => {
    generateStore({ dataDir: dirs[3]!.dir, cases: 3000, seed: 5, now: NOW });
    const store = openStore({ file: join(dirs[3]!.dir, 'hotline.sqlite'), workstation: 'W001', now: () => NOW });
    const built = searchIndexLevels(store.db);
    const top = built.length - 1;
    expect(top).toBeGreaterThanOrEqual(10);
    expect(built.flat()).toEqual(built[top]);
    const [bulk] = built[top]!;
    for (let i = 0; i < 200; i++) {
      store.saveIntake(
        {
          phone: '13805371234', callerName: '', channel: 'hotline', requestType: 'consult', categoryCode: 'C0201',
          regionCode: '370811001', address: '', content: `第${i}次咨询物业费标准`, urgency: 'normal', handlingMode: 'direct',
          answer: '已告知', confidential: false,
        },
        'op001',
      );
      if (i % 10 === 9) while (store.maintain());
    }
    const after = searchIndexLevels(store.db);
    expect(after[top]).toEqual([bulk]);
    expect(after.slice(0, top).flat().length).toBeGreaterThan(0);
    expect(store.search('物业费标准', 5).results).toHaveLength(5);
    store.db.exec("INSERT INTO case_search (case_search, rank) VALUES ('integrity-check', 0)");
    store.close();
  });

  it('is deterministic for a seed and a moment, and differs for another seed', () => {
    generateStore({ dataDir: dirs[1]!.dir, cases: 3000, seed: 7, now: NOW });
    generateStore({ dataDir: dirs[2]!.dir, cases: 3000, seed: 7, now: NOW });
    const a = digest(join(dirs[1]!.dir, 'hotline.sqlite'));
    expect(digest(join(dirs[2]!.dir, 'hotline.sqlite'))).toBe(a);
    generateStore({ dataDir: dirs[2]!.dir, cases: 3000, seed: 8, now: NOW, replace: true });
    expect(digest(join(dirs[2]!.dir, 'hotline.sqlite'))).not.toBe(a);
  });

  it('refuses to load into a store that already holds cases', () => {
    expect(() => generateStore({ dataDir: dirs[1]!.dir, cases: 10, now: NOW })).toThrow(StoreNotEmptyError);
  });

  it('matches the seed figures: about 2,100 contacts a day, ending now', () => {
    const first = share('SELECT min(created_at) FROM cases');
    const last = share('SELECT max(created_at) FROM cases');
    expect(last).toBeLessThanOrEqual(NOW);
    expect(NOW - last).toBeLessThan(3600_000);
    const days = (NOW - first) / 86_400_000;
    expect(days).toBeGreaterThan((CASES / 2100) * 0.85);
    expect(days).toBeLessThan((CASES / 2100) * 1.2);
  });

  it('matches the channel shares: 97 % by phone, 0.6 % through the mayor mailbox', () => {
    expect(share("SELECT avg(channel = 'hotline') FROM cases")).toBeCloseTo(CHANNEL_SHARES.hotline, 2);
    const mailbox = share("SELECT avg(channel = 'mayor_mailbox') FROM cases");
    expect(mailbox).toBeGreaterThan(0.004);
    expect(mailbox).toBeLessThan(0.008);
    expect(share('SELECT count(DISTINCT channel) FROM cases')).toBeGreaterThanOrEqual(8);
  });

  it('matches the valid-order and forwarded shares: 95 % valid, 40 % of them to a unit', () => {
    expect(Math.abs(share('SELECT avg(valid) FROM cases') - VALID_SHARE)).toBeLessThan(0.01);
    const forwarded = share("SELECT avg(handling_mode = 'dispatch') FROM cases WHERE valid = 1");
    expect(forwarded).toBeGreaterThan(0.37);
    expect(forwarded).toBeLessThan(0.43);
  });

  it('closes direct answers and old orders, and leaves recent forwarded orders open', () => {
    expect(share("SELECT count(*) FROM cases WHERE handling_mode = 'direct' AND status <> 'closed'")).toBe(0);
    expect(share(`SELECT avg(status = 'closed') FROM cases WHERE handling_mode = 'dispatch' AND created_at < ${NOW - 7 * 86_400_000}`)).toBeGreaterThan(0.75);
    expect(share(`SELECT avg(status <> 'closed') FROM cases WHERE handling_mode = 'dispatch' AND created_at > ${NOW - 86_400_000}`)).toBe(1);
  });

  it('weights regions by population: 任城区 gets more calls than 泗水县', () => {
    const county = (code: string) => share(`SELECT count(*) FROM cases WHERE valid = 1 AND region_code LIKE '${code}%'`);
    expect(county('370811')).toBeGreaterThan(county('370831') * 1.8);
  });

  it('has a heavy tail of callers: most call once, the known heavy callers many times', () => {
    const counts = store.db.prepare('SELECT count(*) AS n FROM contacts GROUP BY phone ORDER BY n DESC').pluck().all() as number[];
    const once = counts.filter((n) => n === 1).length;
    expect(once / counts.length).toBeGreaterThan(0.8);
    expect(counts[0]).toBeGreaterThan(10);
    const contactsOf = store.db.prepare('SELECT count(*) FROM contacts WHERE phone = ?').pluck();
    const heaviest = store.callerHistory(heavyCallerPhones()[0]!);
    expect(heaviest.totalCalls).toBe(contactsOf.get(heavyCallerPhones()[0]!));
    expect(heaviest.totalCalls).toBeGreaterThan(10);
    expect(heaviest.totalCalls).toBeGreaterThan(contactsOf.get(heavyCallerPhones()[19]!) as number);
    expect(heaviest.labels).toEqual(['frequent_caller']);
    expect(heaviest.recentCases.length).toBeGreaterThan(10);
  });

  it('writes content that text search finds, newest first, as a LIKE scan would', () => {
    for (const word of ['物业', '供暖', '噪音', '小区电梯', '拖欠工资']) {
      const found = store.search(word, 50).results.map((r) => r.id);
      const scanned = store.db
        .prepare('SELECT id FROM cases WHERE content LIKE @w OR address LIKE @w OR caller_name LIKE @w OR answer LIKE @w ORDER BY id DESC LIMIT 50')
        .pluck()
        .all({ w: `%${word}%` }) as number[];
      expect(found, word).toEqual(scanned);
      expect(found.length, word).toBeGreaterThan(0);
    }
  });

  it('puts heating in winter: 供暖 is far more common in January than in July', () => {
    const heating = (now: number, dir: string) => {
      generateStore({ dataDir: dir, cases: 4000, seed: 3, now, replace: true });
      const db = openKeyed(join(dir, 'hotline.sqlite'), { readonly: true });
      const value = db.prepare("SELECT avg(category_code = 'C0704') FROM cases WHERE valid = 1").pluck().get() as number;
      db.close();
      return value;
    };
    const january = heating(Date.UTC(2026, 0, 20, 4), dirs[2]!.dir);
    const july = heating(Date.UTC(2026, 6, 20, 4), dirs[2]!.dir);
    expect(january).toBeGreaterThan(july * 10);
  });

  it('lets the workstation go on numbering today after the generated cases', () => {
    const today = chinaDay(NOW);
    const last = share(`SELECT max(CAST(substr(local_no, 15) AS INTEGER)) FROM cases WHERE local_no LIKE 'W001-${today}-%'`);
    expect(last).toBeGreaterThan(0);
    const saved = store.saveIntake(
      {
        phone: '13805371234', callerName: '', channel: 'hotline', requestType: 'consult', categoryCode: 'C0201',
        regionCode: '370811001', address: '', content: '咨询物业费标准', urgency: 'normal', handlingMode: 'direct',
        answer: '已告知', confidential: false,
      },
      'op001',
    );
    expect(saved.localNo).toBe(`W001-${today}-${String(last + 1).padStart(4, '0')}`);
  });
});
