/**
 * Starts the browser harness (`src/main/harness/cli.ts`) on a data folder, as a developer would,
 * and waits for its ready line. The process runs in its own process group so that stop() ends
 * npx, tsx and node together, and waits for all of them (process-group.ts); crash() kills it
 * the way a power cut would (SIGKILL).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths';
import { killGroup, signalGroup, stopGroup } from './process-group';

export interface RunningHarness {
  url: string;
  dataDir: string;
  /** SIGTERM, then SIGKILL if it lingers */
  stop: () => Promise<void>;
  /** SIGKILL at once: nothing gets a chance to flush */
  crash: () => Promise<void>;
}

const READY = /Hotline Desk \(browser harness\) ready: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/;

export function tempDataDir(prefix = 'hotline-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}


export interface HarnessOptions {
  /** default: a new temporary folder */
  dataDir?: string;
  /** delete the data folder on stop(); default: only when it is the temporary one made here */
  removeDataDir?: boolean;
  timeoutMs?: number;
  /** more command-line options, e.g. ['--server', url] */
  args?: string[];
  /** more environment for the harness process */
  env?: Record<string, string>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<RunningHarness> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const removeDataDir = opts.removeDataDir ?? opts.dataDir === undefined;
  // port 0: the harness binds a free port itself and prints it, so parallel runs cannot collide
  const child = spawn('npx', ['tsx', 'src/main/harness/cli.ts', '--data', dataDir, '--port', '0', '--no-build', ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      signalGroup(child, 'SIGKILL');
      reject(new Error(`harness not ready after ${opts.timeoutMs ?? 60_000} ms:\n${output}`));
    }, opts.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = READY.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`harness exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  // keep draining the pipes so a chatty harness never blocks on a full buffer
  child.stdout?.resume();
  // a test process that dies without its afterAll must not leave a harness behind
  const killOnExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  return {
    url,
    dataDir,
    stop: async () => {
      // the whole group: npx exits at once, the harness itself only after closing its store
      await stopGroup(child, 5_000);
      if (removeDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    crash: async () => {
      await killGroup(child);
    },
  };
}

/** Calls a contract method over the harness's WebSocket, as the renderer does (for test set-up). */
export async function callHarness(url: string, method: string, input: unknown): Promise<unknown> {
  const { WebSocket } = await import('ws');
  const page = new URL(url);
  const ws = new WebSocket(`ws://${page.host}/ws?token=${page.searchParams.get('token') ?? ''}`);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return await new Promise((resolve, reject) => {
      ws.once('message', (raw) => {
        const msg = JSON.parse(raw.toString()) as { ok: boolean; data?: unknown; error?: unknown };
        if (msg.ok) resolve(msg.data);
        else reject(new Error(`${method}: ${JSON.stringify(msg.error)}`));
      });
      ws.send(JSON.stringify({ id: 1, method, input }));
    });
  } finally {
    ws.close();
  }
}
