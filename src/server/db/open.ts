/**
 * Opens the server's database: PostgreSQL when a connection URL is given, otherwise embedded
 * PGlite in `<dataDir>/pgdata`. Embedded data may be opened by one process only (PGlite has no
 * lock of its own, and two writers would corrupt it), so a pid file guards the folder. The
 * folder is the server user's alone (src/server/db/private-dir.ts).
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './adapter';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import { restrictNewFiles, securePrivateDir } from './private-dir';

export interface OpenDatabaseOptions {
  /** a postgres:// URL; when absent the embedded database in dataDir is used */
  databaseUrl?: string;
  /** folder of the embedded database (created if missing) */
  dataDir?: string;
  /** PostgreSQL only: schema(s) to put first on the search_path */
  searchPath?: string;
  /** PostgreSQL only: the connection pool's size (default 10) */
  poolSize?: number;
  /** embedded only: told which paths of the data folder were readable by others and were tightened */
  onRepaired?: (paths: string[]) => void;
}

export class DatabaseOpenError extends Error {}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>/server.pid`, or explains who holds it. Returns the release function. */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, 'server.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (r) {
        // its owner removed it between our two calls (a server that just stopped): try again
        if ((r as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw r;
      }
      const pid = Number(text.trim());
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
        throw new DatabaseOpenError(
          `the data folder ${dir} is in use by process ${pid} (a running server?): stop it first`,
        );
      }
      // left behind by a process that died: take it over
      rmSync(file, { force: true });
    }
  }
  throw new DatabaseOpenError(`cannot lock the data folder ${dir}`);
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Db> {
  if (opts.databaseUrl) {
    return openPostgres({ connectionString: opts.databaseUrl, searchPath: opts.searchPath, max: opts.poolSize });
  }
  if (!opts.dataDir) throw new DatabaseOpenError('give a data folder (--data DIR) or set DATABASE_URL');
  restrictNewFiles();
  const repaired = securePrivateDir(opts.dataDir);
  if (repaired.length > 0) opts.onRepaired?.(repaired);
  const release = lockDataDir(opts.dataDir);
  try {
    const db = await openPglite(join(opts.dataDir, 'pgdata'));
    // PGlite writes a new database's files from its template with mode 0666, whatever the
    // umask (files it creates later follow the umask): tighten them now. The folder is 0700
    // already, so nobody else could reach them meanwhile.
    securePrivateDir(opts.dataDir);
    return {
      ...db,
      async close() {
        try {
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
