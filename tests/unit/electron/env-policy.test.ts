/**
 * Issue 10, item 6: environment variables must not get around the desktop hardening. A packaged
 * build ignores ELECTRON_RENDERER_URL, HOTLINE_DATA_DIR and HOTLINE_POLICY_FILE, and reads IT's
 * policy only from its fixed machine-wide place. The decision is a pure function
 * (src/main/electron/env-policy.ts), tested here under Node; the Electron adapter must take
 * these variables from it and nowhere else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_ONLY_VARIABLES, isAppUrl, launchSettings } from '../../../src/main/electron/env-policy';
import { defaultPolicyFile, machinePolicyFile } from '../../../src/main/config';

const hostile = {
  ELECTRON_RENDERER_URL: 'http://attacker.example/',
  HOTLINE_DATA_DIR: '/tmp/elsewhere',
  HOTLINE_POLICY_FILE: '/tmp/standalone-policy.json',
  ProgramData: 'D:\\attacker',
};

describe('launch settings of the Electron app', () => {
  it('a packaged build on Linux ignores all three variables', () => {
    const s = launchSettings({ isPackaged: true, env: hostile, platform: 'linux', userDataDir: '/home/op/.config/Hotline Desk' });
    expect(s).toEqual({
      rendererUrl: null,
      dataDir: '/home/op/.config/Hotline Desk',
      policyFile: '/etc/hotline-desk/policy.json',
      ignored: ['ELECTRON_RENDERER_URL', 'HOTLINE_DATA_DIR', 'HOTLINE_POLICY_FILE'],
    });
  });

  it('a packaged build on Windows reads the policy from C:\\ProgramData, not from %ProgramData%', () => {
    const s = launchSettings({ isPackaged: true, env: hostile, platform: 'win32', userDataDir: 'C:\\Users\\op\\AppData\\Roaming\\Hotline Desk' });
    expect(s.policyFile).toBe('C:\\ProgramData\\HotlineDesk\\policy.json');
    expect(s.dataDir).toBe('C:\\Users\\op\\AppData\\Roaming\\Hotline Desk');
    expect(s.rendererUrl).toBeNull();
  });

  it('development (not packaged) honours them, for electron-vite dev and the smoke test', () => {
    const s = launchSettings({ isPackaged: false, env: hostile, platform: 'linux', userDataDir: '/u' });
    expect(s).toEqual({
      rendererUrl: 'http://attacker.example/',
      dataDir: '/tmp/elsewhere',
      policyFile: '/tmp/standalone-policy.json',
      ignored: [],
    });
  });

  it('without the variables, packaged or not, uses the user-data folder and the machine policy', () => {
    for (const isPackaged of [true, false]) {
      const s = launchSettings({ isPackaged, env: {}, platform: 'linux', userDataDir: '/u' });
      expect(s).toEqual({ rendererUrl: null, dataDir: '/u', policyFile: '/etc/hotline-desk/policy.json', ignored: [] });
    }
  });

  it('an empty variable counts as unset', () => {
    const s = launchSettings({ isPackaged: false, env: { HOTLINE_DATA_DIR: '', ELECTRON_RENDERER_URL: '' }, platform: 'linux', userDataDir: '/u' });
    expect(s.dataDir).toBe('/u');
    expect(s.rendererUrl).toBeNull();
  });

  it('the machine policy place is fixed per platform', () => {
    expect(machinePolicyFile('linux')).toBe('/etc/hotline-desk/policy.json');
    expect(machinePolicyFile('darwin')).toBe('/etc/hotline-desk/policy.json');
    expect(machinePolicyFile('win32')).toBe('C:\\ProgramData\\HotlineDesk\\policy.json');
    // the harness and tests (plain Node, never packaged) still take HOTLINE_POLICY_FILE
    const old = process.env.HOTLINE_POLICY_FILE;
    process.env.HOTLINE_POLICY_FILE = '/tmp/dev-policy.json';
    try {
      expect(defaultPolicyFile()).toBe('/tmp/dev-policy.json');
    } finally {
      if (old === undefined) delete process.env.HOTLINE_POLICY_FILE;
      else process.env.HOTLINE_POLICY_FILE = old;
    }
  });
});

describe('isAppUrl', () => {
  const rendererDir = '/opt/Hotline Desk/resources/app.asar/out/renderer';

  it('accepts the built files and nothing else when there is no dev server', () => {
    expect(isAppUrl('file:///opt/Hotline%20Desk/resources/app.asar/out/renderer/index.html', rendererDir, null)).toBe(true);
    expect(isAppUrl('file:///opt/Hotline%20Desk/resources/app.asar/out/renderer-evil/index.html', rendererDir, null)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', rendererDir, null)).toBe(false);
  });

  it('accepts the dev server by origin, not by string prefix', () => {
    expect(isAppUrl('http://localhost:5173/index.html', rendererDir, 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5173.evil.example/', rendererDir, 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('http://localhost:5174/', rendererDir, 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('not a url', rendererDir, 'http://localhost:5173')).toBe(false);
  });
});

describe('the Electron adapter', () => {
  it('reads the development-only variables through env-policy.ts and nowhere else', () => {
    const dir = resolve(__dirname, '../../../src/main/electron');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'env-policy.ts')) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const name of DEV_ONLY_VARIABLES) {
        expect(source.includes(`process.env.${name}`) || source.includes(`env.${name}`), `${file} reads ${name}`).toBe(false);
      }
      expect(/process\.env\.ProgramData/.test(source), `${file} reads ProgramData`).toBe(false);
    }
    const index = readFileSync(join(dir, 'index.ts'), 'utf8');
    expect(index).toMatch(/launchSettings\(\{\s*isPackaged: app\.isPackaged/);
    expect(index).toMatch(/policyFile: launch\.policyFile/);
    expect(index).toMatch(/dataDir: launch\.dataDir/);
  });
});
