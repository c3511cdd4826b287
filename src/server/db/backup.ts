/**
 * Backup and restore of the EMBEDDED database (PGlite in `<data dir>/pgdata`). PGlite is one
 * process's database, so a backup takes the data folder's lock like the server does: stop the
 * server (seconds), back up, start it again. The file is PGlite's own tarball of the data
 * directory (`dumpDataDir('gzip')`), checked by loading it into a throwaway in-memory PGlite
 * and reading its schema version before it is kept. PostgreSQL is backed up with its own tools
 * (pg_dump; docs/backup.md).
 *
 * The token signing secret is not in the database (src/server/auth/secret.ts): keep
 * `<data dir>/token-secret` in the secrets store, or workstations must sign in again after a
 * restore onto a new key.
 */
import { PGlite } from '@electric-sql/pglite';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { lockDataDir } from './open';
import { restrictNewFiles, securePrivateDir } from './private-dir';

export class BackupError extends Error {}

async function schemaVersionOf(pg: PGlite): Promise<number> {
  const rows = await pg.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  const v = rows.rows[0]?.v;
  if (v === null || v === undefined) throw new BackupError('the database has no schema (not a hotline server database)');
  return Number(v);
}

/** Loads a dump into memory and returns its schema version; throws BackupError when it is not a good dump. */
export async function verifyEmbeddedBackup(file: string): Promise<{ schemaVersion: number; accounts: number; cases: number }> {
  let pg: PGlite | undefined;
  try {
    pg = await PGlite.create({ loadDataDir: new Blob([readFileSync(file)]) });
    const schemaVersion = await schemaVersionOf(pg);
    const [counts] = (await pg.query<{ accounts: number; cases: number }>(
      'SELECT (SELECT count(*)::int FROM accounts) AS accounts, (SELECT count(*)::int FROM cases) AS cases',
    )).rows;
    return { schemaVersion, ...counts! };
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError(`${file} is not a readable backup of the embedded database: ${(e as Error).message}`);
  } finally {
    await pg?.close().catch(() => undefined);
  }
}

/** Writes a verified dump of `<dataDir>/pgdata` to `outFile` (0600). Refused while a server holds the folder. */
export async function backupEmbedded(dataDir: string, outFile: string): Promise<{ bytes: number; schemaVersion: number; cases: number }> {
  const pgdata = join(dataDir, 'pgdata');
  if (!existsSync(pgdata)) throw new BackupError(`no embedded database in ${dataDir} (expected ${pgdata})`);
  restrictNewFiles();
  const release = lockDataDir(dataDir);
  const partial = `${outFile}.partial`;
  try {
    const pg = await PGlite.create(pgdata);
    let dump: Blob;
    try {
      await schemaVersionOf(pg);
      dump = await pg.dumpDataDir('gzip');
    } finally {
      await pg.close();
    }
    const bytes = Buffer.from(await dump.arrayBuffer());
    const fd = openSync(partial, 'w', 0o600);
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    const check = await verifyEmbeddedBackup(partial);
    renameSync(partial, outFile);
    return { bytes: bytes.length, schemaVersion: check.schemaVersion, cases: check.cases };
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    release();
  }
}

/**
 * Restores a dump into `<dataDir>/pgdata`. An existing database is kept aside as
 * `pgdata.before-restore-<stamp>` (never deleted), and only with `replace: true`.
 */
export async function restoreEmbedded(
  file: string,
  dataDir: string,
  opts: { replace?: boolean; now?: () => number } = {},
): Promise<{ schemaVersion: number; cases: number; keptAs: string | null }> {
  const check = await verifyEmbeddedBackup(file);
  restrictNewFiles();
  securePrivateDir(dataDir);
  const release = lockDataDir(dataDir);
  try {
    const pgdata = join(dataDir, 'pgdata');
    let keptAs: string | null = null;
    if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
      if (!opts.replace) {
        throw new BackupError(`${dataDir} already holds a database: add --replace to keep it aside and restore over it`);
      }
      keptAs = `${pgdata}.before-restore-${new Date((opts.now ?? Date.now)()).toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
      renameSync(pgdata, keptAs);
    }
    const pg = await PGlite.create(pgdata, { loadDataDir: new Blob([readFileSync(file)]) });
    try {
      const schemaVersion = await schemaVersionOf(pg);
      if (schemaVersion !== check.schemaVersion) throw new BackupError('the restored database differs from the backup');
    } finally {
      await pg.close();
    }
    securePrivateDir(dataDir);
    return { schemaVersion: check.schemaVersion, cases: check.cases, keptAs };
  } finally {
    release();
  }
}
