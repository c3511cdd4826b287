/**
 * Updates: downloaded in the background, installed only when no call is open and nobody is
 * typing an intake, never a downgrade; a refused sync (update_required) asks for a check at once.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installBlockers, isUpgrade } from '../../../src/main/updates/policy';
import { UpdateService, type AutoUpdaterLike } from '../../../src/main/updates/service';

class FakeUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowDowngrade = true;
  feed: unknown = null;
  checks = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];
  /** what the next check finds */
  offer: string | null = null;
  setFeedURL(o: { provider: 'generic'; url: string }) {
    this.feed = o;
  }
  async checkForUpdates() {
    this.checks++;
    if (this.offer === null) this.emit('update-not-available', { version: '0.1.0' });
    else this.emit('update-available', { version: this.offer });
    return null;
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean) {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

function service(activity = { activeCalls: 0, drafts: 0 }) {
  const updater = new FakeUpdater();
  const s = new UpdateService({ updater, feedUrl: 'https://updates.example.gov.cn/desk/', currentVersion: '0.1.0', activity: () => activity });
  return { updater, s, activity };
}

describe('update policy', () => {
  it('installs only over a strictly newer valid version', () => {
    expect(isUpgrade('0.2.0', '0.1.0')).toBe(true);
    expect(isUpgrade('0.1.1', '0.1.0')).toBe(true);
    expect(isUpgrade('0.1.0', '0.1.0')).toBe(false);
    expect(isUpgrade('0.0.9', '0.1.0')).toBe(false);
    expect(isUpgrade('0.1.0-beta.1', '0.1.0')).toBe(false);
    expect(isUpgrade('latest', '0.1.0')).toBe(false);
  });

  it('is blocked by an open call and by an intake being typed', () => {
    expect(installBlockers({ activeCalls: 0, drafts: 0 })).toEqual([]);
    expect(installBlockers({ activeCalls: 1, drafts: 0 })).toEqual(['active_call']);
    expect(installBlockers({ activeCalls: 0, drafts: 2 })).toEqual(['unsaved_draft']);
    expect(installBlockers({ activeCalls: 1, drafts: 1 })).toEqual(['active_call', 'unsaved_draft']);
  });
});

describe('UpdateService', () => {
  it('points electron-updater at the policy URL, downloads by itself, never allows a downgrade', () => {
    const { updater } = service();
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.example.gov.cn/desk/' });
    expect(updater.autoDownload).toBe(true);
    expect(updater.allowDowngrade).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(true);
  });

  it('waits for the call to end and the intake to be saved, then installs silently and restarts', async () => {
    const { updater, s, activity } = service({ activeCalls: 1, drafts: 1 });
    updater.offer = '0.2.0';
    await s.checkNow();
    expect(s.status()).toMatchObject({ state: 'downloading', version: '0.2.0' });
    updater.emit('download-progress', { percent: 42.4 });
    expect(s.status().percent).toBe(42);
    updater.emit('update-downloaded', { version: '0.2.0' });
    expect(s.status()).toMatchObject({ state: 'downloaded', blockers: ['active_call', 'unsaved_draft'] });

    expect(s.installIfQuiet()).toBe(false);
    activity.activeCalls = 0;
    expect(s.installIfQuiet()).toBe(false);
    expect(s.status().blockers).toEqual(['unsaved_draft']);
    expect(updater.installs).toEqual([]);

    activity.drafts = 0;
    expect(s.installIfQuiet()).toBe(true);
    expect(updater.installs).toEqual([[true, true]]);
    expect(s.status().state).toBe('installing');
    // once only
    expect(s.installIfQuiet()).toBe(false);
  });

  it('ignores an offered downgrade and never installs a downloaded one, even on quit', async () => {
    const { updater, s } = service();
    updater.offer = '0.0.9';
    await s.checkNow();
    expect(s.status()).toMatchObject({ state: 'idle', version: null });
    updater.emit('update-downloaded', { version: '0.0.9' });
    expect(s.installIfQuiet()).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.installs).toEqual([]);
  });

  it('reports a failed check as an error and tries again on the next one', async () => {
    const { updater, s } = service();
    updater.checkForUpdates = async () => {
      updater.checks++;
      throw new Error('getaddrinfo ENOTFOUND updates.example.gov.cn');
    };
    await s.checkNow();
    expect(s.status()).toMatchObject({ state: 'error', error: expect.stringContaining('ENOTFOUND') });
    updater.checkForUpdates = FakeUpdater.prototype.checkForUpdates;
    await s.checkNow();
    expect(s.status()).toMatchObject({ state: 'idle', error: null });
  });

  it('does not check again while an update is downloading or waiting to install', async () => {
    const { updater, s } = service();
    updater.offer = '0.2.0';
    await s.checkNow();
    await s.checkNow();
    updater.emit('update-downloaded', { version: '0.2.0' });
    await s.checkNow();
    expect(updater.checks).toBe(1);
  });
});

describe('what an update would interrupt', () => {
  it('counts a call from ringing until it ends, and forgets one whose end never came after 4 hours', async () => {
    const { createTelephonyHub } = await import('../../../src/main/telephony/hub');
    let now = Date.UTC(2026, 10, 29, 2, 0, 0);
    const hub = createTelephonyHub({ now: () => now });
    const ev = (kind: string, callId: string) => hub.report('http', { kind, callId, callerNumber: '13905370001', at: now });
    expect(hub.activeCalls()).toBe(0);
    ev('ringing', 'c1');
    expect(hub.activeCalls()).toBe(1);
    ev('answered', 'c1');
    ev('ringing', 'c2');
    expect(hub.activeCalls()).toBe(2);
    ev('ended', 'c1');
    expect(hub.activeCalls()).toBe(1);
    now += 4 * 3_600_000 + 1;
    expect(hub.activeCalls()).toBe(0);
  });

  it('counts intake drafts saved in the last minutes, not older ones, not other keys', async () => {
    const Database = (await import('better-sqlite3')).default;
    const { countRecentDrafts } = await import('../../../src/main/store/drafts');
    const db = new Database(':memory:');
    db.exec('CREATE TABLE drafts (key TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at INTEGER NOT NULL)');
    const put = db.prepare('INSERT INTO drafts VALUES (?, ?, ?)');
    put.run('intake:op1', '{}', 1_000);
    put.run('intake:op2', '{}', 5_000);
    put.run('other', '{}', 9_000);
    expect(countRecentDrafts(db, 2_000)).toBe(1);
    expect(countRecentDrafts(db, 0)).toBe(2);
    expect(countRecentDrafts(db, 6_000)).toBe(0);
  });
});
