import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/main/config';

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
    expect(cfg).toMatchObject({ workstation: 'W001', defaultAreaCode: '0537', locale: 'zh-CN' });
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
