/**
 * The workstation store (本地工单库): one SQLite file, opened here with its pragmas, migrated,
 * and exposed through the Store interface (types.ts). Each concern lives in its own module:
 * cases.ts (intake, detail), callers.ts (history), search.ts, drafts.ts, taxonomy.ts.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_AREA_CODE } from '../../shared/phone';
import { createCaseIndexer } from './case-index';
import { createCallers } from './callers';
import { createCases } from './cases';
import { openDatabase, resolveKey, type Db } from './db';
import { encryptPlainStore, type EncryptResult } from './encrypt';
import { createDrafts } from './drafts';
import { createMaintenance } from './maintenance';
import { migrate } from './migrations';
import { createOutbox } from './outbox';
import { createSearch } from './search';
import { createTaxonomy } from './taxonomy';
import type { Store, StoreOptions } from './types';

/**
 * The store plus its connection, for main-process code that owns tables of its own (sync).
 * Code that writes through `db` calls `noteWrite()` afterwards so idle housekeeping follows.
 */
export interface SqliteStore extends Store {
  readonly db: Db;
  noteWrite(): void;
  /** one bounded housekeeping step now (search-index merge, WAL checkpoint); true while work remains */
  maintain(): boolean;
  /** what opening did about encryption: a plain store found and encrypted in place, or nothing */
  readonly encryption: EncryptResult & { encrypted: boolean };
}

/** This installation's identity towards the server, made once when the file is created. */
function ensureClientId(db: Db, workstation: string): string {
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('client_id', ?)").run(randomUUID());
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('workstation', ?)").run(workstation);
  return db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'client_id'").get()!.value;
}

export function openStore(opts: StoreOptions): SqliteStore {
  const key = resolveKey(opts.key);
  const file = opts.file;
  const migrated: EncryptResult =
    key && file !== ':memory:' && file !== '' && !file.startsWith('file:') ? encryptPlainStore(file, key, opts.onEncryptStep) : { action: 'none', ms: 0 };
  const db = openDatabase(file, { key });
  try {
    const schemaVersion = migrate(db, opts.file);
    const clientId = db.transaction(() => ensureClientId(db, opts.workstation)).immediate();
    const now = opts.now ?? Date.now;
    const defaultAreaCode = opts.defaultAreaCode ?? DEFAULT_AREA_CODE;
    const cases = createCases(db, { workstation: opts.workstation, defaultAreaCode, now, indexer: createCaseIndexer(db), outbox: createOutbox(db) });
    const callers = createCallers(db, { defaultAreaCode, now });
    const search = createSearch(db, { defaultAreaCode });
    const drafts = createDrafts(db, now);
    const taxonomy = createTaxonomy(db);
    const maintenance = createMaintenance(db);
    return {
      db,
      encryption: { ...migrated, encrypted: key !== null && file !== ':memory:' },
      noteWrite: maintenance.touch,
      maintain: maintenance.step,
      schemaVersion,
      clientId,
      saveIntake: (values, operator, saveOpts) => {
        const saved = cases.saveIntake(values, operator, saveOpts);
        maintenance.touch();
        return saved;
      },
      getCase: cases.getCase,
      callerHistory: callers.callerHistory,
      search: search.search,
      loadDraft: drafts.loadDraft,
      saveDraft: drafts.saveDraft,
      clearDraft: drafts.clearDraft,
      loadTaxonomy: taxonomy.loadTaxonomy,
      taxonomy: taxonomy.taxonomy,
      close: () => {
        maintenance.stop();
        if (db.open) db.close();
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
