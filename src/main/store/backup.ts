/**
 * Backups of the workstation store (本地库备份): online copies made with `VACUUM INTO` on a
 * second, read-only connection in a worker thread (a consistent snapshot of the WAL store while
 * the app keeps writing, without blocking the main thread), each checked with
 * `PRAGMA integrity_check` before it counts, the newest `keep` kept; and a restore that refuses
 * while the app holds the store.
 *
 * Encryption (key.ts): a copy of an encrypted store is encrypted with the same key and cipher
 * (SQLite3 Multiple Ciphers' VACUUM INTO writes with the source's codec; its backup API refuses
 * a destination with another codec, so `db.backup()` cannot be used), and is verified and
 * restored with that key. A backup is thus no more readable than the store.
 *
 * Files: `<data dir>/backups/hotline-YYYYMMDD-HHMMSS.sqlite` (UTC), 0600 like the store. A copy
 * is written as `….partial` and renamed only once verified, so a crash mid-backup leaves no file
 * that looks like a good backup. The app holds the store while `<data dir>/store.lock` names a
 * live process (services/app.ts takes it; a lock left by a dead process is ignored).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { keyOf, openKeyed, type Db } from './db';
import { STORE_CIPHER, type StoreKey } from './key';
import { STORE_FILE } from './paths';

export const BACKUP_DIR = 'backups';
export const LOCK_FILE = 'store.lock';
const NAME = /^hotline-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite$/;
/** sort key: the stamp, then the number of a second backup within the same second */
const orderOf = (name: string): string => {
  const m = NAME.exec(name)!;
  return `${m[1]}${m[2]}${(m[3] ?? '1').padStart(6, '0')}`;
};

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
}

export class BackupError extends Error {}

function stampOf(at: number): string {
  const iso = new Date(at).toISOString(); // 2026-11-29T09:42:21.123Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/**
 * `integrity_check` of a store file opened read-only with `key` (db.ts resolveKey: undefined =
 * the development key, null = plain): 'ok' or the problems SQLite lists.
 */
export function verifyStoreFile(file: string, key?: StoreKey | null): { ok: boolean; problems: string[]; userVersion: number } {
  if (!existsSync(file)) return { ok: false, problems: [`${file} does not exist`], userVersion: 0 };
  let db: Db | undefined;
  try {
    db = openKeyed(file, { key, readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    if (userVersion === 0) problems.push('not a hotline store (user_version 0: no schema)');
    return { ok: problems.length === 0, problems, userVersion };
  } catch (e) {
    return { ok: false, problems: [(e as Error).message], userVersion: 0 };
  } finally {
    db?.close();
  }
}

/** Backups in `dir`, oldest first. */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => NAME.test(n))
    .sort((a, b) => (orderOf(a) < orderOf(b) ? -1 : orderOf(a) > orderOf(b) ? 1 : 0))
    .map((n) => join(dir, n));
}

/**
 * One online backup of the open store into `dir`, verified, then all but the newest `keep`
 * removed. Throws BackupError (and leaves no backup file) when the copy fails its check.
 */
export async function backupStore(db: Db, dir: string, opts: { keep: number; now?: () => number }): Promise<BackupResult> {
  if (!Number.isInteger(opts.keep) || opts.keep < 1) throw new BackupError(`keep must be a whole number ≥ 1, got ${opts.keep}`);
  const started = Date.now();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = join(dir, `hotline-${stampOf((opts.now ?? Date.now)())}`);
  let file = `${base}.sqlite`;
  for (let n = 2; existsSync(file); n++) file = `${base}-${n}.sqlite`;
  const partial = `${file}.partial`;
  closeSync(openSync(partial, 'w', 0o600));
  const key = keyOf(db);
  try {
    if (db.memory || db.name === '') await db.backup(partial);
    else await vacuumInto(db.name, key, partial);
    chmodSync(partial, 0o600);
    const check = verifyStoreFile(partial, key);
    if (!check.ok) throw new BackupError(`the backup failed its integrity check: ${check.problems.slice(0, 5).join('; ')}`);
    renameSync(partial, file);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  const all = listBackups(dir);
  for (const old of all.slice(0, Math.max(0, all.length - opts.keep))) rmSync(old, { force: true });
  return { file, bytes: statSync(file).size, ms: Date.now() - started };
}

const VACUUM_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
try {
  if (workerData.key) {
    db.pragma("cipher = '" + workerData.cipher + "'");
    db.pragma('key = "x' + "'" + workerData.key + "'" + '"');
  }
  db.pragma('busy_timeout = 5000');
  db.prepare('VACUUM INTO ?').run(workerData.out);
  parentPort.postMessage({ ok: true });
} catch (e) {
  parentPort.postMessage({ ok: false, error: String(e && e.message || e) });
} finally {
  db.close();
}
`;

/** `VACUUM INTO out` of the store file on its own read-only connection, in a worker thread. */
async function vacuumInto(file: string, key: StoreKey | null, out: string): Promise<void> {
  const worker = new Worker(VACUUM_WORKER, {
    eval: true,
    workerData: { sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), file, key: key?.toString('hex') ?? null, cipher: STORE_CIPHER, out },
  });
  const result = await new Promise<{ ok: boolean; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new BackupError(`the backup worker stopped (exit ${code})`)));
  });
  await worker.terminate();
  if (!result.ok) throw new BackupError(`backup copy failed: ${result.error}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live process holding the store of `dataDir`, or null. */
export function storeHolder(dataDir: string): number | null {
  const file = join(dataDir, LOCK_FILE);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid) ? pid : null;
}

/** Marks the store of `dataDir` as held by this process; returns the release function. */
export function holdStore(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  const fd = openSync(file, 'w', 0o600);
  writeSync(fd, String(process.pid));
  closeSync(fd);
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}

/**
 * Replaces the store of `dataDir` with a backup: refuses while the app holds the store, or when
 * the backup fails its check. The current store (with its -wal and -shm) is kept beside it as
 * `hotline.sqlite.before-restore-<stamp>` rather than deleted. Returns that file's path (null
 * when there was no store).
 */
export function restoreStore(dataDir: string, backupFile: string, now: () => number = Date.now, key?: StoreKey | null): { keptAs: string | null } {
  const holder = storeHolder(dataDir);
  if (holder !== null) {
    throw new BackupError(`the store in ${dataDir} is in use by process ${holder} (the app is running): close it first`);
  }
  const check = verifyStoreFile(backupFile, key);
  if (!check.ok) throw new BackupError(`${basename(backupFile)} is not a good backup: ${check.problems.slice(0, 5).join('; ')}`);
  const store = join(dataDir, STORE_FILE);
  let keptAs: string | null = null;
  if (existsSync(store)) {
    // fold the WAL into the old file first, so what is kept aside is one complete file
    try {
      const old = openKeyed(store, { key });
      old.pragma('wal_checkpoint(TRUNCATE)');
      old.close();
    } catch {
      // a store this key does not open (damaged, or another key): kept aside as it is, with its WAL
      for (const suffix of ['-wal', '-shm']) if (existsSync(`${store}${suffix}`)) renameSync(`${store}${suffix}`, `${store}.before-restore-${stampOf(now())}${suffix}`);
    }
    keptAs = `${store}.before-restore-${stampOf(now())}`;
    renameSync(store, keptAs);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${store}${suffix}`, { force: true });
  copyFileSync(backupFile, store);
  chmodSync(store, 0o600);
  return { keptAs };
}

export interface BackupSchedule {
  stop(): void;
  /** the next backup now (tests, the diagnostics screen) */
  runNow(): Promise<BackupResult>;
}

/**
 * Backs the open store up every `intervalMs`; the first one is due `intervalMs` after the newest
 * backup in `dir` (at once when there is none or it is older). Failures go to `onError` and the
 * schedule goes on.
 */
export function scheduleBackups(
  db: Db,
  opts: {
    dir: string;
    intervalMs: number;
    keep: number;
    onDone?: (r: BackupResult) => void;
    onError?: (e: unknown) => void;
    /** the first backup waits at least this long after start (default a minute) */
    firstDelayMinMs?: number;
  },
): BackupSchedule {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const runNow = async () => backupStore(db, opts.dir, { keep: opts.keep });
  const next = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      if (!db.open) return;
      runNow()
        .then((r) => opts.onDone?.(r))
        .catch((e: unknown) => opts.onError?.(e))
        .finally(() => next(opts.intervalMs));
    }, Math.max(0, delay));
    timer.unref();
  };
  const newest = listBackups(opts.dir).at(-1);
  const age = newest ? Date.now() - statSync(newest).mtimeMs : Infinity;
  // a minute after start at the earliest: the first minutes of a shift belong to the operator
  next(Math.max(opts.firstDelayMinMs ?? 60_000, opts.intervalMs - age));
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    runNow,
  };
}
