/**
 * `npm run dev:browser -- --data DIR --port N [--no-build] [--workstation W001] [--operator 张三]
 *   [--server http://127.0.0.1:8345] [--plain-store]`
 *
 * Builds the renderer (unless --no-build), starts the same main-process application Electron
 * starts (store, taxonomy, handler table, sync job) on DIR, and serves it to a browser on
 * 127.0.0.1:N. --server points it at a central server (src/server): operators then sign in and
 * cases sync; without it the workstation runs standalone.
 *
 * The store is encrypted with the development key (store/key.ts, printed at start as
 * "development key, not secret"); --plain-store (benchmarks) keeps a plain store plain.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startApp } from '../services/app';
import { startTelephony } from '../telephony';
import { startHarness } from './server';
import { DEV_STORE_KEY_NOTICE } from '../store/key';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function fail(message: string): never {
  process.stderr.write(`dev:browser: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: join(root, '.data') },
      port: { type: 'string', default: '5174' },
      'no-build': { type: 'boolean', default: false },
      workstation: { type: 'string' },
      operator: { type: 'string' },
      server: { type: 'string' },
      /** benchmarks only: keep (or open) the store unencrypted instead of using the development key */
      'plain-store': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0–65535, got ${values.port}`);

  const rendererDir = join(root, 'out', 'renderer');
  if (!values['no-build'] || !existsSync(join(rendererDir, 'index.html'))) {
    process.stdout.write('building the renderer…\n');
    const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) fail('renderer build failed');
  }

  const overrides: Record<string, string> = {};
  if (values.workstation) overrides.workstation = values.workstation;
  if (values.operator) overrides.operator = values.operator;
  if (values.server) overrides.serverUrl = values.server;
  const app = startApp({
    dataDir: resolve(values.data),
    resourcesDir: join(root, 'resources'),
    overrides,
    overridesSource: 'the command line (--server, --workstation, --operator)',
    onInternalError: (error) => process.stderr.write(`[sync] ${(error as Error).stack ?? error}\n`),
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    storeKey: values['plain-store'] ? null : undefined,
  });
  const harness = await startHarness({
    handlers: app.handlers,
    rendererDir,
    port,
    onInternalError: (method, error) => process.stderr.write(`[${method}] ${(error as Error).stack ?? error}\n`),
  });
  // ringing, answered, ended → every open page (screen pop)
  app.telephony.subscribe((push) => harness.push('telephony', push));
  const telephony = await startTelephony({
    hub: app.telephony,
    config: app.config.telephony,
    dataDir: app.dataDir,
    onError: (message) => process.stderr.write(`[telephony] ${message}\n`),
  });
  process.stdout.write(`Hotline Desk (browser harness) ready: ${harness.url}\n`);
  process.stdout.write(`data: ${app.dataDir}\n`);
  // the harness's store is encrypted with a fixed key in the source (store/key.ts), so tests and
  // `npm run store` can open it: it protects nothing
  process.stdout.write(values['plain-store'] ? 'store: plain (--plain-store)\n' : `${DEV_STORE_KEY_NOTICE}\n`);
  if (telephony.endpoint) process.stdout.write(`telephony: ${telephony.endpoint.url} (npm run phone -- --data ${app.dataDir} ring 13905371234)\n`);
  process.stdout.write(app.config.serverUrl ? `server: ${app.config.serverUrl} (sign-in required)\n` : 'server: none (standalone)\n');

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await telephony.close();
    await harness.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => fail((e as Error).message));
