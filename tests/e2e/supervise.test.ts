/**
 * 催办 and 督办 from the desktop (issue 7 §2): a supervisor opens a dispatched order's case detail,
 * reminds the unit (催办) and puts the order under 督办 重点 with its own 督办时限; the server has both
 * steps in the order's history, the unit's queue lists the supervised order first, and the
 * unit sees the flags.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { launchBrowser } from './browser';
import { callHarness } from './harness';
import { logDispatchCase, signInDesk, startFloor, SUPERVISOR, UNITS, type Floor, type Loose, syncUntil } from './orders-floor';


let floor: Floor;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  floor = await startFloor();
  browser = await launchBrowser();
  page = await signInDesk(browser, floor.harness.url, errors, SUPERVISOR);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await floor?.stop();
});


describe('催办 and 督办', () => {
  it('a supervisor reminds the unit and puts the order under 督办 重点 from the case detail; the unit sees it first', async () => {
    // an ordinary order at the same unit first: without 督办 it would head the unit's queue
    const plain = '普通流程：楼道灯不亮';
    await logDispatchCase(floor.harness.url, `${plain}，请物业维修。`);
    const marker = '督办流程：小区垃圾清运不及时';
    const c = await logDispatchCase(floor.harness.url, `${marker}，已经三天没人清运。`);
    const sup = await floor.login(SUPERVISOR);
    const ids: Record<string, string> = {};
    await syncUntil(page, async () => {
      const q = await floor.api('GET', '/api/orders?queue=pending_dispatch&limit=500', undefined, sup);
      for (const m of [plain, marker]) ids[m] = q.orders.find((o: Loose) => String(o.summary).includes(m))?.id ?? '';
      return ids[plain] !== '' && ids[marker] !== '';
    });
    const id = ids[marker]!;
    for (const m of [plain, marker]) {
      await floor.api('POST', `/api/orders/${ids[m]}/actions`, { action: 'dispatch', args: { leadUnitId: 'RC', note: '' }, expectedVersion: 0 }, sup);
    }
    const before = await floor.api('GET', '/api/orders?queue=pending_sign&limit=50', undefined, await floor.login(UNITS.RC));
    expect(before.orders.map((o: Loose) => o.id)).toEqual([ids[plain], id]);
    await syncUntil(page, async () => ((await callHarness(floor.harness.url, 'orders.get', { caseId: c.id })) as Loose)?.summary.state === 'pending_sign');

    // the case detail, through search
    await page.keyboard.press('Control+k');
    await page.keyboard.type(marker);
    await page.keyboard.press('Enter');
    const row = page.getByRole('dialog', { name: /搜索/ }).getByRole('button').filter({ hasText: marker }).first();
    await row.waitFor();
    await row.click();
    const detail = page.getByRole('dialog').filter({ has: page.getByRole('region', { name: '流转记录' }) });
    await detail.getByRole('button', { name: '催办' }).click();
    await detail.getByRole('button', { name: '督办', exact: true }).click();
    const form = detail.getByRole('group', { name: '督办' });
    await form.getByRole('radio', { name: '重点' }).check();
    await form.getByRole('spinbutton', { name: /督办时限/ }).fill('3');
    await form.getByRole('textbox', { name: '督办意见' }).fill('领导批示，三个工作日内办结');
    expect(await axeViolations(page)).toEqual([]);
    await form.getByRole('button', { name: '督办', exact: true }).click();

    // both steps reach the server, in the order's history
    await syncUntil(page, async () => {
      const o = await floor.api('GET', `/api/orders/${id}`, undefined, sup);
      return o.history.some((h: Loose) => h.action === 'supervise');
    });
    const o = await floor.api('GET', `/api/orders/${id}`, undefined, sup);
    expect(o.history.map((h: Loose) => h.action)).toEqual(['dispatch', 'remind', 'supervise']);
    expect(o.order).toMatchObject({ reminders: { count: 1 }, supervision: { level: 'key', note: '领导批示，三个工作日内办结' } });

    // the unit's 待签收 lists the supervised order first
    const unit = await floor.login(UNITS.RC);
    const q = await floor.api('GET', '/api/orders?queue=pending_sign&limit=50', undefined, unit);
    expect(q.orders.map((x: Loose) => x.id)).toEqual([id, ids[plain]]);
    expect(q.orders[0]).toMatchObject({ supervision: 'key', reminders: 1 });
    expect(errors).toEqual([]);
  });
});
