import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseFromFutureError, LATEST_VERSION, migrate, MIGRATIONS } from '../../../src/server/db/migrations';
import { BACKENDS, type TestDb } from './helpers';
import { newWorkOrder, WorkOrder } from '../../../src/shared/workorders';

describe.each(BACKENDS)('migrations on $name', (backend) => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('numbers migrations 1, 2, 3… without holes', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('migrates an empty database to the latest version, records each step, and is a no-op the second time', async () => {
    t = await backend.open();
    expect(await migrate(t.db)).toEqual({ from: 0, to: LATEST_VERSION });
    const rows = await t.db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(t.db)).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION });
    const [head] = await t.db.query<{ version: number }>('SELECT version FROM sync_head');
    expect(head!.version).toBe(0);
  });

  it('4: gives the cases of version 3 no call times and takes them for new cases', async () => {
    t = await backend.open();
    await migrate(t.db, 3);
    await t.db.exec(`
      INSERT INTO accounts (username, display_name, role, password_hash) VALUES ('op', 'op', 'operator', 'x');
      INSERT INTO cases (uuid, official_no, local_no, workstation, phone, phone_ext, caller_name, channel, request_type,
        category_code, region_code, address, content, answer, urgency, handling_mode, status, confidential, operator,
        created_at, account_id, origin_client_id, origin_mutation_id, version)
      SELECT '6f0c8b1e-0000-4000-8000-000000000001', 'JN1', 'W001-1', 'W001', '13905371234', '', '', 'hotline', 'consult',
        'C1', 'R1', '', '咨询社保', '', 'normal', 'direct', 'closed', false, 'op', 1, id, 'c1', 1, 1 FROM accounts`);
    expect(await migrate(t.db, 4)).toEqual({ from: 3, to: 4 });
    const call = 'SELECT call_id AS "callId", call_ring_at AS "ringAt", call_answer_at AS "answerAt", call_end_at AS "endAt", talk_seconds AS "talkSeconds" FROM cases';
    expect(await t.db.query(call)).toEqual([{ callId: null, ringAt: null, answerAt: null, endAt: null, talkSeconds: null }]);
    await t.db.exec(`UPDATE cases SET call_id = 'x', call_ring_at = 1, call_answer_at = 2, call_end_at = 62002, talk_seconds = 62`);
    expect((await t.db.query<{ talkSeconds: number; endAt: unknown }>(call))[0]).toMatchObject({ callId: 'x', talkSeconds: 62 });
    await expect(t.db.exec('UPDATE cases SET talk_seconds = -1')).rejects.toThrow();
  });

  it('6: existing accounts keep their sessions and passwords; the audit trail refuses UPDATE, DELETE and TRUNCATE', async () => {
    t = await backend.open();
    await migrate(t.db, 5);
    await t.db.query("INSERT INTO accounts (username, display_name, role, password_hash) VALUES ('op', '话务员', 'operator', 'x')");
    expect(await migrate(t.db, 6)).toEqual({ from: 5, to: 6 });
    expect(await t.db.query('SELECT must_change_password AS m, token_epoch AS e FROM accounts')).toEqual([{ m: false, e: 0 }]);
    await t.db.query(
      "INSERT INTO audit_log (at, actor_id, actor_username, actor_role, action, target_type, target) VALUES (1, NULL, 'admin', 'admin', 'account.create', 'account', 'op')",
    );
    await expect(t.db.query("UPDATE audit_log SET target = 'x'")).rejects.toThrow(/append-only: UPDATE/);
    await expect(t.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only: DELETE/);
    await expect(t.db.exec('TRUNCATE audit_log')).rejects.toThrow(/append-only: TRUNCATE/);
    expect(await t.db.query('SELECT target, details FROM audit_log')).toEqual([{ target: 'op', details: {} }]);
  });

  it('7: login attempts in the database, by key and time', async () => {
    t = await backend.open();
    await migrate(t.db, 6);
    expect(await migrate(t.db, 7)).toEqual({ from: 6, to: 7 });
    await t.db.query("INSERT INTO login_attempts (key, at) VALUES ('user:op', 1), ('ip:1.2.3.4', 2)");
    expect(await t.db.query("SELECT key FROM login_attempts WHERE at > 1")).toEqual([{ key: 'ip:1.2.3.4' }]);
  });

  it('11: marks the seed generator’s invalid contacts, and counts existing cases into the report rollups', async () => {
    t = await backend.open();
    await migrate(t.db, 10);
    await t.db.exec("INSERT INTO accounts (username, display_name, role, password_hash) VALUES ('op', 'op', 'operator', 'x')");
    const db = t.db;
    const add = (n: number, category: string, requestType: string, answer: string, at: number) =>
      db.exec(`
        INSERT INTO cases (uuid, official_no, local_no, workstation, phone, phone_ext, caller_name, channel, request_type,
          category_code, region_code, address, content, answer, urgency, handling_mode, status, confidential, operator,
          created_at, account_id, origin_client_id, origin_mutation_id, version)
        SELECT '6f0c8b1e-0000-4000-8000-00000000000${n}', 'JN${n}', 'W001-${n}', 'W001', '13905371234', '', '', 'hotline', '${requestType}',
          '${category}', '370811001', '', '内容', '${answer}', 'normal', 'direct', 'closed', false, 'op', ${at}, id, 'c1', ${n}, ${n} FROM accounts`);
    const sept = Date.parse('2019-09-10T10:00:00+08:00');
    await add(1, 'C1603', 'other', '', sept); // the generator's invalid contact
    await add(2, 'C1603', 'consult', '已答复', sept); // 其他事项, answered: valid
    await add(3, 'C0501', 'complaint', '已答复', Date.parse('2019-08-31T23:59:00+08:00'));
    expect(await migrate(t.db, 11)).toEqual({ from: 10, to: 11 });
    expect(await t.db.query('SELECT official_no, valid FROM cases ORDER BY id')).toEqual([
      { official_no: 'JN1', valid: false },
      { official_no: 'JN2', valid: true },
      { official_no: 'JN3', valid: true },
    ]);
    const days = await t.db.query<{ day: number; received: number; valid: number }>(
      'SELECT day, received::int, valid::int FROM report_channel_daily ORDER BY day',
    );
    expect(days).toEqual([
      { day: Date.UTC(2019, 7, 31) / 86_400_000, received: 1, valid: 1 },
      { day: Date.UTC(2019, 8, 10) / 86_400_000, received: 2, valid: 1 },
    ]);
  });

  it('migrates concurrently started servers one after the other', async () => {
    t = await backend.open();
    const results = await Promise.all([migrate(t.db), migrate(t.db)]);
    expect(results.map((r) => r.from).sort()).toEqual([0, LATEST_VERSION]);
  });

  it('refuses a database written by a newer server, changing nothing', async () => {
    t = await backend.open();
    await migrate(t.db);
    await t.db.query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')", [LATEST_VERSION + 1]);
    await expect(migrate(t.db)).rejects.toThrow(DatabaseFromFutureError);
    await expect(migrate(t.db)).rejects.toThrow(/newer than this server/);
  });

  it('rolls back every step of a failed run', async () => {
    t = await backend.open();
    await t.db.exec('CREATE TABLE accounts (id int)'); // makes migration 1 fail half-way
    await expect(migrate(t.db)).rejects.toThrow();
    const rows = await t.db.query("SELECT 1 FROM information_schema.tables WHERE table_name IN ('schema_migrations', 'server_settings') AND table_schema = current_schema()");
    expect(rows).toEqual([]);
  });

  it('2: takes the token signing secret out of the database, keeping the server id', async () => {
    t = await backend.open();
    await migrate(t.db, 1);
    await t.db.query("INSERT INTO server_settings (key, value) VALUES ('access_token_secret', 'c2VjcmV0'), ('server_id', 'abc123')");
    expect(await migrate(t.db, 2)).toEqual({ from: 1, to: 2 });
    const rows = await t.db.query<{ key: string; value: string }>('SELECT key, value FROM server_settings ORDER BY key');
    expect(rows).toEqual([{ key: 'server_id', value: 'abc123' }]);
  });

  it('3: units, the dispatch catalogue and unit accounts bound to one unit', async () => {
    t = await backend.open();
    await migrate(t.db, 2);
    await t.db.query("INSERT INTO accounts (username, display_name, role, password_hash) VALUES ('op', '话务员', 'operator', 'x')");
    expect(await migrate(t.db, 3)).toEqual({ from: 2, to: 3 });
    const [op] = await t.db.query<{ unit_code: string | null }>("SELECT unit_code FROM accounts WHERE username = 'op'");
    expect(op!.unit_code).toBeNull();
    await t.db.query("INSERT INTO units (code, name, kind) VALUES ('RC', '任城区', 'district')");
    await t.db.query("INSERT INTO accounts (username, display_name, role, password_hash, unit_code) VALUES ('rc', '任城区', 'unit', 'x', 'RC')");
    await expect(t.db.query("INSERT INTO accounts (username, display_name, role, password_hash) VALUES ('u2', 'x', 'unit', 'x')")).rejects.toThrow();
    await expect(t.db.query("INSERT INTO accounts (username, display_name, role, password_hash, unit_code) VALUES ('o2', 'x', 'operator', 'x', 'RC')")).rejects.toThrow();
    await expect(t.db.query("INSERT INTO dispatch_rules VALUES ('C01', '', 'GHOST')")).rejects.toThrow();
  });

  it('5: work orders for existing 转办 cases (待派单, version 0), history unique per (case, seq)', async () => {
    t = await backend.open();
    await migrate(t.db, 4);
    const [acc] = await t.db.query<{ id: number }>(
      "INSERT INTO accounts (username, display_name, role, password_hash) VALUES ('op', '话务员', 'operator', 'x') RETURNING id",
    );
    const insertCase = (uuid: string, no: string, mode: string, version: number) =>
      t!.db.query(
        `INSERT INTO cases (uuid, official_no, local_no, workstation, phone, phone_ext, caller_name, channel, request_type,
           category_code, region_code, address, content, answer, urgency, handling_mode, status, confidential, operator,
           created_at, account_id, origin_client_id, origin_mutation_id, version)
         VALUES ($1, $2, 'L', 'W', '13900000000', '', '张', 'hotline', 'complaint', '0501', '370811', '', '内容', $3, 'urgent',
           $4, 'pending_dispatch', false, 'op', 1, $5, 'ws', $6, $6)`,
        [uuid, no, mode === 'direct' ? '已答复' : '', mode, acc!.id, version],
      );
    await insertCase('00000000-0000-4000-8000-000000000001', 'JN1', 'dispatch', 1);
    await insertCase('00000000-0000-4000-8000-000000000002', 'JN2', 'direct', 2);
    expect(await migrate(t.db, 5)).toEqual({ from: 4, to: 5 });
    const orders = await t.db.query<{ case_id: number; state: string; version: number; updated_version: number; snapshot: unknown }>(
      'SELECT case_id, state, version, updated_version, snapshot FROM work_orders',
    );
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ state: 'pending_dispatch', version: 0, updated_version: 1 });
    // the snapshot is a valid WorkOrder, as the table reads it
    expect(WorkOrder.parse(orders[0]!.snapshot)).toEqual(
      newWorkOrder({ id: '00000000-0000-4000-8000-000000000001', urgency: 'urgent', categoryCode: '0501' }),
    );
    const caseId = orders[0]!.case_id;
    await t.db.query(`INSERT INTO order_history (case_id, seq, entry, at) VALUES ($1, 1, '{}', 1)`, [caseId]);
    await expect(t.db.query(`INSERT INTO order_history (case_id, seq, entry, at) VALUES ($1, 1, '{}', 2)`, [caseId])).rejects.toThrow();
    await expect(t.db.query("UPDATE work_orders SET state = 'lost'")).rejects.toThrow();
  });
});
