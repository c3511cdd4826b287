/**
 * Updates from IT's internal update server (electron-updater, generic provider; the URL comes
 * only from the machine policy file: `updates.url`). Downloaded in the background; installed
 * silently (and the app restarted) only when installBlockers() finds nothing, checked every
 * 30 s; otherwise at the next quit. A sync refused with update_required asks for a check at once,
 * so the operator is pointed to an update that is already on its way.
 *
 * The updater is injected (AutoUpdaterLike): Electron passes electron-updater's autoUpdater,
 * tests a fake; nothing here imports Electron.
 */
import type { UpdateStatus } from '../../shared/contract';
import { installBlockers, isUpgrade, type Activity } from './policy';

/** The part of electron-updater's AppUpdater this service uses. */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available' | 'update-downloaded' | 'update-not-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (p: { percent: number }) => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
}

export interface UpdateServiceOptions {
  updater: AutoUpdaterLike;
  feedUrl: string;
  currentVersion: string;
  activity: () => Activity;
  /** minutes between checks (policy updates.checkIntervalMinutes, default 60) */
  checkEveryMinutes?: number;
  /** how often a downloaded update looks for a quiet moment (ms) */
  installPollMs?: number;
  log?: (message: string) => void;
  now?: () => number;
}

export class UpdateService {
  private state: UpdateStatus['state'] = 'idle';
  private version: string | null = null;
  private percent: number | null = null;
  private error: string | null = null;
  private checkedAt: number | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly log: (m: string) => void;
  private readonly now: () => number;

  constructor(private readonly opts: UpdateServiceOptions) {
    this.log = opts.log ?? (() => {});
    this.now = opts.now ?? Date.now;
    const u = opts.updater;
    u.autoDownload = true;
    u.autoInstallOnAppQuit = true;
    u.allowDowngrade = false;
    u.setFeedURL({ provider: 'generic', url: opts.feedUrl });
    u.on('update-available', (info) => {
      if (!isUpgrade(info.version, opts.currentVersion)) {
        // electron-updater refuses downgrades too; this is the second lock
        this.log(`update server offers ${info.version}, not newer than ${opts.currentVersion}: ignored`);
        return;
      }
      this.state = 'downloading';
      this.version = info.version;
      this.percent = 0;
    });
    u.on('update-not-available', () => {
      if (this.state !== 'downloaded') this.state = 'idle';
    });
    u.on('download-progress', (p) => {
      this.percent = Math.round(p.percent);
    });
    u.on('update-downloaded', (info) => {
      if (!isUpgrade(info.version, opts.currentVersion)) {
        this.log(`downloaded ${info.version} is not newer than ${opts.currentVersion}: never installed`);
        this.state = 'idle';
        u.autoInstallOnAppQuit = false;
        return;
      }
      this.state = 'downloaded';
      this.version = info.version;
      this.percent = 100;
      this.log(`update ${info.version} downloaded; installs when no call or unsaved intake is open`);
    });
    u.on('error', (e) => {
      this.error = e.message.slice(0, 300);
      if (this.state !== 'downloaded') this.state = 'error';
      this.log(`update: ${this.error}`);
    });
  }

  start(): void {
    void this.checkNow();
    const every = (this.opts.checkEveryMinutes ?? 60) * 60_000;
    this.timers.push(setInterval(() => void this.checkNow(), every));
    this.timers.push(setInterval(() => this.installIfQuiet(), this.opts.installPollMs ?? 30_000));
    for (const t of this.timers) t.unref?.();
  }

  stop(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  /** a check now (at start, on schedule, and when the server answered update_required) */
  async checkNow(): Promise<void> {
    if (this.state === 'downloading' || this.state === 'downloaded' || this.state === 'installing') return;
    this.state = 'checking';
    this.error = null;
    this.checkedAt = this.now();
    try {
      await this.opts.updater.checkForUpdates();
    } catch (e) {
      this.error = (e as Error).message.slice(0, 300);
      this.state = 'error';
    }
    if (this.state === 'checking') this.state = 'idle';
  }

  /** installs the downloaded update when nothing would be interrupted; true when it did */
  installIfQuiet(): boolean {
    if (this.state !== 'downloaded' || this.version === null) return false;
    if (installBlockers(this.opts.activity()).length > 0) return false;
    this.state = 'installing';
    this.log(`installing update ${this.version}`);
    this.opts.updater.quitAndInstall(true, true);
    return true;
  }

  status(): UpdateStatus {
    return {
      configured: true,
      state: this.state,
      version: this.version,
      percent: this.percent,
      blockers: this.state === 'downloaded' ? installBlockers(this.opts.activity()) : [],
      error: this.error,
      checkedAt: this.checkedAt,
    };
  }
}

/** the status where no update server is configured (the harness, or no updates.url in the policy) */
export const UPDATES_NOT_CONFIGURED: UpdateStatus = {
  configured: false,
  state: 'idle',
  version: null,
  percent: null,
  blockers: [],
  error: null,
  checkedAt: null,
};
