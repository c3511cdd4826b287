/**
 * Versioned schema migrations. Each migration is a numbered function in MIGRATIONS; the runner
 * applies the pending ones in ONE transaction (all or nothing), records each in
 * schema_migrations, and refuses a database written by a newer server. Migrations only add:
 * a released migration is never edited, a change is a new migration.
 *
 * Adding one: append `{ version: N + 1, name, up }` below and a test in
 * tests/unit/server/migrations.test.ts that builds version N, inserts data, migrates, asserts.
 */
import type { Db, Queryable } from './adapter';
import { insertFacts, REPORT_TABLES_SQL } from '../reports/facts';

export interface Migration {
  version: number;
  name: string;
  up(tx: Queryable): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, clients, cases, contacts, rejections, change versions',
    async up(tx) {
      await tx.exec(`
        -- secrets and identity generated on first start (token signing key, server id)
        CREATE TABLE server_settings (
          key text PRIMARY KEY,
          value text NOT NULL
        );

        CREATE TABLE accounts (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          username text NOT NULL UNIQUE,
          display_name text NOT NULL,
          role text NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
          -- scrypt$N$r$p$salt$hash, parameters recorded with each hash
          password_hash text NOT NULL,
          disabled boolean NOT NULL DEFAULT false,
          created_at timestamptz NOT NULL DEFAULT now()
        );

        -- opaque refresh tokens, stored as sha256 so a database leak yields no usable token
        CREATE TABLE refresh_tokens (
          token_hash text PRIMARY KEY,
          account_id bigint NOT NULL REFERENCES accounts (id),
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          revoked_at timestamptz
        );
        CREATE INDEX refresh_tokens_by_account ON refresh_tokens (account_id);

        -- workstations: a client id belongs to the account that registered it
        CREATE TABLE clients (
          client_id text PRIMARY KEY,
          account_id bigint NOT NULL REFERENCES accounts (id),
          last_mutation_id bigint NOT NULL DEFAULT 0,
          registered_at timestamptz NOT NULL DEFAULT now(),
          last_push_at timestamptz
        );

        -- the change-version counter: one row, locked by every writing sync transaction until
        -- it commits, so versions become visible in the order they were assigned
        CREATE TABLE sync_head (
          id boolean PRIMARY KEY DEFAULT true CHECK (id),
          version bigint NOT NULL
        );
        INSERT INTO sync_head (version) VALUES (0);

        CREATE TABLE cases (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          uuid uuid NOT NULL UNIQUE,
          official_no text NOT NULL UNIQUE,
          local_no text NOT NULL,
          workstation text NOT NULL,
          phone text NOT NULL,
          phone_ext text NOT NULL,
          caller_name text NOT NULL,
          channel text NOT NULL,
          request_type text NOT NULL,
          category_code text NOT NULL,
          region_code text NOT NULL,
          address text NOT NULL,
          content text NOT NULL,
          answer text NOT NULL,
          urgency text NOT NULL,
          handling_mode text NOT NULL,
          status text NOT NULL,
          confidential boolean NOT NULL,
          operator text NOT NULL,
          -- epoch ms on the workstation's clock when the call was logged
          created_at bigint NOT NULL,
          account_id bigint NOT NULL REFERENCES accounts (id),
          origin_client_id text NOT NULL,
          origin_mutation_id bigint NOT NULL,
          received_at timestamptz NOT NULL DEFAULT now(),
          version bigint NOT NULL UNIQUE
        );
        CREATE INDEX cases_by_phone ON cases (phone, created_at);
        CREATE INDEX cases_by_created ON cases (created_at);

        CREATE TABLE contacts (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          uuid uuid NOT NULL UNIQUE,
          case_id bigint NOT NULL REFERENCES cases (id),
          phone text NOT NULL,
          phone_ext text NOT NULL,
          caller_name text NOT NULL,
          channel text NOT NULL,
          request_type text NOT NULL,
          content text NOT NULL,
          operator text NOT NULL,
          created_at bigint NOT NULL,
          received_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX contacts_by_case ON contacts (case_id);

        -- official numbers: the last sequence given per day (YYYYMMDD in the centre's time zone)
        CREATE TABLE official_no_days (
          day text PRIMARY KEY,
          last integer NOT NULL
        );

        -- mutations the server will never apply (同步异常); args kept, as JSON text, so IT can
        -- recover the data (text, not jsonb: jsonb refuses the NUL escapes a broken client may send)
        CREATE TABLE rejections (
          client_id text NOT NULL REFERENCES clients (client_id),
          mutation_id bigint NOT NULL,
          name text NOT NULL,
          code text NOT NULL,
          reason text NOT NULL,
          args text NOT NULL,
          rejected_at bigint NOT NULL,
          version bigint NOT NULL,
          PRIMARY KEY (client_id, mutation_id)
        );
        CREATE INDEX rejections_by_client_version ON rejections (client_id, version);
      `);
    },
  },
  {
    version: 2,
    name: 'the token signing secret leaves the database',
    async up(tx) {
      // a dump or backup of the database must not carry the key that signs access tokens: it
      // now lives in its own 0600 file or the environment (src/server/auth/secret.ts).
      // Access tokens signed with the old key stop verifying; workstations renew them with
      // their refresh tokens, which are stored hashed and unaffected.
      await tx.query("DELETE FROM server_settings WHERE key = 'access_token_secret'");
    },
  },
  {
    version: 3,
    name: 'units directory, dispatch catalogue, unit accounts',
    async up(tx) {
      await tx.exec(`
        -- 承办单位: never deleted (orders point at them); a unit left out of a new import is deactivated
        CREATE TABLE units (
          code text PRIMARY KEY,
          name text NOT NULL,
          kind text NOT NULL CHECK (kind IN ('department', 'district', 'street', 'utility', 'other')),
          parent_code text REFERENCES units (code) DEFERRABLE INITIALLY DEFERRED,
          phone text NOT NULL DEFAULT '',
          active boolean NOT NULL DEFAULT true,
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX units_by_parent ON units (parent_code);

        -- 派单目录: category × region (codes or prefixes, '' for any) → the suggested lead unit
        CREATE TABLE dispatch_rules (
          category_code text NOT NULL,
          region_code text NOT NULL,
          unit_code text NOT NULL REFERENCES units (code),
          PRIMARY KEY (category_code, region_code)
        );

        -- a unit account (role unit) acts for exactly one unit; no other role has one
        ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
        ALTER TABLE accounts ADD CONSTRAINT accounts_role_check CHECK (role IN ('operator', 'supervisor', 'admin', 'unit'));
        ALTER TABLE accounts ADD COLUMN unit_code text REFERENCES units (code);
        ALTER TABLE accounts ADD CONSTRAINT accounts_unit_iff_role CHECK ((role = 'unit') = (unit_code IS NOT NULL));
      `);
    },
  },
  {
    version: 4,
    name: 'call times of cases (screen pop)',
    async up(tx) {
      // the phone system's call a case was logged during; NULL for cases logged without one
      await tx.exec(`
        ALTER TABLE cases ADD COLUMN call_id text;
        ALTER TABLE cases ADD COLUMN call_ring_at bigint;
        ALTER TABLE cases ADD COLUMN call_answer_at bigint;
        ALTER TABLE cases ADD COLUMN call_end_at bigint;
        ALTER TABLE cases ADD COLUMN talk_seconds integer CHECK (talk_seconds IS NULL OR talk_seconds >= 0);
      `);
    },
  },
  {
    version: 5,
    name: 'work orders: the order snapshot per 转办 case and its append-only history',
    async up(tx) {
      await tx.exec(`
        -- one order per 转办 case: the WorkOrder snapshot of src/shared/workorders/model.ts, and
        -- columns derived from it on every write, for the queues and the overdue board
        CREATE TABLE work_orders (
          case_id bigint PRIMARY KEY REFERENCES cases (id),
          snapshot jsonb NOT NULL,
          state text NOT NULL CHECK (state IN ('pending_dispatch', 'pending_sign', 'in_progress', 'returned', 'pending_review', 'closed')),
          -- the order's version (number of history entries)
          version integer NOT NULL,
          -- the unit holding the order now (top level), and the lead unit (level 0); null before dispatch
          unit_code text,
          lead_unit_code text,
          -- the current level's handling deadline (办理时限 in force), its 临期 instant, its 签收时限 (epoch ms)
          deadline bigint,
          warn_at bigint,
          sign_by bigint,
          extension_requested boolean NOT NULL DEFAULT false,
          -- the case's sync version given by the last write
          updated_version bigint NOT NULL
        );
        -- queues pick their page (deadline, case_id) from these alone (index-only), then read the rows
        CREATE INDEX work_orders_by_state ON work_orders (state, deadline, case_id);
        CREATE INDEX work_orders_by_unit ON work_orders (unit_code, state, deadline, case_id);
        CREATE INDEX work_orders_by_lead ON work_orders (lead_unit_code, state, deadline, case_id) INCLUDE (unit_code);
        -- the overdue board: open orders at a unit whose 临期 point has passed
        CREATE INDEX work_orders_open_by_warn ON work_orders (warn_at) INCLUDE (unit_code, deadline, case_id)
          WHERE state IN ('pending_sign', 'in_progress');
        CREATE INDEX work_orders_extension ON work_orders (deadline, case_id) INCLUDE (state) WHERE extension_requested;

        -- 流转记录: append-only; (case_id, seq) unique makes a duplicate entry impossible
        CREATE TABLE order_history (
          case_id bigint NOT NULL REFERENCES work_orders (case_id),
          seq integer NOT NULL,
          entry jsonb NOT NULL,
          at bigint NOT NULL,
          PRIMARY KEY (case_id, seq)
        );

        -- 转办 cases logged before this release wait in 待派单
        INSERT INTO work_orders (case_id, snapshot, state, version, updated_version)
        SELECT id,
               jsonb_build_object('id', uuid::text, 'version', 0, 'state', 'pending_dispatch', 'urgency', urgency,
                                  'categoryCode', category_code, 'assignments', '[]'::jsonb, 'extensionRequest', null,
                                  'reply', null, 'completion', null, 'returnedFrom', null),
               'pending_dispatch', 0, version
        FROM cases WHERE handling_mode = 'dispatch';
      `);
    },
  },
  {
    version: 6,
    name: 'account administration (must change password, session epoch) and the append-only audit trail',
    async up(tx) {
      await tx.exec(`
        -- an admin set the password: the user must change it at the next sign-in
        ALTER TABLE accounts ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
        -- access tokens carry the epoch they were signed in; disabling the account or resetting its
        -- password bumps it, so tokens already handed out are refused on their next request
        ALTER TABLE accounts ADD COLUMN token_epoch integer NOT NULL DEFAULT 0;

        -- 操作日志: who did what, when, from which workstation, to what. Append-only: the trigger
        -- below refuses UPDATE, DELETE and TRUNCATE for every role that does not drop it first
        CREATE TABLE audit_log (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          at bigint NOT NULL,
          actor_id bigint,
          actor_username text NOT NULL,
          actor_role text NOT NULL,
          action text NOT NULL,
          target_type text NOT NULL,
          target text NOT NULL,
          workstation text NOT NULL DEFAULT '',
          client_id text NOT NULL DEFAULT '',
          ip text NOT NULL DEFAULT '',
          details jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        CREATE INDEX audit_log_by_at ON audit_log (at, id);
        CREATE INDEX audit_log_by_actor ON audit_log (actor_username, id);
        CREATE INDEX audit_log_by_target ON audit_log (target, id);

        CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $fn$;
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
          FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
          FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
      `);
    },
  },
  {
    version: 7,
    name: 'login attempts shared by every server process',
    async up(tx) {
      // the login limiter's attempts (src/server/auth/rate-limit.ts): in the database, so several
      // server processes behind a load balancer count one attacker's attempts together
      await tx.exec(`
        CREATE TABLE login_attempts (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          key text NOT NULL,
          at bigint NOT NULL
        );
        CREATE INDEX login_attempts_by_key ON login_attempts (key, at);
        CREATE INDEX login_attempts_by_at ON login_attempts (at);
      `);
    },
  },
  {
    version: 8,
    name: 'work orders: 待回访 (pending_follow_up) between an accepted review and 已办结',
    async up(tx) {
      await tx.exec(`
        ALTER TABLE work_orders DROP CONSTRAINT work_orders_state_check;
        ALTER TABLE work_orders ADD CONSTRAINT work_orders_state_check
          CHECK (state IN ('pending_dispatch', 'pending_sign', 'in_progress', 'returned', 'pending_review', 'pending_follow_up', 'closed'));
      `);
    },
  },
  {
    version: 9,
    name: '领导接听 sessions (a case logged at the seat carries its session), 面对面 meetings',
    async up(tx) {
      await tx.exec(`
        CREATE TABLE leader_sessions (
          id uuid PRIMARY KEY,
          date date NOT NULL,
          start_time text NOT NULL CHECK (start_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
          end_time text NOT NULL CHECK (end_time ~ '^[0-2][0-9]:[0-5][0-9]$' AND end_time > start_time),
          leader_name text NOT NULL,
          leader_title text NOT NULL,
          department text NOT NULL,
          seat text NOT NULL,
          moved_from date,
          ended_at bigint,
          dispatched_at bigint,
          created_by text NOT NULL,
          created_at bigint NOT NULL
        );
        CREATE INDEX leader_sessions_by_date ON leader_sessions (date, seat);
        -- no foreign key: a case pushed later (offline) names a session by id; the routes read it joined
        ALTER TABLE cases ADD COLUMN leader_session_id uuid;
        CREATE INDEX cases_by_leader_session ON cases (leader_session_id) WHERE leader_session_id IS NOT NULL;

        CREATE TABLE face_meetings (
          id uuid PRIMARY KEY,
          case_id bigint NOT NULL REFERENCES cases (id),
          phone text NOT NULL,
          attendees text NOT NULL,
          place text NOT NULL,
          at bigint NOT NULL,
          unit_code text NOT NULL,
          note text NOT NULL,
          state text NOT NULL CHECK (state IN ('scheduled', 'held', 'cancelled')),
          outcome text NOT NULL DEFAULT '',
          created_by text NOT NULL,
          created_at bigint NOT NULL,
          updated_at bigint NOT NULL
        );
        CREATE INDEX face_meetings_by_phone ON face_meetings (phone, at);
        CREATE INDEX face_meetings_by_case ON face_meetings (case_id);
        -- 面对面: orders whose caller stayed unsatisfied (followUp.unsatisfiedCount ≥ faceToFaceAfter)
        CREATE INDEX work_orders_unsatisfied ON work_orders ((snapshot->'followUp'->'unsatisfiedCount'))
          WHERE snapshot->'followUp'->'unsatisfiedCount' IS NOT NULL;
      `);
    },
  },
  {
    version: 10,
    name: 'repeat calls (重复件): the order a call was linked to',
    async up(tx) {
      // a case linked to an open order as a repeat call has no order of its own; 取消关联 clears it
      await tx.exec(`
        ALTER TABLE cases ADD COLUMN repeat_of uuid;
        CREATE INDEX cases_by_repeat_of ON cases (repeat_of) WHERE repeat_of IS NOT NULL;
      `);
    },
  },
  {
    version: 11,
    name: 'reports: valid cases, per-case report facts and the daily rollup',
    async up(tx) {
      await tx.exec(REPORT_TABLES_SQL);
      // cases seeded before this release: the generator's invalid contacts are exactly the
      // 其他事项 / other / direct cases without an answer (a real answer is never empty)
      await tx.exec(`UPDATE cases SET valid = false
        WHERE category_code = 'C1603' AND request_type = 'other' AND handling_mode = 'direct' AND answer = ''`);
      await insertFacts(tx, 'true', []);
    },
  },
  {
    version: 12,
    name: 'work orders: the 待回访 queue (follow_up_due) and 督办 first in the unit queues (supervision)',
    async up(tx) {
      // follow_up_due: when the order is due for 回访 (the retry's nextAfter, else the acceptance,
      // else the case's creation for a sampled 直接答复); the queue reads it from a partial index.
      // supervision: 2 重点, 1 一般, 0 none — the unit queues list supervised orders first.
      await tx.exec(`
        ALTER TABLE work_orders ADD COLUMN follow_up_due bigint, ADD COLUMN supervision smallint NOT NULL DEFAULT 0;
        UPDATE work_orders w SET follow_up_due = COALESCE((w.snapshot #>> '{followUp,nextAfter}')::bigint,
            (w.snapshot #>> '{completion,acceptedAt}')::bigint, (SELECT c.created_at FROM cases c WHERE c.id = w.case_id))
          WHERE w.state = 'pending_follow_up';
        UPDATE work_orders SET supervision = CASE snapshot #>> '{supervision,level}' WHEN 'key' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END
          WHERE snapshot #>> '{supervision,level}' IS NOT NULL;
        CREATE INDEX work_orders_follow_up ON work_orders (follow_up_due, case_id) WHERE state = 'pending_follow_up';
        CREATE INDEX work_orders_supervised_unit ON work_orders (unit_code, state, deadline) WHERE supervision > 0;
        CREATE INDEX work_orders_supervised_lead ON work_orders (lead_unit_code, state, deadline) INCLUDE (unit_code) WHERE supervision > 0;
      `);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
});

export class DatabaseFromFutureError extends Error {
  constructor(readonly found: number) {
    super(
      `the database is at schema version ${found}, newer than this server's ${LATEST_VERSION}: ` +
        'it was written by a newer server release; run that release (or newer) instead',
    );
  }
}

// any constant of our own: two servers starting on one database migrate one after the other
const MIGRATION_LOCK = 0x12345;

/** Applies pending migrations (up to `target`, default all). Returns the versions before and after. */
export async function migrate(db: Db, target = LATEST_VERSION): Promise<{ from: number; to: number }> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const [row] = await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const from = row?.v ?? 0;
    if (from > LATEST_VERSION) throw new DatabaseFromFutureError(from);
    for (const m of MIGRATIONS) {
      if (m.version <= from || m.version > target) continue;
      await m.up(tx);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    return { from, to: Math.max(from, Math.min(target, LATEST_VERSION)) };
  });
}
