/**
 * The operator's path through the real renderer, harness and SQLite store, keyboard only:
 * log a call, see a repeat caller, get errors in Chinese beside the field, clear with Esc,
 * F1 help, the English switch, and a draft that survives a reload and a killed process.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, saveScreenshot, type AppPage } from './browser';
import { callHarness, startHarness, type RunningHarness } from './harness';

let harness: RunningHarness;
let browser: Browser;
let app: AppPage;
let page: Page;

const CASE_NO = /W[0-9A-Z]{3,6}-\d{8}-\d{4}/;

const phoneField = () => page.getByRole('textbox', { name: '来电号码', exact: true });
const statusLine = () => page.locator('.status-line[role="status"]');
const historyRegion = () => page.getByRole('region', { name: '来电历史' });
/** the form row (label, control, error) that holds a control */
const fieldRow = (control: Locator) => page.locator('.ant-form-item', { has: control });
const activeId = () => page.evaluate(() => document.activeElement?.id ?? '');

/** the confirm's clear button, which has focus once the confirm has opened */
const CLEAR_BUTTON = '清空';

/**
 * Picks in a searchable picker the way an operator does: type, then Enter on the best match,
 * which moves on to the next field. `type` sends the typed keys (the counting test counts them).
 */
async function pick(text: string, expectedOption?: string, type = (t: string) => page.keyboard.type(t), enter = () => page.keyboard.press('Enter')): Promise<void> {
  const from = await activeId();
  await type(text);
  const options = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
  if (expectedOption) {
    await expect.poll(() => options.first().getAttribute('title')).toBe(expectedOption);
  }
  // Enter before the filtered list is open would pick nothing: wait for its highlighted entry
  await options.and(page.locator('.ant-select-item-option-active')).first().waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await enter();
  await expect.poll(activeId).not.toBe(from);
}

interface Call {
  phone: string;
  name: string;
  type: string;
  category: string;
  region: string;
  address: string;
  content: string;
  /** arrow presses in 紧急程度 (0 = 一般) */
  urgencySteps: number;
  /** the answer of a 咨询 call (办理方式 is then preset to 直接答复); 投诉 and the like are preset to 转办 */
  answer?: string;
}

/**
 * Logs a call with the keyboard alone, starting in 来电号码, in the form's order: number, type,
 * category, region (each picker's Enter moves on), content; then 紧急程度 (Alt+J), the answer
 * (Tab past 紧急程度 and the preset 办理方式), 来电人 (Alt+R) and 详细地址 (Alt+A) when given.
 */
async function logCall(call: Call): Promise<void> {
  const kb = page.keyboard;
  expect(await activeId()).toBe('intake-phone');
  await kb.type(call.phone);
  await kb.press('Tab');
  await pick(call.type);
  await pick(call.category);
  await pick(call.region);
  expect(await activeId()).toBe('intake-content');
  await kb.type(call.content);
  if (call.urgencySteps > 0) {
    await kb.press('Alt+J');
    for (let i = 0; i < call.urgencySteps; i++) await kb.press('ArrowRight');
  }
  if (call.answer !== undefined) {
    // from 诉求内容 or 紧急程度, past the preset 办理方式 to 答复内容
    if (call.urgencySteps === 0) await kb.press('Tab');
    await kb.press('Tab');
    await kb.press('Tab');
    expect(await activeId()).toBe('intake-answer');
    await kb.type(call.answer);
  }
  if (call.name) {
    await kb.press('Alt+R');
    await kb.type(call.name);
  }
  if (call.address) {
    await kb.press('Alt+A');
    await kb.type(call.address);
  }
  await kb.press('Control+Enter');
}

/** Back to an empty form whatever the previous test left (Esc, confirm with Enter). */
async function startFresh(): Promise<void> {
  await page.keyboard.press('Alt+N');
  // the form marks itself blank or not: only a form with text asks before clearing
  const blank =
    (await page.locator('#intake-form').getAttribute('data-blank')) !== 'false' && (await phoneField().inputValue()) === '';
  await page.keyboard.press('Escape');
  if (!blank) {
    const confirm = page.getByRole('dialog', { name: '清空当前受理？' });
    await confirm.waitFor({ state: 'visible' });
    // the confirm focuses its clear button once it has opened; Enter before that would not clear
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? '')).toBe(CLEAR_BUTTON);
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'hidden' });
  }
  await expect.poll(activeId).toBe('intake-phone');
  await expect.poll(() => phoneField().inputValue()).toBe('');
}

beforeAll(async () => {
  harness = await startHarness();
  browser = await launchBrowser();
  app = await openApp(browser, harness.url);
  page = app.page;
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

describe('intake by keyboard', () => {
  it('starts in 来电号码 and logs a call with the keyboard alone; the status shows the case number', async () => {
    expect(await activeId()).toBe('intake-phone');
    await saveScreenshot(page, 'intake-empty');

    await logCall({
      phone: '13805371234',
      name: '王先生',
      type: 'ts',
      category: 'wy',
      region: '古槐',
      address: '古槐路 12 号 3 单元',
      content: '小区物业不处理楼道漏水问题，已经两周了',
      urgencySteps: 1,
    });

    await expect.poll(() => statusLine().textContent()).toMatch(/^已受理，工单号 W[0-9A-Z]{3,6}-\d{8}-\d{4}$/);
    expect(await activeId()).toBe('intake-phone');
    expect(await phoneField().inputValue()).toBe('');
    expect(await page.getByRole('textbox', { name: '诉求内容' }).inputValue()).toBe('');
  });

  it('typing wy in 问题分类 offers 物业管理 with its path first', async () => {
    await page.getByRole('combobox', { name: '问题分类' }).focus();
    await page.keyboard.type('wy');
    const first = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').first();
    await expect.poll(() => first.getAttribute('title')).toBe('住房保障与物业管理 / 物业管理');
    await page.keyboard.press('Escape');
    await startFresh();
  });

  it('a repeat caller sees the earlier call in 来电历史, open orders first, and opens it with Enter', async () => {
    // the same line spelled differently: history must still find it
    await logCall({
      phone: '138-0537-1234',
      name: '王先生',
      type: 'zx',
      category: '供暖',
      region: 'rc',
      address: '古槐路 12 号',
      content: '咨询今年供暖开始的时间',
      urgencySteps: 0,
      answer: '11 月 15 日开始供暖',
    });
    await expect.poll(() => statusLine().textContent()).toMatch(CASE_NO);

    await page.keyboard.type('+86 138 0537 1234');
    const region = historyRegion();
    await expect.poll(() => region.getAttribute('data-phone')).toBe('13805371234');
    await expect.poll(() => region.textContent()).toContain('累计来电 2 次 · 近 30 天 2 次');
    const open = region.getByRole('list', { name: '未办结工单 (1)' });
    await expect.poll(() => open.textContent()).toContain('小区物业不处理楼道漏水问题');
    expect(await open.textContent()).toContain('待派单');
    const recent = region.getByRole('list', { name: '近期工单' });
    expect(await recent.textContent()).toContain('咨询今年供暖开始的时间');
    expect(await recent.textContent()).toContain('已办结');
    await saveScreenshot(page, 'intake-repeat-caller');

    await page.keyboard.press('Alt+H');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /^工单 W[0-9A-Z]{3,6}-\d{8}-\d{4}$/ });
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toContain('全部来电 (1)');
    const text = (await dialog.textContent()) ?? '';
    for (const expected of ['小区物业不处理楼道漏水问题', '物业管理', '紧急', '转办', '古槐街道', '古槐路 12 号 3 单元', '王先生']) {
      expect(text).toContain(expected);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await startFresh();
  });
});

describe('a routine call by keyboard', () => {
  it('a routine 转办 call takes at most 12 keys besides the caller\'s words, and saves the right case', async () => {
    await startFresh();
    const kb = page.keyboard;
    /** every key that is not the caller's words (the number's digits, the content) */
    const keys: string[] = [];
    const press = async (key: string) => {
      keys.push(key);
      await kb.press(key);
    };
    const typeKeys = async (text: string) => {
      for (const ch of text) await press(ch);
    };
    const content = '小区门口路灯不亮已经一周，晚上出行不便';

    await kb.type('13805379876'); // the caller's words
    await press('Tab');
    await pick('ts', '投诉', typeKeys, () => press('Enter'));
    await pick('wy', '住房保障与物业管理 / 物业管理', typeKeys, () => press('Enter'));
    await pick('rc', undefined, typeKeys, () => press('Enter'));
    expect(await activeId()).toBe('intake-content');
    await kb.type(content); // the caller's words
    // 转办 is preset from 投诉; 紧急程度 keeps 一般
    expect(await page.getByRole('radio', { name: '转办' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: '一般' }).isChecked()).toBe(true);
    await press('Control+Enter');

    await expect.poll(() => statusLine().textContent()).toMatch(/^已受理，工单号 W[0-9A-Z]{3,6}-\d{8}-\d{4}$/);
    expect(keys).toEqual(['Tab', 't', 's', 'Enter', 'w', 'y', 'Enter', 'r', 'c', 'Enter', 'Control+Enter']);
    expect(keys.length).toBeLessThanOrEqual(12);
    console.log(`routine 转办 call: ${keys.length} keys besides the caller's words: ${keys.join(' ')}`);

    const localNo = /W[0-9A-Z]{3,6}-\d{8}-\d{4}/.exec((await statusLine().textContent()) ?? '')![0];
    const found = (await callHarness(harness.url, 'search.query', { q: localNo, limit: 5 })) as {
      results: Array<Record<string, unknown>>;
    };
    expect(found.results).toHaveLength(1);
    expect(found.results[0]).toMatchObject({
      phone: '13805379876',
      requestType: 'complaint',
      categoryName: '物业管理',
      regionName: '任城区',
      handlingMode: 'dispatch',
      urgency: 'normal',
      callerName: '',
      address: '',
      summary: content,
    });
    expect(await activeId()).toBe('intake-phone');
  });

  it('a known caller\'s name and last address are offered, announced, and taken with →; typed text is never replaced', async () => {
    // 13805371234 called before (the first tests): 王先生, 古槐路 12 号 (the newest case with an address)
    await startFresh();
    await page.keyboard.type('13805371234');
    await expect.poll(() => historyRegion().getAttribute('data-phone')).toBe('13805371234');
    const name = page.getByRole('textbox', { name: '来电人' });
    const address = page.getByRole('textbox', { name: '详细地址' });
    await page.keyboard.press('Alt+R');
    expect(await activeId()).toBe('intake-callerName');
    expect(await name.getAttribute('placeholder')).toBe('王先生');
    expect(await name.getAttribute('aria-keyshortcuts')).toBe('Alt+R');
    // the offer is part of the field's description, so a screen reader announces it
    const hintId = (await name.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`#${hintId}`).textContent()).toBe('按 → 采用来电历史中的：王先生');
    await page.keyboard.press('ArrowRight');
    expect(await name.inputValue()).toBe('王先生');
    expect(await name.getAttribute('aria-describedby')).toBeNull();

    await page.keyboard.press('Alt+A');
    expect(await address.getAttribute('placeholder')).toBe('古槐路 12 号');
    await page.keyboard.type('建设路');
    // with text in the field there is no offer, and → only moves the caret
    expect(await address.getAttribute('placeholder')).toBeNull();
    await page.keyboard.press('ArrowRight');
    expect(await address.inputValue()).toBe('建设路');

    // an unknown number offers nothing
    await startFresh();
    await page.keyboard.type('13912340000');
    await expect.poll(() => historyRegion().getAttribute('data-phone')).toBe('13912340000');
    await page.keyboard.press('Alt+R');
    expect(await name.getAttribute('placeholder')).toBeNull();
    await page.keyboard.press('ArrowRight');
    expect(await name.inputValue()).toBe('');
    await startFresh();
  });

  it('办理方式 follows 诉求类型 until the operator chooses it', async () => {
    await startFresh();
    const direct = page.getByRole('radio', { name: '直接答复' });
    const dispatch = page.getByRole('radio', { name: '转办' });
    await page.keyboard.type('13905370001');
    await page.keyboard.press('Tab');
    await pick('zx', '咨询');
    expect(await direct.isChecked()).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await pick('ts', '投诉');
    expect(await dispatch.isChecked()).toBe(true);
    // chosen by hand: a later 诉求类型 leaves it
    await direct.focus();
    await page.keyboard.press('Space');
    expect(await direct.isChecked()).toBe(true);
    await page.getByRole('combobox', { name: '诉求类型' }).focus();
    await pick('jb', '举报');
    expect(await direct.isChecked()).toBe(true);
    await startFresh();
  });
});

describe('validation', () => {
  it('shows errors in Chinese beside each field and keeps everything typed', async () => {
    await page.keyboard.type('138abc');
    await page.getByRole('textbox', { name: '诉求内容' }).fill('漏水');
    await page.getByRole('radiogroup', { name: '办理方式' }).getByText('直接答复').click();
    await page.getByRole('textbox', { name: '诉求内容' }).focus();
    await page.keyboard.press('Control+Enter');

    const expectations: Array<[Locator, string]> = [
      [phoneField(), '号码格式不正确'],
      [page.getByRole('combobox', { name: '诉求类型' }), '请选择诉求类型'],
      [page.getByRole('combobox', { name: '问题分类' }), '请选择问题分类'],
      [page.getByRole('combobox', { name: '所属区域' }), '请选择所属区域'],
      [page.getByRole('textbox', { name: '诉求内容' }), '诉求内容至少 5 个字'],
      [page.getByRole('textbox', { name: '答复内容' }), '请输入答复内容'],
    ];
    for (const [control, message] of expectations) {
      await expect.poll(() => fieldRow(control).textContent()).toContain(message);
      expect(await control.getAttribute('aria-invalid')).toBe('true');
    }
    await expect.poll(() => statusLine().textContent()).toBe('有 6 项需要修改，请查看标红的字段。');
    expect(await historyRegion().textContent()).toContain('这不是有效的电话号码。');
    // focus goes to the first field to fix; nothing typed was lost
    expect(await activeId()).toBe('intake-phone');
    expect(await phoneField().inputValue()).toBe('138abc');
    expect(await page.getByRole('textbox', { name: '诉求内容' }).inputValue()).toBe('漏水');
    await saveScreenshot(page, 'intake-field-errors');

    // fixing a field clears its error as it is typed
    await phoneField().fill('13805371234');
    await expect.poll(() => fieldRow(phoneField()).textContent()).not.toContain('号码格式不正确');
    await startFresh();
  });
});

describe('shortcuts', () => {
  it('Esc asks before clearing typed text: Esc again keeps it, Enter clears and returns to 来电号码', async () => {
    await page.keyboard.type('13900001111');
    await page.keyboard.press('Alt+R');
    await page.keyboard.type('赵女士');
    await page.keyboard.press('Escape');
    const confirm = page.getByRole('dialog', { name: '清空当前受理？' });
    await confirm.waitFor();
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    expect(await phoneField().inputValue()).toBe('13900001111');
    expect(await page.getByRole('textbox', { name: '来电人' }).inputValue()).toBe('赵女士');

    await page.keyboard.press('Escape');
    await confirm.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? '')).toBe(CLEAR_BUTTON);
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(activeId).toBe('intake-phone');
    expect(await phoneField().inputValue()).toBe('');
    expect(await page.getByRole('textbox', { name: '来电人' }).inputValue()).toBe('');
  });

  it('F1 lists every shortcut', async () => {
    await page.keyboard.press('F1');
    const help = page.getByRole('dialog', { name: '快捷键' });
    await help.waitFor();
    const text = (await help.textContent()) ?? '';
    for (const key of ['F1', 'Ctrl+Enter', 'Esc', 'Ctrl+K / F3', 'Alt+H', 'Alt+N', 'Alt+R', 'Alt+A', 'Alt+J', 'Tab']) expect(text).toContain(key);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  });

  it('Ctrl+K and F3 jump to 搜索', async () => {
    await page.keyboard.press('Control+k');
    expect(await activeId()).toBe('global-search');
    await page.keyboard.press('Alt+N');
    expect(await activeId()).toBe('intake-phone');
    await page.keyboard.press('F3');
    expect(await activeId()).toBe('global-search');
    await page.keyboard.press('Alt+N');
  });
});

describe('language', () => {
  it('the English switch changes the labels, and 中文 brings them back', async () => {
    // keyboard path: the checked option of the switch, then → (as Tab and arrows would do)
    await page.getByRole('radio', { name: '中文' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('textbox', { name: 'Caller number', exact: true }).waitFor();
    expect(await page.getByRole('region', { name: 'Caller history' }).isVisible()).toBe(true);
    expect(await page.getByRole('radiogroup', { name: 'Handling' }).textContent()).toContain('Forward to unit');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await saveScreenshot(page, 'intake-english');

    await page.getByRole('radio', { name: 'English' }).focus();
    await page.keyboard.press('ArrowLeft');
    await phoneField().waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.keyboard.press('Alt+N');
  });
});

describe('durability', () => {
  it('a reload brings the unfinished intake back, and so does a killed harness; saved calls stay', async () => {
    await startFresh();
    await page.keyboard.type('13600009999');
    await page.keyboard.press('Alt+R');
    await page.keyboard.type('钱先生');
    await page.getByRole('textbox', { name: '诉求内容' }).fill('路灯坏了好几天，晚上很黑');
    // autosave is debounced ~300 ms; then the draft must be in the store
    await page.waitForTimeout(800);

    await page.reload();
    await expect.poll(() => phoneField().inputValue()).toBe('13600009999');
    expect(await page.getByRole('textbox', { name: '来电人' }).inputValue()).toBe('钱先生');
    expect(await page.getByRole('textbox', { name: '诉求内容' }).inputValue()).toBe('路灯坏了好几天，晚上很黑');
    expect(await statusLine().textContent()).toMatch(/^已恢复 \d\d:\d\d 未完成的受理内容。$/);
    await expect.poll(() => historyRegion().getAttribute('data-phone')).toBe('13600009999');

    // a power cut: SIGKILL, then start again on the same data folder
    await harness.crash();
    harness = await startHarness({ dataDir: harness.dataDir, removeDataDir: true });
    await page.close();
    app = await openApp(browser, harness.url);
    page = app.page;
    await expect.poll(() => phoneField().inputValue()).toBe('13600009999');
    expect(await page.getByRole('textbox', { name: '诉求内容' }).inputValue()).toBe('路灯坏了好几天，晚上很黑');

    await startFresh();
    await page.keyboard.type('13805371234');
    await expect.poll(() => historyRegion().textContent()).toContain('累计来电 2 次');
    expect(app.errors).toEqual([]);
  });
});
