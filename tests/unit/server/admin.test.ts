/**
 * Account administration (账号管理) and the audit trail (操作日志): admin-only routes, sessions
 * ended at once, reset passwords that must be changed, the password policy, and an audit trail
 * that records every administrative action and case opening, can be searched and exported, and
 * that the database keeps append-only.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { passwordProblem } from '../../../src/shared/admin';
import { BACKENDS, caseArgs, mutations, pushBody, serverPerSuite, uniqueName, workstation, type Session, type TestDb, type TestServer } from './helpers';

describe('password policy (pure)', () => {
  it('asks for 8+ characters and refuses the username as the password', () => {
    expect(passwordProblem('short', 'wang')?.code).toBe('password_too_short');
    expect(passwordProblem('x'.repeat(257), 'wang')?.code).toBe('password_too_long');
    expect(passwordProblem(' Wangfang1024 ', 'wangfang1024')?.code).toBe('password_is_username');
    expect(passwordProblem('wangfang1024-2026', 'wangfang1024')).toBeNull();
    expect(passwordProblem('长城长城长城长城', 'wang')).toBeNull();
    expect(passwordProblem('correct horse', 'wang')).toBeNull();
  });
});

describe.each(BACKENDS)('account administration and audit on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });
  let admin: Session;

  beforeAll(async () => {
    admin = await s.account('admin');
    await t.db.query(`INSERT INTO units (code, name, kind) VALUES ('RC', '任城区人民政府', 'district'), ('SW', '市水务局', 'department'), ('OLD', '撤销单位', 'other')`);
    await t.db.query(`UPDATE units SET active = false WHERE code = 'OLD'`);
  });

  /** an admin request that says which workstation it comes from */
  async function adminCall(method: 'GET' | 'POST', url: string, body?: unknown, token = admin.token) {
    const res = await s.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${token}`,
        'x-hotline-workstation': 'W017',
        'x-hotline-client': 'client-17',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    let parsed: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a response body
    try {
      parsed = JSON.parse(res.body);
    } catch {
      parsed = res.body;
    }
    return { status: res.statusCode, body: parsed, headers: res.headers, raw: res.rawPayload };
  }

  async function create(role = 'operator', extra: Record<string, unknown> = {}) {
    const username = uniqueName('a');
    const password = 'Secret-pass-1';
    const res = await adminCall('POST', '/api/accounts', { username, displayName: '李四', role, password, ...extra });
    expect(res.status).toBe(200);
    return { id: res.body.account.id as number, username, password };
  }
  const login = (username: string, password: string) => s.call('POST', '/api/login', { username, password });
  const lastAudit = async (filter: string) => (await adminCall('GET', `/api/audit?${filter}&limit=1`)).body.entries[0];

  it('refuses every admin route to a non-admin (403) and without a token (401)', async () => {
    const op = await s.account('operator');
    for (const [method, url] of [
      ['GET', '/api/accounts'],
      ['POST', `/api/accounts/${admin.accountId}/disable`],
      ['GET', '/api/audit'],
      ['GET', '/api/audit/export'],
    ] as const) {
      expect((await s.call(method, url, method === 'POST' ? {} : undefined, op.token)).status).toBe(403);
      expect((await s.call(method, url)).status).toBe(401);
    }
  });

  it('creates and lists accounts; refuses a password breaking the policy with a reason naming the field', async () => {
    const username = uniqueName('p');
    const bad = await adminCall('POST', '/api/accounts', { username, displayName: 'x', role: 'operator', password: username.toUpperCase() });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'password_is_username', field: 'password' });
    const short = await adminCall('POST', '/api/accounts', { username, displayName: 'x', role: 'operator', password: 'abc' });
    expect(short.status).toBe(400);

    const a = await create('supervisor');
    const list = await adminCall('GET', '/api/accounts?role=supervisor');
    expect(list.status).toBe(200);
    const row = list.body.accounts.find((x: { id: number }) => x.id === a.id);
    expect(row).toMatchObject({ username: a.username, role: 'supervisor', disabled: false, mustChangePassword: false });
    expect(row.passwordHash).toBeUndefined();
    expect(list.body.accounts.every((x: { role: string }) => x.role === 'supervisor')).toBe(true);
    expect((await adminCall('GET', `/api/accounts?q=${a.username.slice(0, 6)}`)).body.accounts.length).toBeGreaterThan(0);
    expect((await adminCall('GET', '/api/accounts?disabled=maybe')).status).toBe(400);

    const entry = await lastAudit(`action=account.create&target=${a.username}`);
    expect(entry).toMatchObject({ actorUsername: admin.username, actorRole: 'admin', targetType: 'account', workstation: 'W017', clientId: 'client-17' });
    expect(JSON.stringify(entry)).not.toContain(a.password);
  });

  it('停用 ends the sessions at once: the access token is refused on its next request, the refresh token is revoked', async () => {
    const a = await create('operator');
    const session = await login(a.username, a.password);
    const ws = await workstation(s, { ...a, accountId: a.id, token: session.body.accessToken, refreshToken: session.body.refreshToken });
    expect((await s.call('GET', '/api/units', undefined, ws.token)).status).toBe(200);

    const off = await adminCall('POST', `/api/accounts/${a.id}/disable`);
    expect(off.status).toBe(200);
    expect(off.body.account).toMatchObject({ id: a.id, disabled: true });
    expect((await s.call('GET', '/api/units', undefined, ws.token)).body.error).toBe('account_disabled');
    expect((await s.call('POST', '/api/refresh', { refreshToken: ws.refreshToken })).status).toBe(401);
    expect((await login(a.username, a.password)).status).toBe(403);

    // 启用: the account signs in again, but the tokens handed out before stay dead
    const on = await adminCall('POST', `/api/accounts/${a.id}/enable`);
    expect(on.body.account.disabled).toBe(false);
    const old = await s.call('GET', '/api/units', undefined, ws.token);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_token');
    expect((await login(a.username, a.password)).status).toBe(200);
    expect((await lastAudit(`target=${a.username}&action=account.disable`)).details.accountId).toBe(a.id);
    expect(await lastAudit(`target=${a.username}&action=account.enable`)).toBeTruthy();
  });

  it('重置密码: the user must change it at the next sign-in; every other route says so until then', async () => {
    const a = await create('operator');
    const before = await login(a.username, a.password);
    const reset = await adminCall('POST', `/api/accounts/${a.id}/password`, { password: 'Temp-pass-42' });
    expect(reset.status).toBe(200);
    expect(reset.body.account.mustChangePassword).toBe(true);
    expect((await s.call('GET', '/api/units', undefined, before.body.accessToken)).status).toBe(401);
    expect((await login(a.username, a.password)).status).toBe(401);

    const signIn = await login(a.username, 'Temp-pass-42');
    expect(signIn.status).toBe(200);
    expect(signIn.body.mustChangePassword).toBe(true);
    const token = signIn.body.accessToken;
    const blocked = await s.call('GET', '/api/units', undefined, token);
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toBe('password_change_required');

    const wrong = await s.call('POST', '/api/account/password', { currentPassword: 'nope-nope', newPassword: 'Brand-new-77' }, token);
    expect(wrong.status).toBe(400);
    expect(wrong.body.field).toBe('currentPassword');
    const same = await s.call('POST', '/api/account/password', { currentPassword: 'Temp-pass-42', newPassword: 'Temp-pass-42' }, token);
    expect(same.body.error).toBe('password_unchanged');
    const weak = await s.call('POST', '/api/account/password', { currentPassword: 'Temp-pass-42', newPassword: a.username }, token);
    expect(weak.body).toMatchObject({ error: 'password_is_username', field: 'newPassword' });
    const ok = await s.call('POST', '/api/account/password', { currentPassword: 'Temp-pass-42', newPassword: 'Brand-new-77' }, token);
    expect(ok.status).toBe(200);
    expect((await s.call('GET', '/api/units', undefined, token)).status).toBe(200);
    const again = await login(a.username, 'Brand-new-77');
    expect(again.body.mustChangePassword).toBe(false);

    const entry = await lastAudit(`target=${a.username}&action=account.reset_password`);
    expect(JSON.stringify(entry)).not.toContain('Temp-pass-42');
    expect(await lastAudit(`actor=${a.username}&action=account.change_own_password`)).toMatchObject({ target: a.username });
  });

  it('changes a role (applies from the next request) and binds a unit account to its unit', async () => {
    const a = await create('operator');
    const sess = await login(a.username, a.password);
    expect((await s.call('GET', '/api/accounts', undefined, sess.body.accessToken)).status).toBe(403);
    expect((await adminCall('POST', `/api/accounts/${a.id}/role`, { role: 'admin' })).status).toBe(200);
    expect((await s.call('GET', '/api/accounts', undefined, sess.body.accessToken)).status).toBe(200);

    expect((await adminCall('POST', `/api/accounts/${a.id}/role`, { role: 'unit' })).body.field).toBe('unitCode');
    const toUnit = await adminCall('POST', `/api/accounts/${a.id}/role`, { role: 'unit', unitCode: 'RC' });
    expect(toUnit.body.account).toMatchObject({ role: 'unit', unitCode: 'RC' });
    expect((await lastAudit(`target=${a.username}&action=account.change_role`)).details).toMatchObject({ from: 'admin', to: 'unit' });

    const bind = await adminCall('POST', `/api/accounts/${a.id}/unit`, { unitCode: 'SW' });
    expect(bind.body.account.unitCode).toBe('SW');
    expect((await adminCall('POST', `/api/accounts/${a.id}/unit`, { unitCode: 'NOPE' })).body.error).toBe('unknown_unit');
    expect((await adminCall('POST', `/api/accounts/${a.id}/unit`, { unitCode: 'OLD' })).body.error).toBe('unit_inactive');
    const op = await create('operator');
    expect((await adminCall('POST', `/api/accounts/${op.id}/unit`, { unitCode: 'SW' })).body.error).toBe('not_a_unit_account');
    const back = await adminCall('POST', `/api/accounts/${a.id}/role`, { role: 'operator' });
    expect(back.body.account).toMatchObject({ role: 'operator', unitCode: null });
  });

  it('never locks the centre out: not oneself, not the last active admin; unknown ids are 404', async () => {
    expect((await adminCall('POST', `/api/accounts/${admin.accountId}/disable`)).body.error).toBe('cannot_change_self');
    expect((await adminCall('POST', `/api/accounts/${admin.accountId}/role`, { role: 'operator' })).body.error).toBe('cannot_change_self');
    expect((await adminCall('POST', '/api/accounts/99999999/disable')).status).toBe(404);
    expect((await adminCall('POST', '/api/accounts/abc/enable')).status).toBe(404);
    // leave exactly two active admins, `admin` and `other`
    const other = await create('admin');
    const otherToken = (await login(other.username, other.password)).body.accessToken;
    const admins = await t.db.query<{ id: number }>("SELECT id FROM accounts WHERE role = 'admin' AND NOT disabled AND id NOT IN ($1, $2)", [other.id, admin.accountId]);
    for (const { id } of admins) expect((await adminCall('POST', `/api/accounts/${id}/disable`)).status).toBe(200);
    // `other` disables `admin`: allowed, one active admin remains
    const res = await adminCall('POST', `/api/accounts/${admin.accountId}/disable`, undefined, otherToken);
    expect(res.status).toBe(200);
    // `other` is now the last active admin: nobody may disable or demote it (it cannot itself either)
    expect((await adminCall('POST', `/api/accounts/${other.id}/disable`, undefined, otherToken)).body.error).toBe('cannot_change_self');
    const last = await t.db.query("SELECT count(*)::int AS n FROM accounts WHERE role = 'admin' AND NOT disabled");
    expect(last).toEqual([{ n: 1 }]);
    await adminCall('POST', `/api/accounts/${admin.accountId}/enable`, undefined, otherToken);
    admin = { ...admin, token: (await login(admin.username, admin.password)).body.accessToken };
  });

  it('records an opening of a case (the order detail) with who and from where; a unit is recorded too', async () => {
    const sup = await s.account('supervisor');
    const ws = await workstation(s);
    const args = caseArgs();
    expect((await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [args])), ws.token)).status).toBe(200);
    const open = await s.app.inject({
      method: 'GET',
      url: `/api/orders/${args.case.uuid}`,
      headers: { authorization: `Bearer ${sup.token}`, 'x-hotline-workstation': 'W042' },
    });
    expect(open.statusCode).toBe(200);
    const entry = await lastAudit(`action=case.open&target=${args.case.uuid}`);
    expect(entry).toMatchObject({ actorUsername: sup.username, actorRole: 'supervisor', targetType: 'case', workstation: 'W042' });
    // a refused opening (no such order) opens nothing and records nothing
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await s.call('GET', `/api/orders/${missing}`, undefined, sup.token)).status).toBe(404);
    expect((await adminCall('GET', `/api/audit?target=${missing}`)).body.entries).toEqual([]);
  });

  it('searches by filters and pages backwards; refuses bad filters with 400', async () => {
    const page1 = await adminCall('GET', `/api/audit?actor=${admin.username}&limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.entries).toHaveLength(2);
    expect(page1.body.entries[0].id).toBeGreaterThan(page1.body.entries[1].id);
    const page2 = await adminCall('GET', `/api/audit?actor=${admin.username}&limit=2&before=${page1.body.nextBefore}`);
    expect(page2.body.entries[0].id).toBeLessThan(page1.body.entries[1].id);
    const future = await adminCall('GET', `/api/audit?from=${s.clock.now() + 1}`);
    expect(future.body.entries).toEqual([]);
    expect((await adminCall('GET', `/api/audit?workstation=W017&limit=1000`)).body.entries.every((e: { workstation: string }) => e.workstation === 'W017')).toBe(true);
    expect((await adminCall('GET', '/api/audit?action=drop_table')).status).toBe(400);
    expect((await adminCall('GET', '/api/audit?limit=0')).status).toBe(400);
  });

  it('exports as csv and xlsx with the same filters, and records the export', async () => {
    const csv = await adminCall('GET', '/api/audit/export?format=csv&action=account.create');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="audit-.*\.csv"/);
    const lines = String(csv.body).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toContain('操作人 actor');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((l) => l.includes('account.create'))).toBe(true);

    const xlsx = await adminCall('GET', '/api/audit/export?format=xlsx&action=account.create');
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('操作日志')!;
    expect(sheet.rowCount).toBe(lines.length);
    expect(String(sheet.getRow(2).getCell(5).value)).toBe('account.create');
    expect((await adminCall('GET', '/api/audit/export?format=pdf')).status).toBe(400);
    expect((await lastAudit('action=audit.export')).details).toMatchObject({ format: 'xlsx' });
  });

  it('is append-only in the database: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await expect(t.db.query("UPDATE audit_log SET actor_username = 'someone-else'")).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(t.db.exec('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    expect(row!.n).toBeGreaterThan(5);
  });
});
