/**
 * 统计分析 on a workstation with a central server: a supervisor reaches it with Alt+T, sees
 * 核心指标 / 热点问题 / 单位考核 with the cases just logged, opens the orders behind a number,
 * sorts the unit ranking, saves 导出Excel (one sheet per table and 指标说明) and prints 打印月报
 * (Chromium's print to PDF of the same page); every state passes axe (WCAG 2 AA).
 */
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { launchBrowser } from './browser';
import { logDispatchCase, signInDesk, startFloor, SUPERVISOR, type Floor } from './orders-floor';

let browser: Browser;
let floor: Floor;

beforeAll(async () => {
  browser = await launchBrowser();
  floor = await startFloor();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await floor?.stop();
});

describe('统计分析 (supervisor)', () => {
  it('shows the report of the cases logged, opens the orders behind a number, exports Excel and prints the monthly report', async () => {
    const errors: string[] = [];
    const page = await signInDesk(browser, floor.harness.url, errors);
    for (const content of ['统计检查：小区楼下夜间施工噪音扰民。', '统计检查：工地夜间施工噪音。', '统计检查：建筑工地凌晨施工。']) {
      await logDispatchCase(floor.harness.url, content);
    }
    // the cases reach the server with the workstation's next sync
    const token = await floor.login(SUPERVISOR);
    const now = new Date(Date.now() + 8 * 3600_000).toISOString();
    const month = { from: `${now.slice(0, 7)}-01`, to: now.slice(0, 10) };
    await expect
      .poll(async () => {
        await page.keyboard.press('F5');
        const s = await floor.api('GET', `/api/reports/summary?from=${month.from}&to=${month.to}`, undefined, token);
        return s.indicators.received as number;
      }, { timeout: 60_000, interval: 1_000 })
      .toBe(3);

    await page.keyboard.press('Alt+T');
    const core = page.getByRole('region', { name: '核心指标', exact: true });
    await core.waitFor();
    await page.getByRole('button', { name: '查询' }).click();
    const received = core.getByRole('button', { name: '受理来话来信：3 件，查看工单' });
    await received.waitFor();
    await page.getByRole('region', { name: '热点问题', exact: true }).waitFor();
    const units = page.getByRole('region', { name: '单位考核', exact: true });
    await units.waitFor();
    expect(await page.locator('.reports__chart svg').count()).toBeGreaterThanOrEqual(3);
    expect(await axeViolations(page)).toEqual([]);

    // the orders behind the number
    await received.click();
    const dialog = page.getByRole('dialog', { name: /受理来话来信（共 3 件）/ });
    await dialog.getByRole('row').filter({ hasText: '统计检查' }).nth(2).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // 单位考核 sorts by a column, with the keyboard
    const overdue = units.getByRole('button', { name: '按“超期”排序' });
    await overdue.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => units.locator('th[aria-sort="descending"]').textContent()).toContain('超期');

    // 导出Excel: the server's workbook as a download
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出Excel' }).click()]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await (await import('node:fs/promises')).readFile((await download.path())!)) as unknown as ArrayBuffer);
    const names = book.worksheets.map((w) => w.name);
    for (const n of ['核心指标', '来源渠道', '热点问题', '分类统计', '区域统计', '单位考核', '指标说明']) expect(names).toContain(n);
    const coreSheet = book.getWorksheet('核心指标')!;
    const row = coreSheet.getRows(1, coreSheet.rowCount)!.find((r) => r.getCell(1).value === '受理来话来信');
    expect(row?.getCell(2).value).toBe(3);
    expect(book.getWorksheet('指标说明')!.rowCount).toBeGreaterThan(10);

    // 打印月报: in a browser the page prints itself; Chromium's print to PDF of that page
    await page.evaluate(() => {
      // headless: nothing to show a print dialog in; remember that the page asked to print
      window.print = () => {
        (window as unknown as { printed: boolean }).printed = true;
      };
    });
    await page.getByRole('button', { name: '打印月报' }).click();
    // the screen takes its print class off right after window.print() returns: put it back after that
    await page.waitForFunction(() => (window as unknown as { printed?: boolean }).printed === true);
    await page.evaluate(() => document.body.classList.add('printing-report'));
    await page.emulateMedia({ media: 'print' });
    await page.locator('.report-print h1').filter({ hasText: '运行情况通报' }).waitFor();
    expect(await page.locator('.report-print').textContent()).toContain('生成有效办理单 3 件');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    expect(pdf.length).toBeGreaterThan(10_000);
    await page.emulateMedia({ media: 'screen' });
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('is not offered to an operator', async () => {
    const token = await floor.login({ username: 'admin', password: 'admin-password-1' });
    await floor.api('POST', '/api/accounts', { username: 'op77', displayName: '话务员', role: 'operator', password: 'op77-password-1' }, token);
    await floor.api('GET', '/api/reports/summary?from=2019-09-30&to=2019-09-01', undefined, token).then(
      () => expect.unreachable('a reversed period is refused'),
      (e: Error) => expect(e.message).toMatch(/400/),
    );
    const op = await floor.login({ username: 'op77', password: 'op77-password-1' });
    await floor.api('GET', '/api/reports/summary?from=2019-09-01&to=2019-09-30', undefined, op).then(
      () => expect.unreachable('an operator is refused'),
      (e: Error) => expect(e.message).toMatch(/403/),
    );
  });
});
