/**
 * 重复件 end to end (issue 7 §4, §7) in Chromium against the real central server: a caller whose
 * order is open (dispatched to 市住建局) calls again; while the number is typed the region 可能重复
 * proposes that order without taking the focus or the typed text; the intake screen with the
 * region shown passes axe; one key (Alt+L) links the call; after the sync the order's 流转记录 on
 * the server — as the unit sees it — shows the call (link_call), and no new order waits in 待派单.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { launchBrowser, saveScreenshot } from './browser';
import { callHarness } from './harness';
import { logDispatchCase, signInDesk, startFloor, SUPERVISOR, UNITS, type Floor, type Loose, syncUntil } from './orders-floor';

let floor: Floor;
let browser: Browser;
let page: Page;
const errors: string[] = [];
const PHONE = '13905371234';
/** set by the first test: the order and the linked repeat call's case */
let linkedOrder = '';
let repeatCase = '';

const statusLine = () => page.locator('.status-line[role="status"]');
const activeId = () => page.evaluate(() => document.activeElement?.id ?? '');


/** Types `text` into the open picker and takes its highlighted option with Enter. */
async function pick(text: string): Promise<void> {
  const from = await activeId();
  await page.keyboard.type(text);
  const options = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
  await options.and(page.locator('.ant-select-item-option-active')).first().waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.keyboard.press('Enter');
  await expect.poll(activeId).not.toBe(from);
}

beforeAll(async () => {
  floor = await startFloor();
  browser = await launchBrowser();
  page = await signInDesk(browser, floor.harness.url, errors);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await floor?.stop();
});

describe('a repeat call', () => {
  it('可能重复 proposes the caller’s open order while typing; Alt+L links the call; the order’s history shows it, no new order', async () => {
    const sup = await floor.login(SUPERVISOR);
    const first = await logDispatchCase(floor.harness.url, '工地夜间施工噪音扰民，已持续一周');
    // the case reaches the server; the supervisor dispatches it to 市住建局
    let orderId = '';
    await syncUntil(page, async () => {
      const q = (await floor.api('GET', '/api/orders?queue=pending_dispatch&limit=500', undefined, sup)) as Loose;
      orderId = q.orders.find((o: Loose) => o.summary.startsWith('工地夜间施工噪音扰民'))?.id ?? '';
      return orderId !== '';
    });
    await floor.api('POST', `/api/orders/${orderId}/actions`, { action: 'dispatch', args: { leadUnitId: 'ZJJ' }, expectedVersion: 0 }, sup);
    const officialNo = (await floor.api('GET', `/api/orders/${orderId}`, undefined, sup)).summary.officialNo as string;
    // the workstation pulls the dispatched order
    await syncUntil(page, async () => {
      const r = (await callHarness(floor.harness.url, 'repeat.propose', { phone: PHONE })) as Loose;
      return r.proposal?.orderId === orderId && r.proposal.state === 'pending_sign';
    });
    const pendingBefore = (await floor.api('GET', '/api/orders?queue=pending_dispatch&limit=500', undefined, sup)).total as number;
    expect(first.localNo).toMatch(/^W/);

    // the caller rings again: the operator types the number
    const phone = page.getByRole('textbox', { name: '来电号码', exact: true });
    await phone.focus();
    await page.keyboard.type(PHONE);
    const proposal = page.getByRole('region', { name: '可能重复', exact: true });
    await proposal.waitFor();
    await expect.poll(() => proposal.innerText()).toContain(officialNo);
    const shown = await proposal.innerText();
    for (const text of ['待签收', UNITS.ZJJ.name, '工地夜间施工噪音扰民', '关联 (Alt+L)']) expect(shown).toContain(text);
    // it took neither the focus nor the number
    expect(await activeId()).toBe(await phone.getAttribute('id'));
    expect(await phone.inputValue()).toBe(PHONE);

    // the rest of the call, by keyboard as usual
    await page.keyboard.press('Tab');
    await pick('ts');
    await pick('wy');
    await pick('rc');
    await page.keyboard.type('再次来电：工地夜间仍在施工，噪音没有改善');
    expect(await proposal.isVisible()).toBe(true);

    const violations = await axeViolations(page);
    if (violations.length > 0) await saveScreenshot(page, 'repeat-axe');
    expect(violations).toEqual([]);

    // one key links the call to the order
    await page.keyboard.press('Alt+L');
    await expect.poll(() => statusLine().textContent()).toMatch(new RegExp(`^已作为重复来电受理（W[0-9A-Z]{3,6}-\\d{8}-\\d{4}），已关联工单 ${officialNo}`));
    await proposal.waitFor({ state: 'hidden' });
    expect(await phone.inputValue()).toBe('');

    // after the sync: the order's history on the server shows the call, as the unit sees it
    const unit = await floor.login(UNITS.ZJJ);
    let link: Loose = null;
    await syncUntil(page, async () => {
      const d = (await floor.api('GET', `/api/orders/${orderId}`, undefined, unit)) as Loose;
      link = d.history.find((h: Loose) => h.action === 'link_call') ?? null;
      return link !== null;
    });
    expect(link.details).toMatchObject({ unitId: 'ZJJ', repeatCalls: 1 });
    expect(link.actor.username).toBe(SUPERVISOR.username);
    const detail = (await floor.api('GET', `/api/orders/${orderId}`, undefined, sup)) as Loose;
    expect(detail.order.linkedCaseIds).toEqual([link.details.caseId]);
    linkedOrder = orderId;
    repeatCase = link.details.caseId as string;
    // no new order: 待派单 holds what it held, and the repeat call has no order of its own
    const pending = (await floor.api('GET', '/api/orders?queue=pending_dispatch&limit=500', undefined, sup)) as Loose;
    expect(pending.total).toBe(pendingBefore);
    expect(pending.orders.map((o: Loose) => o.id)).not.toContain(link.details.caseId);
    const own = await fetch(`${floor.server.url}/api/orders/${link.details.caseId}`, { headers: { authorization: `Bearer ${sup}` } });
    expect(own.status).toBe(404);
    expect(errors).toEqual([]);
  }, 240_000);

  it('a supervisor unlinks it (取消关联 in the order’s 流转记录): the call becomes a new order in 待派单', async () => {
    expect(repeatCase).not.toBe('');
    const sup = await floor.login(SUPERVISOR);
    // the link came back with the pull: the case detail of the order shows it with 取消关联
    await page.keyboard.press('Control+k');
    await page.keyboard.type('持续一周');
    await page.keyboard.press('Enter');
    const results = page.getByRole('dialog', { name: /搜索/ });
    const row = results.getByRole('button').filter({ hasText: '持续一周' }).first();
    await row.waitFor();
    await row.click();
    const history = page.getByRole('region', { name: '流转记录' });
    await history.waitFor();
    const unlink = history.getByRole('button', { name: '取消关联', exact: true });
    await unlink.waitFor();
    await unlink.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => statusLine().textContent()).toContain('已取消关联');
    await syncUntil(page, async () => {
      const pending = (await floor.api('GET', '/api/orders?queue=pending_dispatch&limit=500', undefined, sup)) as Loose;
      return pending.orders.some((o: Loose) => o.id === repeatCase);
    });
    const d = (await floor.api('GET', `/api/orders/${linkedOrder}`, undefined, sup)) as Loose;
    expect(d.order.linkedCaseIds).toEqual([]);
    expect(d.history.filter((h: Loose) => h.action === 'unlink_call')).toHaveLength(1);
    expect(errors).toEqual([]);
  }, 120_000);
});
