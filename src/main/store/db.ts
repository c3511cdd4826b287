/**
 * Opening the SQLite file with the pragmas every connection needs.
 *
 * Durability: WAL with synchronous=FULL fsyncs the WAL on every commit, so a commit that
 * returned survives SIGKILL and power loss (NORMAL would only survive a process crash).
 */
import Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';

export type Db = Database.Database;

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

export function openDatabase(file: string): Db {
  createPrivate(file);
  const db = new Database(file);
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
