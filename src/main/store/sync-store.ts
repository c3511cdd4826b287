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
 */
import { randomUUID } from 'node:crypto';
import type { CaseChange, PullResponse, Rejection, Role } from '../../shared/sync';
import { createCaseIndexer } from './case-index';
import { reverseDigits } from './cases';
import type { Db } from './db';

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
    const args = JSON.parse(argsJson) as { case?: { uuid?: unknown; localNo?: unknown } };
    return {
      uuid: typeof args.case?.uuid === 'string' ? args.case.uuid : null,
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
  const firstPending = db.prepare<[string], { id: number | null }>('SELECT min(mutation_id) AS id FROM outbox WHERE client_id = ?');
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
       r.case_uuid AS caseUuid, r.local_no AS localNo, c.id AS caseId,
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
  const insertCase = db.prepare(`
    INSERT INTO cases (uuid, local_no, official_no, phone, phone_ext, caller_name, channel, request_type, category_code,
      region_code, address, content, answer, urgency, handling_mode, status, confidential, operator,
      created_at, updated_at, origin, server_version)
    VALUES (@uuid, @localNo, @officialNo, @phone, @phoneExt, @callerName, @channel, @requestType, @categoryCode,
      @regionCode, @address, @content, @answer, @urgency, @handlingMode, @status, @confidential, @operator,
      @createdAt, @updatedAt, @origin, @version)`);
  // a case logged here: the server adds its number, its status and its version; the text is ours
  const updateLocalCase = db.prepare(
    'UPDATE cases SET official_no = ?, status = ?, server_version = ?, updated_at = ? WHERE id = ?',
  );
  const updateServerCase = db.prepare(`
    UPDATE cases SET local_no = @localNo, official_no = @officialNo, phone = @phone, phone_ext = @phoneExt,
      caller_name = @callerName, channel = @channel, request_type = @requestType, category_code = @categoryCode,
      region_code = @regionCode, address = @address, content = @content, answer = @answer, urgency = @urgency,
      handling_mode = @handlingMode, status = @status, confidential = @confidential, operator = @operator,
      created_at = @createdAt, updated_at = @updatedAt, server_version = @version
    WHERE id = @id`);
  const upsertContact = db.prepare(`
    INSERT INTO contacts (uuid, case_id, phone, phone_ext, caller_name, channel, request_type, content, operator, created_at)
    VALUES (@uuid, @caseId, @phone, @phoneExt, @callerName, @channel, @requestType, @content, @operator, @createdAt)
    ON CONFLICT (uuid) DO UPDATE SET case_id = excluded.case_id, phone = excluded.phone, phone_ext = excluded.phone_ext,
      caller_name = excluded.caller_name, channel = excluded.channel, request_type = excluded.request_type,
      content = excluded.content, operator = excluded.operator, created_at = excluded.created_at`);
  const deleteOtherContacts = db.prepare(
    'DELETE FROM contacts WHERE case_id = ? AND uuid NOT IN (SELECT value FROM json_each(?))',
  );
  // Pulled contacts arrive in change order, not call order, so unlike intake (cases.ts) the name
  // is taken only from a call at least as recent as the last one seen, or when none was known.
  const upsertCaller = db.prepare(`
    INSERT INTO callers (phone, phone_rev, name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (phone) DO UPDATE SET
      name = CASE WHEN excluded.name <> '' AND (name = '' OR excluded.last_seen >= last_seen) THEN excluded.name ELSE name END,
      first_seen = min(first_seen, excluded.first_seen),
      last_seen = max(last_seen, excluded.last_seen)`);

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

  function applyChange(change: CaseChange, ownClients: Set<string>, at: number): 'inserted' | 'updated' {
    const found = selectCase.get(change.uuid);
    const row = {
      ...change,
      confidential: change.confidential ? 1 : 0,
      updatedAt: at,
      origin: ownClients.has(change.originClientId) ? 'local' : 'server',
    };
    let caseId: number;
    if (found && found.origin === 'local') {
      caseId = found.id;
      updateLocalCase.run(change.officialNo, change.status, change.version, at, caseId);
    } else if (found) {
      caseId = found.id;
      updateServerCase.run({ ...row, id: caseId });
      indexer.put(caseId, change);
    } else {
      caseId = Number(insertCase.run(row).lastInsertRowid);
      indexer.put(caseId, change);
    }
    for (const k of change.contacts) {
      upsertContact.run({ ...k, caseId });
      upsertCaller.run(k.phone, reverseDigits(k.phone), k.callerName, k.createdAt, k.createdAt);
    }
    if (found) deleteOtherContacts.run(caseId, JSON.stringify(change.contacts.map((k) => k.uuid)));
    return found ? 'updated' : 'inserted';
  }

  return {
    account: (username: string): LocalAccount | null => selectAccount.get(username) ?? null,
    accountByClientId: (clientId: string): LocalAccount | null => selectAccountByClient.get(clientId) ?? null,
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
    firstPendingId: (clientId: string): number | null => firstPending.get(clientId)?.id ?? null,

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
     * One pulled page, its rejections, the acknowledgement it carries and the new cursor, in
     * ONE transaction. `beforeCommit` runs inside it, last (tests kill the process there).
     */
    applyPull(clientId: string, page: PullResponse, beforeCommit?: () => void): ApplyResult {
      const result = db
        .transaction(() => {
          recordRejections(clientId, page.rejections);
          ack(clientId, page.lastMutationId);
          const own = new Set(selectClientIds.all().map((r) => r.clientId));
          const at = now();
          const result: ApplyResult = { inserted: 0, updated: 0 };
          for (const change of page.changes) result[applyChange(change, own, at)]++;
          setCursor.run(page.cursor, clientId);
          beforeCommit?.();
          return result;
        })
        .immediate();
      wrote();
      return result;
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
  };
}

export type SyncStore = ReturnType<typeof createSyncStore>;
