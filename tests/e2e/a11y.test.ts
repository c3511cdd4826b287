/**
 * Every screen an operator reads all day passes axe-core's WCAG 2 A/AA rules, colour contrast
 * included: the intake form (empty, with a repeat caller's history, with field errors), the
 * shortcut help, a call waiting in 来电提醒 with the caller's name and address offered, search
 * with results, a case's detail, the English screen, and the sign-in
 * screen of a workstation that has a server, and 系统管理 (账号管理, 操作日志, their dialogs). axe runs inside the real page (evaluated through
 * the DevTools protocol, so the page's CSP stays as it is).
 */
import { spawnSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { launchBrowser, openApp } from './browser';
import { callHarness, startHarness, type RunningHarness } from './harness';
import { ADMIN, logDispatchCase, signInDesk, startFloor, type Floor } from './orders-floor';
import { ROOT } from './paths';

const violations = axeViolations;

let harness: RunningHarness;
let browser: Browser;

beforeAll(async () => {
  harness = await startHarness();
  browser = await launchBrowser();
  // a repeat caller, so the history panel has rows, an open order and labels to check
  for (const content of ['小区楼下夜间施工噪音扰民，希望有关部门处理。', '路灯不亮，晚上出行不便。']) {
    await logDispatchCase(harness.url, content);
  }
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe('accessibility (axe-core, WCAG 2 AA)', () => {
  it('the intake screen: empty, with a caller history, with field errors, and the shortcut help', async () => {
    const { page } = await openApp(browser, harness.url);
    expect(await violations(page)).toEqual([]);

    await page.getByRole('textbox', { name: '来电号码', exact: true }).fill('13905371234');
    await page.getByRole('region', { name: '来电历史' }).getByText('噪音', { exact: false }).first().waitFor();
    expect(await violations(page)).toEqual([]);

    await page.keyboard.press('Control+Enter');
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    expect(await violations(page)).toEqual([]);

    await page.keyboard.press('F1');
    await page.getByRole('dialog').waitFor();
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('a call waiting in 来电提醒 during a draft, and the caller name and address offered', async () => {
    const { page } = await openApp(browser, harness.url);
    await page.getByRole('textbox', { name: '诉求内容' }).fill('正在记录上一个来电的内容');
    const rang = spawnSync('npm', ['run', '--silent', 'phone', '--', '--data', harness.dataDir, 'ring', '13905371234'], { cwd: ROOT, encoding: 'utf8' });
    expect(rang.status, rang.stderr).toBe(0);
    await page.getByRole('region', { name: '来电提醒' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('F2');
    await page.getByRole('region', { name: '来电提醒' }).waitFor({ state: 'detached' });
    await page.getByRole('region', { name: '来电历史' }).getByText('噪音', { exact: false }).first().waitFor();
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('search with results and a case detail', async () => {
    const { page } = await openApp(browser, harness.url);
    await page.keyboard.press('Control+k');
    await page.keyboard.type('噪音');
    await page.keyboard.press('Enter');
    const results = page.getByRole('dialog');
    await results.getByText('噪音').first().waitFor();
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').nth(1).waitFor().catch(() => undefined);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('the navigation, and 工单 on a standalone workstation (the note that work orders need the server)', async () => {
    const { page } = await openApp(browser, harness.url);
    const nav = page.getByRole('navigation');
    await nav.getByRole('button', { name: '受理登记' }).waitFor();
    await page.keyboard.press('Alt+G');
    await page.getByText('工单流转需要连接中心服务器').waitFor();
    expect(await nav.getByRole('button', { name: '工单' }).getAttribute('aria-current')).toBe('page');
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('the English screen', async () => {
    const { page } = await openApp(browser, harness.url);
    await page.getByRole('radio', { name: '中文' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('textbox', { name: 'Caller number', exact: true }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.close();
  });
});

describe('accessibility of the 工单 screens (a workstation with a central server)', () => {
  let floor: Floor;
  beforeAll(async () => {
    floor = await startFloor();
  }, 300_000);
  afterAll(async () => {
    await floor?.stop();
  });

  it('工单 with a case in 待派单, the 派单 dialog, a refusal-free dispatch and 流转记录 pass', async () => {
    const page = await signInDesk(browser, floor.harness.url);
    const c = await logDispatchCase(floor.harness.url, '无障碍检查：小区楼下夜间施工噪音扰民。');
    await page.keyboard.press('Alt+G');
    const row = page.getByRole('region', { name: '待派单', exact: true }).getByRole('row').filter({ hasText: '无障碍检查' });
    await expect
      .poll(async () => {
        if ((await row.count()) === 1) return true;
        await page.keyboard.press('F5');
        return false;
      }, { timeout: 30_000, interval: 1_000 })
      .toBe(true);
    for (const name of ['待派单', '待审核', '已退回', '延期申请', '超期预警']) await page.getByRole('region', { name, exact: true }).waitFor();
    expect(await violations(page)).toEqual([]);

    await row.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: '派单' });
    await dialog.getByRole('combobox', { name: '承办单位' }).waitFor();
    await dialog.getByRole('combobox', { name: '办理时限' }).waitFor();
    await dialog.getByRole('textbox', { name: '派单意见' }).waitFor();
    expect(await violations(page)).toEqual([]);
    // a note over the limit: the error beside the field, the text kept
    const long = '长'.repeat(1001);
    await dialog.getByRole('textbox', { name: '派单意见' }).fill(long);
    await dialog.getByText('派单意见过长').waitFor();
    await page.keyboard.press('Control+Enter');
    expect(await dialog.getByRole('textbox', { name: '派单意见' }).inputValue()).toBe(long);
    expect(await violations(page)).toEqual([]);
    await dialog.getByRole('textbox', { name: '派单意见' }).fill('请核实');
    await page.keyboard.press('Control+Enter');
    await dialog.waitFor({ state: 'hidden' });

    await callHarness(floor.harness.url, 'orders.get', { caseId: c.id });
    await page.keyboard.press('Control+k');
    await page.keyboard.type('无障碍检查');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: /搜索/ }).getByRole('button').filter({ hasText: '无障碍检查' }).first().click();
    await page.getByRole('region', { name: '流转记录' }).getByText('派单', { exact: true }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('系统管理 (admin): 账号管理 and 操作日志, the new-account form with errors, and the 重置密码 and 修改角色 dialogs pass', async () => {
    // the supervisor of the test above may still be signed in on this workstation
    await callHarness(floor.harness.url, 'auth.logout', {});
    const page = await signInDesk(browser, floor.harness.url, [], ADMIN);
    await page.keyboard.press('Alt+M');
    const accounts = page.getByRole('region', { name: '账号管理', exact: true });
    await accounts.locator(`tr[data-username="${ADMIN.username}"]`).waitFor();
    await page.getByRole('region', { name: '操作日志', exact: true }).locator('tbody tr').first().waitFor();
    expect(await violations(page)).toEqual([]);

    // an empty form sent: every error beside its field
    await accounts.getByRole('button', { name: '创建账号' }).press('Enter');
    await page.locator('#admin-new-username-error').waitFor();
    await page.locator('#admin-new-password-error').waitFor();
    expect(await violations(page)).toEqual([]);

    await accounts.locator('tr[data-username="sup1"]').getByRole('button', { name: '重置密码', exact: true }).press('Enter');
    const reset = page.getByRole('dialog', { name: /重置密码/ });
    await reset.getByRole('textbox', { name: '临时密码' }).fill('x');
    await reset.getByRole('button', { name: '重置密码' }).press('Enter');
    await reset.getByText('密码至少 8 个字符').waitFor();
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await reset.waitFor({ state: 'hidden' });

    await accounts.locator('tr[data-username="zjj"]').getByRole('button', { name: '修改角色', exact: true }).press('Enter');
    const role = page.getByRole('dialog', { name: /修改角色/ });
    await role.getByRole('combobox', { name: '承办单位' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await role.waitFor({ state: 'hidden' });
    await page.close();
  });
});

describe('accessibility of the sign-in screen', () => {
  let withServer: RunningHarness;
  beforeAll(async () => {
    // a server that is not there: the workstation still asks for a sign-in
    withServer = await startHarness({ args: ['--server', 'http://127.0.0.1:9'] });
  });
  afterAll(async () => {
    await withServer?.stop();
  });

  it('passes, and so does a refusal shown beside the form', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    await page.goto(withServer.url);
    await page.getByRole('textbox', { name: '用户名' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('textbox', { name: '用户名' }).fill('op1');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').first().waitFor();
    expect(await violations(page)).toEqual([]);
    await page.close();
  });
});
