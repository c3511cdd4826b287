/** One Chromium per test file (playwright-core + Debian's Chromium), at the operator's 1366×768. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, SCREENSHOT_DIR } from './paths';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface AppPage {
  page: Page;
  /** uncaught exceptions and console errors (CSP violations included) seen so far */
  errors: string[];
}

export async function openApp(browser: Browser, url: string): Promise<AppPage> {
  // the time zone of the call floor: dates in the panel match the dates in case numbers
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await page.getByRole('textbox', { name: '来电号码', exact: true }).waitFor();
  return { page, errors };
}

/** Screenshots of the real screen for humans to check the layout (see /work/notes/screenshots). */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // let antd's open/close motions (≤ 0.3 s) finish: a half-faded dialog says nothing about the layout
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}
