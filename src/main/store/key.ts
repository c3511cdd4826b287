/**
 * The store's encryption key (personal data at rest, docs/encryption-at-rest.md).
 *
 * The store is encrypted page by page by SQLite3 Multiple Ciphers (the `better-sqlite3` package
 * is the npm alias of better-sqlite3-multiple-ciphers) with a raw 256-bit key: no passphrase, so
 * no key derivation on every open. The key is 32 random bytes made at the first start and kept
 * in `<data dir>/store-key.sealed` (0600), sealed by a SecretBox (src/main/sync/secrets.ts):
 * under Electron one backed by safeStorage (DPAPI, Keychain, libsecret/kwallet), so the file is
 * useless on another machine or to another OS account.
 *
 * The browser harness, the tests and the command-line tools of a development checkout use
 * DEV_STORE_KEY, a fixed key printed as "development key, not secret": it keeps their stores
 * encrypted in the same format (so the same code paths run) without protecting anything.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretBox } from '../sync/secrets';

/** A 32-byte raw key; null means a plain (unencrypted) store, which only IT's policy may allow. */
export type StoreKey = Buffer;

/** SQLite3 Multiple Ciphers' cipher scheme for the store (chosen in docs/encryption-at-rest.md). */
export const STORE_CIPHER = 'chacha20';

/** The sealed key's file in the data folder. */
export const STORE_KEY_FILE = 'store-key.sealed';

/** The browser harness's and the development tools' key: public, in this source file. */
export const DEV_STORE_KEY: StoreKey = Buffer.from('6465762d6b65792d6e6f742d7365637265742d686f746c696e652d6465736b21', 'hex');
export const DEV_STORE_KEY_NOTICE = `store key: ${DEV_STORE_KEY.toString('hex')} (development key, not secret)`;

/** The store cannot be opened with the key at hand (or without one), or no key can be had. */
export class StoreKeyError extends Error {
  override readonly name = 'StoreKeyError';
}

export function checkKey(key: Buffer): StoreKey {
  if (key.length !== 32) throw new StoreKeyError(`a store key is 32 bytes, got ${key.length}`);
  return key;
}

/** A key file of the command-line tools: 64 hex digits (whitespace ignored). */
export function readKeyFile(file: string): StoreKey {
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new StoreKeyError(`${file}: a key file holds 64 hex digits (32 bytes)`);
  return Buffer.from(text, 'hex');
}

/**
 * The data folder's store key, unsealed by `box`; made, sealed and written (0600, atomically)
 * when there is none yet. Throws StoreKeyError when a sealed key is there but `box` cannot open
 * it (another machine or account, or the OS key store reset): the store would be unreadable.
 */
export function sealedStoreKey(dataDir: string, box: SecretBox): StoreKey {
  const file = join(dataDir, STORE_KEY_FILE);
  if (existsSync(file)) {
    const hex = box.open(readFileSync(file, 'utf8').trim());
    if (hex === null || !/^[0-9a-f]{64}$/.test(hex)) {
      throw new StoreKeyError(
        `the store key in ${file} cannot be unsealed by this account's key store (another machine or user, or the key store was reset): ` +
          'the local store cannot be read. Restore the key store, or move the data folder aside to start with an empty store and sync again',
      );
    }
    return Buffer.from(hex, 'hex');
  }
  const key = randomBytes(32);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${box.seal(key.toString('hex'))}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return key;
}

/**
 * The store key of an installed workstation: sealed by `box` (Electron safeStorage), or, where
 * the OS key store cannot encrypt (`box` undefined), no key (a plain store) if IT's policy says
 * `allowPlainStore`, else a StoreKeyError the app shows before it stops.
 */
export function storeKeyFor(dataDir: string, box: SecretBox | undefined, allowPlainStore: boolean): StoreKey | null {
  if (box) return sealedStoreKey(dataDir, box);
  if (allowPlainStore) return null;
  throw new StoreKeyError(
    '本地工单库需要加密，但本机的系统密钥库不可用（Linux 需要 gnome-keyring/KWallet 等密钥环）。请启用系统密钥环，或由 IT 在策略文件中设置 "allowPlainStore": true 后重试。' +
      ' (The local store must be encrypted, but the OS key store that seals its key (Electron safeStorage) is not available: ' +
      'enable a keyring, or IT may allow an unencrypted store with "allowPlainStore": true in the policy file.)',
  );
}

/** The SQL that keys a connection (or an ATTACH): a raw key as a blob literal. */
export function keyLiteral(key: StoreKey): string {
  return `"x'${key.toString('hex')}'"`;
}
