/**
 * screen_pop: from a ringing event arriving in main to 来电历史 rendered in the page, on a store
 * of N cases. Part of `npm run bench -- store` (after the store measurements, on the same
 * store); alone: `npm run bench -- screen-pop [--cases 1000000] [--data DIR] [--rings 100] [--plain]`
 * (--plain: a plain store, the harness started with --plain-store; otherwise the store is
 * encrypted with the development key, as the harness keeps it).
 *
 * Runs the real thing: the browser harness (src/main/harness/cli.ts) on the store, the real
 * renderer in Chromium (playwright-core, /usr/bin/chromium or CHROMIUM_PATH), and rings through
 * the loopback telephony endpoint as a phone system would. The two ends of each sample:
 * - main: the push's receivedAt (performance.timeOrigin + performance.now() in the harness
 *   process when the endpoint handed the event to the hub), read by a WebSocket client of the
 *   harness that receives the same push as the page;
 * - page: performance.timeOrigin + the data-rendered-at the history panel stamps in its layout
 *   effect once React committed the caller's rows (the stamp tests/e2e/history-latency uses).
 * Both clocks are the OS wall clock at their origin plus a monotonic clock, on one machine.
 * Also printed: post_p50_ms/post_p95_ms, the same from the bench's HTTP request (one clock).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { WebSocket } from 'ws';
import { heavyCallerPhones } from '../src/main/seed/model';
import { Rng } from '../src/main/seed/random';
import { openStore } from '../src/main/store/store';
import { STORE_FILE } from '../src/main/store/paths';
import { ENDPOINT_FILE, type EndpointInfo } from '../src/main/telephony/http-endpoint';
import type { TelephonyPush } from '../src/shared/telephony';
import { percentiles, printLine } from './stats';
import { stopGroup } from '../tests/e2e/process-group';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const READY = /Hotline Desk \(browser harness\) ready: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/;
const WARM_UP = 5;

function buildRendererIfMissing(): void {
  if (existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) return;
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'ignore' });
  if (build.status !== 0) throw new Error('screen_pop: the renderer build failed (npx electron-vite build)');
}

async function startHarness(dataDir: string, plain: boolean): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn('npx', ['tsx', 'src/main/harness/cli.ts', '--data', dataDir, '--port', '0', '--no-build', ...(plain ? ['--plain-store'] : [])], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`harness not ready after 5 min:\n${output}`)), 300_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = READY.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        done(m[1]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`harness exited (${code}) before it was ready:\n${output}`));
    });
  });
  child.stdout!.resume();
  return { url, child };
}

/** Numbers with history: drawn from the cases (frequent callers ring more often), plus the heaviest callers. */
function ringingNumbers(dataDir: string, count: number, plain: boolean): string[] {
  const store = openStore({ file: join(dataDir, STORE_FILE), workstation: 'W001', key: plain ? null : undefined });
  try {
    const rng = new Rng(11);
    const maxId = store.db.prepare<[], { id: number }>('SELECT max(id) AS id FROM cases').get()!.id;
    const phoneOf = store.db.prepare<[number], { phone: string }>('SELECT phone FROM cases WHERE id = ?');
    const heavy = heavyCallerPhones().filter((p) => store.callerHistory(p).totalCalls > 0).slice(0, 5);
    const numbers: string[] = [];
    while (numbers.length < count - heavy.length) {
      const row = phoneOf.get(1 + rng.int(maxId));
      if (row && /^\d+$/.test(row.phone)) numbers.push(row.phone);
    }
    // the heavy callers spread through the run, not bunched at the end
    heavy.forEach((p, i) => numbers.splice(Math.floor(((i + 1) * numbers.length) / (heavy.length + 1)), 0, p));
    return numbers;
  } finally {
    store.close();
  }
}

export async function measureScreenPop(opts: { dataDir: string; n: number; rings?: number; plain?: boolean }): Promise<void> {
  const rings = opts.rings ?? 100;
  buildRendererIfMissing();
  const numbers = ringingNumbers(opts.dataDir, WARM_UP + rings, opts.plain === true);
  const { url, child } = await startHarness(opts.dataDir, opts.plain === true);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  let socket: WebSocket | null = null;
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await page.goto(url);
    const phoneField = page.getByRole('textbox', { name: '来电号码', exact: true });
    await phoneField.waitFor();
    const ws = new WebSocket(`ws://${new URL(url).host}/ws?token=${new URL(url).searchParams.get('token') ?? ''}`);
    socket = ws;
    await new Promise<void>((done, fail) => {
      ws.once('open', () => done());
      ws.once('error', fail);
    });
    const received = new Map<string, number>();
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { event?: string; data?: TelephonyPush };
      if (msg.event === 'telephony' && msg.data?.kind === 'ringing') received.set(msg.data.call.callId, msg.data.receivedAt);
    });
    const endpoint = JSON.parse(readFileSync(join(opts.dataDir, ENDPOINT_FILE), 'utf8')) as EndpointInfo;

    const fromMain: number[] = [];
    const fromPost: number[] = [];
    for (const [i, number] of numbers.entries()) {
      // a blank form: the call fills it (with a draft in progress it would wait in 来电提醒)
      await phoneField.fill('');
      await page.waitForFunction(() => document.getElementById('caller-history')?.dataset.phone === '');
      const callId = `bench-${process.pid}-${i}`;
      const postedAt = performance.timeOrigin + performance.now();
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'ringing', callId, callerNumber: number, calledLine: '12345' }),
      });
      if (res.status !== 202) throw new Error(`screen_pop: the endpoint answered ${res.status}: ${await res.text()}`);
      const renderedAt = (await (
        await page.waitForFunction((expected) => {
          const el = document.getElementById('caller-history');
          if (el?.dataset.phone !== expected) return null;
          return performance.timeOrigin + Number(el.dataset.renderedAt);
        }, number)
      ).jsonValue()) as number;
      const text = (await page.locator('#caller-history').textContent()) ?? '';
      if (!/累计来电 [1-9]\d* 次/.test(text)) throw new Error(`screen_pop: ${number} rendered without its history: ${text.slice(0, 120)}`);
      for (let waited = 0; !received.has(callId); waited += 5) {
        if (waited > 10_000) throw new Error(`screen_pop: the push of ${callId} never reached the bench's socket`);
        await new Promise((r) => setTimeout(r, 5));
      }
      if (i < WARM_UP) continue;
      fromMain.push(renderedAt - received.get(callId)!);
      fromPost.push(renderedAt - postedAt);
    }
    const main = percentiles(fromMain);
    const post = percentiles(fromPost);
    printLine({
      name: 'screen_pop',
      n: opts.n,
      p50_ms: main.p50_ms,
      p95_ms: main.p95_ms,
      p99_ms: main.p99_ms,
      max_ms: Number(Math.max(...fromMain).toFixed(2)),
      samples: fromMain.length,
      post_p50_ms: post.p50_ms,
      post_p95_ms: post.p95_ms,
    });
  } finally {
    socket?.close();
    await browser.close();
    // the whole process group: npx exits before the harness has closed its store
    await stopGroup(child, 5_000);
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cases: { type: 'string', default: '1000000' },
      data: { type: 'string' },
      rings: { type: 'string', default: '100' },
      plain: { type: 'boolean', default: false },
    },
  });
  const n = Number(values.cases);
  const dataDir = values.data ?? join((await import('node:os')).tmpdir(), `hotline-bench-${n}`);
  if (!existsSync(join(dataDir, STORE_FILE))) {
    throw new Error(`no store in ${dataDir}: run npm run bench -- store --cases ${n} first (it builds it and measures screen_pop too)`);
  }
  await measureScreenPop({ dataDir, n, rings: Number(values.rings), plain: values.plain });
}
