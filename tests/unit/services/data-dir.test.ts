/**
 * Issue 10, item 1 (workstation): the data folder and the store's files are this user's only
 * (0700 / 0600), checked at every start, including the -wal and -shm files SQLite creates later.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppContext } from '../../../src/main/services/app';
import { DataDirError, secureDataDir } from '../../../src/main/services/data-dir';
import { STORE_FILE } from '../../../src/main/store/paths';
import type { SqliteStore } from '../../../src/main/store/store';
import { createSyncStore } from '../../../src/main/store/sync-store';
import { plainSecretBox } from '../../../src/main/sync/secrets';
import { IntakeDraft } from '../../../src/shared/schemas';

const resourcesDir = resolve(__dirname, '../../../resources');
const posix = process.platform !== 'win32';
const mode = (path: string) => statSync(path).mode & 0o777;

let root: string;
let oldUmask: number;
let app: AppContext | null = null;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'datadir-'));
  // the usual desktop umask, under which SQLite and mkdir made everything world-readable
  oldUmask = process.umask(0o022);
});
afterEach(async () => {
  await app?.close();
  app = null;
});
afterAll(() => {
  process.umask(oldUmask);
  rmSync(root, { recursive: true, force: true });
});

function start(dataDir: string, warnings: string[] = []): AppContext {
  app = startApp({
    dataDir,
    resourcesDir,
    policyFile: join(root, 'no-policy.json'),
    onWarning: (m) => warnings.push(m),
  });
  return app;
}

/** a write (the autosaved draft), so that the WAL and its index exist */
function logOneCase(ctx: AppContext): void {
  ctx.store.saveDraft('intake', IntakeDraft.parse({ phone: '13800000000', content: '路灯不亮' }));
}

describe.skipIf(!posix)('workstation data folder modes (POSIX)', () => {
  it('creates a new data folder 0700 and the store, its -wal and -shm 0600', () => {
    const dataDir = join(root, 'fresh', 'data');
    const ctx = start(dataDir);
    logOneCase(ctx);
    expect(mode(dataDir).toString(8)).toBe('700');
    for (const suffix of ['', '-wal', '-shm']) {
      const file = join(dataDir, STORE_FILE + suffix);
      expect(existsSync(file), file).toBe(true);
      expect(mode(file).toString(8), file).toBe('600');
    }
  });

  it('keeps the -wal and -shm files SQLite creates again after a restart 0600', async () => {
    const dataDir = join(root, 'restart');
    start(dataDir);
    await app!.close();
    app = null;
    // a clean close checkpoints and deletes the WAL: the next start creates it anew
    expect(existsSync(join(dataDir, `${STORE_FILE}-wal`))).toBe(false);
    const ctx = start(dataDir);
    logOneCase(ctx);
    for (const suffix of ['-wal', '-shm']) expect(mode(join(dataDir, STORE_FILE + suffix)).toString(8)).toBe('600');
  });

  it('narrows a folder and files left open to others by an older version, and says so', async () => {
    const dataDir = join(root, 'old');
    start(dataDir);
    logOneCase(app!);
    // what the landed code left behind: 0755 folder, 0644 files (config.json from the user)
    writeFileSync(join(dataDir, 'config.json'), '{"locale":"en"}');
    chmodSync(dataDir, 0o755);
    for (const f of [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`, 'config.json']) chmodSync(join(dataDir, f), 0o644);
    await app!.close();
    app = null;

    const warnings: string[] = [];
    const ctx = start(dataDir, warnings);
    logOneCase(ctx);
    expect(mode(dataDir).toString(8)).toBe('700');
    for (const f of [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`, 'config.json']) {
      expect(mode(join(dataDir, f)).toString(8), f).toBe('600');
    }
    expect(warnings.some((w) => w.includes(dataDir) && w.includes('0755') && w.includes('0700'))).toBe(true);
    expect(warnings.some((w) => w.includes(join(dataDir, STORE_FILE)) && w.includes('0644'))).toBe(true);
    expect(warnings.some((w) => w.includes('config.json'))).toBe(true);
  });

  it('keeps the refresh token (as is under Node) only in the encrypted store, whose files are 0600', () => {
    const dataDir = join(root, 'token');
    const ctx = start(dataDir);
    const sync = createSyncStore((ctx.store as SqliteStore).db, { now: Date.now });
    sync.saveAccount({ id: 1, username: 'opa', displayName: '操作员A', role: 'operator' });
    const sealed = plainSecretBox.seal('refresh-token-for-the-mode-test');
    sync.setRefreshToken('opa', sealed, Date.now() + 86_400_000);
    // files only: the folder also holds logs/ and backups/ (whose files never carry the token)
    const holders = readdirSync(dataDir, { withFileTypes: true })
      .filter((e) => e.isFile() && readFileSync(join(dataDir, e.name)).includes(sealed))
      .map((e) => e.name);
    // the store and its WAL are encrypted (store/key.ts): the token is in no file in clear
    expect(holders).toEqual([]);
    const storeFiles = readdirSync(dataDir).filter((n) => n.startsWith('hotline.sqlite'));
    expect(storeFiles).toContain('hotline.sqlite-wal');
    for (const f of storeFiles) expect(mode(join(dataDir, f)).toString(8), f).toBe('600');
    // and the store holds it: read back through the keyed connection
    expect((ctx.store as SqliteStore).db.prepare('SELECT refresh_token FROM sync_accounts WHERE username = ?').pluck().get('opa')).toBe(sealed);
  });

  it('refuses a data folder that belongs to another user, naming it', () => {
    const dataDir = join(root, 'foreign');
    mkdirSync(dataDir, { mode: 0o700 });
    const me = process.getuid!();
    expect(() => secureDataDir(dataDir, { uid: me + 1, warn: () => undefined })).toThrow(DataDirError);
    expect(() => secureDataDir(dataDir, { uid: me + 1, warn: () => undefined })).toThrow(new RegExp(`${dataDir}.*another user`));
  });
});

describe('workstation data folder modes on Windows', () => {
  it('skips the mode checks (Windows keeps the user folder private by its ACL)', () => {
    const dataDir = join(root, 'win');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const warnings: string[] = [];
    expect(secureDataDir(dataDir, { platform: 'win32', warn: (m) => warnings.push(m) })).toEqual([]);
    expect(warnings).toEqual([]);
    if (posix) expect(mode(dataDir).toString(8)).toBe('755');
  });
});
