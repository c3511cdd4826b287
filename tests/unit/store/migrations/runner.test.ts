import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { LATEST_VERSION, migrate, schemaVersion, type Migration } from '../../../../src/main/store/migrations';
import { StoreTooNewError } from '../../../../src/main/store/errors';
import { openStore } from '../../../../src/main/store/store';
import { openKeyed } from '../../../../src/main/store/db';
import { tempDir } from '../helpers';

describe('migration runner', () => {
  it('brings a new file to the latest version', () => {
    const db = new Database(':memory:');
    expect(migrate(db, ':memory:')).toBe(LATEST_VERSION);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
  });

  it('refuses a database written by a newer version, naming both versions', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'future.sqlite');
      const db = new Database(file);
      db.pragma(`user_version = ${LATEST_VERSION + 5}`);
      db.close();
      let error: unknown;
      try {
        openStore({ file, workstation: 'W001' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreTooNewError);
      const tooNew = error as StoreTooNewError;
      expect(tooNew.fileVersion).toBe(LATEST_VERSION + 5);
      expect(tooNew.appVersion).toBe(LATEST_VERSION);
      expect(tooNew.message).toContain(`version ${LATEST_VERSION + 5}`);
      expect(tooNew.message).toContain(`version ${LATEST_VERSION}`);
      // the file keeps its version (encrypted in place first, as every plain store is: encrypt.ts)
      const after = openKeyed(file);
      expect(after.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 5);
      after.close();
    } finally {
      cleanup();
    }
  });

  it('rolls every pending migration back when one fails', () => {
    const db = new Database(':memory:');
    const migrations: Migration[] = [
      { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE one (x)') },
      { version: 2, name: 'broken', up: (d) => d.exec('CREATE TABLE two (x); SELECT * FROM missing_table') },
    ];
    expect(() => migrate(db, ':memory:', 2, migrations)).toThrow(/missing_table/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'one'").get()).toEqual({ n: 0 });
  });

  it('rejects a migration list whose versions do not increase one by one', () => {
    const db = new Database(':memory:');
    const migrations: Migration[] = [
      { version: 1, name: 'one', up: () => undefined },
      { version: 3, name: 'gap', up: () => undefined },
    ];
    expect(() => migrate(db, ':memory:', 3, migrations)).toThrow(/version 3, expected 2/);
  });

  it('stops at the requested version, so tests can build an older schema', () => {
    const db = new Database(':memory:');
    expect(migrate(db, ':memory:', 1)).toBe(1);
    expect(migrate(db, ':memory:')).toBe(LATEST_VERSION);
  });
});
