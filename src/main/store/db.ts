/**
 * Opening the SQLite file with the pragmas every connection needs.
 *
 * Durability: WAL with synchronous=FULL fsyncs the WAL on every commit, so a commit that
 * returned survives SIGKILL and power loss (NORMAL would only survive a process crash).
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { DEV_STORE_KEY, keyLiteral, STORE_CIPHER, StoreKeyError, type StoreKey } from './key';

export type Db = Database.Database;

/**
 * The key a store connection was opened with (null: plain), for code that opens a second
 * connection or file beside it (backups, the search-index worker's side file).
 */
const KEYS = new WeakMap<Db, StoreKey | null>();
export const keyOf = (db: Db): StoreKey | null => KEYS.get(db) ?? null;

/**
 * The key to use: `undefined` is the development key (browser harness, tests, the tools of a
 * development checkout; see key.ts), `null` a plain store. Electron always passes its own.
 */
export const resolveKey = (key: StoreKey | null | undefined): StoreKey | null => (key === undefined ? DEV_STORE_KEY : key);

const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Whether `file` is an unencrypted SQLite file (its header in clear); false for a missing or empty file. */
export function isPlainSqliteFile(file: string): boolean {
  if (!existsSync(file)) return false;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    return readSync(fd, head, 0, 16, 0) === 16 && head.equals(PLAIN_HEADER);
  } finally {
    closeSync(fd);
  }
}

export interface OpenOptions {
  /** see resolveKey: undefined = the development key, null = plain */
  key?: StoreKey | null;
  readonly?: boolean;
  fileMustExist?: boolean;
}

/**
 * A connection to a store file keyed before any other statement, and checked: a key that does
 * not open the file (or a key for a plain file, or none for an encrypted one) is a
 * StoreKeyError naming the file, not SQLite's bare "file is not a database".
 */
export function openKeyed(file: string, opts: OpenOptions = {}): Db {
  const key = file === ':memory:' || file === '' ? null : resolveKey(opts.key);
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.fileMustExist ?? false });
  try {
    if (key) {
      db.pragma(`cipher = '${STORE_CIPHER}'`);
      db.pragma(`key = ${keyLiteral(key)}`);
    }
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') {
      const plain = isPlainSqliteFile(file);
      throw new StoreKeyError(
        key === null
          ? `${file} is encrypted (or not a SQLite file): it cannot be opened without its store key`
          : plain
            ? `${file} is a plain (unencrypted) store: it must be encrypted first (openStore does so) or opened without a key`
            : `${file} cannot be opened with this store key (wrong key, or not a store)`,
      );
    }
    throw e;
  }
  KEYS.set(db, key);
  return db;
}

/**
 * A new store file is created 0600 before SQLite opens it (SQLite would create it 0644 under the
 * usual umask): it holds citizens' data. SQLite gives the -wal and -shm files it creates the
 * database file's mode, so they are 0600 too. An existing file is left to services/data-dir.ts.
 */
function createPrivate(file: string): void {
  if (file === ':memory:' || file === '' || file.startsWith('file:')) return;
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch {
    // exists already, or cannot be created: SQLite reports the latter in its own words
  }
}

export function openDatabase(file: string, opts: { key?: StoreKey | null } = {}): Db {
  createPrivate(file);
  const db = openKeyed(file, { key: opts.key });
  try {
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // the sync job and the UI share the file: wait for the other writer instead of failing
    db.pragma('busy_timeout = 5000');
    // checkpoints run when idle (maintenance.ts); this is only the safety valve for a long
    // busy spell, so that a commit rarely pays for copying pages into the database file
    db.pragma('wal_autocheckpoint = 10000');
    // a 1,000,000-case store is ~1 GB: a larger page cache and memory-mapped reads keep the
    // repeat-caller and search paths off the read() syscall
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 1073741824');
    db.pragma('temp_store = MEMORY');
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
