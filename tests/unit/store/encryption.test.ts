/**
 * Personal data at rest (issue 9, item 7): the store file, its WAL and its backups hold no
 * citizen's number or name in clear; a wrong or missing key is refused with a StoreKeyError; a
 * plain store is encrypted in place at open, also when a previous attempt was killed midway;
 * backups are encrypted with the store's key and restore; the key is sealed in the data folder;
 * the diagnostics say whether the store is encrypted (never the key).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupStore, restoreStore, verifyStoreFile } from '../../../src/main/store/backup';
import { isPlainSqliteFile, openKeyed } from '../../../src/main/store/db';
import { plainBackupOf } from '../../../src/main/store/encrypt';
import { DEV_STORE_KEY, STORE_CIPHER, STORE_KEY_FILE, StoreKeyError, storeKeyFor } from '../../../src/main/store/key';
import { STORE_FILE } from '../../../src/main/store/paths';
import { openStore } from '../../../src/main/store/store';
import { collectDiagnostics } from '../../../src/main/diagnostics';
import { loadConfig } from '../../../src/main/config';
import { plainSecretBox, type SecretBox } from '../../../src/main/sync/secrets';
import { intake, T0, TAXONOMY, tempDir } from './helpers';

const root = join(import.meta.dirname, '../../..');
const PHONE = '13905379876';
const NAME = '王秀英';
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

function fill(file: string, key: Buffer | null | undefined, n: number) {
  const store = openStore({ file, workstation: 'W001', now: () => T0, key });
  store.loadTaxonomy(TAXONOMY.categories, TAXONOMY.regions);
  for (let i = 0; i < n; i++) store.saveIntake(intake({ phone: PHONE, callerName: NAME }), 'op');
  return store;
}

/** whether any of the files holds the number or the name (UTF-8) in clear */
const inClear = (...files: string[]) =>
  files.filter(existsSync).some((f) => {
    const bytes = readFileSync(f);
    return bytes.includes(Buffer.from(PHONE)) || bytes.includes(Buffer.from(NAME));
  });

const countCases = (file: string, key?: Buffer | null) => {
  const db = openKeyed(file, { key, readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM cases').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('store encryption', () => {
  it('keeps no phone number or name in clear in the store or its WAL, and the plain control does', () => {
    const d = dir();
    const file = join(d, STORE_FILE);
    const store = fill(file, undefined, 50);
    // while open: the WAL holds the recent pages
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(inClear(file, `${file}-wal`)).toBe(false);
    expect(store.encryption.encrypted).toBe(true);
    expect(store.search(NAME, 50).results.length).toBeGreaterThan(0);
    store.close();
    expect(inClear(file, `${file}-wal`)).toBe(false);
    expect(isPlainSqliteFile(file)).toBe(false);
    // the same cases in a plain store are found by the same byte search: the check can fail
    const plain = join(d, 'plain.sqlite');
    fill(plain, null, 50).close();
    expect(inClear(plain, `${plain}-wal`)).toBe(true);
  });

  it('refuses a wrong key, and no key, with a StoreKeyError naming the file', () => {
    const file = join(dir(), STORE_FILE);
    fill(file, undefined, 3).close();
    const wrong = randomBytes(32);
    expect(() => openStore({ file, workstation: 'W001', key: wrong })).toThrow(StoreKeyError);
    expect(() => openStore({ file, workstation: 'W001', key: wrong })).toThrow(/cannot be opened with this store key/);
    expect(() => openKeyed(file, { key: null })).toThrow(/is encrypted .* without its store key/);
    // nothing was changed by the refusals
    expect(countCases(file)).toBe(3);
  });

  it('encrypts an existing plain store in place at open, keeping every case, and leaves no plain copy', () => {
    const d = dir();
    const file = join(d, STORE_FILE);
    fill(file, null, 40).close();
    expect(isPlainSqliteFile(file)).toBe(true);
    const store = openStore({ file, workstation: 'W001' });
    expect(store.encryption).toMatchObject({ action: 'encrypted', encrypted: true });
    expect((store.db.prepare('SELECT count(*) FROM cases').pluck().get() as number)).toBe(40);
    expect(store.callerHistory(PHONE).totalCalls).toBe(40);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
    expect(inClear(file, `${file}-wal`)).toBe(false);
    expect(readdirSync(d).filter((n) => n.includes('plain-backup'))).toEqual([]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // a second open has nothing to do
    const again = openStore({ file, workstation: 'W001' });
    expect(again.encryption.action).toBe('none');
    again.close();
  });

  for (const at of ['copied', 'rekeyed'] as const) {
    it(`a process killed after the plain store was ${at} loses nothing: the next open finishes the encryption`, () => {
      const d = dir();
      const file = join(d, STORE_FILE);
      fill(file, null, 30).close();
      const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/encrypt-killed.ts'), file, at], { cwd: root, encoding: 'utf8' });
      expect(child.signal, child.stderr).toBe('SIGKILL');
      expect(existsSync(plainBackupOf(file))).toBe(true);
      const store = openStore({ file, workstation: 'W001' });
      expect(store.encryption.action).toBe('recovered');
      expect(store.db.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(30);
      store.close();
      expect(existsSync(plainBackupOf(file))).toBe(false);
      expect(inClear(file, `${file}-wal`)).toBe(false);
    }, 60_000);
  }

  it('a store left half-encrypted (torn pages) is replaced by the verified plain copy and encrypted again', () => {
    const d = dir();
    const file = join(d, STORE_FILE);
    fill(file, null, 30).close();
    expect(() =>
      openStore({
        file,
        workstation: 'W001',
        onEncryptStep: (step) => {
          if (step !== 'rekeyed') return;
          // as if the rekey had stopped after writing some pages: garbage over part of the file
          const fd = openSync(file, 'r+');
          writeSync(fd, randomBytes(8192), 0, 8192, 4096);
          closeSync(fd);
          throw new Error('killed');
        },
      }),
    ).toThrow('killed');
    const store = openStore({ file, workstation: 'W001' });
    expect(store.encryption.action).toBe('recovered');
    expect(store.db.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(30);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
    expect(existsSync(plainBackupOf(file))).toBe(false);
  });

  it('backs up encrypted with the store key; the backup verifies only with that key and restores', async () => {
    const d = dir();
    const key = randomBytes(32);
    const store = fill(join(d, STORE_FILE), key, 12);
    const { file } = await backupStore(store.db, join(d, 'backups'), { keep: 2 });
    store.saveIntake(intake(), 'op');
    store.close();
    expect(inClear(file)).toBe(false);
    expect(verifyStoreFile(file, key).ok).toBe(true);
    expect(verifyStoreFile(file).ok).toBe(false); // the development key does not open it
    expect(verifyStoreFile(file, null).ok).toBe(false);
    expect(() => restoreStore(d, file, Date.now)).toThrow(/not a good backup/);
    const { keptAs } = restoreStore(d, file, Date.now, key);
    expect(countCases(join(d, STORE_FILE), key)).toBe(12);
    expect(countCases(keptAs!, key)).toBe(13);
    expect(inClear(join(d, STORE_FILE), keptAs!)).toBe(false);
  });

  it('seals a new key in the data folder (0600), unseals the same key later, and refuses what it cannot unseal', () => {
    const d = dir();
    const box: SecretBox = { seal: (p) => `test:${Buffer.from(p).toString('base64')}`, open: (s) => (s.startsWith('test:') ? Buffer.from(s.slice(5), 'base64').toString() : null) };
    const key = storeKeyFor(d, box, false)!;
    expect(key.length).toBe(32);
    const sealed = join(d, STORE_KEY_FILE);
    expect(statSync(sealed).mode & 0o777).toBe(0o600);
    expect(readFileSync(sealed, 'utf8')).not.toContain(key.toString('hex'));
    expect(storeKeyFor(d, box, false)!.equals(key)).toBe(true);
    expect(() => storeKeyFor(d, plainSecretBox, false)).toThrow(/cannot be unsealed/);
    // no OS key store: refused unless IT's policy allows a plain store
    const other = dir();
    expect(() => storeKeyFor(other, undefined, false)).toThrow(/allowPlainStore/);
    expect(storeKeyFor(other, undefined, true)).toBeNull();
  });

  it('allowPlainStore is honoured only from the policy file', () => {
    const d = dir();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ allowPlainStore: true }));
    expect(() => loadConfig({ dataDir: d, resourcesDir: join(root, 'resources'), policyFile: join(d, 'none.json') })).toThrow(/allowPlainStore: only IT's policy file/);
    const p = dir();
    writeFileSync(join(p, 'policy.json'), JSON.stringify({ allowPlainStore: true }));
    expect(loadConfig({ dataDir: p, resourcesDir: join(root, 'resources'), policyFile: join(p, 'policy.json') }).allowPlainStore).toBe(true);
  });

  it('the diagnostics say encrypted and the cipher, never the key', () => {
    const d = dir();
    fill(join(d, STORE_FILE), undefined, 2).close();
    const config = loadConfig({ dataDir: d, resourcesDir: join(root, 'resources'), policyFile: join(d, 'none.json') });
    const diag = collectDiagnostics({ dataDir: d, config });
    expect(diag.store).toMatchObject({ encrypted: true, cipher: STORE_CIPHER, counts: { cases: 2 } });
    expect(JSON.stringify(diag)).not.toContain(DEV_STORE_KEY.toString('hex'));
    const p = dir();
    fill(join(p, STORE_FILE), null, 1).close();
    expect(collectDiagnostics({ dataDir: p, config, key: null }).store).toMatchObject({ encrypted: false, cipher: null });
  });
});
