/**
 * Version 4: the workstation's side of sync with the central server (src/shared/sync.ts).
 *
 * - sync_accounts: every account that signed in here, with its own client id (one per
 *   install and account, as the server binds a client id to one account), the last mutation id
 *   given to its outbox, its pull cursor, its sealed refresh token and its offline verifier.
 * - outbox: rebuilt so that each row belongs to a client and carries that client's mutation id
 *   (from 1, no gaps, as the server requires). Rows written before any account signed in
 *   (standalone mode) keep client_id NULL until the first account that signs in adopts them
 *   (sync-store.ts, adoptStandalone); `seq` keeps the order they were written in.
 * - sync_rejections: mutations the server will never apply (同步异常), for the operator.
 * - cases.server_version: the server's change version of the copy held here.
 * - cases_by_local_no and cases_by_official_no become non-unique. Both kinds of number now
 *   arrive by pull from elsewhere, and a constraint error would stop the sync for good: two
 *   workstations configured with the same code (an installer's slip) repeat provisional numbers,
 *   and a workstation pointed at a new server database keeps the cases the old one numbered
 *   while the new one numbers its own from 000001 again. Search finds every case with the
 *   number. Our own provisional numbers stay unique by construction (local_seq).
 */
import type { Db } from '../db';

export function migrate4(db: Db): void {
  db.exec(`
    CREATE TABLE sync_accounts (
      username TEXT PRIMARY KEY,
      account_id INTEGER NOT NULL,
      display_name TEXT NOT NULL,
      role TEXT NOT NULL,
      client_id TEXT NOT NULL,
      -- the last mutation id given to an outbox row of this client
      last_mutation_id INTEGER NOT NULL DEFAULT 0,
      -- the server database the client is registered with, and the cursor of the last page applied
      server_id TEXT,
      cursor TEXT,
      -- sealed by a SecretBox (src/main/sync/secrets.ts)
      refresh_token TEXT,
      refresh_expires_at INTEGER,
      -- JSON (src/main/sync/verifier.ts); NULL: this account may not sign in offline here
      offline_verifier TEXT,
      offline_valid_until INTEGER,
      last_online_at INTEGER,
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX sync_accounts_by_client ON sync_accounts(client_id);

    CREATE TABLE outbox_v4 (
      seq INTEGER PRIMARY KEY,
      client_id TEXT,
      mutation_id INTEGER,
      name TEXT NOT NULL,
      args TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      CHECK ((client_id IS NULL) = (mutation_id IS NULL))
    );
    INSERT INTO outbox_v4 (seq, name, args, created_at) SELECT mutation_id, name, args, created_at FROM outbox ORDER BY mutation_id;
    DROP TABLE outbox;
    ALTER TABLE outbox_v4 RENAME TO outbox;
    CREATE UNIQUE INDEX outbox_by_client ON outbox(client_id, mutation_id);

    CREATE TABLE sync_rejections (
      id INTEGER PRIMARY KEY,
      client_id TEXT NOT NULL,
      mutation_id INTEGER NOT NULL,
      name TEXT NOT NULL,
      code TEXT NOT NULL,
      reason TEXT NOT NULL,
      rejected_at INTEGER NOT NULL,
      -- the case the mutation carried, when it carried one
      case_uuid TEXT,
      local_no TEXT,
      seen_at INTEGER,
      dismissed_at INTEGER
    );
    CREATE UNIQUE INDEX sync_rejections_by_mutation ON sync_rejections(client_id, mutation_id);

    ALTER TABLE cases ADD COLUMN server_version INTEGER;

    DROP INDEX cases_by_local_no;
    CREATE INDEX cases_by_local_no ON cases(local_no);
    DROP INDEX cases_by_official_no;
    CREATE INDEX cases_by_official_no ON cases(official_no);
  `);
}
