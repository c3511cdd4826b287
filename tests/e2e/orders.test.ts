/**
 * Work orders on the desktop, end to end in Chromium against the real central server: the
 * supervisor dispatches from 待派单 by keyboard (派单 dialog: 承办单位 preselected with the
 * 派单目录's suggestion), the unit signs and replies in the portal (/portal/), 待审核 shows the
 * reply and the supervisor accepts it, and the case's 流转记录 lists every step. Then: a return
 * (退回, by the unit through the server API) dispatched again to another unit; an extension
 * approved for fewer days than asked; two supervisors dispatching the same order (the refusal in
 * the dialog, the note kept, one history entry); and a dispatch taken while the server is down,
 * marked 待同步 until it goes out after the restart.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, saveScreenshot } from './browser';
import { callHarness } from './harness';
import { logDispatchCase, signInDesk, startFloor, UNITS, type Floor, type Loose, syncUntil } from './orders-floor';

let floor: Floor;
let browser: Browser;
let page: Page;
const errors: string[] = [];
/** a sync against a server that may have just started, and a pull after the unit acted */
/** the screen after a local action: main answers from its own store, but a sync may be running */
const SCREEN_WAIT = { timeout: 10_000 };

const region = (name: string) => page.getByRole('region', { name, exact: true });
const rowWith = (regionName: string, text: string) => region(regionName).getByRole('row').filter({ hasText: text });
const detailOf = async (caseId: number): Promise<Loose> => callHarness(floor.harness.url, 'orders.get', { caseId });


/** Opens 派单 for the row holding `text` in `regionName` with the keyboard (focus the row, Enter). */
async function openDispatch(regionName: string, text: string) {
  await syncUntil(page, async () => (await rowWith(regionName, text).count()) === 1);
  await rowWith(regionName, text).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: '派单' });
  await dialog.waitFor();
  return dialog;
}

/** The case detail dialog from 搜索 (Ctrl+K), for a case no queue lists any more. */
async function openCase(text: string) {
  await page.keyboard.press('Control+k');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  const results = page.getByRole('dialog', { name: /搜索/ });
  // the drawer's title repeats the query: the result is the case row's button
  const row = results.getByRole('button').filter({ hasText: text }).first();
  await row.waitFor();
  await row.click();
  const history = page.getByRole('region', { name: '流转记录' });
  await history.waitFor();
  return history;
}

async function closeDialogs() {
  for (let i = 0; i < 3 && (await page.getByRole('dialog').count()) > 0; i++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
  }
}

const historyActions = async (history: ReturnType<Page['getByRole']>) =>
  history.locator('[data-action]').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.split('·')[0]!.trim()));

beforeAll(async () => {
  floor = await startFloor();
  browser = await launchBrowser();
  page = await signInDesk(browser, floor.harness.url, errors);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await floor?.stop();
});

describe('work orders on the desktop', () => {
  // a test that failed half-way must not leave its dialog over the next one
  beforeEach(closeDialogs);

  it('the supervisor sees 工单 in the navigation; Alt+G and Alt+S switch without losing the intake draft', async () => {
    const nav = page.getByRole('navigation');
    await nav.getByRole('button', { name: '受理登记' }).waitFor();
    await nav.getByRole('button', { name: '工单' }).waitFor();
    await page.getByRole('textbox', { name: '诉求内容' }).fill('尚未保存的受理内容');
    await page.keyboard.press('Alt+G');
    await region('待派单').waitFor();
    for (const name of ['待审核', '已退回', '延期申请', '超期预警']) await region(name).waitFor();
    expect(await nav.getByRole('button', { name: '工单' }).getAttribute('aria-current')).toBe('page');
    await page.keyboard.press('Alt+S');
    expect(await page.getByRole('textbox', { name: '诉求内容' }).inputValue()).toBe('尚未保存的受理内容');
    await page.getByRole('textbox', { name: '诉求内容' }).fill('');
  });

  it('dispatch by keyboard → the unit signs and replies in the portal → 待审核 → accepted; 流转记录 shows every step', async () => {
    const marker = '主流程：小区楼下夜间施工噪音扰民';
    const c = await logDispatchCase(floor.harness.url, `${marker}，希望有关部门处理。`);
    await page.keyboard.press('Alt+G');
    const dialog = await openDispatch('待派单', marker);
    // the catalogue's suggestion comes first, preselected and marked
    await dialog.getByTitle(`${UNITS.ZJJ.name}（推荐）`).waitFor();
    await saveScreenshot(page, 'desk-dispatch');
    await dialog.getByRole('textbox', { name: '派单意见' }).fill('请三个工作日内核实处理');
    await page.keyboard.press('Control+Enter');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => rowWith('待派单', marker).count(), SCREEN_WAIT).toBe(0);

    // the dispatch reaches the server
    let officialNo = '';
    await syncUntil(page, async () => {
      const d = await detailOf(c.id);
      officialNo = d?.summary.officialNo ?? '';
      return d !== null && d.summary.state === 'pending_sign' && d.pending.length === 0;
    });

    // the unit, in the portal
    const portal = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await portal.goto(`${floor.server.url}/portal/`);
    await portal.getByRole('textbox', { name: '用户名' }).fill(UNITS.ZJJ.username);
    await portal.getByLabel('密码').fill(UNITS.ZJJ.password);
    await portal.getByRole('button', { name: '登录' }).click();
    const link = portal.getByRole('region', { name: '待签收', exact: true }).getByRole('link', { name: new RegExp(officialNo) });
    await link.click();
    await portal.getByRole('button', { name: '签收', exact: true }).click();
    await portal.getByRole('region', { name: '办理中', exact: true }).getByRole('link', { name: new RegExp(officialNo) }).waitFor();
    await portal.getByRole('button', { name: '办理反馈' }).click();
    const reply = portal.getByRole('dialog', { name: '办理反馈' });
    await reply.getByRole('radiogroup', { name: '办理结果' }).getByRole('radio', { name: '已解决' }).check();
    await reply.getByLabel('办理情况').fill('已责令施工单位夜间停工，并现场回访确认。');
    await reply.getByRole('radiogroup', { name: '是否已联系来电人' }).getByRole('radio', { name: '是' }).check();
    await reply.getByRole('button', { name: '提交' }).click();
    await reply.waitFor({ state: 'hidden' });
    await portal.close();

    // back on the desktop: 待审核 shows the reply; 通过
    await syncUntil(page, async () => (await rowWith('待审核', marker).count()) === 1);
    await rowWith('待审核', marker).focus();
    await page.keyboard.press('Enter');
    const review = page.getByRole('dialog', { name: '审核' });
    await review.getByText('已责令施工单位夜间停工').waitFor();
    await review.getByText('已解决').waitFor();
    await saveScreenshot(page, 'desk-review');
    await review.getByRole('button', { name: '通过' }).click();
    await review.waitFor({ state: 'hidden' });
    await expect.poll(() => rowWith('待审核', marker).count(), SCREEN_WAIT).toBe(0);
    await syncUntil(page, async () => {
      const d = await detailOf(c.id);
      return d.summary.state === 'pending_follow_up' && d.pending.length === 0;
    });

    const history = await openCase(marker);
    await expect.poll(() => historyActions(history), SCREEN_WAIT).toEqual(['派单', '签收', '办理反馈', '审核（通过）']);
    const text = await history.innerText();
    expect(text).toContain(UNITS.ZJJ.name);
    expect(text).toContain('请三个工作日内核实处理');
    expect(text).toContain('操作人 sup1');
    expect(text).toContain('操作人 zjj');
    expect(text).not.toContain('待同步');
    await page.getByRole('dialog').filter({ has: history }).getByText('待回访').first().waitFor();
    await saveScreenshot(page, 'desk-order-history');
    await closeDialogs();
  });

  it('已退回 shows the unit’s reason; 重新派单 to another unit (Enter in 承办单位 picks, Enter again dispatches)', async () => {
    const marker = '退回流程：路灯不亮';
    const c = await logDispatchCase(floor.harness.url, `${marker}，晚上出行不便。`);
    await page.keyboard.press('Alt+G');
    const dialog = await openDispatch('待派单', marker);
    // focus starts in 承办单位 (the suggestion chosen): Enter dispatches
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('dispatch-unit');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    let id = '';
    await syncUntil(page, async () => {
      const d = await detailOf(c.id);
      id = d.order.id;
      return d.summary.state === 'pending_sign' && d.pending.length === 0;
    });

    const unit = await floor.login(UNITS.ZJJ);
    const now = await floor.api('GET', `/api/orders/${id}`, undefined, unit);
    await floor.api('POST', `/api/orders/${id}/actions`, { action: 'return', args: { reason: '路灯归城市管理局管理，不属于本单位职责' }, expectedVersion: now.order.version }, unit);

    await syncUntil(page, async () => (await rowWith('已退回', marker).count()) === 1);
    await expect.poll(() => rowWith('已退回', marker).innerText(), SCREEN_WAIT).toContain('不属于本单位职责');
    await rowWith('已退回', marker).getByRole('button', { name: /^重新派单/ }).click();
    const again = page.getByRole('dialog', { name: '派单' });
    await again.getByText('不属于本单位职责').waitFor();
    await again.getByRole('combobox', { name: '承办单位' }).click();
    await page.keyboard.type('任城');
    await page.keyboard.press('Enter');
    await again.getByTitle(UNITS.RC.name, { exact: true }).waitFor();
    // the list closes one macrotask after the pick (rc-select delays closing); an Enter before
    // that goes to the still-open list, as it would for an operator
    await expect.poll(() => again.getByRole('combobox', { name: '承办单位' }).getAttribute('aria-expanded'), SCREEN_WAIT).toBe('false');
    await page.keyboard.press('Enter');
    await again.waitFor({ state: 'hidden' });
    await syncUntil(page, async () => {
      const d = await detailOf(c.id);
      return d.summary.state === 'pending_sign' && d.summary.unitCode === 'RC' && d.pending.length === 0;
    });
    const server = await floor.api('GET', `/api/orders/${id}`, undefined, await floor.login({ username: 'sup1', password: 'sup1-password-1' }));
    expect(server.order.assignments.at(-1).unitId).toBe('RC');
    expect(server.history.map((h: Loose) => h.action)).toEqual(['dispatch', 'return', 'dispatch']);
  });

  it('延期申请: approved for fewer days than asked; the history has it', async () => {
    const marker = '延期流程：小区排水管道堵塞';
    const c = await logDispatchCase(floor.harness.url, `${marker}，污水外溢。`);
    await page.keyboard.press('Alt+G');
    await openDispatch('待派单', marker);
    await page.keyboard.press('Control+Enter');
    let id = '';
    await syncUntil(page, async () => {
      const d = await detailOf(c.id);
      id = d.order.id;
      return d.summary.state === 'pending_sign' && d.pending.length === 0;
    });
    const unit = await floor.login(UNITS.ZJJ);
    let now = await floor.api('GET', `/api/orders/${id}`, undefined, unit);
    await floor.api('POST', `/api/orders/${id}/actions`, { action: 'sign', args: {}, expectedVersion: now.order.version }, unit);
    now = await floor.api('GET', `/api/orders/${id}`, undefined, unit);
    await floor.api('POST', `/api/orders/${id}/actions`, { action: 'request_extension', args: { days: 3, reason: '需要协调多个部门现场核查' }, expectedVersion: now.order.version }, unit);

    await syncUntil(page, async () => (await rowWith('延期申请', marker).count()) === 1);
    await rowWith('延期申请', marker).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: '延期审批' });
    await dialog.getByText('需要协调多个部门现场核查').waitFor();
    expect(await dialog.getByRole('spinbutton', { name: '批准天数' }).inputValue()).toBe('3');
    await dialog.getByRole('spinbutton', { name: '批准天数' }).fill('2');
    await dialog.getByRole('button', { name: '批准延期' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await syncUntil(page, async () => {
      const d = await detailOf(c.id);
      return d.order.extensionRequest === null && d.pending.length === 0 && d.history.some((h: Loose) => h.action === 'approve_extension');
    });
    const server = await floor.api('GET', `/api/orders/${id}`, undefined, unit);
    expect(server.order.assignments[0].extendedWorkingDays).toBe(2);
    const history = await openCase(marker);
    await expect.poll(() => historyActions(history), SCREEN_WAIT).toEqual(['派单', '签收', '申请延期', '批准延期']);
    await closeDialogs();
  });

  it('办理时限 of 1 hour puts the order in 临期 at once: 超期预警 counts it for the unit, and the count opens it', async () => {
    const marker = '临期流程：燃气管道异味';
    const c = await logDispatchCase(floor.harness.url, `${marker}，请尽快排查。`);
    await page.keyboard.press('Alt+G');
    const dialog = await openDispatch('待派单', marker);
    // 办理时限 by keyboard: Tab from 承办单位, type, Enter picks
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('dispatch-unit');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('dispatch-limit');
    await page.keyboard.type('1 小时');
    await page.keyboard.press('Enter');
    await dialog.getByTitle('1 小时', { exact: true }).waitFor();
    await page.keyboard.press('Control+Enter');
    await dialog.waitFor({ state: 'hidden' });
    await syncUntil(page, async () => {
      const d = await detailOf(c.id);
      return d.summary.state === 'pending_sign' && d.pending.length === 0;
    });
    const d = await detailOf(c.id);
    expect(d.order.assignments[0].deadline.basis).toBe('hours');

    const board = region('超期预警');
    const count = board.getByRole('button', { name: new RegExp(`^${UNITS.ZJJ.name} 临期 \\d+ 件$`) });
    await syncUntil(page, async () => (await count.count()) === 1);
    await count.click();
    const drill = page.getByRole('dialog', { name: `${UNITS.ZJJ.name} · 临期` });
    const row = drill.getByRole('row').filter({ hasText: marker });
    await row.waitFor();
    expect(await row.innerText()).toContain('临期');
    await saveScreenshot(page, 'desk-board-drill');
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: '流转记录' }).getByText('派单', { exact: true }).waitFor();
    await closeDialogs();
  });

  it('two supervisors dispatch the same order: the other one wins, this dialog shows the refusal in Chinese and keeps the note', async () => {
    const marker = '抢单：占道经营';
    const c = await logDispatchCase(floor.harness.url, `${marker}，影响通行。`);
    await page.keyboard.press('Alt+G');
    let id = '';
    await syncUntil(page, async () => {
      const d = await detailOf(c.id);
      id = d?.order.id ?? '';
      return (await rowWith('待派单', marker).count()) === 1 && d !== null && d.pending.length === 0 && d.summary.officialNo !== '';
    });
    const dialog = await openDispatch('待派单', marker);
    await dialog.getByRole('textbox', { name: '派单意见' }).fill('请尽快处理占道问题');

    // meanwhile a colleague dispatches it from another workstation (through the server's API)
    const other = await floor.login({ username: 'sup1', password: 'sup1-password-1' });
    const now = await floor.api('GET', `/api/orders/${id}`, undefined, other);
    await floor.api('POST', `/api/orders/${id}/actions`, { action: 'dispatch', args: { leadUnitId: 'RC' }, expectedVersion: now.order.version }, other);
    // this workstation pulls it (F5 works over the dialog)
    await syncUntil(page, async () => (await detailOf(c.id)).summary.state === 'pending_sign');

    await page.keyboard.press('Control+Enter');
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/已.*派/);
    expect(await dialog.getByRole('textbox', { name: '派单意见' }).inputValue()).toBe('请尽快处理占道问题');
    await saveScreenshot(page, 'desk-dispatch-refused');
    await closeDialogs();
    // nothing was queued: the server's history has the one dispatch
    const server = await floor.api('GET', `/api/orders/${id}`, undefined, other);
    expect(server.history.map((h: Loose) => h.action)).toEqual(['dispatch']);
    expect((await detailOf(c.id)).pending).toEqual([]);
  });

  it('a dispatch taken while the server is down is 待同步 at once, and reaches the server after its restart', async () => {
    const marker = '离线派单：广场舞噪音扰民';
    const c = await logDispatchCase(floor.harness.url, `${marker}，影响休息。`);
    await page.keyboard.press('Alt+G');
    await syncUntil(page, async () => (await rowWith('待派单', marker).count()) === 1 && (await detailOf(c.id))?.summary.officialNo !== '');
    await floor.stopServer();
    const dialog = await openDispatch('待派单', marker);
    await page.keyboard.press('Control+Enter');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => rowWith('待派单', marker).count(), SCREEN_WAIT).toBe(0);
    const local = await detailOf(c.id);
    expect(local.summary.state).toBe('pending_sign');
    expect(local.summary.pendingSync).toBe(true);
    const history = await openCase(marker);
    await history.getByText('待同步').first().waitFor();
    await closeDialogs();

    await floor.restartServer();
    await syncUntil(page, async () => (await detailOf(c.id)).pending.length === 0);
    const sup = await floor.login({ username: 'sup1', password: 'sup1-password-1' });
    const server = await floor.api('GET', `/api/orders/${local.order.id}`, undefined, sup);
    expect(server.order.state).toBe('pending_sign');
    expect(server.history.map((h: Loose) => h.action)).toEqual(['dispatch']);
    expect(errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });
});
