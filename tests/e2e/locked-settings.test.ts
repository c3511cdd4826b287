/**
 * Item 2: settings IT's policy file sets show as locked. The harness starts with a policy file
 * (HOTLINE_POLICY_FILE, honoured in development only) that sets the language and the
 * workstation code: the language switch is disabled and marked 由管理员锁定 (icon and words,
 * tied to the switch by aria-describedby), an operator's stored choice of English does not win,
 * the workstation code is marked too, and the screen passes axe. Without a policy nothing is
 * marked (a11y.test.ts and operator.test.ts switch the language freely).
 *
 * Item 5: 导出诊断信息 in the help dialog (F1) writes the help desk's bundle into the data folder,
 * says where, holds no case content, and the dialog passes axe.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { launchBrowser, openApp } from './browser';
import { startHarness, type RunningHarness } from './harness';
import { logDispatchCase } from './orders-floor';

let harness: RunningHarness;
let browser: Browser;
const policyDir = mkdtempSync(join(tmpdir(), 'hotline-policy-'));

beforeAll(async () => {
  const policyFile = join(policyDir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ locale: 'zh-CN', workstation: 'W777' }));
  harness = await startHarness({ env: { HOTLINE_POLICY_FILE: policyFile } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  rmSync(policyDir, { recursive: true, force: true });
});

describe('settings locked by the policy file', () => {
  it('shows the language and the workstation code as locked, and the language cannot be changed', async () => {
    const { page, errors } = await openApp(browser, harness.url);
    const header = page.locator('header.topbar');
    const notes = header.getByTestId('locked-note');
    await expect.poll(() => notes.count()).toBe(2);
    expect(await notes.allInnerTexts()).toEqual(['由管理员锁定', '由管理员锁定']);
    await expect.poll(() => header.locator('.topbar__who').innerText()).toMatch(/工位 W777\s*由管理员锁定/);

    // the switch keeps its name, is disabled, and says why through aria-describedby
    const language = page.getByLabel('界面语言', { exact: true });
    expect(await language.getAttribute('aria-disabled')).toBe('true');
    const describedBy = await language.getAttribute('aria-describedby');
    expect(describedBy).toBeTruthy();
    expect(await page.locator(`#${describedBy}`).innerText()).toBe('由管理员锁定');
    expect(await page.locator(`#${describedBy}`).getAttribute('title')).toContain('策略文件');

    // clicking English, or an English choice stored before IT locked the language, changes nothing
    await page.getByText('English', { exact: true }).click({ force: true });
    await page.waitForTimeout(300);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByRole('textbox', { name: '来电号码', exact: true }).count()).toBe(1);
    await page.evaluate(() => localStorage.setItem('hotline.lang', 'en'));
    await page.reload();
    await page.getByRole('textbox', { name: '来电号码', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('导出诊断信息 writes the bundle into the data folder and says where, without case content', async () => {
    await logDispatchCase(harness.url, '诊断导出测试：小区路灯不亮');
    const { page, errors } = await openApp(browser, harness.url);
    await page.keyboard.press('F1');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '导出诊断信息' }).click();
    const status = dialog.getByRole('status');
    await expect.poll(() => status.innerText()).toMatch(/^诊断信息已保存到 .*diagnostics-\d{8}T\d{6}Z\.json$/);
    const shown = (await status.innerText()).replace('诊断信息已保存到 ', '');
    const files = readdirSync(join(harness.dataDir, 'diagnostics'));
    expect(files).toHaveLength(1);
    expect(shown).toBe(join(harness.dataDir, 'diagnostics', files[0]!));
    const text = readFileSync(shown, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ kind: 'hotline-desk/diagnostics@1', config: { workstation: 'W777' }, store: { integrity: ['ok'] } });
    expect(text).not.toContain('路灯不亮');
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
