/**
 * 搜索 through the real renderer and store: case numbers, phone numbers and their last digits,
 * names, addresses and two-character Chinese words find cases; hostile input gets results or a
 * plain message, never a raw error; a result opens the case with all its contacts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, saveScreenshot, type AppPage } from './browser';
import { callHarness, startHarness, type RunningHarness } from './harness';

let harness: RunningHarness;
let browser: Browser;
let app: AppPage;
let page: Page;
let savedNo = '';

const drawer = () => page.getByRole('dialog', { name: /^搜索/ });

/** Runs a query from the keyboard (Ctrl+K, type, Enter) and returns what the drawer says. */
async function search(q: string): Promise<string> {
  await page.keyboard.press('Control+k');
  await page.getByRole('searchbox', { name: '搜索' }).fill(q);
  await page.keyboard.press('Enter');
  const body = drawer().getByRole('region', { name: '搜索结果' });
  await expect.poll(() => body.getAttribute('aria-busy'), { timeout: 10_000 }).toBe('false');
  return (await body.textContent()) ?? '';
}

async function closeDrawer(): Promise<void> {
  await page.keyboard.press('Escape');
  await drawer().waitFor({ state: 'hidden' });
}

beforeAll(async () => {
  harness = await startHarness();
  const base = {
    channel: 'hotline',
    requestType: 'complaint',
    categoryCode: 'C0201',
    regionCode: '370811001',
    urgency: 'normal',
    handlingMode: 'dispatch',
    answer: '',
    confidential: false,
  };
  const first = (await callHarness(harness.url, 'intake.save', {
    ...base,
    phone: '13905378888',
    callerName: '孙丽',
    address: '太白湖新区凤凰城 5 号楼',
    content: '物业拖延维修电梯，老人上下楼困难',
  })) as { localNo: string };
  savedNo = first.localNo;
  // the same caller again: one case per call here, both listed under the number
  await callHarness(harness.url, 'intake.save', {
    ...base,
    phone: '0086 139 0537 8888',
    callerName: '孙丽',
    address: '太白湖新区凤凰城 5 号楼',
    content: '电梯仍未修好，再次反映',
  });
  await callHarness(harness.url, 'intake.save', {
    ...base,
    phone: '05372345678',
    callerName: '周建国',
    requestType: 'suggestion',
    categoryCode: 'C0305',
    address: '任城区建设路',
    content: '建议在建设路增设停车位',
  });
  browser = await launchBrowser();
  app = await openApp(browser, harness.url);
  page = app.page;
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe('search finds cases', () => {
  it.each([
    ['a two-character Chinese word of the content', '电梯', ['物业拖延维修电梯', '电梯仍未修好'], '停车位'],
    ['the last four digits of the number', '8888', ['物业拖延维修电梯', '电梯仍未修好'], '停车位'],
    ['a full number in another spelling', '+86 139-0537-8888', ['物业拖延维修电梯', '电梯仍未修好'], '停车位'],
    ['the caller name', '周建国', ['建议在建设路增设停车位'], '电梯'],
    ['words of the address', '凤凰城', ['物业拖延维修电梯'], '停车位'],
  ])('by %s', async (_what, q, expected, unrelated) => {
    const text = await search(q);
    for (const e of expected) expect(text).toContain(e);
    expect(text).not.toContain(unrelated);
    await closeDrawer();
  });

  it('by case number, and Enter on the result opens the case with all its contacts', async () => {
    const text = await search(savedNo);
    expect(text).toContain('物业拖延维修电梯');
    // the first result has focus: Enter opens it (results that arrive before the drawer's opening
    // animation ends get it back one frame after the animation, so wait for it, briefly)
    await expect.poll(() => page.evaluate(() => document.activeElement?.className ?? ''), { timeout: 2_000 }).toContain('case-row');
    await saveScreenshot(page, 'search-results');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `工单 ${savedNo}` });
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toContain('全部来电 (1)');
    const detail = (await dialog.textContent()) ?? '';
    for (const e of ['物业拖延维修电梯，老人上下楼困难', '孙丽', '139 0537 8888', '物业管理', '待派单']) {
      expect(detail).toContain(e);
    }
    await saveScreenshot(page, 'case-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await closeDrawer();
  });

  it('Ctrl+K and F3 select the previous query, so typing replaces it', async () => {
    const field = page.getByRole('searchbox', { name: '搜索' });
    await search('凤凰城');
    await closeDrawer();
    for (const key of ['Control+k', 'F3']) {
      await page.keyboard.press('Alt+N');
      await page.keyboard.press(key);
      await page.keyboard.type('周建国');
      expect(await field.inputValue()).toBe('周建国');
    }
    await page.keyboard.press('Enter');
    const body = drawer().getByRole('region', { name: '搜索结果' });
    await expect.poll(() => body.getAttribute('aria-busy'), { timeout: 10_000 }).toBe('false');
    expect(await body.textContent()).toContain('建议在建设路增设停车位');
    await closeDrawer();
  });

  it('says plainly when nothing matches, when the query is too short and when it is empty', async () => {
    expect(await search('火星移民')).toContain('没有找到匹配的工单。');
    await closeDrawer();
    expect(await search('电')).toContain('搜索内容太短');
    await closeDrawer();
    expect(await search('   ')).toContain('请输入要搜索的内容。');
    await closeDrawer();
  });
});

describe('hostile search input', () => {
  const HOSTILE: Array<[string, string]> = [
    ['a lone double quote', '"'],
    ['unbalanced quotes', '"电梯 \'物业'],
    ['a star', '*'],
    ['a prefix star', '电梯*'],
    ['an FTS5 NEAR group', 'NEAR(电梯 物业, 2)'],
    ['an unclosed NEAR', 'NEAR('],
    ['FTS5 operators', '电梯 AND OR NOT -物业 ^凤凰 {content}: x'],
    ['SQL injection', "'; DROP TABLE cases; --"],
    ['SQL in a LIKE pattern', "%' OR '1'='1"],
    ['10 KB of text', '电梯'.repeat(5 * 1024)],
    ['emoji', '🔥🏠 电梯 👍🏽'],
    ['control characters', 'a\u0000b\u0007c\u001b[31m电梯\u007f'],
    ['lone surrogates and RTL marks', '\ud800电梯\u202e\u200b'],
    ['only punctuation', '!!!???。。。'],
  ];

  it.each(HOSTILE)('%s gives results or a plain message', async (_what, q) => {
    const text = await search(q);
    const plain =
      /找到 \d+ 条/.test(text) ||
      ['没有找到匹配的工单。', '搜索内容太短', '请输入要搜索的内容。', '搜索内容过长'].some((m) => text.includes(m));
    expect(plain, `drawer said: ${text.slice(0, 200)}`).toBe(true);
    // never an error's own words, and never the store failing underneath
    expect(text).not.toMatch(/error|exception|sqlite|fts5|syntax|undefined|null|暂时不可用/i);
    await closeDrawer();
  });

  it('left no error in the page', () => {
    expect(app.errors).toEqual([]);
  });
});
