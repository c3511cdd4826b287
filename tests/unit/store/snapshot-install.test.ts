/**
 * Installing a snapshot (store/snapshot-install.ts) into a workstation's store.
 *
 * Killed half way (SIGKILL while its one transaction writes the copied pages
 * straight into the store file under a rollback journal): the next open rolls it back. The store
 * is intact, back in WAL mode, holds what it held before (the case logged locally), and the
 * install can simply run again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyStoreFile } from '../../../src/main/store/backup';
import { LATEST_VERSION } from '../../../src/main/store/migrations';
import { checkSnapshotFile, installSnapshot } from '../../../src/main/store/snapshot-install';
import { openStore } from '../../../src/main/store/store';
import { intake, tempDir } from './helpers';

const FIXTURE = join(import.meta.dirname, 'fixtures/snapshot-installer.ts');
const CASES = 60_000;

/** A plain snapshot of `cases` cases in `dir`, as the centre builds one (the fixture, in its own process). */
function buildSnapshot(dir: string, cases: number): string {
  const snapshot = join(dir, 'snapshot.sqlite');
  const built = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE, 'build', snapshot, String(cases)], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  return snapshot;
}

/** The signed-in account whose client id (c1) the install sets the cursor of. */
function addAccount(store: ReturnType<typeof openStore>): void {
  store.db
    .prepare("INSERT INTO sync_accounts (username, account_id, display_name, role, client_id, created_at) VALUES ('op001', 1, 'op001', 'operator', 'c1', 0)")
    .run();
}

/** Runs the installer and SIGKILLs it once the store file has grown by `grownBy` bytes. */
function killMidInstall(store: string, snapshot: string, grownBy: number): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, 'install', store, snapshot], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let base = -1;
    let timer: NodeJS.Timeout | null = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (!chunk.includes('installing') || timer) return;
      base = statSync(store).size;
      timer = setInterval(() => {
        if (statSync(store).size - base >= grownBy && child.exitCode === null) child.kill('SIGKILL');
      }, 2);
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ killed: signal === 'SIGKILL', stderr });
    });
  });
}

describe('snapshot install, killed half way', () => {
  it('rolls back at the next open: the store is intact, in WAL mode, with its local case; installing again works', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const snapshot = buildSnapshot(dir, CASES);
      const file = join(dir, 'hotline.sqlite');
      const run = await killMidInstall(file, snapshot, 4 << 20);
      // the kill must have landed inside the install, or this test shows nothing
      expect(run.killed, `the installer finished before it was killed: ${run.stderr}`).toBe(true);
      expect(existsSync(`${file}-journal`)).toBe(true);

      // opening rolls the hot journal back
      const store = openStore({ file, workstation: 'W001' });
      try {
        // checked on a connection of its own, as diagnostics and backups do (an integrity_check on
        // the connection that then copies the search index's shadow tables made FTS5 reuse a
        // segment id: SQLITE_CONSTRAINT_PRIMARYKEY; the app never checks on its own connection)
        expect(verifyStoreFile(file)).toMatchObject({ ok: true, problems: [] });
        expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
        const contents = store.db.prepare('SELECT content FROM cases').pluck().all();
        expect(contents).toEqual(['首次同步前在本机登记的来电']);
        expect(store.db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(1);

        const again = installSnapshot(store.db, snapshot, { clientId: 'c1', cursor: '1' });
        expect(again).toMatchObject({ cases: CASES + 1, keptLocal: 1 });
        expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(store.db.prepare("SELECT cursor FROM sync_accounts WHERE client_id = 'c1'").pluck().get()).toBe('1');
        expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        store.close();
      }
    } finally {
      cleanup();
    }
  }, 180_000);

  it('into a store already searched: later cases are indexed and found with the snapshot\'s', () => {
    const { dir, cleanup } = tempDir();
    try {
      const snapshot = buildSnapshot(dir, 3000);
      const store = openStore({ file: join(dir, 'hotline.sqlite'), workstation: 'W001' });
      try {
        addAccount(store);
        store.saveIntake(intake({ content: '首次同步前登记的路灯不亮' }), 'op001');
        // the operator searches while the first sync runs
        expect(store.search('路灯不亮', 50).results).toHaveLength(1);
        expect(installSnapshot(store.db, snapshot, { clientId: 'c1', cursor: '1' })).toMatchObject({ cases: 3001, keptLocal: 1 });
        store.saveIntake(intake({ content: '首次同步后登记的井盖缺失' }), 'op001');
        expect(store.search('井盖缺失', 50).results).toHaveLength(1);
        expect(store.search('路灯不亮', 50).results).toHaveLength(1);
        expect(store.search('第2999次反映', 50).results).toHaveLength(1);
        expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
        store.db.exec("INSERT INTO case_search (case_search, rank) VALUES ('integrity-check', 0)");
      } finally {
        store.close();
      }
    } finally {
      cleanup();
    }
  }, 120_000);

  it('a copy short of what the snapshot announced installs nothing (the first sync then pulls page by page)', () => {
    const { dir, cleanup } = tempDir();
    try {
      const snapshot = buildSnapshot(dir, 2000);
      expect(checkSnapshotFile(snapshot, { storeSchemaVersion: LATEST_VERSION, cases: 2000, orders: 0, history: 0 })).toEqual({ ok: true, cases: 2000 });
      expect(checkSnapshotFile(snapshot, { storeSchemaVersion: LATEST_VERSION, cases: 2000, orders: 5, history: 0 })).toEqual({
        ok: false,
        reason: '0 rows in orders, the manifest says 5',
      });
      const store = openStore({ file: join(dir, 'hotline.sqlite'), workstation: 'W001' });
      try {
        addAccount(store);
        store.saveIntake(intake({ content: '本机登记的来电' }), 'op001');
        expect(() => installSnapshot(store.db, snapshot, { clientId: 'c1', cursor: '9', expect: { cases: 2001, orders: 0, history: 0 } })).toThrow(
          'the copy holds 2000 rows of cases, the snapshot announced 2001',
        );
        // rolled back: the local case alone, no cursor, and the store as usable as before
        expect(store.db.prepare('SELECT content FROM cases').pluck().all()).toEqual(['本机登记的来电']);
        expect(store.db.prepare("SELECT cursor FROM sync_accounts WHERE client_id = 'c1'").pluck().get()).toBeNull();
        expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(installSnapshot(store.db, snapshot, { clientId: 'c1', cursor: '9', expect: { cases: 2000, orders: 0, history: 0 } })).toMatchObject({
          cases: 2001,
          keptLocal: 1,
        });
      } finally {
        store.close();
      }
    } finally {
      cleanup();
    }
  }, 120_000);
});
