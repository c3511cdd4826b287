/**
 * The units directory over HTTP: an admin imports IT's spreadsheet (all or nothing, every
 * problem listed), anyone signed in reads it, units left out are deactivated, and a unit
 * account is bound to exactly one existing, active unit.
 */
import { SYNC_SCHEMA_VERSION } from '../../../src/shared/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { BACKENDS, serverPerSuite, uniqueName, type TestDb, type TestServer } from './helpers';

async function xlsxBase64(units: string[][], rules?: string[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('承办单位').addRows([['单位代码', '单位名称', '单位类型', '上级单位代码'], ...units]);
  if (rules) wb.addWorksheet('派单目录').addRows([['问题分类代码', '区域代码', '承办单位代码'], ...rules]);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

describe.each(BACKENDS)('units directory on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  it('imports, lists, reports a bad file without changing anything, and deactivates units left out', async () => {
    const admin = await s.account('admin');
    const op = await s.account('operator');
    const first = await xlsxBase64(
      [
        ['RC', '任城区人民政府', '区县', ''],
        ['RC-GH', '古槐街道办事处', '街道乡镇', 'RC'],
        ['ZJJ', '市住房和城乡建设局', '市直部门', ''],
      ],
      [['C01', '', 'ZJJ'], ['C0105', '370811', 'RC']],
    );
    expect((await s.call('POST', '/api/units/import', { format: 'xlsx', fileBase64: first }, op.token)).status).toBe(403);

    const dry = await s.call('POST', '/api/units/import', { format: 'xlsx', fileBase64: first, dryRun: true }, admin.token);
    expect(dry.body).toMatchObject({ dryRun: true, units: 3, added: 3 });
    expect((await s.call('GET', '/api/units', undefined, op.token)).body.units).toEqual([]);

    const ok = await s.call('POST', '/api/units/import', { format: 'xlsx', fileBase64: first }, admin.token);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ dryRun: false, units: 3, rules: 2, added: 3, updated: 0, unchanged: 0, deactivated: 0 });
    const listed = await s.call('GET', '/api/units', undefined, op.token);
    expect(listed.body.units.map((u: { code: string }) => u.code)).toEqual(['RC', 'RC-GH', 'ZJJ']);
    expect(listed.body.rules).toHaveLength(2);
    // the workflow settings a workstation needs (defaults here: operators may not dispatch)
    expect(listed.body.workflow.operatorMayDispatch).toBe(false);
    expect(listed.body.workflow.deadlineRules.handling.default).toEqual({ unit: 'working_days', value: 5 });
    // an ETag: asked again with it, 304 and no body; a changed directory gets a new one
    const etag = listed.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const cached = await s.app.inject({ method: 'GET', url: '/api/units', headers: { authorization: `Bearer ${op.token}`, 'if-none-match': etag } });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBe('');
    const stale = await s.app.inject({ method: 'GET', url: '/api/units', headers: { authorization: `Bearer ${op.token}`, 'if-none-match': '"other"' } });
    expect(stale.statusCode).toBe(200);
    expect(stale.headers.etag).toBe(etag);

    const bad = await xlsxBase64([['RC', '', '区县', ''], ['X', '某单位', '学校', 'NOPE']]);
    const refused = await s.call('POST', '/api/units/import', { format: 'xlsx', fileBase64: bad }, admin.token);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('invalid_directory');
    expect(refused.body.problems.map((p: { row: number; column: string }) => `${p.row}:${p.column}`)).toEqual([
      '2:单位名称',
      '3:单位类型',
    ]);
    expect((await s.call('GET', '/api/units', undefined, op.token)).body.units).toHaveLength(3);

    const garbage = await s.call('POST', '/api/units/import', { format: 'xlsx', fileBase64: Buffer.from('nope').toString('base64') }, admin.token);
    expect(garbage.status).toBe(422);
    expect(garbage.body.problems[0].zh).toMatch(/不是有效的 xlsx 文件/);

    const second = await xlsxBase64([
      ['RC', '任城区人民政府', '区县', ''],
      ['ZJJ', '济宁市住房和城乡建设局', '市直部门', ''],
    ]);
    const again = await s.call('POST', '/api/units/import', { format: 'xlsx', fileBase64: second }, admin.token);
    expect(again.body).toMatchObject({ units: 2, rules: 0, added: 0, updated: 1, unchanged: 1, deactivated: 1 });
    const changed = await s.call('GET', '/api/units', undefined, op.token);
    expect(changed.headers.etag).not.toBe(etag);
    const rows = await t.db.query<{ code: string; active: boolean }>('SELECT code, active FROM units ORDER BY code');
    expect(rows).toEqual([
      { code: 'RC', active: true },
      { code: 'RC-GH', active: false },
      { code: 'ZJJ', active: true },
    ]);
  });

  it('binds a unit account to one existing active unit, and no other account to any', async () => {
    const admin = await s.account('admin');
    const base = { displayName: '单位账号', password: 'a-good-password' };
    const noUnit = await s.call('POST', '/api/accounts', { ...base, username: uniqueName('u'), role: 'unit' }, admin.token);
    expect(noUnit.status).toBe(400);
    expect(noUnit.body.field).toBe('unitCode');
    const ghost = await s.call('POST', '/api/accounts', { ...base, username: uniqueName('u'), role: 'unit', unitCode: 'GHOST' }, admin.token);
    expect(ghost.body).toMatchObject({ error: 'unknown_unit', field: 'unitCode' });
    const inactive = await s.call('POST', '/api/accounts', { ...base, username: uniqueName('u'), role: 'unit', unitCode: 'RC-GH' }, admin.token);
    expect(inactive.body.error).toBe('unit_inactive');
    const opWithUnit = await s.call('POST', '/api/accounts', { ...base, username: uniqueName('o'), role: 'operator', unitCode: 'RC' }, admin.token);
    expect(opWithUnit.status).toBe(400);

    const username = uniqueName('rc');
    const made = await s.call('POST', '/api/accounts', { ...base, username, role: 'unit', unitCode: 'RC' }, admin.token);
    expect(made.status).toBe(200);
    expect(made.body.account).toMatchObject({ username, role: 'unit', unitCode: 'RC' });
    const login = await s.call('POST', '/api/login', { username, password: base.password });
    expect(login.body.account).toMatchObject({ role: 'unit', unitCode: 'RC' });
    // a unit works in the portal: the workstations' sync routes are the centre's
    const reg = await s.call('POST', '/api/clients/register', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: 'ws-unit' }, login.body.accessToken);
    expect(reg.status).toBe(403);
  });
});
