/**
 * The store's side of sync (本地同步状态): accounts and their client ids, the outbox queue,
 * acknowledgements, rejections (同步异常), pull cursors and the application of pulled pages.
 * The sync job (src/main/sync/job.ts) decides when; this module decides what is written, each
 * step in one SQLite transaction, so a process killed at any moment leaves a consistent file:
 *
 * - an acknowledgement deletes exactly the outbox rows it covers, and records the rejections it
 *   carries before those rows (and the case they name) are gone;
 * - a pulled page, the acknowledgement and rejections it carries, and the new cursor commit
 *   together: a cursor is never saved ahead of its data, and a page applied twice (the process
 *   died before the cursor was saved, or the server replays it) changes nothing the second time;
 * - nothing here deletes a case: a server that lacks a case (new, empty or restored from an old
 *   backup) cannot wipe local data, and a restart from cursor null only upserts.
 *
 * The first pull of a new workstation (the centre's whole window, a million cases) would spend
 * most of its time in B-tree inserts at random places of the uuid, phone and number indexes,
 * each commit rewriting a share of them that grows with the store. So, like the store's bulk
 * loader (bulk.ts), an initial load drops the secondary indexes whose keys arrive in random
 * order (KEPT_DURING_LOAD), applies the pages (each one transaction with its cursor), and
 * then rebuilds the indexes by sorting and derives the callers from the contacts, in one
 * transaction. Meanwhile the upsert finds cases and contacts by uuid in in-memory TEMP tables
 * that triggers keep in step with every insert, intake included, and whose primary keys keep
 * the uuids unique. Which indexes were dropped is written in the same transaction as the drop,
 * so a process killed during the load finishes it at the next start (the TEMP tables die with
 * the process and are not needed then). Until it finishes, lookups by phone scan
 * rather than seek: acceptable on a workstation that is still fetching its history.
 *
 * Search indexing was half of a page's write time, so during a load into a file the pulled
 * cases are indexed by a worker thread into a side file (bulk-fts.ts, durable form) after each
 * page commits, and at the end that index replaces the store's and the few cases it lacks are
 * indexed here (completeLoad). Pulled cases become searchable when the load ends; intake
 * during it is searchable at once. Uuids pulled during the load are looked up in JavaScript
 * maps rather than TEMP tables (see LOAD_TRACKING).
 */
import { randomUUID } from 'node:crypto';
import type { CaseChange, ContactChange, PullResponse, Rejection, Role } from '../../shared/sync';
import { createCaseIndexer, type CaseIndexer } from './case-index';
import { installSnapshot, snapshotEligible, type InstallResult } from './snapshot-install';
import { copySideIndex, removeSideIndex, sideIndexWatermark, startBulkIndex, type BulkIndexBuilder } from './bulk-fts';
import { createPulledOrders } from './orders';
import { createCaseWriter, deriveCallers, searchEntry, type CaseRowMeta } from './case-writer';
import type { Statement } from 'better-sqlite3';
import { keyOf, type Db } from './db';

/** An account that signed in on this workstation (sync_accounts). */
export interface LocalAccount {
  username: string;
  accountId: number;
  displayName: string;
  role: Role;
  clientId: string;
  /** the last mutation id given to an outbox row of this client */
  lastMutationId: number;
  serverId: string | null;
  cursor: string | null;
  /** sealed (src/main/sync/secrets.ts) */
  refreshToken: string | null;
  refreshExpiresAt: number | null;
  /** JSON of the offline verifier (src/main/sync/verifier.ts) */
  offlineVerifier: string | null;
  offlineValidUntil: number | null;
  lastOnlineAt: number | null;
}

export interface PendingMutation {
  id: number;
  name: string;
  argsJson: string;
}

/** A rejection as the operator's 同步异常 list shows it. */
export interface LocalRejection {
  id: number;
  username: string | null;
  mutationId: number;
  name: string;
  code: string;
  reason: string;
  rejectedAt: number;
  caseUuid: string | null;
  localNo: string | null;
  /** the local case it concerns, when it is still here */
  caseId: number | null;
  seen: boolean;
  dismissed: boolean;
}

/**
 * Indexes an initial load keeps: contacts by case (the upsert replaces a case's contacts) and
 * the case numbers. Their keys arrive nearly in order (ids grow; official numbers grow with the
 * server's versions; provisional ones in one run per workstation), so keeping them costs little
 * and spares rebuilding them.
 */
const KEPT_DURING_LOAD = new Set([
  'contacts_by_case',
  'cases_by_official_no',
  'cases_by_local_no',
  // work orders (migration 7): the one by order id is unique and read by the outbox's trigger
  // (order_acked) and the desk; the queue indexes (state, unit, 临期) are rebuilt by sorting
  'orders_by_order_id',
]);

/**
 * Case and contact uuids during an initial load (see the top of this file): those there before
 * it and those written by others meanwhile (intake) in TEMP tables that triggers keep in step;
 * the pulled ones, a million, in JavaScript maps (pulledCases, pulledContacts in
 * createSyncStore), filled only once their page has committed. `sync_pulling()` is true while a
 * page is written, so the triggers leave the pulled rows to the maps.
 */
const LOAD_TRACKING = `
  CREATE TEMP TABLE load_cases (uuid TEXT PRIMARY KEY, id INTEGER NOT NULL, origin TEXT NOT NULL) WITHOUT ROWID;
  CREATE TEMP TABLE load_contacts (uuid TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO load_cases SELECT uuid, id, origin FROM main.cases;
  INSERT INTO load_contacts SELECT uuid, id FROM main.contacts;
  CREATE TEMP TRIGGER load_cases_insert AFTER INSERT ON main.cases WHEN NOT sync_pulling()
    BEGIN INSERT INTO load_cases VALUES (new.uuid, new.id, new.origin); END;
  CREATE TEMP TRIGGER load_contacts_insert AFTER INSERT ON main.contacts WHEN NOT sync_pulling()
    BEGIN INSERT INTO load_contacts VALUES (new.uuid, new.id); END;
  CREATE TEMP TRIGGER load_contacts_delete AFTER DELETE ON main.contacts
    BEGIN DELETE FROM load_contacts WHERE uuid = old.uuid; END;`;
/**
 * What an initial load records in meta (LOAD_KEY), in the transaction that drops the indexes:
 * the dropped indexes' SQL, the highest case id before the load (`from`), and the side file
 * where the pulled cases' search index is being built (null: they are indexed in the store's
 * own index page by page). A load recorded by an older version is a bare array of SQL.
 */
interface LoadRecord {
  indexes: string[];
  from: number;
  side: string | null;
}

function parseLoad(value: string): LoadRecord {
  const parsed = JSON.parse(value) as string[] | LoadRecord;
  return Array.isArray(parsed) ? { indexes: parsed, from: 0, side: null } : parsed;
}

/** The side file of a first sync's search index: next to the store, or none for an in-memory store. */
function sideFileOf(db: Db): string | null {
  return db.memory || db.name === '' ? null : `${db.name}.search-load`;
}

/** the search index's fields of a case, read back from the store */
const INDEXED_COLUMNS = 'id, caller_name AS callerName, address, content, answer';

/**
 * Ends an initial load, if one is recorded: indexes rebuilt and callers derived from the
 * contacts (one transaction), then the search index completed and the record deleted (another). Runs before any statement
 * that needs those indexes is prepared, since SQLite refuses to prepare an ON CONFLICT whose
 * unique index is missing.
 *
 * The search index: the side file's (built by a worker from the pulled cases, `live` while the
 * load runs in this process, reopened and finished after a killed one) replaces the store's;
 * then the cases it lacks are indexed here: those pulled after its watermark (the batches in
 * flight when the process died), and those that went into the store's own index during the
 * load (the cases there before it, intake meanwhile, pulled updates: sync_load_reindex). If
 * the side file is lost, the pulled cases are indexed here, in the store's index.
 */
function completeLoad(db: Db, indexer: CaseIndexer, live: BulkIndexBuilder | null): boolean {
  const row = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = '${LOAD_KEY}'`).get();
  if (!row) {
    live?.abort();
    return false;
  }
  const load = parseLoad(row.value);
  let builder: BulkIndexBuilder | null = null;
  if (load.side !== null) {
    try {
      builder = live ?? (sideIndexWatermark(load.side, keyOf(db)) === null ? null : startBulkIndex(db, load.side, { durable: true }));
      // the worker merges its index into one segment on the top level while the indexes are rebuilt below
      builder?.end();
    } catch {
      builder?.abort();
      builder = null;
    }
  }
  // first transaction: the indexes and the callers (a process killed after it does this again, harmlessly)
  db.transaction(() => {
    for (const sql of load.indexes) db.exec(sql.replace(/^CREATE (UNIQUE )?INDEX /i, 'CREATE $1INDEX IF NOT EXISTS '));
    // one row per number from its contacts, merged into what intake wrote meanwhile, by the one rule (case-writer.ts)
    deriveCallers(db);
  }).immediate();
  let watermark: number | null = null;
  if (builder && load.side !== null) {
    try {
      builder.waitDone();
      watermark = sideIndexWatermark(load.side, keyOf(db));
    } catch {
      // a failed worker: its file is not used, the pulled cases are indexed below instead
      builder.abort();
      watermark = null;
    }
  }
  const useSide = load.side !== null && watermark !== null;
  if (useSide) {
    // shadow tables can only be written with defensive mode off; ATTACH cannot run in a transaction
    db.unsafeMode(true);
    db.prepare('ATTACH DATABASE ? AS load_side').run(load.side);
  }
  try {
    // second transaction: the search index, and the end of the load
    db.transaction(() => {
      if (load.side !== null) {
        type Indexed = { id: number; callerName: string; address: string; content: string; answer: string };
        let missing: Indexed[];
        if (useSide) {
          copySideIndex(db, 'load_side');
          missing = db
            .prepare<[number, number, number], Indexed>(
              `SELECT ${INDEXED_COLUMNS} FROM cases
               WHERE (id > ? AND origin = 'server') OR id <= ? OR (id > ? AND origin = 'local') OR id IN (SELECT case_id FROM sync_load_reindex)`,
            )
            .all(watermark!, load.from, load.from);
        } else {
          missing = db.prepare<[number], Indexed>(`SELECT ${INDEXED_COLUMNS} FROM cases WHERE id > ? AND origin = 'server'`).all(load.from);
        }
        for (const c of missing) indexer.put(c.id, c);
        db.exec('DROP TABLE IF EXISTS sync_load_reindex');
      }
      db.prepare(`DELETE FROM meta WHERE key = '${LOAD_KEY}'`).run();
      db.exec(END_LOAD_TRACKING);
    }).immediate();
  } finally {
    if (useSide) {
      db.exec('DETACH DATABASE load_side');
      db.unsafeMode(false);
    }
  }
  if (load.side !== null) removeSideIndex(load.side);
  return true;
}

const END_LOAD_TRACKING = `
  DROP TRIGGER IF EXISTS temp.load_cases_insert;
  DROP TRIGGER IF EXISTS temp.load_contacts_insert;
  DROP TRIGGER IF EXISTS temp.load_contacts_delete;
  DROP TABLE IF EXISTS temp.load_cases;
  DROP TABLE IF EXISTS temp.load_contacts;`;
const LOAD_KEY = 'sync_initial_load';
/**
 * A first sync in progress (a pull from cursor null that the server said brings more than one
 * page): {"total", "loaded"}, written with each page, deleted with the last one, so a process
 * killed meanwhile resumes the load and its progress display where it stopped.
 */
const PROGRESS_KEY = 'sync_initial_progress';
/** epoch ms of the last sync cycle that completed with an answer from the server */
const LAST_SUCCESS_KEY = 'sync_last_success_at';
/** an initial load only pays off on a store that holds (next to) nothing yet */
const LOAD_MAX_EXISTING_CASES = 10_000;

export interface InitialProgress {
  total: number;
  loaded: number;
}

export interface ApplyResult {
  inserted: number;
  updated: number;
}

const ACCOUNT_COLUMNS = `username, account_id AS accountId, display_name AS displayName, role, client_id AS clientId,
  last_mutation_id AS lastMutationId, server_id AS serverId, cursor, refresh_token AS refreshToken,
  refresh_expires_at AS refreshExpiresAt, offline_verifier AS offlineVerifier, offline_valid_until AS offlineValidUntil,
  last_online_at AS lastOnlineAt`;

/** What a rejection can say about the case it concerns, from the outbox row's args. */
function caseOf(argsJson: string | undefined): { uuid: string | null; localNo: string | null } {
  if (argsJson === undefined) return { uuid: null, localNo: null };
  try {
    const args = JSON.parse(argsJson) as { case?: { uuid?: unknown; localNo?: unknown }; orderId?: unknown };
    return {
      // 'case.create' carries the case; 'order.action' names its order, whose id is the case's uuid
      uuid: typeof args.case?.uuid === 'string' ? args.case.uuid : typeof args.orderId === 'string' ? args.orderId : null,
      localNo: typeof args.case?.localNo === 'string' ? args.case.localNo : null,
    };
  } catch {
    return { uuid: null, localNo: null };
  }
}

export interface SyncStoreOptions {
  now: () => number;
  /** after a write that touched cases or the outbox (SqliteStore.noteWrite: idle housekeeping) */
  onWrite?: () => void;
}

export function createSyncStore(db: Db, opts: SyncStoreOptions) {
  const { now } = opts;
  const wrote = () => opts.onWrite?.();
  const indexer = createCaseIndexer(db);
  const pulledOrders = createPulledOrders(db, now);
  // a load the process did not live to finish: finish it now, before anyone looks up a phone
  completeLoad(db, indexer, null);

  // ─── accounts ──────────────────────────────────────────────────────────────────────────
  const selectAccount = db.prepare<[string], LocalAccount>(`SELECT ${ACCOUNT_COLUMNS} FROM sync_accounts WHERE username = ?`);
  const selectAccountByClient = db.prepare<[string], LocalAccount>(`SELECT ${ACCOUNT_COLUMNS} FROM sync_accounts WHERE client_id = ?`);
  const selectAccounts = db.prepare<[], LocalAccount>(`SELECT ${ACCOUNT_COLUMNS} FROM sync_accounts ORDER BY username`);
  const insertAccount = db.prepare(
    `INSERT INTO sync_accounts (username, account_id, display_name, role, client_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const updateAccount = db.prepare('UPDATE sync_accounts SET account_id = ?, display_name = ?, role = ? WHERE username = ?');
  const setRefresh = db.prepare('UPDATE sync_accounts SET refresh_token = ?, refresh_expires_at = ? WHERE username = ?');
  const forgetRefresh = db.prepare(
    'UPDATE sync_accounts SET refresh_token = NULL, refresh_expires_at = NULL WHERE username = ? AND refresh_token = ?',
  );
  const setVerifier = db.prepare('UPDATE sync_accounts SET offline_verifier = ?, offline_valid_until = ? WHERE username = ?');
  const setValidUntil = db.prepare(
    'UPDATE sync_accounts SET offline_valid_until = ? WHERE username = ? AND offline_verifier IS NOT NULL',
  );
  const setOnline = db.prepare('UPDATE sync_accounts SET last_online_at = ? WHERE username = ?');

  // ─── outbox ────────────────────────────────────────────────────────────────────────────
  const selectPending = db.prepare<[string, number], { id: number; name: string; argsJson: string }>(
    'SELECT mutation_id AS id, name, args AS argsJson FROM outbox WHERE client_id = ? ORDER BY mutation_id LIMIT ?',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox');
  const countClient = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM outbox WHERE client_id = ?');
  const deleteAcked = db.prepare('DELETE FROM outbox WHERE client_id = ? AND mutation_id <= ?');
  const selectArgs = db.prepare<[string, number], { args: string }>('SELECT args FROM outbox WHERE client_id = ? AND mutation_id = ?');
  const selectStandalone = db.prepare<[], { seq: number }>('SELECT seq FROM outbox WHERE client_id IS NULL ORDER BY seq');
  const selectClientRows = db.prepare<[string], { seq: number }>('SELECT seq FROM outbox WHERE client_id = ? ORDER BY mutation_id');
  const assignRow = db.prepare('UPDATE outbox SET client_id = ?, mutation_id = ? WHERE seq = ?');
  const clearRowIds = db.prepare('UPDATE outbox SET client_id = NULL, mutation_id = NULL WHERE client_id = ?');
  const setLastMutation = db.prepare('UPDATE sync_accounts SET last_mutation_id = ? WHERE client_id = ?');
  const replaceClient = db.prepare(
    'UPDATE sync_accounts SET client_id = ?, last_mutation_id = 0, server_id = NULL, cursor = NULL WHERE username = ?',
  );

  // ─── rejections ────────────────────────────────────────────────────────────────────────
  const insertRejection = db.prepare(
    `INSERT INTO sync_rejections (client_id, mutation_id, name, code, reason, rejected_at, case_uuid, local_no)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, mutation_id) DO NOTHING`,
  );
  const selectRejections = db.prepare<[number], Omit<LocalRejection, 'seen' | 'dismissed'> & { seen: number; dismissed: number }>(
    `SELECT r.id, a.username, r.mutation_id AS mutationId, r.name, r.code, r.reason, r.rejected_at AS rejectedAt,
       r.case_uuid AS caseUuid, coalesce(r.local_no, c.official_no, c.local_no) AS localNo, c.id AS caseId,
       r.seen_at IS NOT NULL AS seen, r.dismissed_at IS NOT NULL AS dismissed
     FROM sync_rejections r
     LEFT JOIN sync_accounts a ON a.client_id = r.client_id
     LEFT JOIN cases c ON c.uuid = r.case_uuid
     WHERE ? OR r.dismissed_at IS NULL
     ORDER BY r.rejected_at DESC, r.id DESC`,
  );
  const markSeen = db.prepare('UPDATE sync_rejections SET seen_at = ? WHERE seen_at IS NULL');
  const dismiss = db.prepare('UPDATE sync_rejections SET dismissed_at = ?, seen_at = coalesce(seen_at, ?) WHERE id = ? AND dismissed_at IS NULL');
  const rejectionCounts = db.prepare<[], { open: number; unseen: number }>(
    `SELECT count(*) AS open, coalesce(sum(seen_at IS NULL), 0) AS unseen FROM sync_rejections WHERE dismissed_at IS NULL`,
  );

  // ─── cursor and pulled cases ───────────────────────────────────────────────────────────
  const setCursor = db.prepare('UPDATE sync_accounts SET cursor = ? WHERE client_id = ?');
  const setServer = db.prepare('UPDATE sync_accounts SET server_id = ?, cursor = CASE WHEN server_id IS ? THEN cursor ELSE NULL END WHERE client_id = ?');
  const selectCase = db.prepare<[string], { id: number; origin: string }>('SELECT id, origin FROM cases WHERE uuid = ?');
  const selectClientIds = db.prepare<[], { clientId: string }>('SELECT client_id AS clientId FROM sync_accounts');
  const insertLoad = db.prepare(`INSERT INTO meta (key, value) VALUES ('${LOAD_KEY}', ?)`);
  const selectLastSuccess = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = '${LAST_SUCCESS_KEY}'`);
  const upsertLastSuccess = db.prepare(
    `INSERT INTO meta (key, value) VALUES ('${LAST_SUCCESS_KEY}', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const selectProgress = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = '${PROGRESS_KEY}'`);
  const upsertProgress = db.prepare(
    `INSERT INTO meta (key, value) VALUES ('${PROGRESS_KEY}', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const deleteProgress = db.prepare(`DELETE FROM meta WHERE key = '${PROGRESS_KEY}'`);
  const readProgress = (): InitialProgress | null => {
    const row = selectProgress.get();
    return row ? (JSON.parse(row.value) as InitialProgress) : null;
  };
  const countCases = db.prepare<[], { n: number; last: number }>('SELECT count(*) AS n, coalesce(max(id), 0) AS last FROM cases');
  const selectIndexes = db.prepare<[], { name: string; sql: string }>(
    `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('cases', 'contacts', 'callers', 'orders')`,
  );
  // the case row, its contacts, the callers (one rule), the search entry: case-writer.ts
  const writer = createCaseWriter(db);
  const meta = (c: CaseChange, at: number, origin: 'local' | 'server'): CaseRowMeta => ({ officialNo: c.officialNo, version: c.version, updatedAt: at, origin });
  // a case logged here: the server adds its number, its status and its version (and clears a
  // repeat link a supervisor undid); the text is ours
  const updateLocalCase = db.prepare(
    'UPDATE cases SET official_no = ?, status = ?, server_version = ?, updated_at = ?, repeat_of = ? WHERE id = ?',
  );
  const deleteOtherContacts = db.prepare(
    'DELETE FROM contacts WHERE case_id = ? AND uuid NOT IN (SELECT value FROM json_each(?))',
  );

  let loading = false;
  /** during an initial load into a file: the worker building the pulled cases' search index */
  let loadIndex: BulkIndexBuilder | null = null;
  let insertReindex: Statement<[number]> | null = null;
  /** statements on the TEMP tables, prepared while they exist */
  let loadLookups: {
    caseByUuid: Statement<[string], { id: number; origin: string }>;
    contactByUuid: Statement<[string], { id: number }>;
    deleteOtherContacts: Statement<[number, string], { uuid: string }>;
  } | null = null;
  /**
   * During an initial load, the cases and contacts pulled by this process: uuid → id * 2 (+1 for
   * a case of origin 'local'). A page's entries join them only once it has committed (a page
   * rolled back must leave no trace: its ids may be given to other rows), kept meanwhile in
   * `pagePending`.
   */
  const pulledCases = new Map<string, number>();
  const pulledContacts = new Map<string, number>();
  let pagePending: { cases: Map<string, number>; contacts: Map<string, number>; deletedContacts: Set<string> } | null = null;
  let pulling = false;
  db.function('sync_pulling', { deterministic: false }, () => (pulling ? 1 : 0));

  function findCase(uuid: string): { id: number; origin: string } | undefined {
    if (!loadLookups) return selectCase.get(uuid);
    const v = pagePending?.cases.get(uuid) ?? pulledCases.get(uuid);
    if (v !== undefined) return { id: Math.floor(v / 2), origin: v % 2 === 1 ? 'local' : 'server' };
    return loadLookups.caseByUuid.get(uuid);
  }

  function findContact(uuid: string): number | undefined {
    if (pagePending?.deletedContacts.has(uuid)) return undefined;
    return pagePending?.contacts.get(uuid) ?? pulledContacts.get(uuid) ?? loadLookups!.contactByUuid.get(uuid)?.id;
  }

  /** Rejections go in before the outbox rows they name are deleted: the rows tell which case. */
  function recordRejections(clientId: string, rejections: Rejection[]): void {
    for (const r of rejections) {
      const found = caseOf(selectArgs.get(clientId, r.mutationId)?.args);
      insertRejection.run(clientId, r.mutationId, r.name, r.code, r.reason, r.rejectedAt, found.uuid, found.localNo);
    }
  }

  /**
   * Everything up to serverLast is processed by the server: drop those rows. If the server has
   * processed ids this file never gave out, the file is older than the server's record of this
   * client (restored from a backup): the pending rows are renumbered after serverLast, since
   * the server would skip them as replays otherwise. Replaying a case is harmless (uuids).
   */
  function ack(clientId: string, serverLast: number): void {
    const account = selectAccountByClient.get(clientId);
    if (!account) return;
    if (serverLast > account.lastMutationId) {
      renumber(clientId, serverLast);
      return;
    }
    deleteAcked.run(clientId, serverLast);
  }

  /** The client's pending rows, in order, become after+1, after+2, … (unique index: clear, then assign). */
  function renumber(clientId: string, after: number): void {
    const rows = selectClientRows.all(clientId);
    clearRowIds.run(clientId);
    let id = after;
    for (const { seq } of rows) assignRow.run(clientId, ++id, seq);
    setLastMutation.run(id, clientId);
  }

  function putContact(k: ContactChange, caseId: number): void {
    if (!loadLookups) {
      writer.upsertContact(caseId, k);
      return;
    }
    const existing = findContact(k.uuid);
    if (existing !== undefined) {
      writer.updateContact(existing, caseId, k);
      return;
    }
    const id = writer.insertContact(caseId, k, k.uuid);
    pagePending?.deletedContacts.delete(k.uuid);
    pagePending?.contacts.set(k.uuid, id);
  }

  /**
   * Writes one case and its contacts; returns whether it is new and whether its text must be
   * (re)indexed. Search index and caller profiles are written afterwards, for the whole
   * transaction at once (applyPull): interleaved with the row inserts, FTS5's work slowed every
   * B-tree insert around it about threefold.
   */
  function applyChange(
    change: CaseChange,
    ownClients: Set<string>,
    at: number,
  ): { caseId: number; isNew: boolean; reindex: boolean; origin: string } {
    const found = findCase(change.uuid);
    let caseId: number;
    let origin = found?.origin ?? 'server';
    if (found && found.origin === 'local') {
      caseId = found.id;
      updateLocalCase.run(change.officialNo, change.status, change.version, at, change.repeatOf ?? null, caseId);
    } else if (found) {
      caseId = found.id;
      writer.updateCase(caseId, change, meta(change, at, 'server'));
    } else {
      origin = ownClients.has(change.originClientId) ? 'local' : 'server';
      caseId = writer.insertCase(change, meta(change, at, origin === 'local' ? 'local' : 'server'));
      pagePending?.cases.set(change.uuid, caseId * 2 + (origin === 'local' ? 1 : 0));
    }
    // ── the one place per pulled case change for what else it carries (e.g. the work order's
    // snapshot and history): here, after the case row, inside the page's transaction ──
    for (const k of change.contacts) putContact(k, caseId);
    if (found) {
      const keep = JSON.stringify(change.contacts.map((k) => k.uuid));
      if (!loadLookups) deleteOtherContacts.run(caseId, keep);
      else for (const { uuid } of loadLookups.deleteOtherContacts.all(caseId, keep)) pagePending?.deletedContacts.add(uuid);
    }
    // a case logged here keeps its own text: only the others' are (re)indexed
    return { caseId, isNew: !found, reindex: !found || found.origin !== 'local', origin };
  }

  return {
    account: (username: string): LocalAccount | null => selectAccount.get(username) ?? null,
    accounts: (): LocalAccount[] => selectAccounts.all(),

    /** After an online login: the account as the server describes it; a new account here gets its client id. */
    saveAccount(account: { id: number; username: string; displayName: string; role: Role }): LocalAccount {
      return db
        .transaction(() => {
          if (selectAccount.get(account.username)) {
            updateAccount.run(account.id, account.displayName, account.role, account.username);
          } else {
            insertAccount.run(account.username, account.id, account.displayName, account.role, randomUUID(), now());
          }
          return selectAccount.get(account.username)!;
        })
        .immediate();
    },
    setRefreshToken(username: string, sealed: string | null, expiresAt: number | null): void {
      setRefresh.run(sealed, expiresAt, username);
    },
    /** Clears the refresh token only if it is still `sealed` (a sign-in meanwhile stored a new one). */
    forgetRefreshToken(username: string, sealed: string): void {
      forgetRefresh.run(username, sealed);
    },
    setOfflineVerifier(username: string, verifierJson: string | null, validUntil: number | null): void {
      setVerifier.run(verifierJson, verifierJson === null ? null : validUntil, username);
    },
    renewOfflineValidity(username: string, validUntil: number): void {
      setValidUntil.run(validUntil, username);
    },
    markOnline(username: string, at: number): void {
      setOnline.run(at, username);
    },

    /**
     * Rows logged in standalone mode (before any account signed in) become the first mutations
     * after this client's last, in the order they were written — one transaction.
     */
    adoptStandalone(clientId: string): number {
      return db
        .transaction(() => {
          const rows = selectStandalone.all();
          if (rows.length === 0) return 0;
          const account = selectAccountByClient.get(clientId);
          if (!account) throw new Error(`no account with client id ${clientId}`);
          let id = account.lastMutationId;
          for (const { seq } of rows) assignRow.run(clientId, ++id, seq);
          setLastMutation.run(id, clientId);
          return rows.length;
        })
        .immediate();
    },

    /** The next mutations to push, in order: at most maxRows, and about maxBytes of args. */
    pending(clientId: string, maxRows: number, maxBytes: number): PendingMutation[] {
      const out: PendingMutation[] = [];
      let bytes = 0;
      for (const row of selectPending.iterate(clientId, maxRows)) {
        if (out.length > 0 && bytes + row.argsJson.length > maxBytes) break;
        bytes += row.argsJson.length;
        out.push(row);
      }
      return out;
    },
    pendingCount: (clientId?: string): number => (clientId === undefined ? countAll.get()!.n : countClient.get(clientId)!.n),

    /**
     * The server registered the client: drop what it has processed. A different server database
     * than before (IT pointed the floor at a new server) knows nothing of this client, so the
     * cursor is forgotten and the pending rows are renumbered after what that server has; what the
     * old server acknowledged is not sent again (it lives on in the old database).
     */
    registered(clientId: string, serverId: string, serverLastMutationId: number): void {
      db.transaction(() => {
        const account = selectAccountByClient.get(clientId);
        if (!account) return;
        if (account.serverId !== null && account.serverId !== serverId) {
          renumber(clientId, serverLastMutationId);
        } else {
          ack(clientId, serverLastMutationId);
        }
        setServer.run(serverId, serverId, clientId);
      }).immediate();
    },

    /** A push answered: its rejections recorded, then the rows it covers dropped — one transaction. */
    recordPush(clientId: string, res: { lastMutationId: number; rejections: Rejection[] }): void {
      db.transaction(() => {
        recordRejections(clientId, res.rejections);
        ack(clientId, res.lastMutationId);
      }).immediate();
      wrote();
    },

    /**
     * A client id the server refuses for good (bound to another account): the account gets a new
     * one and its pending rows are renumbered from 1 under it — the cases are pushed again, and
     * their uuids make that harmless if some had gone through.
     */
    replaceClientId(username: string): LocalAccount {
      return db
        .transaction(() => {
          const account = selectAccount.get(username);
          if (!account) throw new Error(`unknown account ${username}`);
          const fresh = randomUUID();
          const rows = selectClientRows.all(account.clientId);
          clearRowIds.run(account.clientId);
          replaceClient.run(fresh, username);
          let id = 0;
          for (const { seq } of rows) assignRow.run(fresh, ++id, seq);
          setLastMutation.run(id, fresh);
          return selectAccount.get(username)!;
        })
        .immediate();
    },

    cursor: (clientId: string): string | null => selectAccountByClient.get(clientId)?.cursor ?? null,
    /** 409 cursor_invalid: start over from null. Nothing is deleted; the next pages only upsert. */
    resetCursor(clientId: string): void {
      setCursor.run(null, clientId);
    },

    /**
     * One pulled page, its rejections, the acknowledgement it carries and the new cursor, in ONE
     * transaction. `beforeCommit` runs inside it, last (tests kill the process there).
     */
    applyPull(clientId: string, page: PullResponse, beforeCommit?: () => void): ApplyResult {
      /** new pulled cases whose search entries the load's worker writes, once this page is committed */
      const deferred: { caseId: number; change: CaseChange }[] = [];
      if (loadLookups) pagePending = { cases: new Map(), contacts: new Map(), deletedContacts: new Set() };
      pulling = true;
      let result: ApplyResult;
      try {
        result = db
        .transaction(() => {
          deferred.length = 0;
          recordRejections(clientId, page.rejections);
          ack(clientId, page.lastMutationId);
          const own = new Set(selectClientIds.all().map((r) => r.clientId));
          const at = now();
          const counts: ApplyResult = { inserted: 0, updated: 0 };
          pulledOrders.beginPage();
          const written = page.changes.map((change) => {
            const w = applyChange(change, own, at);
            pulledOrders.apply(w.caseId, change);
            counts[w.isNew ? 'inserted' : 'updated']++;
            return { ...w, change };
          });
          // during an initial load the callers are derived once at the end (completeLoad)
          if (!loading) {
            for (const { change } of written) {
              // pulled contacts arrive in change order, not call order: the rule keeps the newest call's name
              for (const k of change.contacts) writer.noteCaller(k);
            }
          }
          for (const { caseId, change, reindex, isNew, origin } of written) {
            if (!reindex) continue;
            if (loadIndex && isNew && origin === 'server') {
              deferred.push({ caseId, change });
              continue;
            }
            indexer.put(caseId, change);
            // the worker's index replaces the store's at the end: this one is written again then
            insertReindex?.run(caseId);
          }
          setCursor.run(page.cursor, clientId);
          // the first sync's progress commits with its page (the job shows the same figures)
          if (page.total !== undefined && page.more) {
            upsertProgress.run(JSON.stringify({ total: page.total, loaded: page.changes.length } satisfies InitialProgress));
          } else if (!page.more) {
            deleteProgress.run();
          } else {
            const progress = readProgress();
            if (progress) upsertProgress.run(JSON.stringify({ ...progress, loaded: progress.loaded + page.changes.length }));
          }
          beforeCommit?.();
          return counts;
        })
        .immediate();
        // committed: the page's uuids join the load's maps
        if (pagePending) {
          for (const [uuid, v] of pagePending.cases) pulledCases.set(uuid, v);
          for (const uuid of pagePending.deletedContacts) pulledContacts.delete(uuid);
          for (const [uuid, v] of pagePending.contacts) pulledContacts.set(uuid, v);
        }
      } finally {
        pulling = false;
        pagePending = null;
      }
      if (loadIndex && deferred.length > 0) {
        try {
          for (const { caseId, change: c } of deferred) {
            loadIndex.addWithId(caseId, ...searchEntry(c));
          }
          loadIndex.flush();
        } catch {
          // the worker failed: from here on the store's own index takes the pulled cases, and
          // completeLoad indexes those the side file was to hold
          loadIndex.abort();
          loadIndex = null;
          insertReindex = null;
          for (const { caseId, change } of deferred) indexer.put(caseId, change);
        }
      }
      wrote();
      return result;
    },

    /** During an initial load: resolves once the search worker can take another page (back-pressure). */
    async loadRoom(): Promise<void> {
      try {
        await loadIndex?.room();
      } catch {
        // a failed worker is handled by the next applyPull
      }
    },

    /**
     * The store file a first-sync snapshot would be downloaded next to, while this store may
     * still take one (snapshot-install.ts: nothing pulled, few local cases, no load under way);
     * null otherwise (an in-memory store, or one past its first sync).
     */
    snapshotTarget: (): string | null => (snapshotEligible(db) ? db.name : null),
    /** Copies a checked snapshot in and sets the client's cursor to its (one transaction). */
    installSnapshot(file: string, clientId: string, cursor: string, expect?: { cases: number; orders: number; history: number }): InstallResult {
      const result = installSnapshot(db, file, { clientId, cursor, expect });
      wrote();
      return result;
    },

    /** A first sync that a killed process left unfinished: its total and the cases written so far. */
    initialProgress: (): InitialProgress | null => readProgress(),

    /**
     * Before the first page of a pull from cursor null (or the rest of one a killed process left,
     * `remaining` cases): on a store holding (next to) nothing, or less than what is still to come,
     * drop the indexes the upsert does not need (see the top of this file). True if a load began.
     */
    beginInitialLoad(remaining = 0): boolean {
      if (loading) return true;
      return db
        .transaction(() => {
          const existing = countCases.get()!;
          if (existing.n >= Math.max(LOAD_MAX_EXISTING_CASES, remaining)) return false;
          const dropped = selectIndexes.all().filter((i) => !KEPT_DURING_LOAD.has(i.name));
          // the side index replaces the store's at the end, which then indexes again what it held
          // before: cheap for a new workstation, not for a load resumed after a million cases
          const side = existing.n <= LOAD_MAX_EXISTING_CASES ? sideFileOf(db) : null;
          const record: LoadRecord = { indexes: dropped.map((i) => i.sql), from: existing.last, side };
          insertLoad.run(JSON.stringify(record));
          if (side !== null) {
            // a side file left by a load whose record is gone is stale
            removeSideIndex(side);
            db.exec('CREATE TABLE IF NOT EXISTS sync_load_reindex (case_id INTEGER PRIMARY KEY)');
            insertReindex = db.prepare('INSERT OR IGNORE INTO sync_load_reindex (case_id) VALUES (?)');
            loadIndex = startBulkIndex(db, side, { durable: true, watermark: existing.last });
          }
          for (const { name } of dropped) db.exec(`DROP INDEX ${name}`);
          db.exec(LOAD_TRACKING);
          loadLookups = {
            caseByUuid: db.prepare('SELECT id, origin FROM temp.load_cases WHERE uuid = ?'),
            contactByUuid: db.prepare('SELECT id FROM temp.load_contacts WHERE uuid = ?'),
            deleteOtherContacts: db.prepare<[number, string], { uuid: string }>(
              'DELETE FROM contacts WHERE case_id = ? AND uuid NOT IN (SELECT value FROM json_each(?)) RETURNING uuid',
            ),
          };
          loading = true;
          return true;
        })
        .immediate();
    },
    /**
     * The process is closing: a first sync's search-index worker stops and keeps its side file,
     * which the next start resumes from (as after a kill). Resolves once the worker no longer
     * writes, so the data folder can be released (or, in tests, removed).
     */
    async stop(): Promise<void> {
      const live = loadIndex;
      loadIndex = null;
      await live?.stop();
    },
    /** The load is over (done, failed, or interrupted by a crash): indexes back, callers derived — one transaction. */
    finishInitialLoad(): void {
      const live = loadIndex;
      loadIndex = null;
      insertReindex = null;
      loadLookups = null;
      loading = false;
      pulledCases.clear();
      pulledContacts.clear();
      if (completeLoad(db, indexer, live)) wrote();
    },

    rejections(opts: { includeDismissed?: boolean; markSeen?: boolean } = {}): LocalRejection[] {
      const rows = selectRejections.all(opts.includeDismissed ? 1 : 0).map((r) => ({ ...r, seen: r.seen === 1, dismissed: r.dismissed === 1 }));
      if (opts.markSeen) markSeen.run(now());
      return rows;
    },
    dismissRejection(id: number): boolean {
      const at = now();
      return dismiss.run(at, at, id).changes > 0;
    },
    rejectionCounts: (): { open: number; unseen: number } => rejectionCounts.get()!,

    /** When sync last completed a cycle with the server, kept across restarts (null: never). */
    lastSuccessAt(): number | null {
      const value = Number(selectLastSuccess.get()?.value);
      return Number.isSafeInteger(value) && value > 0 ? value : null;
    },
    setLastSuccessAt(at: number): void {
      upsertLastSuccess.run(String(at));
    },
  };
}

export type SyncStore = ReturnType<typeof createSyncStore>;
