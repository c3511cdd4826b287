/**
 * Store backups: online copies (the store keeps taking cases meanwhile) verified with
 * integrity_check, the newest N kept, a corrupt file refused, and a restore that brings the
 * cases back, keeps the replaced store aside and refuses while the app holds the store; the
 * `npm run store` commands end to end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupStore, holdStore, listBackups, restoreStore, scheduleBackups, storeHolder, verifyStoreFile } from '../../../src/main/store/backup';
import { STORE_FILE } from '../../../src/main/store/paths';
import { openStore } from '../../../src/main/store/store';
import { intake, T0, TAXONOMY, tempDir } from './helpers';

const root = join(import.meta.dirname, '../../..');
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function fileStore(dir: string) {
  const store = openStore({ file: join(dir, STORE_FILE), workstation: 'W001', now: () => T0 });
  store.loadTaxonomy(TAXONOMY.categories, TAXONOMY.regions);
  return store;
}

const caseCount = (file: string) => {
  const store = openStore({ file, workstation: 'W001' });
  try {
    return (store.db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
  } finally {
    store.close();
  }
};

describe('store backups', () => {
  it('backs up online while cases keep arriving, verifies each copy, and keeps the newest N', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = fileStore(t.dir);
    cleanups.push(() => store.close());
    for (let i = 0; i < 20; i++) store.saveIntake(intake(), 'op');
    const dir = join(t.dir, 'backups');
    let clock = Date.parse('2026-11-29T01:00:00Z');
    const results = [];
    for (let i = 0; i < 4; i++) {
      const pending = backupStore(store.db, dir, { keep: 2, now: () => clock });
      store.saveIntake(intake(), 'op'); // a write while the copy runs
      results.push(await pending);
      clock += 3_600_000;
    }
    expect(results[0]!.file).toMatch(/hotline-20261129-010000\.sqlite$/);
    const kept = listBackups(dir);
    expect(kept.map((f) => f.split('/').pop())).toEqual(['hotline-20261129-030000.sqlite', 'hotline-20261129-040000.sqlite']);
    expect(readdirSync(dir).some((n) => n.endsWith('.partial'))).toBe(false);
    for (const f of kept) {
      expect(verifyStoreFile(f)).toMatchObject({ ok: true });
      expect(statSync(f).mode & 0o777).toBe(0o600);
    }
    expect(caseCount(kept[1]!)).toBeGreaterThanOrEqual(20);
    await expect(backupStore(store.db, dir, { keep: 0 })).rejects.toThrow(/keep/);
    // two within one second: the second is newer, and pruning keeps it
    const again = await backupStore(store.db, dir, { keep: 2, now: () => clock - 3_600_000 });
    expect(again.file).toMatch(/hotline-20261129-040000-2\.sqlite$/);
    expect(listBackups(dir).map((f) => f.split('/').pop())).toEqual(['hotline-20261129-040000.sqlite', 'hotline-20261129-040000-2.sqlite']);
  });

  it('schedules backups: due at once when the newest is older than the interval, then every interval; errors reported, schedule goes on', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = fileStore(t.dir);
    cleanups.push(() => store.close());
    store.saveIntake(intake(), 'op');
    const dir = join(t.dir, 'backups');
    const done: string[] = [];
    const schedule = scheduleBackups(store.db, { dir, intervalMs: 1_100, keep: 3, firstDelayMinMs: 0, onDone: (r) => done.push(r.file) });
    cleanups.push(() => schedule.stop());
    const deadline = Date.now() + 20_000;
    while (done.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    schedule.stop();
    expect(done.length).toBeGreaterThanOrEqual(2); // the first at once (no backup yet), the second an interval later
    expect(new Set(done).size).toBe(done.length);
    for (const f of done.slice(-3)) expect(verifyStoreFile(f).ok).toBe(true);

    // a fresh backup exists: the next schedule waits for the interval
    const later: string[] = [];
    const quiet = scheduleBackups(store.db, { dir, intervalMs: 3_600_000, keep: 3, firstDelayMinMs: 0, onDone: (r) => later.push(r.file) });
    await new Promise((r) => setTimeout(r, 300));
    quiet.stop();
    expect(later).toEqual([]);

    const errors: unknown[] = [];
    const failing = scheduleBackups(store.db, { dir: join(t.dir, STORE_FILE, 'not-a-dir'), intervalMs: 200, keep: 1, firstDelayMinMs: 0, onError: (e) => errors.push(e) });
    const until = Date.now() + 10_000;
    while (errors.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    failing.stop();
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('calls a damaged or foreign file bad', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const junk = join(t.dir, 'junk.sqlite');
    writeFileSync(junk, 'not a database at all'.repeat(200));
    expect(verifyStoreFile(junk).ok).toBe(false);
    expect(verifyStoreFile(join(t.dir, 'missing.sqlite')).ok).toBe(false);
  });

  it('restores a backup, keeping the replaced store aside; refuses a bad backup and a store the app holds', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = fileStore(t.dir);
    for (let i = 0; i < 5; i++) store.saveIntake(intake(), 'op');
    const { file } = await backupStore(store.db, join(t.dir, 'backups'), { keep: 3 });
    for (let i = 0; i < 7; i++) store.saveIntake(intake(), 'op');
    const release = holdStore(t.dir);
    // this process holds it: a restore from another process would be refused (see the CLI test)
    expect(storeHolder(t.dir)).toBeNull();
    release();
    store.close();

    const junk = join(t.dir, 'junk.sqlite');
    writeFileSync(junk, 'x'.repeat(4096));
    expect(() => restoreStore(t.dir, junk)).toThrow(/not a good backup/);
    expect(caseCount(join(t.dir, STORE_FILE))).toBe(12);

    const { keptAs } = restoreStore(t.dir, file, () => Date.parse('2026-11-29T05:06:07Z'));
    expect(keptAs).toMatch(/hotline\.sqlite\.before-restore-20261129-050607$/);
    expect(caseCount(join(t.dir, STORE_FILE))).toBe(5);
    expect(caseCount(keptAs!)).toBe(12);
  });

  it('npm run store: backup, verify, list, and restore refused while another process holds the store', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = fileStore(t.dir);
    store.saveIntake(intake(), 'op');
    store.close();
    const run = (...args: string[]) => spawnSync('npx', ['tsx', 'src/main/store/cli.ts', ...args], { cwd: root, encoding: 'utf8' });

    const backup = run('backup', '--data', t.dir, '--keep', '3');
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/backup written and verified/);
    expect(run('verify', '--data', t.dir).stdout).toMatch(/^ok {2}.*hotline\.sqlite \(schema \d+\)\nok {2}.*backups\/hotline-/);
    const file = listBackups(join(t.dir, 'backups'))[0]!;
    expect(run('list', '--data', t.dir).stdout).toContain(file);
    writeFileSync(join(t.dir, 'bad.sqlite'), 'y'.repeat(4096));
    expect(run('verify', '--file', join(t.dir, 'bad.sqlite')).status).toBe(1);
    expect(run('restore', '--data', t.dir).status).toBe(2);

    // another live process holds the store, as the running app does
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    cleanups.push(() => holder.kill());
    writeFileSync(join(t.dir, 'store.lock'), String(holder.pid));
    const refused = run('restore', '--data', t.dir, '--from', file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`in use by process ${holder.pid}`));
    holder.kill();
    await new Promise((r) => holder.once('exit', r));
    const restored = run('restore', '--data', t.dir, '--from', file);
    expect(restored.status, restored.stderr).toBe(0);
    expect(existsSync(join(t.dir, STORE_FILE))).toBe(true);
    expect(readFileSync(join(t.dir, 'store.lock'), 'utf8')).toBe(String(holder.pid)); // a dead holder's lock is ignored, not removed
  }, 180_000);
});
