/**
 * Item 2: settings IT's policy file sets are locked, and the contract says which
 * (settings.get), so the desktop can mark them 由管理员锁定 and offer no way to change them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, lockedSettings } from '../../../src/main/config';
import { createHandlers } from '../../../src/main/services/handlers';
import { openStore } from '../../../src/main/store/store';
import { startSync } from '../../../src/main/sync/service';
import { contract } from '../../../src/shared/contract';

const resourcesDir = resolve(__dirname, '../../../resources');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function load(user?: object, policy?: object) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cfg-lock-'));
  made.push(dataDir);
  if (user) writeFileSync(join(dataDir, 'config.json'), JSON.stringify(user));
  const policyFile = join(dataDir, 'policy.json');
  if (policy) writeFileSync(policyFile, JSON.stringify(policy));
  return loadConfig({ resourcesDir, dataDir, policyFile, overrides: { locale: 'zh-CN' } });
}

function settingsOf(config: ReturnType<typeof loadConfig>) {
  const store = openStore({ file: ':memory:', workstation: config.workstation });
  const sync = startSync({ db: store.db });
  try {
    const handlers = createHandlers(store, config, sync);
    return contract['settings.get'].output.parse(handlers['settings.get']({}, { transport: 'browser' }));
  } finally {
    sync.stop();
    store.close();
  }
}

describe('settings locked by the policy file', () => {
  it('locks exactly the keys the policy sets, whatever the user or a flag says', () => {
    const config = load({ locale: 'zh-CN', workstation: 'W001' }, { locale: 'en', workstation: 'W777', serverUrl: 'https://hotline.example.lan:8345' });
    expect(config).toMatchObject({ locale: 'en', workstation: 'W777' });
    expect([...lockedSettings(config)].sort()).toEqual(['locale', 'serverUrl', 'workstation']);
    expect(settingsOf(config)).toEqual({
      locale: 'en',
      serverUrl: 'https://hotline.example.lan:8345',
      workstation: 'W777',
      defaultAreaCode: '0537',
      locked: ['locale', 'serverUrl', 'workstation'],
    });
  });

  it('locks nothing without a policy file, or with one that sets other keys only', () => {
    const free = load({ workstation: 'W001' });
    expect(lockedSettings(free)).toEqual([]);
    expect(settingsOf(free)).toMatchObject({ workstation: 'W001', serverUrl: null, locked: [] });
    // a policy with keys the desktop does not show: they are not reported as locked settings
    const other = load(undefined, { defaultAreaCode: '0531', telephony: { http: { enabled: false } } });
    expect(settingsOf(other)).toMatchObject({ defaultAreaCode: '0531', locked: ['defaultAreaCode'] });
  });
});
