/**
 * 系统管理 on the desktop, end to end in Chromium against the real central server: the admin
 * signs in at the workstation, opens 系统管理 with Alt+M and, by keyboard, creates an operator
 * (a too-short password and a taken username refused beside their fields, nothing typed lost),
 * disables it (the operator's sign-in is then refused by the server), re-enables it, resets its
 * password (the old one stops working, the new one must be changed), changes its role, is refused
 * disabling itself, and finds each of those actions in 操作日志 (filters by actor, action and
 * date), then exports the trail as a csv download. A supervisor sees no 系统管理.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, saveScreenshot } from './browser';
import { axeViolations } from './axe';
import { callHarness } from './harness';
import { ADMIN, SUPERVISOR, signInDesk, startFloor, type Floor, type Loose } from './orders-floor';

let floor: Floor;
let browser: Browser;
let page: Page;
const errors: string[] = [];

const OP = { username: 'op-new', displayName: '新话务员', password: 'first-password-1' };
const TEMP = 'temp-password-2026';

const accounts = () => page.getByRole('region', { name: '账号管理', exact: true });
const auditRegion = () => page.getByRole('region', { name: '操作日志', exact: true });
const rowOf = (username: string) => accounts().locator(`tr[data-username="${username}"]`);

/** The server's answer to a sign-in (status and body), as the portal or a workstation would get it. */
async function serverLogin(username: string, password: string): Promise<{ status: number; body: Loose }> {
  const res = await fetch(`${floor.server.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: (await res.json()) as Loose };
}

/** Focuses a row's button by its exact name (停用, 启用, 重置密码, 修改角色) and presses Enter. */
async function pressRowButton(username: string, name: string): Promise<void> {
  const button = rowOf(username).getByRole('button', { name, exact: true });
  await button.focus();
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  floor = await startFloor();
  browser = await launchBrowser();
  page = await signInDesk(browser, floor.harness.url, errors, ADMIN);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await floor?.stop();
});

describe('系统管理 (admin screens on the desktop)', () => {
  it('creates, disables, enables, resets and re-roles an operator by keyboard, and 操作日志 lists it all', async () => {
    const nav = page.getByRole('navigation', { name: '工作区' });
    await expect.poll(() => nav.getByRole('button', { name: /系统管理/ }).getAttribute('aria-keyshortcuts')).toBe('Alt+M');
    await page.keyboard.press('Alt+M');
    await accounts().waitFor();
    await auditRegion().waitFor();
    // the admin's own row is listed; focus is on the new account's first field
    await rowOf(ADMIN.username).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('admin-new-username');

    // ── 创建: a too-short password is refused beside the field, and nothing typed is lost
    await page.keyboard.type(OP.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OP.displayName);
    await page.keyboard.press('Tab'); // 角色: 话务员 by default
    await page.keyboard.press('Tab');
    await page.keyboard.type('short');
    await page.keyboard.press('Enter');
    const passwordField = accounts().getByRole('textbox', { name: '初始密码' });
    await expect.poll(() => passwordField.getAttribute('aria-invalid')).toBe('true');
    const passwordError = page.locator('#admin-new-password-error');
    expect(await passwordError.innerText()).toBe('密码至少 8 个字符');
    expect(await accounts().getByRole('textbox', { name: '用户名' }).inputValue()).toBe(OP.username);
    expect(await accounts().getByRole('textbox', { name: '姓名' }).inputValue()).toBe(OP.displayName);
    await passwordField.focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(OP.password);
    await page.keyboard.press('Enter');
    await rowOf(OP.username).waitFor();
    await expect.poll(() => rowOf(OP.username).innerText()).toMatch(/新话务员[\s\S]*话务员[\s\S]*正常（须修改密码）/);
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain(`已创建账号 ${OP.username}`);

    // the same username again: the server's refusal beside 用户名
    await page.keyboard.type(OP.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('重名');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('another-password-1');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#admin-new-username-error').innerText().catch(() => '')).toBe('该用户名已被使用');
    expect(await accounts().getByRole('textbox', { name: '姓名' }).inputValue()).toBe('重名');

    // ── 停用: the button is named exactly 停用, its description says whose; the server refuses the operator
    const disable = rowOf(OP.username).getByRole('button', { name: '停用', exact: true });
    await expect.poll(() => disable.evaluate((b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent)).toBe(OP.username);
    expect(await accounts().getByRole('button', { name: '停用', exact: true }).count()).toBeGreaterThanOrEqual(2);
    await pressRowButton(OP.username, '停用');
    await expect.poll(() => rowOf(OP.username).innerText()).toContain('已停用');
    const refused = await serverLogin(OP.username, OP.password);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('account_disabled');

    // ── 启用
    await pressRowButton(OP.username, '启用');
    await expect.poll(() => rowOf(OP.username).innerText()).toContain('正常');
    const back = await serverLogin(OP.username, OP.password);
    expect(back.status).toBe(200);

    // ── 重置密码: the admin types the temporary password (the server's contract); the username itself is refused
    await pressRowButton(OP.username, '重置密码');
    const dialog = page.getByRole('dialog', { name: `重置密码：${OP.username}` });
    const temp = dialog.getByRole('textbox', { name: '临时密码' });
    await temp.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('admin-reset-password');
    await page.keyboard.type(OP.username.toUpperCase() + '  ');
    await page.keyboard.press('Enter');
    await dialog.getByText('密码不能与用户名相同').waitFor();
    await temp.focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(TEMP);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect((await serverLogin(OP.username, OP.password)).status).toBe(401);
    const reset = await serverLogin(OP.username, TEMP);
    expect(reset.status).toBe(200);
    expect(reset.body.mustChangePassword).toBe(true);

    // ── 修改角色: 话务员 → 班长/质检
    await pressRowButton(OP.username, '修改角色');
    const roleDialog = page.getByRole('dialog', { name: `修改角色：${OP.username}` });
    const roleSelect = roleDialog.getByRole('combobox', { name: '角色' });
    await roleSelect.focus();
    await roleSelect.selectOption('supervisor');
    await roleDialog.getByRole('button', { name: '确定' }).press('Enter');
    await roleDialog.waitFor({ state: 'hidden' });
    await expect.poll(() => rowOf(OP.username).innerText()).toContain('班长/质检');

    // the admin cannot disable their own account: the server's refusal in the row, in Chinese
    await pressRowButton(ADMIN.username, '停用');
    await rowOf(ADMIN.username).getByRole('alert').filter({ hasText: '不能停用或修改自己的账号' }).waitFor();

    // ── 操作日志: every action above, by the admin, from this workstation
    const info = (await callHarness(floor.harness.url, 'app.info', {})) as Loose;
    const auditRows = auditRegion().locator('tbody tr');
    const actor = auditRegion().getByRole('textbox', { name: '操作人' });
    await actor.focus();
    await page.keyboard.type(ADMIN.username);
    await page.keyboard.press('Enter');
    const expected = ['account.create', 'account.disable', 'account.enable', 'account.reset_password', 'account.change_role'];
    await expect
      .poll(async () => auditRows.evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.action}|${r.children[3]?.textContent}`)))
      .toEqual(expect.arrayContaining(expected.map((a) => `${a}|${OP.username}`)));
    const disableRow = auditRows.filter({ hasText: '停用账号' }).first();
    expect(await disableRow.innerText()).toContain(info.workstation);
    expect(await disableRow.innerText()).toContain(ADMIN.username);

    // filter by action: only the 停用 entry
    await auditRegion().getByRole('combobox', { name: '操作类型' }).selectOption('account.disable');
    await auditRegion().getByRole('button', { name: '查询' }).press('Enter');
    await expect.poll(() => auditRows.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.action))).toEqual(['account.disable']);

    // a date range: today holds it, tomorrow onwards holds nothing
    const today = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    const tomorrow = await page.evaluate(() => {
      const d = new Date(Date.now() + 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    await auditRegion().getByLabel('开始日期').fill(today);
    await auditRegion().getByLabel('结束日期').fill(today);
    await auditRegion().getByRole('button', { name: '查询' }).press('Enter');
    await expect.poll(() => auditRows.count()).toBe(1);
    await auditRegion().getByLabel('开始日期').fill(tomorrow);
    await auditRegion().getByLabel('结束日期').fill('');
    await auditRegion().getByRole('button', { name: '查询' }).press('Enter');
    await auditRegion().getByText('没有符合条件的记录').waitFor();
    // an end before the start: said beside 结束日期
    await auditRegion().getByLabel('结束日期').fill(today);
    await auditRegion().getByRole('button', { name: '查询' }).press('Enter');
    await auditRegion().getByText('结束日期不能早于开始日期').waitFor();
    await saveScreenshot(page, 'admin-audit');

    // ── 导出 (csv) of the admin's actions: a download holding the entries
    await auditRegion().getByLabel('开始日期').fill(today);
    await auditRegion().getByLabel('结束日期').fill('');
    await auditRegion().getByRole('combobox', { name: '操作类型' }).selectOption('');
    await auditRegion().getByRole('combobox', { name: '导出格式' }).selectOption('csv');
    const downloading = page.waitForEvent('download');
    await auditRegion().getByRole('button', { name: '导出', exact: true }).press('Enter');
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    for (const action of expected) expect(csv).toContain(action);
    expect(csv).toContain(OP.username);
    // the export itself is audited
    const token = await floor.login(ADMIN);
    const exports = (await floor.api('GET', '/api/audit?action=audit.export', undefined, token)) as Loose;
    expect(exports.entries.length).toBe(1);
    expect(exports.entries[0].workstation).toBe(info.workstation);

    expect(errors).toEqual([]);
  });

  it('a supervisor has no 系统管理, and Alt+M does nothing', async () => {
    await callHarness(floor.harness.url, 'auth.logout', {});
    const other = await signInDesk(browser, floor.harness.url, [], SUPERVISOR);
    const nav = other.getByRole('navigation', { name: '工作区' });
    await nav.getByRole('button', { name: /工单/ }).waitFor();
    expect(await nav.getByRole('button', { name: /系统管理/ }).count()).toBe(0);
    await other.keyboard.press('Alt+M');
    expect(await other.getByRole('region', { name: '账号管理' }).count()).toBe(0);
    // and main refuses the admin methods to a non-admin, whatever the screen shows
    const refused = (await callHarness(floor.harness.url, 'admin.accounts', {})) as Loose;
    expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
    await other.close();
  });

  it('the reset operator signs in on the desktop with the temporary password and must choose a new one first', async () => {
    await callHarness(floor.harness.url, 'auth.logout', {});
    const desk = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await desk.goto(floor.harness.url);
    await desk.getByRole('textbox', { name: '用户名' }).fill(OP.username);
    await desk.getByLabel('密码', { exact: true }).fill(TEMP);
    await desk.keyboard.press('Enter');
    const fresh = desk.getByLabel('新密码', { exact: true });
    await fresh.waitFor();
    await expect.poll(() => desk.evaluate(() => document.activeElement?.id)).toBe('login-new-password');
    // too short: beside 新密码, in Chinese, nothing typed lost
    await desk.keyboard.type('short');
    await desk.getByLabel('确认新密码', { exact: true }).fill('short');
    await desk.keyboard.press('Enter');
    await desk.getByText('密码至少 8 个字符').waitFor();
    // the two differ: beside 确认新密码
    await fresh.fill('my-own-password-9');
    await desk.getByLabel('确认新密码', { exact: true }).fill('my-own-password-8');
    await desk.keyboard.press('Enter');
    await desk.getByText('两次输入的新密码不一致').waitFor();
    expect(await fresh.inputValue()).toBe('my-own-password-9');
    expect(await axeViolations(desk)).toEqual([]);
    await desk.getByLabel('确认新密码', { exact: true }).fill('my-own-password-9');
    await desk.keyboard.press('Enter');
    await desk.getByRole('textbox', { name: '来电号码', exact: true }).waitFor();
    expect((await serverLogin(OP.username, TEMP)).status).toBe(401);
    const now = await serverLogin(OP.username, 'my-own-password-9');
    expect(now.status).toBe(200);
    expect(now.body.mustChangePassword).toBe(false);
    await desk.close();
  });
});
