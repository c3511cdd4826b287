/**
 * Smoke test of the real Electron app: starts the built app, checks the hardening a renderer can
 * observe, and logs a call through the preload bridge. It needs an Electron binary, which the
 * electron package downloads on first use — impossible on machines without internet, where this
 * file says so and skips (the browser-harness suite covers the same renderer and handlers there).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

const binary = findElectronBinary();
if ('missing' in binary) {
  console.log(`[electron smoke] skipped: ${binary.missing}`);
}

describe.skipIf('missing' in binary)('Electron app', () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-electron-'));
    app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: ['.', '--no-sandbox', '--disable-gpu'],
      env: { ...process.env, HOTLINE_DATA_DIR: dataDir },
    });
    page = await app.firstWindow();
    await page.getByLabel('来电号码').waitFor();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives the renderer no Node and only the contract bridge', async () => {
    const seen = await page.evaluate(() => ({
      require: typeof (globalThis as Record<string, unknown>).require,
      process: typeof (globalThis as Record<string, unknown>).process,
      bridge: Object.keys((globalThis as unknown as Record<string, Record<string, unknown>>).hotline ?? {}),
    }));
    expect(seen).toEqual({ require: 'undefined', process: 'undefined', bridge: ['invoke'] });
  });

  it('refuses methods outside the contract and validates input in main', async () => {
    const results = await page.evaluate(async () => {
      const h = (globalThis as unknown as { hotline: { invoke(m: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }).hotline;
      return [await h.invoke('fs.readFile', {}), await h.invoke('caller.history', { phone: 42 })];
    });
    expect(results.map((r) => r.error?.code)).toEqual(['unknown_method', 'invalid_input']);
  });

  it('blocks navigation away from the app', async () => {
    const before = page.url();
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
  });
});
