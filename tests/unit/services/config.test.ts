import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, WORKSTATION_ID_FILE } from '../../../src/main/config';

const resourcesDir = resolve(__dirname, '../../../resources');

function dirs(user?: object, policy?: object) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cfg-'));
  if (user) writeFileSync(join(dataDir, 'config.json'), JSON.stringify(user));
  const policyFile = join(dataDir, 'policy.json');
  if (policy) writeFileSync(policyFile, JSON.stringify(policy));
  return { dataDir, policyFile };
}

describe('workstation configuration', () => {
  it('starts on the embedded defaults', () => {
    const cfg = loadConfig({ resourcesDir, ...dirs() });
    expect(cfg).toMatchObject({ defaultAreaCode: '0537', locale: 'zh-CN' });
  });

  it('gives every install its own workstation code by default, stable across starts (item 2)', () => {
    const a = dirs();
    const first = loadConfig({ resourcesDir, ...a }).workstation;
    expect(first).toMatch(/^W[0-9A-Z]{6}$/);
    expect(loadConfig({ resourcesDir, ...a }).workstation).toBe(first);
    expect(readFileSync(join(a.dataDir, WORKSTATION_ID_FILE), 'utf8')).toMatch(/^[0-9a-f]{32}\n$/);
    expect(statSync(join(a.dataDir, WORKSTATION_ID_FILE)).mode & 0o777).toBe(0o600);
    const codes = new Set(Array.from({ length: 40 }, () => loadConfig({ resourcesDir, ...dirs() }).workstation));
    expect(codes.size).toBe(40);
    // the same id gives the same code (a copied data folder keeps its code)
    const b = dirs();
    writeFileSync(join(b.dataDir, WORKSTATION_ID_FILE), readFileSync(join(a.dataDir, WORKSTATION_ID_FILE)));
    expect(loadConfig({ resourcesDir, ...b }).workstation).toBe(first);
  });

  it('never replaces a configured code: the user file, a flag or the policy', () => {
    expect(loadConfig({ resourcesDir, ...dirs({ workstation: 'W001' }) }).workstation).toBe('W001');
    expect(loadConfig({ resourcesDir, ...dirs(), overrides: { workstation: 'W099' } }).workstation).toBe('W099');
    const d = dirs(undefined, { workstation: 'JN042' });
    expect(loadConfig({ resourcesDir, ...d }).workstation).toBe('JN042');
    expect(existsSync(join(d.dataDir, WORKSTATION_ID_FILE))).toBe(false);
  });

  it('says what to do with a damaged id file', () => {
    const d = dirs();
    writeFileSync(join(d.dataDir, WORKSTATION_ID_FILE), 'zz');
    expect(() => loadConfig({ resourcesDir, ...d })).toThrow(/workstation-id is damaged/);
  });

  it("lets the user's file change settings the policy does not fix", () => {
    const cfg = loadConfig({ resourcesDir, ...dirs({ workstation: 'W017', locale: 'en' }) });
    expect(cfg).toMatchObject({ workstation: 'W017', locale: 'en' });
  });

  it('makes the machine policy win over the user and over command-line overrides', () => {
    const cfg = loadConfig({
      resourcesDir,
      ...dirs({ workstation: 'W017' }, { workstation: 'JN042', defaultAreaCode: '0531' }),
      overrides: { workstation: 'W099' },
    });
    expect(cfg).toMatchObject({ workstation: 'JN042', defaultAreaCode: '0531' });
  });

  it('names the file and key of a bad setting instead of ignoring it', () => {
    const d = dirs({ workstation: 'bad code!' });
    expect(() => loadConfig({ resourcesDir, ...d })).toThrow(ConfigError);
    expect(() => loadConfig({ resourcesDir, ...d })).toThrow(/config\.json: workstation/);
  });

  it('refuses unknown keys so a typo in a policy is noticed', () => {
    const d = dirs(undefined, { workstaton: 'W001' });
    expect(() => loadConfig({ resourcesDir, ...d })).toThrow(/policy\.json/);
  });
});

describe('plain HTTP to the central server (issue 10, item 7)', () => {
  const load = (user?: object, policy?: object, overrides?: object) =>
    loadConfig({ resourcesDir, ...dirs(user, policy), overrides: overrides as never });

  it('refuses http:// to a host that is not this machine, naming the file, the key and the way out', () => {
    for (const serverUrl of ['http://10.0.0.5:8345', 'http://hotline.example.gov.cn', 'http://192.168.1.10/', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example']) {
      expect(() => load({ serverUrl }), serverUrl).toThrow(ConfigError);
      expect(() => load({ serverUrl }), serverUrl).toThrow(/config\.json: serverUrl: .*plain http:\/\/.*"allowInsecureHttp": true in the policy file .*policy\.json/);
    }
    expect(() => load(undefined, { serverUrl: 'http://10.0.0.5:8345' })).toThrow(/policy\.json: serverUrl/);
    expect(() => load(undefined, undefined, { serverUrl: 'http://10.0.0.5:8345' })).toThrow(/overrides: serverUrl/);
  });

  it('accepts https:// anywhere and http:// to loopback (127.0.0.0/8, ::1, localhost)', () => {
    for (const serverUrl of ['https://10.0.0.5:8345', 'http://127.0.0.1:8345', 'http://127.8.9.10', 'http://localhost:8345', 'http://LOCALHOST', 'http://[::1]:8345']) {
      expect(load({ serverUrl }).serverUrl, serverUrl).toBe(serverUrl);
    }
  });

  it("accepts http:// to another machine when IT's policy allows it explicitly", () => {
    expect(load(undefined, { serverUrl: 'http://10.0.0.5:8345', allowInsecureHttp: true })).toMatchObject({
      serverUrl: 'http://10.0.0.5:8345',
      allowInsecureHttp: true,
    });
    // the policy's permission covers an address from the user's file too
    expect(load({ serverUrl: 'http://10.0.0.6' }, { allowInsecureHttp: true }).serverUrl).toBe('http://10.0.0.6');
    // false is no permission
    expect(() => load(undefined, { serverUrl: 'http://10.0.0.5', allowInsecureHttp: false })).toThrow(/allowInsecureHttp/);
  });

  it('refuses allowInsecureHttp anywhere but the policy file', () => {
    expect(() => load({ serverUrl: 'http://10.0.0.5', allowInsecureHttp: true })).toThrow(/config\.json: allowInsecureHttp: only IT's policy file/);
    expect(() => load(undefined, undefined, { allowInsecureHttp: true })).toThrow(/overrides: allowInsecureHttp/);
  });

  it('takes an update server only from the policy file, over https:// (or loopback, or when IT allows plain HTTP)', () => {
    const updates = { url: 'https://updates.example.gov.cn/desk/' };
    expect(load(undefined, { updates }).updates).toEqual({ url: updates.url, checkIntervalMinutes: 60 });
    expect(() => load({ updates })).toThrow(/config\.json: updates: only IT's policy file .* may name an update server/);
    expect(() => load(undefined, undefined, { updates })).toThrow(/overrides: updates/);
    expect(() => load(undefined, { updates: { url: 'http://10.0.0.5/desk/' } })).toThrow(/policy\.json: updates\.url: .*plain http/);
    expect(load(undefined, { updates: { url: 'http://10.0.0.5/desk/' }, allowInsecureHttp: true }).updates?.url).toBe('http://10.0.0.5/desk/');
    expect(load(undefined, { updates: { url: 'http://127.0.0.1:9000/' } }).updates?.url).toBe('http://127.0.0.1:9000/');
    expect(() => load(undefined, { updates: { url: 'ftp://x/' } })).toThrow(/updates\.url/);
    expect(() => load(undefined, { updates: { ...updates, checkIntervalMinutes: 1 } })).toThrow(/checkIntervalMinutes/);
  });
});
