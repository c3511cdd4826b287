/**
 * The Electron adapter: window, IPC and lifecycle around the platform-independent application
 * (src/main/services/app.ts). Kept thin on purpose: everything it calls also runs under plain
 * Node in tests and the browser harness.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, net, powerMonitor, safeStorage } from 'electron';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_CHANNEL, IPC_CHANNEL } from '../../shared/contract';
import { parseHotlineUrl } from '../../shared/telephony';
import { dispatch } from '../services/dispatch';
import { startApp, type AppContext } from '../services/app';
import type { SecretBox } from '../sync/secrets';
import { storeKeyFor } from '../store/key';
import { startTelephony, type Telephony } from '../telephony';
import { UpdateService } from '../updates/service';
import { isAppUrl, launchSettings } from './env-policy';
import { hardenApp, secureWebPreferences } from './security';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '../renderer');
const preloadFile = join(here, '../preload/index.cjs');
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(here, '../../resources');
// a packaged build ignores ELECTRON_RENDERER_URL, HOTLINE_DATA_DIR and HOTLINE_POLICY_FILE
const launch = launchSettings({
  isPackaged: app.isPackaged,
  env: process.env,
  platform: process.platform,
  userDataDir: app.getPath('userData'),
});

let context: AppContext | null = null;
let mainWindow: BrowserWindow | null = null;
let networkWatch: NodeJS.Timeout | null = null;
let telephony: Telephony | null = null;
let updates: UpdateService | null = null;
/** hotline:// URLs that arrived before the application was ready */
const earlyUrls: string[] = [];

/**
 * The refresh token at rest, sealed with the OS's own key store (DPAPI, Keychain, libsecret).
 * Where none is available the store keeps it as is, like the browser harness does.
 */
function safeStorageBox(): SecretBox | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return {
    seal: (plain) => `safe:${safeStorage.encryptString(plain).toString('base64')}`,
    open: (sealed) => {
      if (!sealed.startsWith('safe:')) return null;
      try {
        return safeStorage.decryptString(Buffer.from(sealed.slice('safe:'.length), 'base64'));
      } catch {
        return null;
      }
    },
  };
}

/** Sleep, screen unlock or the network coming back: the sync job tries at once instead of waiting out its backoff. */
function watchWake(ctx: AppContext): void {
  powerMonitor.on('resume', () => ctx.sync.resume());
  powerMonitor.on('unlock-screen', () => ctx.sync.resume());
  // Electron's main process has no network-change event: poll the OS's view, cheaply
  let online = net.isOnline();
  networkWatch = setInterval(() => {
    const now = net.isOnline();
    if (now && !online) ctx.sync.resume();
    online = now;
  }, 5_000);
}

/** A hotline:// URL opened by the phone system (argv of a second instance, or macOS open-url). */
function openHotlineUrl(url: string): void {
  if (!context) {
    earlyUrls.push(url);
    return;
  }
  if (context.config.telephony?.url?.enabled === false) {
    context.log.warn('telephony: hotline:// URLs are turned off by telephony.url.enabled');
    return;
  }
  const parsed = parseHotlineUrl(url);
  if (!parsed.ok) {
    // the URL carries the caller's number: the log masks it
    context.log.warn('telephony: hotline:// URL refused', { url: url.slice(0, 200), reason: parsed.reason });
    return;
  }
  const result = context.telephony.report('url', parsed.event);
  if (!result.ok) context.log.warn('telephony: event refused', { reason: result.reason });
}

const hotlineUrlsIn = (argv: readonly string[]) => argv.filter((a) => a.toLowerCase().startsWith('hotline://'));

/** Sources of telephony events, and their push to the window; never takes focus from the operator. */
async function startPhone(ctx: AppContext): Promise<void> {
  ctx.telephony.subscribe((push) => mainWindow?.webContents.send(EVENT_CHANNEL, 'telephony', push));
  try {
    telephony = await startTelephony({
      hub: ctx.telephony,
      config: ctx.config.telephony,
      dataDir: ctx.dataDir,
      onError: (message) => ctx.log.error(`telephony: ${message}`),
    });
  } catch (e) {
    ctx.log.error('telephony not started', { err: e });
  }
  for (const url of earlyUrls.splice(0)) openHotlineUrl(url);
}

/** IT's update server (policy updates.url), in an installed build only. */
async function startUpdates(ctx: AppContext): Promise<void> {
  const feed = ctx.config.updates;
  if (!feed || !app.isPackaged) return;
  try {
    const { autoUpdater } = await import('electron-updater');
    updates = new UpdateService({
      updater: autoUpdater,
      feedUrl: feed.url,
      currentVersion: app.getVersion(),
      checkEveryMinutes: feed.checkIntervalMinutes,
      activity: () => ctx.activity(),
      log: (m) => ctx.log.info(`[update] ${m}`),
    });
    ctx.updates = updates;
    updates.start();
  } catch (e) {
    ctx.log.error('[update] not started', { error: (e as Error).message });
  }
}

/** resolves once the store is closed and the data folder released (a first sync's index worker stopped) */
function shutdown(): Promise<void> {
  updates?.stop();
  updates = null;
  void telephony?.close();
  telephony = null;
  if (networkWatch) clearInterval(networkWatch);
  networkWatch = null;
  const closed = context?.close() ?? Promise.resolve();
  context = null;
  return closed;
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1200,
    minHeight: 720,
    title: '热线工作台',
    show: false,
    webPreferences: secureWebPreferences(preloadFile),
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  if (launch.rendererUrl) void mainWindow.loadURL(launch.rendererUrl);
  else void mainWindow.loadFile(join(rendererDir, 'index.html'));
  mainWindow.on('closed', () => (mainWindow = null));
}

function registerIpc(ctx: AppContext): void {
  ipcMain.handle(IPC_CHANNEL, (event, method: unknown, input: unknown) => {
    // only our own top-level page may call the contract
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url, rendererDir, launch.rendererUrl)) {
      return { ok: false, error: { code: 'unauthorized', message: 'caller is not the application window' } };
    }
    const printToPdf = () => event.sender.printToPDF({ printBackground: true, pageSize: 'A4', generateTaggedPDF: true });
    return dispatch(ctx.handlers, method, input, { transport: 'electron', printToPdf }, {
      onInternalError: (m, e) => ctx.log.error(`internal error in ${m}`, { err: e }),
    });
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  if (launch.ignored.length) console.warn(`packaged build: ignoring ${launch.ignored.join(', ')}`);
  hardenApp(rendererDir, launch.rendererUrl);
  // hotline:// opens this app; in development the URL must also name the app's entry script
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient('hotline', process.execPath, [resolve(process.argv[1])]);
  else app.setAsDefaultProtocolClient('hotline');
  earlyUrls.push(...hotlineUrlsIn(process.argv));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openHotlineUrl(url);
  });
  app.on('second-instance', (_event, argv) => {
    const urls = hotlineUrlsIn(argv);
    // a phone system's URL pops the caller in the window as it is: no focus stolen from typing
    for (const url of urls) openHotlineUrl(url);
    if (urls.length > 0) return;
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.whenReady().then(() => {
    try {
      context = startApp({
        dataDir: launch.dataDir,
        resourcesDir,
        policyFile: launch.policyFile,
        secrets: safeStorageBox(),
        storeKey: (config, dataDir) => storeKeyFor(dataDir, safeStorageBox(), config.allowPlainStore === true),
        onInternalError: (e) => console.error('[sync]', e),
      });
    } catch (e) {
      dialog.showErrorBox('热线工作台无法启动', (e as Error).message);
      app.exit(1);
      return;
    }
    Menu.setApplicationMenu(null);
    registerIpc(context);
    watchWake(context);
    createWindow();
    void startPhone(context);
    void startUpdates(context);
  });
  // quitting waits (milliseconds) for the store to close and the data folder to be released
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void shutdown().finally(() => {
      closed = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());
}
