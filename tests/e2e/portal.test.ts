/**
 * The unit portal end to end, in Chromium, on the real central server (src/server/cli.ts on
 * embedded PGlite, serving out/portal built by the global setup). The centre's side is set up
 * through the API as its tools would: create-admin, the units directory imported, accounts made,
 * an operator pushes three 转办 cases, a supervisor dispatches them to 市住建局. Then the unit,
 * in the browser: signs in, sees them in 待签收, 签收 → 办理中, a refused 申请延期 keeps what was
 * typed, 办理反馈 → gone from 办理中; 退回 with 退回理由; a 保密 caller reads 保密 and never
 * arrives in the page; a stale version says the order changed. axe-core (WCAG 2 AA, contrast
 * included) on the sign-in, queue, detail and dialog screens.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_VERSION } from '../../src/shared/sync';
import { axeViolations } from './axe';
import { launchBrowser, saveScreenshot } from './browser';
import { createAdmin, freePort, startServer, type RunningServer } from './sync-server';

const ADMIN = { username: 'admin', password: 'admin-password-1' };
const UNIT = { username: 'zjj', password: 'unit-password-1' };
const CONFIDENTIAL_NAME = '李保密';
const CONFIDENTIAL_PHONE = '13905379999';

let dataDir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];
/** the three orders: case uuid (= order id) and official number */
const orders: Record<'reply' | 'confidential' | 'return', { id: string; officialNo: string }> = {} as never;

// the API's answers, read loosely: the contract's types live in src/shared/portal.ts
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Loose }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function ok(method: string, path: string, body?: unknown, token?: string): Promise<Loose> {
  const res = await api(method, path, body, token);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const login = async (u: { username: string; password: string }) => (await ok('POST', '/api/login', u)).accessToken as string;

async function unitsXlsx(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('承办单位').addRows([
    ['单位代码', '单位名称', '单位类型', '上级单位代码'],
    ['ZJJ', '市住房和城乡建设局', '市直部门', ''],
    ['RC', '任城区人民政府', '区县', ''],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

function caseArgs(content: string, confidential: boolean, phone: string, callerName: string) {
  const uuid = randomUUID();
  const createdAt = Date.now() - 60_000;
  return {
    case: {
      uuid,
      localNo: `W001-${uuid.slice(0, 8)}`,
      workstation: 'W001',
      phone,
      phoneExt: '',
      callerName,
      channel: 'hotline',
      requestType: 'complaint',
      categoryCode: 'C0102',
      regionCode: '370811001',
      address: '任城区 古槐路 12 号',
      content,
      answer: '',
      urgency: 'normal',
      handlingMode: 'dispatch',
      status: 'pending_dispatch',
      confidential,
      operator: 'op1',
      createdAt,
    },
    contact: {
      uuid: randomUUID(),
      caseUuid: uuid,
      phone,
      phoneExt: '',
      callerName,
      channel: 'hotline',
      requestType: 'complaint',
      content,
      operator: 'op1',
      createdAt,
    },
  };
}

const region = (name: string) => page.getByRole('region', { name, exact: true });
const orderLink = (regionName: string, officialNo: string) => region(regionName).getByRole('link', { name: new RegExp(officialNo) });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'portal-e2e-'));
  createAdmin(dataDir, ADMIN.username, ADMIN.password);
  server = await startServer(dataDir, await freePort());

  const admin = await login(ADMIN);
  await ok('POST', '/api/units/import', { format: 'xlsx', fileBase64: await unitsXlsx() }, admin);
  const account = (username: string, role: string, extra: Record<string, string> = {}) =>
    ok('POST', '/api/accounts', { username, displayName: username, role, password: `${username}-password-1`, ...extra }, admin);
  await account('op1', 'operator');
  await account('sup1', 'supervisor');
  await ok('POST', '/api/accounts', { username: UNIT.username, displayName: '市住房和城乡建设局', role: 'unit', password: UNIT.password, unitCode: 'ZJJ' }, admin);

  // the operator's workstation pushes three 转办 cases, as its outbox would
  const op = await login({ username: 'op1', password: 'op1-password-1' });
  const clientId = `ws-${randomUUID()}`;
  await ok('POST', '/api/clients/register', { schemaVersion: SYNC_SCHEMA_VERSION, clientId }, op);
  const cases = {
    reply: caseArgs('小区楼下夜间施工噪音扰民，希望有关部门处理。', false, '13905371111', '张先生'),
    confidential: caseArgs('反映某工地无证施工，要求对个人信息保密。', true, CONFIDENTIAL_PHONE, CONFIDENTIAL_NAME),
    return: caseArgs('路灯不亮，晚上出行不便。', false, '13905372222', '王女士'),
  };
  const keys = ['reply', 'confidential', 'return'] as const;
  const push = await ok(
    'POST',
    '/api/push',
    { schemaVersion: SYNC_SCHEMA_VERSION, clientId, mutations: keys.map((k, i) => ({ id: i + 1, name: 'case.create', args: cases[k] })) },
    op,
  );
  expect(push.rejections).toEqual([]);

  // the supervisor dispatches each to 市住建局, with the version it saw
  const sup = await login({ username: 'sup1', password: 'sup1-password-1' });
  for (const k of keys) {
    const id = cases[k].case.uuid;
    const detail = await ok('GET', `/api/orders/${id}`, undefined, sup);
    await ok('POST', `/api/orders/${id}/actions`, { action: 'dispatch', args: { leadUnitId: 'ZJJ' }, expectedVersion: detail.order.version }, sup);
    orders[k] = { id, officialNo: detail.summary.officialNo };
  }

  browser = await launchBrowser();
  // one context, so that a second tab shares cookies and localStorage but not sessionStorage
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('unit portal', () => {
  it('is served at /portal/ with its CSP; a wrong password is refused in Chinese beside the form', async () => {
    const res = await fetch(`${server.url}/portal/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    await page.goto(`${server.url}/portal/`);
    await page.getByRole('textbox', { name: '用户名' }).waitFor();
    expect(await page.title()).toContain('承办单位门户');
    expect(await axeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'portal-login');

    await page.getByRole('textbox', { name: '用户名' }).fill(UNIT.username);
    await page.getByLabel('密码').fill('wrong-password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('用户名或密码错误').waitFor();
    // the username is kept, the password cleared
    expect(await page.getByRole('textbox', { name: '用户名' }).inputValue()).toBe(UNIT.username);
    expect(await page.getByLabel('密码').inputValue()).toBe('');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('signs in by keyboard and shows the unit its orders in 待签收 with Chinese deadlines', async () => {
    await page.getByLabel('密码').fill(UNIT.password);
    await page.keyboard.press('Enter');
    for (const o of Object.values(orders)) await orderLink('待签收', o.officialNo).waitFor();
    expect(await region('办理中').getByRole('link').count()).toBe(0);
    // 签收时限 in Chinese date-time, Shanghai
    await expect.poll(() => region('待签收').innerText()).toMatch(/签收时限 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    expect(await axeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'portal-queues');
  });

  it('shows a 保密 caller as 保密: neither the name nor the number reaches the page', async () => {
    await orderLink('待签收', orders.confidential.officialNo).click();
    await page.getByRole('heading', { name: new RegExp(orders.confidential.officialNo) }).waitFor();
    const detail = region(`工单编号 ${orders.confidential.officialNo}`);
    await detail.getByText('保密', { exact: true }).first().waitFor();
    // 问题分类 and 区域 by name (GET /api/taxonomy), not by code
    await detail.getByText('城乡建设 › 市政设施', { exact: true }).waitFor();
    await detail.getByText('任城区 › 古槐街道', { exact: true }).waitFor();
    expect(await detail.innerText()).not.toContain('C0102');
    const html = await page.content();
    expect(html).not.toContain(CONFIDENTIAL_NAME);
    expect(html).not.toContain(CONFIDENTIAL_PHONE);
    // not even in part: the last digits narrow down who called
    expect(await page.locator('body').innerText()).not.toContain(CONFIDENTIAL_PHONE.slice(-4));
  });

  it('签收 moves an order to 办理中; a refused 申请延期 keeps what was typed; 办理反馈 takes it out of 办理中', async () => {
    await orderLink('待签收', orders.reply.officialNo).click();
    const detailName = `工单编号 ${orders.reply.officialNo}`;
    await region(detailName).waitFor();
    await region('流转记录').getByText('派单', { exact: true }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'portal-detail');

    // not signed yet: the table refuses an extension, in Chinese, beside the form
    await page.getByRole('button', { name: '申请延期' }).click();
    const ext = page.getByRole('dialog', { name: '申请延期' });
    await ext.getByLabel('延期天数').fill('3');
    await ext.getByLabel('延期理由').fill('需要协调多个部门现场核查');
    await ext.getByRole('button', { name: '提交' }).click();
    const refusal = ext.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/[\u4e00-\u9fff]/);
    expect(await ext.getByLabel('延期理由').inputValue()).toBe('需要协调多个部门现场核查');
    expect(await ext.getByLabel('延期天数').inputValue()).toBe('3');
    expect(await axeViolations(page)).toEqual([]);
    await ext.getByRole('button', { name: '取消' }).click();
    await ext.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: '签收', exact: true }).click();
    await orderLink('办理中', orders.reply.officialNo).waitFor();
    expect(await orderLink('待签收', orders.reply.officialNo).count()).toBe(0);
    await region('流转记录').getByText('签收', { exact: true }).waitFor();

    // 办理反馈: the fields are checked before anything is sent
    await page.getByRole('button', { name: '办理反馈' }).click();
    const reply = page.getByRole('dialog', { name: '办理反馈' });
    await reply.getByRole('button', { name: '提交' }).click();
    await reply.getByText('请选择办理结果').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await reply.getByRole('radiogroup', { name: '办理结果' }).getByRole('radio', { name: '已解决' }).check();
    await reply.getByLabel('办理情况').fill('已责令施工单位夜间停工，并现场回访确认。');
    await reply.getByRole('radiogroup', { name: '是否已联系来电人' }).getByRole('radio', { name: '是' }).check();
    await reply.getByRole('button', { name: '提交' }).click();
    await reply.waitFor({ state: 'hidden' });
    await expect.poll(() => orderLink('办理中', orders.reply.officialNo).count()).toBe(0);
  });

  it('退回 with 退回理由 takes the order back to the centre', async () => {
    await orderLink('待签收', orders.return.officialNo).click();
    await region(`工单编号 ${orders.return.officialNo}`).waitFor();
    await page.getByRole('button', { name: '退回' }).click();
    const dialog = page.getByRole('dialog', { name: '退回' });
    await dialog.getByRole('button', { name: '提交' }).click();
    await dialog.getByText('请填写退回理由').waitFor();
    await dialog.getByLabel('退回理由').fill('路灯归城市管理局管理，不属于本单位职责');
    await dialog.getByRole('button', { name: '提交' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => orderLink('待签收', orders.return.officialNo).count()).toBe(0);
    const sup = await login({ username: 'sup1', password: 'sup1-password-1' });
    const back = await ok('GET', `/api/orders/${orders.return.id}`, undefined, sup);
    expect(back.order.state).toBe('returned');
    expect(back.order.returnedFrom.reason).toBe('路灯归城市管理局管理，不属于本单位职责');
  });

  it('says the order changed when someone acted in between, reloads it and keeps the typed text', async () => {
    await orderLink('待签收', orders.confidential.officialNo).click();
    await region(`工单编号 ${orders.confidential.officialNo}`).waitFor();
    await page.getByRole('button', { name: '退回' }).click();
    const dialog = page.getByRole('dialog', { name: '退回' });
    await dialog.getByLabel('退回理由').fill('需与区政府协商');
    // meanwhile a colleague of the unit signs for it elsewhere
    const unitToken = await login(UNIT);
    const now = await ok('GET', `/api/orders/${orders.confidential.id}`, undefined, unitToken);
    await ok('POST', `/api/orders/${orders.confidential.id}/actions`, { action: 'sign', args: {}, expectedVersion: now.order.version }, unitToken);
    await dialog.getByRole('button', { name: '提交' }).click();
    await dialog.getByRole('alert').getByText(/已被他人更新/).waitFor();
    expect(await dialog.getByLabel('退回理由').inputValue()).toBe('需与区政府协商');
    await dialog.getByRole('button', { name: '取消' }).click();
    await orderLink('办理中', orders.confidential.officialNo).waitFor();
    expect(errors.filter((e) => !/409|404|401|Failed to load resource/.test(e))).toEqual([]);
  });

  it('works by keyboard alone: open an order from the queue, 申请延期 with 延期天数 and 延期理由', async () => {
    await page.getByRole('button', { name: '返回列表' }).click();
    const link = orderLink('办理中', orders.confidential.officialNo);
    await link.focus();
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { name: new RegExp(orders.confidential.officialNo) });
    await heading.waitFor();
    await expect.poll(() => heading.evaluate((el) => el === document.activeElement)).toBe(true);
    // Tab from the heading to 申请延期
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let i = 0; i < 8 && (await focusedText()) !== '申请延期'; i++) await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('申请延期');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: '申请延期' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('延期天数').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('2');
    await page.keyboard.press('Tab');
    await page.keyboard.type('需协调区政府现场核查');
    for (let i = 0; i < 6 && (await focusedText()) !== '提交'; i++) await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('提交');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('已申请延期 2 个工作日，等待中心审批').waitFor();
    await region('流转记录').getByText('申请延期', { exact: true }).waitFor();
    await orderLink('办理中', orders.confidential.officialNo).getByText('延期申请中').waitFor();
  });

  it('stays signed in across a reload of the tab (the refresh token in sessionStorage), not in a new tab', async () => {
    await page.reload();
    await region('待签收').waitFor();
    expect(await page.getByRole('textbox', { name: '用户名' }).count()).toBe(0);
    const other = await page.context().newPage();
    await other.goto(`${server.url}/portal/`);
    await other.getByRole('textbox', { name: '用户名' }).waitFor();
    await other.close();
  });

  it('in English, and for a centre account that only looks, the screens still pass axe', async () => {
    // the language switch by keyboard: ← → move between 中文 and English
    await page.getByRole('radio', { name: '中文' }).focus();
    await page.keyboard.press('ArrowRight');
    await region('To sign for').waitFor();
    await region('In progress').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('textbox', { name: '用户名' }).fill('sup1');
    await page.getByLabel('密码').fill('sup1-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText(/本门户供承办单位签收和办理工单/).waitFor();
    await region('待签收').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'portal-centre');
  });
});
