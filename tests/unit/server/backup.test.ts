/**
 * Backup and restore of the embedded database, as IT runs them: `npm run server -- backup` of a
 * stopped server's folder, a verified file, a restore into a fresh folder that a server opens
 * with every account and case, an existing database kept aside (only with --replace), and a
 * backup refused while a server holds the folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../../src/server/accounts/service';
import { backupEmbedded, verifyEmbeddedBackup } from '../../../src/server/db/backup';
import { migrate } from '../../../src/server/db/migrations';
import { openDatabase } from '../../../src/server/db/open';

const root = resolve(__dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = join(root, 'src/server/cli.ts');
const run = (args: string[]) =>
  spawnSync(tsx, [cli, ...args], { env: { ...process.env, DATABASE_URL: '' }, encoding: 'utf8', timeout: 120_000 });

describe('embedded database backup and restore', () => {
  const base = mkdtempSync(join(tmpdir(), 'hotline-backup-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const source = join(base, 'source');
  const target = join(base, 'target');
  const file = join(base, 'server.tar.gz');

  it('backs up a stopped server folder to a verified 0600 file, and refuses while a server holds it', async () => {
    const db = await openDatabase({ dataDir: source });
    await migrate(db);
    await createAccount(db, { username: 'wangfang', displayName: '王芳', role: 'operator', password: 'a long password' }, { N: 1024, r: 8, p: 1, keyLength: 32 });
    await db.query(
      "INSERT INTO audit_log (at, actor_id, actor_username, actor_role, action, target_type, target) VALUES (1, NULL, 'admin', 'admin', 'account.create', 'account', 'wangfang')",
    );
    // the folder is held (as by a running server): no backup
    await expect(backupEmbedded(source, file)).rejects.toThrow(/in use by process/);
    await db.close();

    const res = run(['backup', '--data', source, '--out', file]);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/backup written and verified: .*server\.tar\.gz \(\d+ bytes, schema \d+, 0 cases\)/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await verifyEmbeddedBackup(file)).toMatchObject({ accounts: 1, cases: 0 });
    expect(run(['verify-backup', file]).stdout).toMatch(/^ok: .*1 accounts/);
  }, 300_000);

  it('restores into a fresh folder that opens with the same data; keeps an existing database aside only with --replace', async () => {
    const res = run(['restore', '--data', target, '--from', file]);
    expect(res.status, res.stderr).toBe(0);
    const db = await openDatabase({ dataDir: target });
    try {
      expect(await migrate(db)).toMatchObject({ from: expect.any(Number) });
      expect(await db.query('SELECT username, display_name AS "displayName" FROM accounts')).toEqual([{ username: 'wangfang', displayName: '王芳' }]);
      // the restored audit trail is still append-only
      await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      await db.query("INSERT INTO accounts (username, display_name, role, password_hash) VALUES ('after', 'x', 'operator', 'x')");
    } finally {
      await db.close();
    }

    const again = run(['restore', '--data', target, '--from', file]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already holds a database: add --replace/);
    const replaced = run(['restore', '--data', target, '--from', file, '--replace']);
    expect(replaced.status, replaced.stderr).toBe(0);
    const keptAs = /kept as (\S+)/.exec(replaced.stdout)![1]!;
    expect(existsSync(keptAs)).toBe(true);
    const db2 = await openDatabase({ dataDir: target });
    try {
      expect((await db2.query<{ username: string }>('SELECT username FROM accounts')).map((r) => r.username)).toEqual(['wangfang']);
    } finally {
      await db2.close();
    }
  }, 300_000);

  it('refuses a file that is not a backup, and PostgreSQL (pg_dump instead)', () => {
    const junk = join(base, 'junk.tar.gz');
    writeFileSync(junk, 'not a tarball');
    const bad = run(['restore', '--data', join(base, 'other'), '--from', junk]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/not a readable backup/);
    const pg = spawnSync(tsx, [cli, 'backup', '--data', source, '--out', file], {
      env: { ...process.env, DATABASE_URL: 'postgres://x@127.0.0.1:1/x' },
      encoding: 'utf8',
    });
    expect(pg.status).toBe(1);
    expect(pg.stderr).toMatch(/pg_dump/);
  }, 120_000);
});
