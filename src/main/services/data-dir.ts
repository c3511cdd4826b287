/**
 * The workstation's data folder holds citizens' phone numbers and matters, the drafts, the
 * offline sign-in verifiers and (in the browser harness, as is) the refresh tokens: on a
 * machine shared by several OS accounts, nobody but this user may read it.
 *
 * At every start (Electron and the harness both, through services/app.ts): the folder is made
 * 0700 and the files the workstation keeps there (hotline.sqlite and its -wal/-shm/-journal,
 * config.json) 0600. A folder or file found wider is narrowed and a warning names it (it is
 * this user's own folder: refusing to start would only stop the call floor). A folder or file
 * that belongs to another OS user is refused: it cannot be narrowed, and someone else controls
 * it. New store files are created 0600 by the store itself (store/db.ts), and SQLite gives
 * the -wal and -shm files it creates later the mode of the database file, so they stay 0600.
 *
 * Windows has no such mode bits (the folder under %APPDATA% is the user's by its ACL): the
 * check is skipped there.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_FILE } from '../store/paths';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The files of the workstation in its data folder (those that exist are checked). */
export function privateFiles(dataDir: string): string[] {
  return [
    ...['', '-wal', '-shm', '-journal'].map((suffix) => join(dataDir, `${STORE_FILE}${suffix}`)),
    join(dataDir, 'config.json'),
  ];
}

export class DataDirError extends Error {}

export interface SecureDataDirOptions {
  /** default process.platform; 'win32' skips the mode checks */
  platform?: NodeJS.Platform;
  /** the user who must own the folder; default process.getuid() */
  uid?: number;
  /** a folder or file narrowed; default console.warn */
  warn?: (message: string) => void;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

function narrow(path: string, wanted: number, uid: number | undefined, warn: (m: string) => void): boolean {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  if (uid !== undefined && st.uid !== uid) {
    throw new DataDirError(
      `${path} belongs to another user (uid ${st.uid}, this is uid ${uid}): the workstation keeps its data only in its own user's files; ` +
        'give it its own data folder',
    );
  }
  if ((st.mode & 0o077) === 0) return false;
  chmodSync(path, wanted);
  warn(`data folder: ${path} was open to other users (mode ${octal(st.mode)}); set to ${octal(wanted)}`);
  return true;
}

/**
 * Creates the data folder if needed (0700) and narrows it and the workstation's files in it to
 * this user. Returns the paths it had to narrow.
 */
export function secureDataDir(dataDir: string, opts: SecureDataDirOptions = {}): string[] {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((opts.platform ?? process.platform) === 'win32') return [];
  const uid = opts.uid ?? process.getuid?.();
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const narrowed: string[] = [];
  if (narrow(dataDir, PRIVATE_DIR_MODE, uid, warn)) narrowed.push(dataDir);
  for (const file of privateFiles(dataDir)) {
    if (narrow(file, PRIVATE_FILE_MODE, uid, warn)) narrowed.push(file);
  }
  return narrowed;
}
