/**
 * The workstation against a real central server (src/server on PGlite), through the real
 * renderer and harness: sign-in (refused in Chinese, then accepted), a call logged and synced
 * with F5, its official number in 来电历史, search and the case, the server going away (离线,
 * calls keep logging, 待同步 grows) and coming back (the queue drains), 退出登录, an offline
 * sign-in with the server down, and a case the server refuses listed under 同步异常.
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, saveScreenshot } from './browser';
import { startHarness, tempDataDir, type RunningHarness } from './harness';
import { seedServer } from '../../bench/sync';
import type { Db } from '../../src/server/db/adapter';
import { DatabaseOpenError, openDatabase } from '../../src/server/db/open';
import { createAccount, createAdmin, freePort, startServer, type RunningServer } from './sync-server';

const ADMIN = { username: 'admin', password: 'admin-pass-2026' };
const OPERATOR = { username: '1024', password: 'wangfang-2026', displayName: '王芳', role: 'operator' as const };
const LOCAL_NO = /W[0-9A-Z]{3,6}-\d{8}-\d{4}/;
const OFFICIAL_NO = /JN\d{8}-\d{6}/;
/** a workstation whose clock runs two days ahead: the server refuses its cases (同步异常) */
const CLOCK_TWO_DAYS_AHEAD = `data:text/javascript,${encodeURIComponent('const now = Date.now; Date.now = () => now() + 2 * 86_400_000;')}`;
/** a sync cycle against a server that may have just started: allow it a few seconds */
const SYNC_WAIT = { timeout: 20_000 };
/** one save or sign-in: the harness may be busy (scrypt, a sync cycle) for a moment */
const STEP_WAIT = { timeout: 5_000 };

let serverDir: string;
let port: number;
let server: RunningServer | null = null;
let workstationDir: string;
let harness: RunningHarness | null = null;
let browser: Browser;
let page: Page;
let errors: string[] = [];

const harnessArgs = () => ['--server', `http://127.0.0.1:${port}`];
const syncRegion = () => page.getByRole('region', { name: '同步状态' });
const statusLine = () => page.locator('.status-line[role="status"]');
const historyRegion = () => page.getByRole('region', { name: '来电历史' });
const phoneField = () => page.getByRole('textbox', { name: '来电号码', exact: true });
const usernameField = () => page.getByRole('textbox', { name: '用户名' });
const passwordField = () => page.getByLabel('密码', { exact: true });
const loginAlert = () => page.getByRole('alert');

async function openPage(url: string): Promise<void> {
  await page?.close();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
}

/** Signs in by keyboard: the username field has focus, Tab to the password, Enter submits. */
async function signIn(username: string, password: string): Promise<void> {
  await usernameField().waitFor();
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('login-username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

/** Logs a direct-answer call with the keyboard, from 来电号码; returns the provisional number. */
async function logCall(phone: string, content: string): Promise<string> {
  const kb = page.keyboard;
  await page.keyboard.press('Alt+N');
  await kb.type(phone);
  await kb.press('Tab');
  for (const [typed, expected] of [
    ['zx', '咨询'],
    ['供暖', '供水供电供气供暖 / 供暖'],
    ['gh', '任城区 / 古槐街道'],
  ] as const) {
    const field = await page.evaluate(() => document.activeElement?.id);
    await kb.type(typed);
    // Enter picks the best match only once the list has filtered, and moves on
    await expect
      .poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').first().getAttribute('title'), STEP_WAIT)
      .toBe(expected);
    await kb.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), STEP_WAIT).not.toBe(field);
  }
  await kb.type(content);
  // past 紧急程度 and 办理方式 (preset to 直接答复 by 咨询) to 答复内容
  await kb.press('Tab');
  await kb.press('Tab');
  await kb.press('Tab');
  await kb.type('11 月 15 日开始供暖');
  await kb.press('Alt+R');
  await kb.type('王先生');
  await kb.press('Alt+A');
  await kb.type('古槐路 12 号');
  const before = await statusLine().textContent();
  await kb.press('Control+Enter');
  // every case gets a new number, so this call's confirmation differs from the one before
  await expect
    .poll(() => statusLine().textContent(), STEP_WAIT)
    .toSatisfy((t: string | null) => t !== before && /^已受理，工单号 W[0-9A-Z]{3,6}-\d{8}-\d{4}$/.test(t ?? ''));
  const text = (await statusLine().textContent()) ?? '';
  return LOCAL_NO.exec(text)![0];
}

/** Back to an empty form: Esc in 来电号码, confirmed with Enter when something was typed. */
async function clearIntake(): Promise<void> {
  await page.keyboard.press('Alt+N');
  await page.keyboard.press('Escape');
  const confirm = page.getByRole('dialog', { name: '清空当前受理？' });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  if (await confirm.isVisible()) {
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'hidden' });
  }
  await expect.poll(() => phoneField().inputValue()).toBe('');
}

beforeAll(async () => {
  serverDir = tempDataDir('hotline-e2e-server-');
  workstationDir = tempDataDir();
  createAdmin(serverDir, ADMIN.username, ADMIN.password);
  port = await freePort();
  server = await startServer(serverDir, port);
  await createAccount(server.url, ADMIN, OPERATOR);
  harness = await startHarness({ dataDir: workstationDir, removeDataDir: false, args: harnessArgs() });
  browser = await launchBrowser();
  await openPage(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await server?.stop();
  rmSync(workstationDir, { recursive: true, force: true });
  rmSync(serverDir, { recursive: true, force: true });
});

describe('sign-in', () => {
  it('with a server configured, the workstation asks for 用户名 and 密码 before anything else', async () => {
    await usernameField().waitFor();
    expect(await page.getByRole('heading', { name: '登录' }).isVisible()).toBe(true);
    expect(await passwordField().isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '登录' }).isVisible()).toBe(true);
    expect(await phoneField().count()).toBe(0);
    await saveScreenshot(page, 'login');
  });

  it('a wrong password is refused in Chinese beside the form; the password is cleared, the username kept', async () => {
    await signIn(OPERATOR.username, 'not-the-password');
    await expect.poll(() => loginAlert().textContent(), STEP_WAIT).toContain('用户名或密码错误');
    expect(await page.locator('form').filter({ has: loginAlert() }).count()).toBe(1);
    expect(await usernameField().inputValue()).toBe(OPERATOR.username);
    expect(await passwordField().inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-password');
    await saveScreenshot(page, 'login-refused');
  });
});

describe('online', () => {
  let caseNo: string;

  it('signed in, the header names the operator and the call is logged under the provisional number', async () => {
    await page.keyboard.type(OPERATOR.password);
    await page.keyboard.press('Enter');
    await phoneField().waitFor();
    const header = page.getByRole('banner');
    await expect.poll(() => header.textContent(), STEP_WAIT).toContain('王芳（1024）');
    expect(await header.getByRole('button', { name: '退出登录' }).isVisible()).toBe(true);
    await expect.poll(() => syncRegion().textContent(), SYNC_WAIT).toContain('在线');

    caseNo = await logCall('13805371234', '咨询今年供暖开始的时间');
    expect(caseNo).toMatch(LOCAL_NO);
  });

  it('F5 syncs: 待同步 0 条, the time of the last sync, and the official number in 来电历史, search and the case', async () => {
    await page.keyboard.press('F5');
    await expect.poll(() => syncRegion().textContent(), SYNC_WAIT).toContain('待同步 0 条');
    expect(await syncRegion().textContent()).toMatch(/上次同步 \d\d:\d\d:\d\d/);

    await phoneField().focus();
    await page.keyboard.type('138 0537 1234');
    const row = historyRegion().locator('.case-row').first();
    await expect.poll(() => row.textContent(), SYNC_WAIT).toMatch(OFFICIAL_NO);
    const official = OFFICIAL_NO.exec((await row.textContent()) ?? '')![0];
    // the official number first, the provisional one still shown (in grey) beneath it
    expect(await row.locator('.case-row__official').textContent()).toBe(official);
    expect(await row.locator('.case-row__local').textContent()).toBe(caseNo);
    await saveScreenshot(page, 'sync-online');

    await page.keyboard.press('Alt+H');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `工单 ${official}` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`本机编号${caseNo}`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // both numbers stay searchable
    await page.keyboard.press('Control+k');
    await page.keyboard.type(caseNo);
    await page.keyboard.press('Enter');
    const results = page.getByRole('region', { name: '搜索结果' });
    await expect.poll(() => results.textContent(), STEP_WAIT).toContain(official);
    expect(await results.textContent()).toContain(caseNo);
    await page.keyboard.press('Escape');
    await results.waitFor({ state: 'hidden' });
    await clearIntake();
  });
});

describe('server outage', () => {
  it('with the server stopped, 同步状态 says 离线, calls still log and 待同步 grows', async () => {
    await server?.stop();
    server = null;
    await page.keyboard.press('F5');
    await expect.poll(() => syncRegion().textContent(), SYNC_WAIT).toContain('离线');
    expect(await syncRegion().textContent()).toContain('无法连接服务器');

    await logCall('13905378888', '小区路灯不亮已经一周');
    await expect.poll(() => syncRegion().textContent(), STEP_WAIT).toContain('待同步 1 条');
    await logCall('13905378888', '路灯还是不亮，再次反映');
    await expect.poll(() => syncRegion().textContent(), STEP_WAIT).toContain('待同步 2 条');
    await saveScreenshot(page, 'sync-offline');
  });

  it('when the server is back, F5 sends the waiting calls and 同步状态 is 在线 again', async () => {
    server = await startServer(serverDir, port);
    await page.keyboard.press('F5');
    await expect
      .poll(() => syncRegion().textContent(), SYNC_WAIT)
      .toSatisfy((t: string | null) => /^在线待同步 0 条上次同步 \d\d:\d\d:\d\d/.test(t ?? '') && !t?.includes('无法连接服务器'));
  });

  it('退出登录 returns to the login screen', async () => {
    await page.getByRole('button', { name: '退出登录' }).focus();
    await page.keyboard.press('Enter');
    await usernameField().waitFor();
    expect(await page.getByRole('status').filter({ hasText: '已退出登录。' }).count()).toBe(1);
    expect(await phoneField().count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe('offline sign-in', () => {
  it('with the server down, an operator who signed in here before signs in offline, and the screen says 离线登录', async () => {
    await server?.stop();
    server = null;
    await harness?.stop();
    harness = await startHarness({ dataDir: workstationDir, removeDataDir: false, args: harnessArgs() });
    await openPage(harness.url);

    await signIn(OPERATOR.username, OPERATOR.password);
    await phoneField().waitFor();
    const header = page.getByRole('banner');
    await expect.poll(() => header.textContent(), STEP_WAIT).toContain('离线登录');
    expect(await header.textContent()).toContain('王芳（1024）');
    expect(await statusLine().textContent()).toContain('已离线登录');
    await expect.poll(() => syncRegion().textContent(), SYNC_WAIT).toContain('离线');

    await logCall('13605370000', '离线期间受理的来电，供暖不热');
    await expect.poll(() => syncRegion().textContent(), STEP_WAIT).toContain('待同步 1 条');
    await saveScreenshot(page, 'login-offline');
    expect(errors).toEqual([]);
  });
});

describe('同步异常', () => {
  it('a case the server refuses (the workstation clock is two days ahead) is listed, opens, and is marked handled', async () => {
    server = await startServer(serverDir, port);
    await harness?.stop();
    harness = await startHarness({ args: harnessArgs(), env: { NODE_OPTIONS: `--import=${CLOCK_TWO_DAYS_AHEAD}` } });
    await openPage(harness.url);
    await signIn(OPERATOR.username, OPERATOR.password);
    await phoneField().waitFor();

    const caseNo = await logCall('13705371111', '时钟错误的工位受理的来电');
    await page.keyboard.press('F5');
    const badge = syncRegion().getByRole('button', { name: /^同步异常 \(1\)$/ });
    await badge.waitFor(SYNC_WAIT);
    expect(await syncRegion().textContent()).toContain('待同步 0 条');

    await badge.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: '同步异常' });
    const list = dialog.getByRole('list', { name: '同步异常列表' });
    await expect.poll(() => list.textContent(), STEP_WAIT).toContain(caseNo);
    expect(await list.textContent()).toContain('违反服务器规则');
    // the reason in Chinese from its code and rule, the server's English kept as the detail
    expect(await list.textContent()).toContain('受理时间晚于中心服务器的时间：本机时钟可能不准');
    expect(await list.textContent()).toContain('服务器原文');
    expect(await list.textContent()).toContain('in the future');
    await saveScreenshot(page, 'sync-rejections');

    // the keyboard starts on the entry's first action
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), STEP_WAIT).toBe(`打开工单 ${caseNo}`);
    await page.keyboard.press('Enter');
    const detail = page.getByRole('dialog', { name: `工单 ${caseNo}` });
    await detail.waitFor();
    expect(await detail.textContent()).toContain('时钟错误的工位受理的来电');
    expect(await detail.textContent()).toContain('待中心分配');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });

    // back from the case, Tab moves on to 已处理
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), STEP_WAIT).toBe(`打开工单 ${caseNo}`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`已处理：${caseNo}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.textContent(), STEP_WAIT).toContain('没有待处理的同步异常。');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => syncRegion().textContent(), STEP_WAIT).not.toContain('同步异常');
    expect(errors).toEqual([]);
  });
});

describe('first sync', () => {
  it("a new workstation shows its first sync in 同步状态 (loaded of the total, time left) and 来电历史 says the centre's history is still arriving", async () => {
    await harness?.stop();
    harness = null;
    await server?.stop();
    // the centre's history, written with SQL while the server is stopped: enough pages to watch
    const SEEDED = 60_000;
    // (the server's own process may still be closing its database after the launcher exited)
    let db: Db | null = null;
    for (const deadline = Date.now() + 30_000; !db; await new Promise((r) => setTimeout(r, 250))) {
      db = await openDatabase({ dataDir: serverDir }).catch((e: unknown) => {
        if (!(e instanceof DatabaseOpenError) || Date.now() > deadline) throw e;
        return null;
      });
    }
    try {
      const [operator] = await db.query<{ id: number }>('SELECT id FROM accounts WHERE username = $1', [OPERATOR.username]);
      await seedServer(db, SEEDED, operator!.id);
    } finally {
      await db.close();
    }
    server = await startServer(serverDir, port);
    harness = await startHarness({ args: harnessArgs() });
    await openPage(harness.url);
    await signIn(OPERATOR.username, OPERATOR.password);
    await phoneField().waitFor();

    const progress = syncRegion().getByRole('progressbar', { name: '首次同步进度' });
    await progress.waitFor(SYNC_WAIT);
    const total = Number(await progress.getAttribute('aria-valuemax'));
    expect(total).toBeGreaterThanOrEqual(SEEDED);
    expect(await progress.getAttribute('aria-valuetext')).toMatch(
      /^首次同步：已载入 [\d,]+ \/ [\d,]+ 条（\d+%） · (约剩 \d+ (秒|分 \d+ 秒)|正在估算剩余时间)$/,
    );
    expect(await progress.getAttribute('aria-valuetext')).toContain(`/ ${total.toLocaleString('zh-CN')} 条`);
    await expect.poll(() => historyRegion().textContent(), STEP_WAIT).toContain('中心的来电历史仍在下载');
    await saveScreenshot(page, 'sync-first');

    // over: the bar and the note go away, and the centre's cases are here
    await progress.waitFor({ state: 'hidden', timeout: 180_000 });
    await expect.poll(() => historyRegion().textContent(), STEP_WAIT).not.toContain('仍在下载');
    await page.keyboard.press('Alt+N');
    await page.keyboard.type('13900000007');
    await expect.poll(() => historyRegion().textContent(), SYNC_WAIT).toContain('累计来电');
    expect(errors).toEqual([]);
  }, 300_000);
});

