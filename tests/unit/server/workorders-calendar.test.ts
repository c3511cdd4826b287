/**
 * The server's working calendar: a dispatch whose deadline falls in a year chinese-days has no
 * data for is refused (calendar_year_not_covered, in Chinese and English) — and computed once
 * IT gives an override file through --calendar-dir.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCalendarDir } from '../../../src/server/workorders/calendar-dir';
import { SYNC_SCHEMA_VERSION } from '../../../src/shared/sync';
import { BACKENDS, caseArgs, Clock, openMigrated, startServer, workstation, type TestDb, type TestServer } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'calendar-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const override2027 = {
  format: 'hotline-desk/working-calendar@1',
  years: { '2027': { source: '国务院办公厅关于2027年部分节假日安排的通知（示例）', holidays: ['2027-01-01'], workdays: [] } },
};

describe('--calendar-dir', () => {
  it('reads every *.json of the folder, by name, and names a bad file', () => {
    writeFileSync(join(dir, '2027.json'), JSON.stringify(override2027));
    writeFileSync(join(dir, 'notes.txt'), 'not a calendar');
    const files = readCalendarDir(dir);
    expect(files).toHaveLength(1);
    expect(Object.keys(files[0]!.years)).toEqual(['2027']);
    const bad = mkdtempSync(join(tmpdir(), 'calendar-bad-'));
    writeFileSync(join(bad, 'x.json'), JSON.stringify({ format: 'something else', years: {} }));
    expect(() => readCalendarDir(bad)).toThrow(/x\.json: not a working-calendar override file/);
    writeFileSync(join(bad, 'x.json'), '{ nope');
    expect(() => readCalendarDir(bad)).toThrow(/x\.json: not a readable JSON file/);
    rmSync(bad, { recursive: true, force: true });
  });
});

describe.each(BACKENDS)('deadlines across the calendar coverage on $name', (backend) => {
  let t: TestDb | undefined;
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
    await t?.drop();
  });

  it('refuses a dispatch whose deadline runs into 2027 without data, and computes it with the override', async () => {
    t = await openMigrated(backend);
    await t.db.query("INSERT INTO units (code, name, kind) VALUES ('RC', '任城区人民政府', 'district')");
    // Monday 2026-12-28 10:00 in Jining: 5 working days run into January 2027
    const clock = new Clock(Date.parse('2026-12-28T02:00:00Z'));
    const plain = await startServer(t.db, { clock });
    servers.push(plain);
    const ws = await workstation(plain);
    const args = caseArgs({ case: { createdAt: clock.now() - 60_000 }, contact: { createdAt: clock.now() - 60_000 } });
    const push = await plain.call(
      'POST',
      '/api/push',
      { schemaVersion: SYNC_SCHEMA_VERSION, clientId: ws.clientId, mutations: [{ id: 1, name: 'case.create', args }] },
      ws.token,
    );
    expect(push.body.rejections).toEqual([]);
    const sup = await plain.account('supervisor');
    const refused = await plain.call('POST', `/api/orders/${args.case.uuid}/actions`, { action: 'dispatch', args: { leadUnitId: 'RC' }, expectedVersion: 0 }, sup.token);
    expect(refused.status).toBe(409);
    expect(refused.body.refusal.code).toBe('calendar_year_not_covered');
    expect(refused.body.refusal.zh).toMatch(/2027/);

    const withFile = await startServer(t.db, { clock, config: { workOrders: { calendarOverrides: readCalendarDir(dir) } } });
    servers.push(withFile);
    const sup2 = await withFile.account('supervisor');
    const ok = await withFile.call('POST', `/api/orders/${args.case.uuid}/actions`, { action: 'dispatch', args: { leadUnitId: 'RC' }, expectedVersion: 0 }, sup2.token);
    expect(ok.status).toBe(200);
    // Tue 29, Wed 30, Thu 31 Dec, (1 Jan holiday), Mon 4, Tue 5 Jan 2027 → end of 2027-01-05 in Jining
    expect(ok.body.order.assignments[0].deadline).toEqual({ at: Date.parse('2027-01-05T15:59:59.999Z'), basis: 'working_days' });
  });
});
