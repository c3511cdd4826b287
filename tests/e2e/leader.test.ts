/**
 * 领导接听 end to end in Chromium against the real central server: the supervisor schedules a
 * session at this workstation's seat for now (by keyboard on the 领导接听 screen), the intake
 * shows it and presets the channel 领导接听, a call logged there carries the session, 结束接听 and
 * 转督办 send it out (派单 to the catalogue's unit + 督办 重点), the unit replies (API), the centre
 * accepts, the follow-up is satisfied (API), and the session's page shows 办结率 100 % and
 * 回访满意率 100 %. axe checks the screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { launchBrowser, saveScreenshot } from './browser';
import { callHarness } from './harness';
import { signInDesk, startFloor, SUPERVISOR, UNITS, type Floor, type Loose } from './orders-floor';

let floor: Floor;
let browser: Browser;
let page: Page;
const errors: string[] = [];
const WAIT = { timeout: 30_000, interval: 1_000 };

beforeAll(async () => {
  floor = await startFloor();
  browser = await launchBrowser();
  page = await signInDesk(browser, floor.harness.url, errors);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await floor?.stop();
});

const activeId = () => page.evaluate(() => document.activeElement?.id ?? '');

/** Picks in a searchable picker as an operator does: type, wait for the highlighted match, Enter moves on. */
async function pick(text: string): Promise<void> {
  const from = await activeId();
  await page.keyboard.type(text);
  const options = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
  await options.and(page.locator('.ant-select-item-option-active')).first().waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.keyboard.press('Enter');
  await expect.poll(activeId).not.toBe(from);
}

const hhmm = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(11, 16);

describe('领导接听 on the desktop', () => {
  it('schedules a session for this seat now, logs a call in it, 转督办, and shows 办结率 and 回访满意率 of 100 %', async () => {
    const info = (await callHarness(floor.harness.url, 'app.info', {})) as { workstation: string };
    const nav = page.getByRole('navigation');
    await nav.getByRole('button', { name: '领导接听' }).waitFor();
    await page.keyboard.press('Alt+B');
    const screen = page.getByLabel('领导接听', { exact: true }).and(page.locator('.leader'));
    await screen.getByRole('heading', { name: '安排领导接听' }).waitFor();
    expect(await nav.getByRole('button', { name: '领导接听' }).getAttribute('aria-current')).toBe('page');

    // by keyboard: the fields in order, Enter submits; a wrong end time is refused next to the field
    const now = Date.now();
    const start = hhmm(now - 60_000);
    const end = hhmm(Math.min(now + 60 * 60_000, Date.parse(`${new Date(now + 8 * 3_600_000).toISOString().slice(0, 10)}T15:59:00Z`)));
    const form = page.getByRole('form', { name: '安排领导接听' });
    await form.getByLabel('开始时间').fill(start);
    await form.getByLabel('结束时间').fill('00:00');
    await form.getByLabel('领导姓名').fill('李明');
    await form.getByLabel('职务').fill('局长');
    await form.getByLabel('部门').fill('市住房和城乡建设局');
    await form.getByLabel('部门').press('Enter');
    await form.getByText('结束时间须晚于开始时间').waitFor();
    expect(await form.getByLabel('领导姓名').inputValue()).toBe('李明');
    await form.getByLabel('结束时间').fill(end);
    expect(await form.getByLabel('坐席').inputValue()).toBe(info.workstation);
    await form.getByLabel('坐席').press('Enter');
    await page.getByText(/已安排 .* 的领导接听/).waitFor();
    const row = screen.getByRole('row').filter({ hasText: '李明 局长' });
    await expect.poll(() => row.filter({ hasText: '接听中' }).count(), WAIT).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    // the intake: the notice, and the channel preset to 领导接听
    await page.keyboard.press('Alt+S');
    await page.getByText(/领导接听中：李明 局长（市住房和城乡建设局）/).waitFor();
    const channel = page.locator('.ant-select').filter({ has: page.locator('#intake-channel') });
    await expect.poll(async () => (await channel.textContent())?.includes('领导接听'), WAIT).toBe(true);

    // a call logged by keyboard at this seat during the session carries the session
    const current = (await callHarness(floor.harness.url, 'leader.current', {})) as Loose;
    expect(current.ok).toBe(true);
    const sessionId: string = current.session.id;
    await page.keyboard.press('Alt+N');
    await page.keyboard.type('13905371234');
    await page.keyboard.press('Tab');
    await pick('ts'); // 投诉 (preset 转办)
    await pick('建筑工地噪音');
    await pick('古槐');
    expect(await activeId()).toBe('intake-content');
    await page.keyboard.type('领导接听：小区旁工地夜间施工噪音扰民，请领导督促处理。');
    await page.keyboard.press('Control+Enter');
    await page.getByText(/已受理，工单号/).first().waitFor();

    const sup = await floor.login(SUPERVISOR);
    await expect
      .poll(async () => {
        await callHarness(floor.harness.url, 'sync.now', {});
        return (await floor.api('GET', `/api/leader/sessions/${sessionId}`, undefined, sup)).items.length;
      }, WAIT)
      .toBe(1);

    // the session page: 结束接听, then 转督办
    await page.keyboard.press('Alt+B');
    await screen.getByRole('button', { name: /打开 .* 李明 局长 的接听/ }).click();
    await screen.getByRole('heading', { name: /李明 局长 领导接听/ }).waitFor();
    await screen.getByRole('button', { name: '结束接听' }).click();
    await screen.getByRole('button', { name: '转督办' }).click();
    await page.getByText('已转督办 1 件').waitFor();
    await screen.getByText('重点督办').waitFor();

    const item = (await floor.api('GET', `/api/leader/sessions/${sessionId}`, undefined, sup)).items[0];
    const id: string = item.caseId;
    let order = await floor.api('GET', `/api/orders/${id}`, undefined, sup);
    expect(order.history.map((h: Loose) => h.action)).toEqual(['dispatch', 'supervise']);
    expect(order.order.supervision.level).toBe('key');
    expect(order.order.assignments[0].unitId).toBe('ZJJ');

    // the unit replies, the centre accepts, the caller is satisfied
    const unit = await floor.login(UNITS.ZJJ);
    const act = async (token: string, action: string, args: Record<string, unknown>) => {
      const r = await floor.api('POST', `/api/orders/${id}/actions`, { action, args, expectedVersion: order.order.version }, token);
      order = { ...order, order: r.order };
    };
    await act(unit, 'sign', {});
    await act(unit, 'reply', { content: '已责令施工单位夜间停工，并现场回访确认。', result: 'solved', contactedCaller: true });
    await act(sup, 'review', { decision: 'accept' });
    await act(sup, 'follow_up', { outcome: 'reached', solved: true, satisfaction: 'very_satisfied' });

    await expect
      .poll(async () => {
        await screen.getByRole('button', { name: '返回接听安排' }).click();
        await screen.getByRole('button', { name: /打开 .* 李明 局长 的接听/ }).click();
        return screen.getByTestId('leader-completion').textContent();
      }, WAIT)
      .toBe('100 %（1/1）');
    expect(await screen.getByTestId('leader-satisfaction').textContent()).toBe('100 %（1/1）');
    expect(await screen.getByTestId('leader-state').textContent()).toBe('已转督办');
    await screen.getByText('已办结').waitFor();
    await saveScreenshot(page, 'desk-leader-session');
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);
});
