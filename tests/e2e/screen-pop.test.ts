/**
 * Screen pop from the phone system, end to end: `npm run phone -- --data DIR ring …` reaches the
 * harness through its loopback telephony endpoint; the page fills 来电号码 and shows 来电历史
 * without taking focus; a call that rings during a draft waits in 来电提醒 until 接听 (F2); the
 * case saved during a call shows 来电时间 and 通话时长 in its detail, one typed by hand none.
 */
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, saveScreenshot } from './browser';
import { callHarness, startHarness, type RunningHarness } from './harness';
import { ROOT } from './paths';

let harness: RunningHarness;
let browser: Browser;
let page: Page;

const CALLER = '13905371234';
const phoneField = () => page.getByRole('textbox', { name: '来电号码', exact: true });
const content = () => page.getByRole('textbox', { name: '诉求内容' });
const historyRegion = () => page.getByRole('region', { name: '来电历史' });
const banner = () => page.getByRole('region', { name: '来电提醒' });
const activeId = () => page.evaluate(() => document.activeElement?.id ?? '');

/** The phone system, as a demo would run it. */
function phone(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('npm', ['run', '--silent', 'phone', '--', '--data', harness.dataDir, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function pick(combobox: string, text: string): Promise<void> {
  await page.getByRole('combobox', { name: combobox }).focus();
  await page.keyboard.type(text);
  const options = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
  await options.and(page.locator('.ant-select-item-option-active')).first().waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  harness = await startHarness();
  // the caller has called before: a closed case of last week
  await callHarness(harness.url, 'intake.save', {
    phone: CALLER,
    callerName: '刘女士',
    requestType: 'consult',
    categoryCode: 'C0201',
    regionCode: '370811001',
    content: '咨询小区物业费收费标准',
    handlingMode: 'direct',
    answer: '已告知收费标准',
  });
  browser = await launchBrowser();
  page = (await openApp(browser, harness.url)).page;
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe('screen pop (来电弹屏)', () => {
  it('the command refuses a ring without a valid number, with a reason', () => {
    const noNumber = phone('ring');
    expect(noNumber.status).toBe(2);
    expect(noNumber.stderr).toMatch(/ring needs the caller’s number/);
    const bad = phone('ring', '1390<x>');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/callerNumber/);
  });

  it('ringing fills 来电号码 and shows the caller’s history at once, focus staying where the operator is', async () => {
    await content().focus();
    const before = await activeId();
    const ring = phone('ring', CALLER, '--call-id', 'e2e-call-1');
    expect(ring.status, ring.stderr).toBe(0);
    await expect.poll(() => phoneField().inputValue()).toBe(CALLER);
    await expect.poll(() => historyRegion().getAttribute('data-phone')).toBe(CALLER);
    await expect.poll(() => historyRegion().textContent()).toMatch(/刘女士.*累计来电 1 次/);
    expect(await activeId()).toBe(before);
    expect(await banner().count()).toBe(0);
    await saveScreenshot(page, 'screen-pop-ringing');
  });

  it('answered and ended: the case saved records 来电时间 and 通话时长, shown in its detail', async () => {
    expect(phone('answer').status).toBe(0);
    // the operator notes the call while talking
    await content().focus();
    await page.keyboard.type('反映小区电梯经常停运，希望尽快维修');
    await pick('诉求类型', 'ts');
    await pick('问题分类', 'wy');
    await pick('所属区域', '古槐');
    await page.getByRole('radiogroup', { name: '办理方式' }).getByText('转办').click();
    // a talk of a little over one second
    await page.waitForTimeout(1200);
    expect(phone('end').status).toBe(0);
    await content().focus();
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('.status-line[role="status"]').textContent()).toMatch(/^已受理，工单号 W[0-9A-Z]{3,6}-\d{8}-\d{4}$/);

    await page.keyboard.type(CALLER);
    const open = historyRegion().getByRole('list', { name: '未办结工单 (1)' });
    await expect.poll(() => open.textContent()).toContain('电梯经常停运');
    await page.keyboard.press('Alt+H');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /^工单 W[0-9A-Z]{3,6}-\d{8}-\d{4}$/ });
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toContain('来电时间');
    const text = (await dialog.textContent()) ?? '';
    expect(text).toMatch(/来电时间\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(text).toMatch(/通话时长[1-9]\d*秒 · 接听 \d{2}:\d{2}:\d{2} · 挂断 \d{2}:\d{2}:\d{2}/);
    await saveScreenshot(page, 'screen-pop-case-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // the earlier case was typed by hand: no call times
    const recent = historyRegion().getByRole('list', { name: '近期工单' });
    await recent.getByText('咨询小区物业费收费标准').click();
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toContain('咨询小区物业费收费标准');
    expect(await dialog.textContent()).not.toContain('来电时间');
    expect(await dialog.textContent()).not.toContain('通话时长');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('a call during a draft waits in 来电提醒; nothing typed is lost and focus stays; 接听 (F2) takes it', async () => {
    await phoneField().fill('');
    await content().fill('');
    await content().focus();
    await page.keyboard.type('上一位市民反映路灯不亮');
    expect(phone('ring', '05372345678', '--call-id', 'e2e-call-2').status).toBe(0);

    await banner().waitFor();
    const accept = banner().getByRole('button', { name: '接听', exact: true });
    expect(await accept.textContent()).toContain('F2');
    expect(await banner().textContent()).toContain('新来电 0537-2345678');
    expect(await banner().textContent()).toContain('首次来电');
    // the draft is untouched and the operator keeps typing where they were
    expect(await content().inputValue()).toBe('上一位市民反映路灯不亮');
    expect(await phoneField().inputValue()).toBe('');
    expect(await activeId()).toBe('intake-content');
    await page.keyboard.type('，已两周');
    expect(await content().inputValue()).toBe('上一位市民反映路灯不亮，已两周');
    await saveScreenshot(page, 'screen-pop-banner');

    // F2 is listed with the other shortcuts
    await page.keyboard.press('F1');
    const help = page.getByRole('dialog', { name: '快捷键' });
    await help.waitFor();
    expect(await help.textContent()).toContain('接听来电提醒');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    await content().focus();

    await page.keyboard.press('F2');
    await banner().waitFor({ state: 'detached' });
    // the draft had no number: it gets the caller's, and keeps its text
    expect(await phoneField().inputValue()).toBe('05372345678');
    expect(await content().inputValue()).toBe('上一位市民反映路灯不亮，已两周');
    await expect.poll(() => historyRegion().getAttribute('data-phone')).toBe('05372345678');
  });

  it('接听 over another caller’s draft saves that case first; with errors it keeps both the draft and the waiting call', async () => {
    await phoneField().fill('13800000001');
    await content().focus();
    expect(phone('ring', CALLER, '--call-id', 'e2e-call-3').status).toBe(0);
    await banner().waitFor();
    await page.keyboard.press('F2');
    // 诉求类型 etc. are missing: the draft stays, errors beside the fields, the call still waits
    await expect.poll(() => page.getByText('请选择诉求类型').count()).toBeGreaterThan(0);
    expect(await phoneField().inputValue()).toBe('13800000001');
    expect(await content().inputValue()).toBe('上一位市民反映路灯不亮，已两周');
    expect(await banner().count()).toBe(1);

    await pick('诉求类型', 'ts');
    await pick('问题分类', 'wy');
    await pick('所属区域', '古槐');
    await page.getByRole('radiogroup', { name: '办理方式' }).getByText('转办').click();
    await banner().getByRole('button', { name: '接听', exact: true }).click();
    // saved, then the new call fills the fresh form
    await banner().waitFor({ state: 'detached' });
    await expect.poll(() => phoneField().inputValue()).toBe(CALLER);
    expect(await content().inputValue()).toBe('');
    await expect.poll(() => historyRegion().getAttribute('data-phone')).toBe(CALLER);
    const saved = (await callHarness(harness.url, 'caller.history', { phone: '13800000001' })) as { totalCalls: number };
    expect(saved.totalCalls).toBe(1);
  });
});
