/**
 * 回访 end to end (issue 7 §1, §7): an operator's workstation against the real central server. A
 * 转办 case is dispatched to 任城区, the unit replies (its portal API), the centre accepts; the
 * operator follows up on 回访 — unsatisfied → 重办 back to the same unit; the unit replies again,
 * the centre accepts, and the operator follows up by keyboard alone, counting the keystrokes
 * (≤ 8 for a reached, solved, satisfied caller) → 已办结. 流转记录 shows the whole loop, and the
 * 回访 screen passes axe-core.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { launchBrowser, saveScreenshot } from './browser';
import { callHarness } from './harness';
import { ADMIN, logDispatchCase, signInDesk, startFloor, SUPERVISOR, UNITS, type Floor, type Loose, syncUntil } from './orders-floor';

const OPERATOR = { username: 'op1', password: 'op1-password-1' };

let floor: Floor;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  floor = await startFloor();
  const admin = await floor.login(ADMIN);
  await floor.api('POST', '/api/accounts', { username: OPERATOR.username, displayName: '话务员一', role: 'operator', password: OPERATOR.password }, admin);
  browser = await launchBrowser();
  page = await signInDesk(browser, floor.harness.url, errors, OPERATOR);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await floor?.stop();
});


/** The unit signs and replies (what its portal sends), the centre accepts: the order is 待回访. */
async function unitRepliesAndCentreAccepts(id: string, content: string): Promise<void> {
  const unit = await floor.login(UNITS.RC);
  const sup = await floor.login(SUPERVISOR);
  const step = async (token: string, action: string, args: Record<string, unknown>) => {
    const now = await floor.api('GET', `/api/orders/${id}`, undefined, token);
    return floor.api('POST', `/api/orders/${id}/actions`, { action, args, expectedVersion: now.order.version }, token);
  };
  await step(unit, 'sign', {});
  await step(unit, 'reply', { content, result: 'solved', contactedCaller: true });
  const accepted = await step(sup, 'review', { decision: 'accept', note: '答复属实' });
  expect(accepted.order.state).toBe('pending_follow_up');
}

const followUp = () => page.getByRole('region', { name: '待回访', exact: true });

describe('回访 on the desktop', () => {
  it('dispatched → replied → accepted → unsatisfied (重办) → replied again → accepted → satisfied by keyboard (≤ 8 keys) → 已办结, the whole loop in 流转记录', async () => {
    const marker = '回访主流程：古槐路路灯不亮';
    const c = await logDispatchCase(floor.harness.url, `${marker}，晚上出行不便。`);
    const sup = await floor.login(SUPERVISOR);
    // the case reaches the server (the operator's workstation pushes it)
    let id = '';
    await syncUntil(page, async () => {
      const q = await floor.api('GET', '/api/orders?queue=pending_dispatch&limit=500', undefined, sup);
      id = q.orders.find((o: Loose) => String(o.summary).includes(marker))?.id ?? '';
      return id !== '';
    });
    await floor.api('POST', `/api/orders/${id}/actions`, { action: 'dispatch', args: { leadUnitId: 'RC', note: '请核实' }, expectedVersion: 0 }, sup);
    await unitRepliesAndCentreAccepts(id, '已派人检修路灯，当晚恢复照明。');

    // the operator: 回访 in the navigation, the order comes with the pull
    await page.getByRole('navigation').getByRole('button', { name: '回访' }).waitFor();
    await page.keyboard.press('Alt+V');
    await followUp().waitFor();
    await syncUntil(page, async () => (await followUp().getByText(marker).count()) > 0);
    await followUp().getByText('已派人检修路灯').waitFor();
    await followUp().getByText('13905371234').waitFor();
    await followUp().getByRole('button', { name: '复制号码' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'desk-follow-up');

    // a missing choice is refused beside its group, in Chinese, and nothing chosen is lost
    await followUp().getByRole('radiogroup', { name: '回访结果' }).getByRole('radio', { name: /接通/ }).first().focus();
    await page.keyboard.press('1');
    await page.keyboard.press('2'); // 是否解决: 否
    await page.keyboard.press('Control+Enter');
    await followUp().getByText('接通后请选择满意度。').waitFor();
    expect(await followUp().getByRole('radiogroup', { name: '是否解决' }).getByRole('radio', { name: /否/ }).getAttribute('aria-checked')).toBe('true');
    // 满意度 is focused: 4 = 不满意; then 回访意见, Ctrl+Enter
    await page.keyboard.press('4');
    await page.keyboard.type('路灯又坏了，仍然不亮');
    await page.keyboard.press('Control+Enter');
    await followUp().getByText('没有到期的待回访工单。').waitFor();
    // 重办: back at 任城区 as a fresh dispatch, once the action is pushed
    await syncUntil(page, async () => (await floor.api('GET', `/api/orders/${id}`, undefined, sup)).order.state === 'pending_sign');
    const rehandled = await floor.api('GET', `/api/orders/${id}`, undefined, sup);
    expect(rehandled.order).toMatchObject({ rehandleCount: 1, assignments: [{ unitId: 'RC', level: 0 }] });
    expect(rehandled.history.at(-1)).toMatchObject({ action: 'follow_up', note: '路灯又坏了，仍然不亮', details: { result: 'rehandle', satisfaction: 'unsatisfied' } });

    await unitRepliesAndCentreAccepts(id, '已更换灯具和线路，经回访确认照明正常。');
    await page.keyboard.press('Alt+S');
    await syncUntil(page, async () => {
      const d = (await callHarness(floor.harness.url, 'orders.get', { caseId: c.id })) as Loose;
      return d?.summary.state === 'pending_follow_up';
    });

    // the routine follow-up, by keyboard alone, counted from the intake screen
    let keys = 0;
    const press = async (key: string) => {
      keys++;
      await page.keyboard.press(key);
    };
    await press('Alt+V'); // 回访; the focus lands on 回访结果
    await followUp().getByText('已更换灯具').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[role="radiogroup"]')?.id ?? '')).toBe('follow-up-outcome');
    await press('1'); // 接通 → 是否解决
    await press('1'); // 是 → 满意度
    await press('2'); // 满意 → 回访意见
    await press('Control+Enter'); // 保存 → the next order (none)
    await followUp().getByText('没有到期的待回访工单。').waitFor();
    console.log(`follow-up keystrokes (reached, solved, satisfied): ${keys}`);
    expect(keys).toBeLessThanOrEqual(8);

    await syncUntil(page, async () => (await floor.api('GET', `/api/orders/${id}`, undefined, sup)).order.state === 'closed');
    const closed = await floor.api('GET', `/api/orders/${id}`, undefined, sup);
    expect(closed.history.map((e: Loose) => e.action)).toEqual(['dispatch', 'sign', 'reply', 'review', 'follow_up', 'sign', 'reply', 'review', 'follow_up']);

    // 流转记录 on the desktop: the whole loop, the follow-ups with what came of them
    await syncUntil(page, async () => {
      const d = (await callHarness(floor.harness.url, 'orders.get', { caseId: c.id })) as Loose;
      return d?.summary.state === 'closed' && d.pending.length === 0 && d.history.length === 9;
    });
    await page.keyboard.press('Alt+S');
    await page.keyboard.press('Control+k');
    await page.keyboard.type(marker);
    await page.keyboard.press('Enter');
    const row = page.getByRole('dialog', { name: /搜索/ }).getByRole('button').filter({ hasText: marker }).first();
    await row.click();
    const history = page.getByRole('region', { name: '流转记录' });
    await history.waitFor();
    const lines = await history.locator('[data-action]').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.split('·')[0]!.trim()));
    expect(lines).toEqual([
      '派单',
      '签收',
      '办理反馈',
      '审核（通过）',
      '回访（接通，未解决，不满意，→ 重办）',
      '签收',
      '办理反馈',
      '审核（通过）',
      '回访（接通，已解决，满意，→ 办结）',
    ]);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    // 来电历史 of the caller shows the order's last follow-up (result, satisfaction, when)
    await page.keyboard.press('Alt+S');
    await page.getByRole('textbox', { name: '来电号码', exact: true }).fill('13905371234');
    await page.getByRole('region', { name: '来电历史' }).getByText(/回访：接通 · 满意 · \d{4}-\d{2}-\d{2}/).waitFor();
    expect(errors).toEqual([]);
  }, 240_000);
});
