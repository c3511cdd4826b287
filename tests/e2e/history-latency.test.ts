/**
 * How fast 来电历史 follows the typed number on a big store: last keystroke → rendered panel,
 * measured inside the page (the panel stamps data-phone and data-rendered-at when it renders).
 *
 * The store (1,000,000 cases by default, E2E_LATENCY_CASES to change) is built once with
 * `npm run seed` and cached under the OS temp folder, keyed by the case count, so later runs
 * start at once. Prints one JSON line; asserts only that the right caller's history rendered,
 * because timings on shared 2-core machines are too noisy to gate on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heavyCallerPhones } from '../../src/main/seed/generate';
import { formatPhone } from '../../src/shared/phone';
import type { CallerHistory, SearchResult } from '../../src/shared/schemas';
import { launchBrowser, openApp, saveScreenshot } from './browser';
import { callHarness, startHarness, type RunningHarness } from './harness';
import { ROOT } from './paths';

const CASES = Number(process.env.E2E_LATENCY_CASES ?? 1_000_000);
const SEED_SCRIPT = join(ROOT, 'scripts/seed.ts');
const STORE_DIR = join(tmpdir(), `hotline-e2e-store-${CASES}`);
/** written after a complete seed run: a half-built folder is never mistaken for a cache */
const SEEDED_MARKER = join(STORE_DIR, 'seeded.json');
const WARM_UP = 3;
const MEASURED = 30;
/** the generator's callers with hundreds of calls: the biggest panels to render */
const HEAVY = 5;

const seedMissing = !existsSync(SEED_SCRIPT);
if (seedMissing) {
  console.log(`e2e_history_render skipped: ${SEED_SCRIPT} does not exist, so no ${CASES}-case store can be built`);
}

let harness: RunningHarness;
let browser: Browser;
let page: Page;

function ensureStore(): void {
  if (existsSync(SEEDED_MARKER)) {
    console.log(`reusing the ${CASES}-case store in ${STORE_DIR} (delete the folder to rebuild it)`);
    return;
  }
  console.log(`building a ${CASES}-case store in ${STORE_DIR} (once; later runs reuse it)…`);
  const seed = spawnSync('npx', ['tsx', SEED_SCRIPT, '--cases', String(CASES), '--data', STORE_DIR, '--replace'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (seed.status !== 0) throw new Error(`npm run seed failed (exit ${seed.status}):\n${seed.stdout}`);
  process.stdout.write(seed.stdout);
  writeFileSync(SEEDED_MARKER, seed.stdout);
}

/** Numbers that certainly have history: the callers behind a spread of phone-number tails. */
async function knownNumbers(count: number): Promise<string[]> {
  const phones = new Set<string>();
  for (let i = 1; phones.size < count && i <= 500; i++) {
    const tail = String((i * 7919) % 10_000).padStart(4, '0');
    const found = (await callHarness(harness.url, 'search.query', { q: tail, limit: 50 })) as SearchResult;
    // at most one caller per tail, so a heavy caller does not fill the sample
    const phone = found.results.map((c) => c.phone).find((p) => /^\d+$/.test(p) && !phones.has(p));
    if (phone) phones.add(phone);
  }
  if (phones.size < count) throw new Error(`only ${phones.size} callers found in the store, wanted ${count}`);
  return [...phones];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

describe.skipIf(seedMissing)(`来电历史 on a ${CASES}-case store`, () => {
  beforeAll(async () => {
    ensureStore();
    harness = await startHarness({ dataDir: STORE_DIR, timeoutMs: 300_000 });
    browser = await launchBrowser();
    page = (await openApp(browser, harness.url)).page;
    await page.evaluate(() => {
      const w = window as unknown as { lastKeyAt: number };
      w.lastKeyAt = 0;
      window.addEventListener('keydown', () => (w.lastKeyAt = performance.now()), true);
    });
  }, 45 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  it('renders the typed caller’s history after the last digit; prints the latency', async () => {
    const phone = page.getByRole('textbox', { name: '来电号码', exact: true });
    const region = page.getByRole('region', { name: '来电历史' });

    /** Types a number at an operator's pace; ms from its last keydown to the panel rendering it. */
    const measure = async (number: string): Promise<number> => {
      await phone.fill('');
      await expect.poll(() => region.getAttribute('data-phone')).toBe('');
      // each digit's lookup is still in flight while the next one is typed
      await page.keyboard.type(number, { delay: 40 });
      const handle = await page.waitForFunction((expected) => {
        const el = document.getElementById('caller-history');
        const lastKeyAt = (window as unknown as { lastKeyAt: number }).lastKeyAt;
        if (el?.dataset.phone !== expected || Number(el.dataset.renderedAt) < lastKeyAt) return null;
        return Number(el.dataset.renderedAt) - lastKeyAt;
      }, number);
      const ms = (await handle.jsonValue()) as number;
      const text = (await region.textContent()) ?? '';
      expect(text).toContain(formatPhone(number));
      expect(text).toMatch(/累计来电 [1-9]\d* 次/);
      return ms;
    };
    const report = (name: string, samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      console.log(
        JSON.stringify({
          name,
          n: CASES,
          p50_ms: round(percentile(sorted, 50)),
          p95_ms: round(percentile(sorted, 95)),
          max_ms: round(sorted[sorted.length - 1] ?? Number.NaN),
          samples: samples.length,
        }),
      );
    };

    const numbers = await knownNumbers(WARM_UP + MEASURED);
    const samples: number[] = [];
    for (const [i, number] of numbers.entries()) {
      const ms = await measure(number);
      if (i >= WARM_UP) samples.push(ms);
    }
    report('e2e_history_render', samples);

    // on a small store the generator may not have reached every heavy caller yet
    const heavyNumbers: string[] = [];
    for (const number of heavyCallerPhones()) {
      if (heavyNumbers.length === HEAVY) break;
      const history = (await callHarness(harness.url, 'caller.history', { phone: number })) as CallerHistory;
      if (history.totalCalls > 0) heavyNumbers.push(number);
    }
    expect(heavyNumbers.length).toBeGreaterThan(0);
    const heavy: number[] = [];
    for (const number of heavyNumbers) heavy.push(await measure(number));
    report('e2e_history_render_heavy_callers', heavy);
    await saveScreenshot(page, `intake-heavy-caller-${CASES}`);
  });
});
