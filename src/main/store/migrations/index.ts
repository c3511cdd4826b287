/**
 * Schema migrations on PRAGMA user_version.
 *
 * Adding one: write NNN_name.ts exporting `migrateN(db)`, append it below, and add
 * tests/unit/store/migrations/NNN_name.test.ts that builds version N-1, inserts data, migrates
 * and asserts. Never edit a migration that has shipped; add a new one.
 */
import type { Db } from '../db';
import { StoreTooNewError } from '../errors';
import { migrate1 } from './001_core';
import { migrate2 } from './002_case_search';
import { migrate3 } from './003_drafts';
import { migrate4 } from './004_sync';
import { migrate5 } from './005_search_edges';
import { migrate6 } from './006_call_times';
import { migrate7 } from './007_work_orders';
import { migrate8 } from './008_repeat_calls';

export interface Migration {
  version: number;
  name: string;
  up: (db: Db) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'core', up: migrate1 },
  { version: 2, name: 'case_search', up: migrate2 },
  { version: 3, name: 'drafts', up: migrate3 },
  { version: 4, name: 'sync', up: migrate4 },
  { version: 5, name: 'search_edges', up: migrate5 },
  { version: 6, name: 'call_times', up: migrate6 },
  { version: 7, name: 'work_orders', up: migrate7 },
  { version: 8, name: 'repeat_calls', up: migrate8 },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

/**
 * Brings the file up to `target` (the latest by default; tests pass an older one). Pending
 * migrations run in one transaction: a failure leaves the file at its old version, untouched.
 */
export function migrate(db: Db, file: string, target = LATEST_VERSION, migrations: readonly Migration[] = MIGRATIONS): number {
  checkOrder(migrations);
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) throw new StoreTooNewError(current, latest, file);
  const pending = migrations.filter((m) => m.version > current && m.version <= target);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) m.up(db);
    db.pragma(`user_version = ${pending[pending.length - 1]!.version}`);
  }).immediate();
  return schemaVersion(db);
}
