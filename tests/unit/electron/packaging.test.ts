/**
 * The packaging configuration keeps the promises made to IT in docs/deploy.md. No Electron
 * binary can be downloaded here, so `npm run dist` cannot run; what can be checked is the
 * configuration electron-builder will read, with electron-builder's own schema validator, and
 * each promise in it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Configuration } from 'electron-builder';

const require = createRequire(import.meta.url);
const root = new URL('../../../', import.meta.url);
const config = require('../../../electron-builder.cjs') as Configuration;
const deployGuide = readFileSync(new URL('docs/deploy.md', root), 'utf8');

const targets = (list: unknown): string[] =>
  (Array.isArray(list) ? list : [list]).map((t: string | { target: string }) => (typeof t === 'string' ? t : t.target));

describe('electron-builder.cjs', () => {
  it("passes electron-builder's own schema validation", async () => {
    // app-builder-lib is electron-builder's engine (a pinned dependency of it): the same check
    // `npm run dist` runs first
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (c: unknown, logger: { isEnabled: boolean; add: () => void }) => Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => {} })).resolves.toBeUndefined();
    // and it does refuse a bad key, so the line above can fail
    const misspelt = { ...config, nsis: { ...config.nsis, silentlyy: true } };
    await expect(validateConfiguration(misspelt, { isEnabled: false, add: () => {} })).rejects.toThrow(/configuration\.nsis/);
  });

  it('builds NSIS and MSI for Windows, deb, rpm and AppImage for Linux', () => {
    expect(targets(config.win?.target)).toEqual(['nsis', 'msi']);
    expect(targets(config.linux?.target)).toEqual(['deb', 'rpm', 'AppImage']);
  });

  it('installs per machine, silently, without starting the app, and keeps data on removal', () => {
    // an assisted (not one-click) per-machine NSIS installer: /S installs silently, /D= picks the folder
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true, runAfterFinish: false, deleteAppDataOnUninstall: false });
    expect(config.nsis?.allowToChangeInstallationDirectory).toBe(true);
    expect(config.msi).toMatchObject({ perMachine: true, runAfterFinish: false });
  });

  it('gives the MSI a fixed upgrade code, the one the deployment guide names', () => {
    const code = config.msi?.upgradeCode;
    expect(code).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(deployGuide).toContain(code!);
  });

  it('sets the fuses for production', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('unpacks the native SQLite module from the asar and rebuilds it for Electron in packaging only', () => {
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
    expect(config.npmRebuild).toBe(true);
    // after packing, node_modules gets its Node-ABI build back (tests keep working after a dist)
    const hook = readFileSync(new URL(String(config.afterPack), root), 'utf8');
    expect(hook).toMatch(/'npm',\s*\['rebuild', 'better-sqlite3'\]/);
  });

  it('registers hotline:// and leaves the unit portal and source maps out of the workstation', () => {
    expect(config.protocols).toEqual([{ name: 'Hotline Desk call', schemes: ['hotline'] }]);
    expect(config.files).toEqual(expect.arrayContaining(['out/**', '!out/portal/**', '!**/*.map']));
  });

  it('names artefacts as the deployment guide does', () => {
    expect(config.artifactName).toBe('HotlineDesk-${version}-${arch}.${ext}');
    for (const cmd of ['HotlineDesk-0.1.0-x64.exe /S', '/D=', 'msiexec /i HotlineDesk-0.1.0-x64.msi /qn', 'msiexec /x']) {
      expect(deployGuide).toContain(cmd);
    }
  });
});
