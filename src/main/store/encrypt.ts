/**
 * Encrypting an existing plain store in place (the migration of issue 9, item 7), run by
 * openStore before the store is opened with its key.
 *
 * 1. The plain store's WAL is folded in (checkpoint TRUNCATE) and a verified copy written:
 *    `<store>.plain-backup.partial` (SQLite's backup API), integrity_check, fsync, then renamed
 *    to `<store>.plain-backup` — that rename is the marker that a migration is under way.
 * 2. `PRAGMA rekey` encrypts the store in place (journal_mode DELETE: SQLite3 Multiple Ciphers
 *    cannot rekey a WAL database; `sqlcipher_export` is not in this build).
 * 3. The store is reopened with the key and must pass integrity_check with as many cases as the
 *    copy; only then is the plain copy deleted (a plain copy beside the store would defeat the
 *    encryption).
 *
 * A process killed anywhere leaves a store that the next start recovers: before the marker
 * the plain store is untouched (the partial copy is discarded); after it, a store that opens
 * with the key and passes integrity_check is the finished migration (the copy is deleted),
 * and anything else (a half-rekeyed file) is replaced by the verified plain copy and the
 * migration runs again.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { isPlainSqliteFile, openKeyed } from './db';
import { keyLiteral, STORE_CIPHER, StoreKeyError, type StoreKey } from './key';

export const plainBackupOf = (file: string): string => `${file}.plain-backup`;

/** Steps a test may interrupt (a thrown error or a killed process) to check recovery. */
export type EncryptStep = 'copied' | 'rekeyed';

export interface EncryptResult {
  /** 'none': nothing to do (no file, or already encrypted); 'encrypted': migrated now; 'recovered': an interrupted migration finished or redone */
  action: 'none' | 'encrypted' | 'recovered';
  ms: number;
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const sidecars = (file: string) => ['-wal', '-shm', '-journal'].map((s) => `${file}${s}`);

function checkOpens(file: string, key: StoreKey): { ok: true; cases: number } | { ok: false } {
  let db: Database.Database | undefined;
  try {
    db = openKeyed(file, { key, fileMustExist: true });
    if (db.pragma('integrity_check', { simple: true }) !== 'ok') return { ok: false };
    return { ok: true, cases: casesIn(db) };
  } catch {
    return { ok: false };
  } finally {
    db?.close();
  }
}

function casesIn(db: Database.Database): number {
  const has = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cases'").pluck().get() as number;
  return has ? (db.prepare('SELECT count(*) FROM cases').pluck().get() as number) : 0;
}

/**
 * Makes `file` an encrypted store under `key` if it is a plain one, recovering an interrupted
 * earlier run first. `onStep` is for tests (throw, or kill the process, to interrupt).
 */
export function encryptPlainStore(file: string, key: StoreKey, onStep?: (step: EncryptStep) => void): EncryptResult {
  const started = performance.now();
  const backup = plainBackupOf(file);
  const partial = `${backup}.partial`;
  const done = (action: EncryptResult['action']): EncryptResult => ({ action, ms: Math.round(performance.now() - started) });
  rmSync(partial, { force: true });
  let recovered = false;
  if (existsSync(backup)) {
    // an earlier migration was interrupted after its verified copy was made
    if (!isPlainSqliteFile(file) && checkOpens(file, key).ok) {
      rmSync(backup, { force: true });
      return done('recovered');
    }
    for (const f of [file, ...sidecars(file)]) rmSync(f, { force: true });
    renameSync(backup, file);
    recovered = true;
  }
  if (!isPlainSqliteFile(file)) return done(recovered ? 'recovered' : 'none');

  const db = new Database(file);
  let cases: number;
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('wal_checkpoint(TRUNCATE)');
    if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') throw new StoreKeyError(`${file}: cannot leave WAL mode to encrypt the store (another process has it open?)`);
    cases = casesIn(db);
    closeSync(openSync(partial, 'w', 0o600));
    // synchronous: the backup API driven to the end in one step
    db.prepare('VACUUM INTO ?').run(partial);
  } catch (e) {
    db.close();
    rmSync(partial, { force: true });
    throw e;
  }
  const copy = new Database(partial, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok' || casesIn(copy) !== cases) throw new StoreKeyError(`${file}: the copy made before encrypting failed its check (${String(check)}); the store is left plain`);
  } catch (e) {
    copy.close();
    db.close();
    rmSync(partial, { force: true });
    throw e;
  }
  copy.close();
  fsyncFile(partial);
  renameSync(partial, backup);
  try {
    onStep?.('copied');
    db.pragma(`cipher = '${STORE_CIPHER}'`);
    db.pragma(`rekey = ${keyLiteral(key)}`);
  } finally {
    db.close();
  }
  onStep?.('rekeyed');
  const after = checkOpens(file, key);
  if (!after.ok || after.cases !== cases) {
    // put the plain store back as it was; the next start tries again
    for (const f of [file, ...sidecars(file)]) rmSync(f, { force: true });
    renameSync(backup, file);
    throw new StoreKeyError(`${file}: the encrypted store failed its check after encrypting; the plain store was put back`);
  }
  rmSync(backup, { force: true });
  return done(recovered ? 'recovered' : 'encrypted');
}
