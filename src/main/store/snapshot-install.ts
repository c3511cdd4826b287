/**
 * Installing a snapshot (首次同步快照, src/shared/sync.ts SnapshotManifest) into a new
 * workstation's store, instead of pulling the centre's window page by page.
 *
 * The store is open and shared by the whole app (every service holds statements on it), so the
 * snapshot is not swapped in as a file: it is ATTACHed and its tables copied with
 * `INSERT INTO main.t SELECT * FROM snap.t`. Both files come from the same migrations, so SQLite
 * takes its transfer optimisation for each table emptied first: b-tree records and index entries
 * are copied as they are, without re-encoding rows or re-sorting index keys (about as fast as
 * copying the file). The search index is copied as its shadow tables (like bulk-fts.ts).
 *
 * What a store may hold before its first sync, and what becomes of it (nothing is lost):
 * - cases logged here before anyone synced (origin 'local', their contacts, outbox rows): set
 *   aside in TEMP tables, then written back after the snapshot's rows with new ids (case ids are
 *   internal; the outbox, rejections and orders name cases by uuid), their callers merged and
 *   their search entries written again. One the snapshot already holds (pushed by this
 *   workstation in an earlier run) keeps the snapshot's row, marked local again, as a pull would.
 * - the outbox, drafts, accounts (client ids, credentials), numbering state, meta (the store's
 *   identity), the taxonomy: not touched.
 * - anything pulled: then this is not a first sync and the snapshot is not installed at all.
 */
import Database from 'better-sqlite3';
import { keyOf, type Db } from './db';
import { copySideIndex } from './bulk-fts';
import { createCaseIndexer } from './case-index';
import { LATEST_VERSION, schemaVersion } from './migrations';
import { createCaseWriter } from './case-writer';

/** a first sync with more cases than this already here is not a new workstation's */
const MAX_LOCAL_CASES = 10_000;
/** tables copied whole from the snapshot (the search index is copied as its shadow tables) */
const COPIED = ['cases', 'contacts', 'callers', 'orders', 'order_history'] as const;
/** what a snapshot must not carry: one workstation's state */
const WORKSTATION_TABLES = ['outbox', 'sync_accounts', 'local_seq', 'drafts', 'sync_rejections', 'order_acked'] as const;

/** Whether this store may take a snapshot: nothing pulled yet, few local cases, no load under way. */
export function snapshotEligible(db: Db): boolean {
  if (db.memory || db.name === '') return false;
  const row = db
    .prepare<[], { pulled: number; local: number; orders: number; loading: number }>(
      `SELECT (SELECT count(*) FROM cases WHERE origin <> 'local') AS pulled, (SELECT count(*) FROM cases) AS local,
         (SELECT count(*) FROM orders) AS orders,
         (SELECT count(*) FROM meta WHERE key IN ('sync_initial_load', 'sync_initial_progress')) AS loading`,
    )
    .get()!;
  return row.pulled === 0 && row.orders === 0 && row.loading === 0 && row.local <= MAX_LOCAL_CASES;
}

export type SnapshotCheck = { ok: true; cases: number } | { ok: false; reason: string };

/**
 * A downloaded file, before it goes anywhere near the store: a SQLite file of this app's schema
 * version, carrying no workstation's state, with the cases the manifest announced. Its pages are
 * not read through again (quick_check: 7 s of a 1,000,000-case first sync): the builder ran
 * integrity_check on this file, and the download matched its sha256, so these are the checked bytes.
 */
/** rows of a table counted on its own b-tree, not on an index (an index can hold rows its table lost) */
const tableRows = (db: Db, table: string): number => db.prepare(`SELECT count(*) FROM ${table} NOT INDEXED`).pluck().get() as number;

export function checkSnapshotFile(
  file: string,
  expect: { storeSchemaVersion: number; cases: number; orders?: number; history?: number },
): SnapshotCheck {
  let snap: Db | null = null;
  try {
    snap = new Database(file, { readonly: true, fileMustExist: true });
    const version = schemaVersion(snap);
    if (version !== LATEST_VERSION || version !== expect.storeSchemaVersion) {
      return { ok: false, reason: `schema version ${version}, this workstation's is ${LATEST_VERSION}` };
    }
    for (const table of WORKSTATION_TABLES) {
      const n = snap.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
      if (n > 0) return { ok: false, reason: `it holds workstation state (${table})` };
    }
    if ((snap.prepare('SELECT count(*) FROM meta').pluck().get() as number) > 0) return { ok: false, reason: 'it holds workstation state (meta)' };
    const cases = tableRows(snap, 'cases');
    if (cases !== expect.cases) return { ok: false, reason: `${cases} cases, the manifest says ${expect.cases}` };
    for (const [table, n] of [['orders', expect.orders], ['order_history', expect.history]] as const) {
      if (n === undefined) continue;
      const held = tableRows(snap, table);
      if (held !== n) return { ok: false, reason: `${held} rows in ${table}, the manifest says ${n}` };
    }
    return { ok: true, cases };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  } finally {
    snap?.close();
  }
}

export interface InstallResult {
  cases: number;
  /** local cases written back after the snapshot's */
  keptLocal: number;
  ms: number;
}

/**
 * Copies a checked snapshot into the store and sets `clientId`'s cursor to the snapshot's, in
 * one transaction: a process killed meanwhile leaves the store as it was (and the file, to try
 * again). Throws (the store unchanged) if the store is no longer eligible.
 */
export function installSnapshot(
  db: Db,
  file: string,
  opts: { clientId: string; cursor: string; expect?: { cases: number; orders: number; history: number } },
): InstallResult {
  const started = performance.now();
  const indexer = createCaseIndexer(db);
  // the transfer optimisation is off while foreign keys are enforced (contacts → cases), and
  // shadow tables are only writable with defensive mode off; neither can change inside a transaction
  db.pragma('foreign_keys = OFF');
  db.unsafeMode(true);
  // in WAL mode a gigabyte of pages would be written twice (to the WAL, then checkpointed into the
  // file): with a rollback journal for this one transaction they go straight into the file, and
  // the journal holds only the few pages the emptied tables had (half the time at 200,000
  // cases). A crash meanwhile leaves a hot journal that rolls the store back at the next open.
  // Another connection (a backup under way) keeps WAL: then it is only slower.
  const walLeft = db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  // the snapshot is a plain file (the centre builds it without a workstation's key): KEY ''
  // opens it as plain, while the store stays encrypted (ATTACH without KEY takes the store's
  // key). The downloaded plain file is removed after the install (sync/job.ts).
  if (keyOf(db)) db.prepare("ATTACH DATABASE ? AS snap KEY ''").run(file);
  else db.prepare('ATTACH DATABASE ? AS snap').run(file);
  try {
    const result = db
      .transaction((): InstallResult => {
        if (!snapshotEligible(db)) throw new Error('the store is no longer empty: not a first sync');
        db.exec(`
          CREATE TEMP TABLE keep_cases AS SELECT * FROM main.cases ORDER BY id;
          CREATE TEMP TABLE keep_contacts AS SELECT * FROM main.contacts ORDER BY id;
          DELETE FROM main.contacts;
          DELETE FROM main.cases;
          DELETE FROM main.callers;
          DELETE FROM main.orders;
          DELETE FROM main.order_history;`);
        for (const table of COPIED) db.exec(`INSERT INTO main.${table} SELECT * FROM snap.${table}`);
        // what arrived is what the manifest announced, or nothing is installed (the transaction
        // rolls back and the first sync pulls page by page): a short copy would set the cursor
        // past cases this store never got
        if (opts.expect) {
          for (const [table, n] of [['cases', opts.expect.cases], ['orders', opts.expect.orders], ['order_history', opts.expect.history]] as const) {
            const held = tableRows(db, `main.${table}`);
            if (held !== n) throw new Error(`the copy holds ${held} rows of ${table}, the snapshot announced ${n}`);
          }
        }
        copySideIndex(db, 'snap');
        // the local cases back, after the snapshot's
        const columns = (db.prepare("SELECT name FROM pragma_table_info('cases') WHERE name <> 'id'").pluck().all() as string[]).join(', ');
        const contactColumns = (db.prepare("SELECT name FROM pragma_table_info('contacts') WHERE name NOT IN ('id', 'case_id')").pluck().all() as string[]).join(', ');
        const kept = db
          .prepare<[], { id: number; uuid: string; callerName: string; address: string; content: string; answer: string }>(
            'SELECT id, uuid, caller_name AS callerName, address, content, answer FROM temp.keep_cases ORDER BY id',
          )
          .all();
        const inSnapshot = db.prepare<[string], { id: number }>('SELECT id FROM main.cases WHERE uuid = ?');
        const markLocal = db.prepare("UPDATE main.cases SET origin = 'local' WHERE id = ?");
        const insertCase = db.prepare(`INSERT INTO main.cases (${columns}) SELECT ${columns} FROM temp.keep_cases WHERE id = ?`);
        const insertContacts = db.prepare(
          `INSERT INTO main.contacts (case_id, ${contactColumns}) SELECT ?, ${contactColumns} FROM temp.keep_contacts k
           WHERE k.case_id = ? AND NOT EXISTS (SELECT 1 FROM main.contacts m WHERE m.uuid = k.uuid) ORDER BY k.id`,
        );
        // the caller's row by the one rule (case-writer.ts)
        const writer = createCaseWriter(db);
        const contactsOf = db.prepare<[number], { phone: string; callerName: string; createdAt: number }>(
          'SELECT phone, caller_name AS callerName, created_at AS createdAt FROM temp.keep_contacts WHERE case_id = ? ORDER BY created_at, id',
        );
        let keptLocal = 0;
        for (const c of kept) {
          const there = inSnapshot.get(c.uuid);
          if (there) {
            markLocal.run(there.id);
            continue;
          }
          const id = Number(insertCase.run(c.id).lastInsertRowid);
          insertContacts.run(id, c.id);
          for (const k of contactsOf.all(c.id)) writer.noteCaller(k);
          indexer.put(id, c);
          keptLocal++;
        }
        db.exec('DROP TABLE temp.keep_cases; DROP TABLE temp.keep_contacts;');
        db.prepare('UPDATE sync_accounts SET cursor = ? WHERE client_id = ?').run(opts.cursor, opts.clientId);
        const cases = db.prepare('SELECT count(*) FROM main.cases').pluck().get() as number;
        return { cases, keptLocal, ms: 0 };
      })
      .immediate();
    return { ...result, ms: Math.round(performance.now() - started) };
  } finally {
    db.exec('DETACH DATABASE snap');
    if (walLeft) db.pragma('journal_mode = WAL');
    db.unsafeMode(false);
    db.pragma('foreign_keys = ON');
  }
}
