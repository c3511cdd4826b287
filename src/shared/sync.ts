/**
 * The sync protocol between a workstation and the central server (同步协议), in the shape of
 * Replicache's push/pull. Pure zod: the server validates every request body with these schemas,
 * the workstation's sync job builds its requests from them, and the server's OpenAPI document
 * (GET /api/openapi.json) is generated from them.
 *
 * How a workstation syncs
 * -----------------------
 * 1. Log in: POST /api/login → an access token (Bearer, ~15 min) and a refresh token
 *    (POST /api/refresh renews the access token). See LoginResponse.offline for the offline
 *    login policy the workstation applies while the server is unreachable.
 * 2. Register its client id once per account: POST /api/clients/register. A client id is bound to
 *    the account that registered it; another account presenting it gets 403. A workstation shared
 *    by several operators therefore keeps one client id (and one outbox sequence) per account
 *    and pushes each account's outbox with that account's own (refreshed) token.
 * 3. Push: the outbox in mutation-id order, in batches of at most PUSH_BATCH_MAX. The server
 *    applies a batch in one transaction; mutation ids ≤ its lastMutationId are skipped (replays
 *    after a lost response are harmless); a first new id ≠ lastMutationId + 1 is a gap → 409
 *    `mutation_gap`, nothing applied. A mutation that can never apply is recorded as a rejection
 *    (returned in the push response and, durably, by pull) and counts as processed: it never
 *    blocks the queue. The workstation deletes outbox rows with id ≤ the returned lastMutationId.
 * 4. Pull: changes after a server-assigned cursor, page by page while `more` is true. Apply each
 *    page (upsert cases by uuid, replace their contacts, store rejections in 同步异常) together
 *    with the new cursor in one SQLite transaction. The cursor is opaque: store it, send it back.
 *
 * Every request body of register, push and pull carries `schemaVersion` (this protocol's
 * version, not the workstation's SQLite user_version). An older client gets 409
 * `update_required`; a client newer than the server gets 409 `server_update_required`.
 */
import { z } from 'zod';
import { CaseStatus, Channel, HandlingMode, RequestType, Urgency } from './domain';
import { normalizePhone } from './phone';
import { CallTimes, CaseCall, LIMITS } from './schemas';
import { ActionName } from './workorders/actions';
import { HistoryEntry, WorkOrder } from './workorders/model';

/** The protocol version this code speaks. Bump it when a request or response shape changes. */
export const SYNC_SCHEMA_VERSION = 2;
/**
 * The oldest protocol version the server still accepts. 2 (work orders, 'order.action'): a
 * workstation of version 1 knows nothing of orders and would show 转办 cases as 待派单 forever,
 * so it is refused with update_required (issue 6 §5).
 */
export const SYNC_MIN_SCHEMA_VERSION = 2;

export const PUSH_BATCH_MAX = 1000;
export const PULL_LIMIT_MAX = 5000;
export const PULL_LIMIT_DEFAULT = 1000;

// ─── building blocks ───────────────────────────────────────────────────────────────────────

/**
 * A v1–v8 UUID in canonical lower-case form (crypto.randomUUID()). Lower case is required, not
 * folded: the server never rewrites an idempotency key, so the uuid pulled back is byte-for-byte
 * the one pushed.
 */
export const Uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, {
    message: 'must be a lower-case UUID',
  });

/** A phone number already in normal form (src/shared/phone.ts): digits only, as normalizePhone returns it. */
export const NormalizedPhoneNumber = z
  .string()
  .regex(/^\d{3,20}$/, { message: 'must be a normalised phone number (digits only)' })
  .refine(
    (v) => {
      const n = normalizePhone(v);
      return n.ok && n.number === v;
    },
    { message: 'must be a normalised phone number' },
  );

/** Epoch milliseconds, between 2000-01-01 and 2100-01-01 (anything else is a broken clock or a bug). */
export const EpochMs = z.number().int().min(946_684_800_000).max(4_102_444_800_000);

/** A workstation's client id: generated once per (install, account), e.g. crypto.randomUUID(). */
export const ClientId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'client id: 8–64 letters, digits, "-" or "_"' });

export const SchemaVersion = z.number().int().min(0);

/** Text PostgreSQL can store: it refuses NUL characters, which would fail the whole batch. */
const text = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((v) => !v.includes('\u0000'), { message: 'must not contain NUL characters' });
const code = text(1, 32);
const operatorName = text(1, 50);

// ─── mutations ─────────────────────────────────────────────────────────────────────────────

/** The case as logged at the workstation (受理), args.case of 'case.create'. */
export const CaseCreateCase = z.object({
  uuid: Uuid,
  /** provisional number given by the workstation, W001-20261127-0042 (临时编号) */
  localNo: text(1, 40),
  /** workstation code (坐席编号); '' when the workstation does not send it */
  workstation: text(0, 16).default(''),
  phone: NormalizedPhoneNumber,
  /** extension (分机), '' when none */
  phoneExt: z.string().regex(/^\d{0,6}$/).default(''),
  callerName: text(0, LIMITS.callerName),
  channel: Channel,
  requestType: RequestType,
  categoryCode: code,
  regionCode: code,
  address: text(0, LIMITS.address),
  content: text(1, LIMITS.content),
  answer: text(0, LIMITS.answer),
  urgency: Urgency,
  handlingMode: HandlingMode,
  status: CaseStatus,
  /** 保密: the caller's number is never shown to units */
  confidential: z.boolean(),
  /** the operator who logged the case (登记人) */
  operator: operatorName,
  createdAt: EpochMs,
  /** the phone system's call it was logged during (来电时间, answered, ended); null or absent when none */
  call: CallTimes.nullable().optional(),
  /** 领导接听: the leader session running at this seat when the call was logged (channel leader_session); null or absent when none */
  leaderSessionId: Uuid.nullable().optional(),
  /**
   * 重复件: the order (its id, the original case's uuid) this call was linked to as a repeat call.
   * Such a case is a recorded call, saved closed: the server creates no work order for it. Null
   * or absent for every other case; a supervisor's 取消关联 clears it.
   */
  repeatOf: Uuid.nullable().optional(),
});

/** The first contact (来电记录) of the case, args.contact of 'case.create'. */
export const CaseCreateContact = z.object({
  uuid: Uuid,
  /** the case this contact belongs to; optional because it can only be args.case.uuid */
  caseUuid: Uuid.optional(),
  phone: NormalizedPhoneNumber,
  phoneExt: z.string().regex(/^\d{0,6}$/).default(''),
  callerName: text(0, LIMITS.callerName),
  channel: Channel,
  requestType: RequestType,
  content: text(1, LIMITS.content),
  operator: operatorName,
  createdAt: EpochMs,
});

/** 'case.create': a new case and its first contact, exactly as the workstation's outbox row holds them. */
export const CaseCreateArgs = z
  .object({ case: CaseCreateCase, contact: CaseCreateContact })
  .superRefine((v, ctx) => {
    if (v.contact.caseUuid !== undefined && v.contact.caseUuid !== v.case.uuid) {
      ctx.addIssue({ code: 'custom', path: ['contact', 'caseUuid'], message: 'must equal case.uuid' });
    }
    if (v.contact.uuid === v.case.uuid) {
      ctx.addIssue({ code: 'custom', path: ['contact', 'uuid'], message: 'must differ from case.uuid' });
    }
    // the same rule as the intake form: 直接答复 means an answer was given
    if (v.case.handlingMode === 'direct' && v.case.answer.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['case', 'answer'], message: 'required when handlingMode is direct' });
    }
  });
export type CaseCreateArgs = z.output<typeof CaseCreateArgs>;

/**
 * 'order.action': an action on a work order taken at a workstation (派单, 审核 …), perhaps
 * offline. The server decides it against the table and the order's current state, with its own
 * clock; `at` (when it was taken, epoch ms) is kept in the history entry's details as clientAt.
 * A refusal becomes a rejection 'action_refused' whose reason is Chinese then English.
 */
export const OrderActionArgs = z
  .object({
    orderId: Uuid,
    action: ActionName,
    args: z.record(z.string(), z.unknown()).default({}),
    at: z.number().int().min(0),
  })
  .strict();
export type OrderActionArgs = z.output<typeof OrderActionArgs>;

/**
 * Every mutation the server knows, by name, with the schema of its args. Adding one: add its
 * schema here, its handler in src/server/sync/mutations.ts (the server's type check fails until
 * you do), and bump SYNC_SCHEMA_VERSION if old servers must refuse clients that send it.
 */
export const MUTATIONS = {
  'case.create': CaseCreateArgs,
  'order.action': OrderActionArgs,
} as const satisfies Record<string, z.ZodType>;
export type MutationName = keyof typeof MUTATIONS;
export const isMutationName = (name: string): name is MutationName =>
  Object.prototype.hasOwnProperty.call(MUTATIONS, name);

/**
 * One outbox row on the wire. `args` is checked per mutation, not here: args the server cannot
 * accept become a rejection of that one mutation instead of failing the whole batch.
 */
export const Mutation = z.object({
  /** the outbox's mutation id: per client, from 1, increasing by exactly 1 */
  id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  name: text(1, 64),
  args: z.unknown().optional(),
});
export type Mutation = z.infer<typeof Mutation>;

// ─── rejections (同步异常) ───────────────────────────────────────────────────────────────────

export const REJECTION_CODES = [
  'unknown_mutation', // the server has no mutation of that name
  'invalid_args', // args fail the mutation's schema
  'rule_violation', // a business rule refuses it (e.g. a createdAt days in the future)
  'action_refused', // the work-order table refuses the action on the order's current state (zh + en reason)
] as const;
export const RejectionCode = z.enum(REJECTION_CODES);
export type RejectionCode = z.infer<typeof RejectionCode>;
export const isRejectionCode = (code: string): code is RejectionCode => (REJECTION_CODES as readonly string[]).includes(code);

/** A mutation the server will never apply. It is processed (never retried) and shown to the operator. */
export const Rejection = z.object({
  mutationId: z.number().int(),
  name: z.string(),
  code: RejectionCode,
  /** English, for the operator's 同步异常 list and for IT: which field and why */
  reason: z.string(),
  /** when the server rejected it, epoch ms */
  rejectedAt: z.number().int(),
});
export type Rejection = z.infer<typeof Rejection>;

// ─── register, push, pull ──────────────────────────────────────────────────────────────────

export const RegisterRequest = z.object({ schemaVersion: SchemaVersion, clientId: ClientId });
export const RegisterResponse = z.object({
  clientId: ClientId,
  /** the last mutation id the server processed for this client: 0 for a new client */
  lastMutationId: z.number().int(),
  /** identifies this server database; a cursor from another server is refused (409 cursor_invalid) */
  serverId: z.string(),
});

export const PushRequest = z
  .object({
    schemaVersion: SchemaVersion,
    clientId: ClientId,
    mutations: z.array(Mutation).min(1).max(PUSH_BATCH_MAX),
  })
  .superRefine((v, ctx) => {
    for (let i = 1; i < v.mutations.length; i++) {
      if (v.mutations[i]!.id !== v.mutations[i - 1]!.id + 1) {
        ctx.addIssue({ code: 'custom', path: ['mutations', i, 'id'], message: 'mutation ids in a batch must increase by 1' });
        return;
      }
    }
  });
export type PushRequest = z.input<typeof PushRequest>;

export const PushResponse = z.object({
  /** every mutation id ≤ this is processed (applied or rejected): drop those outbox rows */
  lastMutationId: z.number().int(),
  /** rejections of mutations in this batch, including ones rejected by an earlier, identical push */
  rejections: z.array(Rejection),
});
export type PushResponse = z.infer<typeof PushResponse>;

export const PullRequest = z.object({
  schemaVersion: SchemaVersion,
  clientId: ClientId,
  /** null for the first pull (or to start over); otherwise the cursor of the last applied page */
  cursor: z.string().max(100).nullable(),
  limit: z.number().int().min(1).max(PULL_LIMIT_MAX).default(PULL_LIMIT_DEFAULT),
});
export type PullRequest = z.input<typeof PullRequest>;

export const ContactChange = z.object({
  uuid: Uuid,
  caseUuid: Uuid,
  phone: z.string(),
  phoneExt: z.string(),
  callerName: z.string(),
  channel: Channel,
  requestType: RequestType,
  content: z.string(),
  operator: z.string(),
  createdAt: z.number().int(),
});
export type ContactChange = z.infer<typeof ContactChange>;

/** A case as the server holds it now: upsert it by uuid, replacing the local copy and its contacts. */
export const CaseChange = z.object({
  uuid: Uuid,
  /** the official number (正式编号) the server gave it, JN20261127-000123 */
  officialNo: z.string(),
  localNo: z.string(),
  workstation: z.string(),
  phone: z.string(),
  phoneExt: z.string(),
  callerName: z.string(),
  channel: Channel,
  requestType: RequestType,
  categoryCode: z.string(),
  regionCode: z.string(),
  address: z.string(),
  content: z.string(),
  answer: z.string(),
  urgency: Urgency,
  handlingMode: HandlingMode,
  status: CaseStatus,
  confidential: z.boolean(),
  operator: z.string(),
  createdAt: z.number().int(),
  /** the client that pushed it (a workstation recognises its own cases) */
  originClientId: z.string(),
  /** 来电时间 and 通话时长 from the phone system; null when the case was logged without one (absent from older servers) */
  call: CaseCall.nullable().optional(),
  /** 领导接听: the session the case was logged in (absent from older servers) */
  leaderSessionId: z.string().nullable().optional(),
  /** 重复件: the order this call was linked to as a repeat call (null or absent: none) */
  repeatOf: z.string().nullable().optional(),
  /** the server's change version of this row: increases with every change of the case */
  version: z.number().int(),
  /** oldest first */
  contacts: z.array(ContactChange),
  /**
   * the work order of a 转办 case (src/shared/workorders/model.ts), null for other cases; every
   * action on it gives the case a new version, so the change arrives with the order's new state
   */
  order: WorkOrder.nullable().optional(),
  /** the order's history (流转记录), oldest first; [] without an order. (orderId, seq) is unique: upsert by it */
  history: z.array(HistoryEntry).optional(),
});
export type CaseChange = z.infer<typeof CaseChange>;

export const PullResponse = z.object({
  /** opaque; send it with the next pull, after the page is applied */
  cursor: z.string(),
  /** in version order; the same uuid appears at most once per page */
  changes: z.array(CaseChange),
  /** rejections of this client's mutations recorded after the previous cursor (同步异常) */
  rejections: z.array(Rejection),
  /** the client's last processed mutation id, as in a push response */
  lastMutationId: z.number().int(),
  /** true: pull again at once with the new cursor */
  more: z.boolean(),
  /**
   * Only on a pull from cursor null: how many cases this pull delivers in all, this page
   * included (counted in the page's snapshot), so a new workstation can show its progress.
   * Servers before it leave it out.
   */
  total: z.number().int().min(0).optional(),
});
export type PullResponse = z.infer<typeof PullResponse>;

// ─── accounts and login ────────────────────────────────────────────────────────────────────

export const ROLES = [
  'operator', // 话务员
  'supervisor', // 班长 / 质检
  'admin', // 系统管理员
  'unit', // 承办单位 (signs in to the unit portal, acts for its one unit)
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Login names: lower-case letters, digits, ".", "_" or "-" (工号 such as 1024 work). */
export const Username = z
  .string()
  .min(2)
  .max(32)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'username: lower-case letters, digits, ".", "_" or "-"' });
export const Password = z.string().min(8, { message: 'password: at least 8 characters' }).max(256);

export const Account = z.object({
  id: z.number().int(),
  username: Username,
  displayName: z.string(),
  role: Role,
  /** role unit: the unit it acts for (src/shared/units.ts); null for the centre's staff */
  unitCode: z.string().nullable().optional(),
});
export type Account = z.infer<typeof Account>;

export const LoginRequest = z.object({
  username: text(1, 64),
  password: z.string().min(1).max(256),
});

/**
 * The offline login policy (离线登录). After a successful online login the workstation derives
 * its OWN verifier from the password just typed — scrypt with these parameters and a fresh
 * random salt of its own (never the server's hash, which never leaves the server) — and keeps
 * {username, account, role, salt, params, verifier, validUntil = now + maxOfflineDays}. While the
 * server is unreachable, that user may sign in on that workstation if the typed password
 * reproduces the verifier and validUntil has not passed. Every successful online login or refresh
 * renews validUntil with the server's current maxOfflineDays (so the centre can shorten it); a
 * refresh or login answered 401/403 (account disabled, password changed, tokens revoked) deletes
 * the verifier. maxOfflineDays 0 disables offline login.
 */
export const OfflinePolicy = z.object({
  maxOfflineDays: z.number().int().min(0),
  kdf: z.object({
    algorithm: z.literal('scrypt'),
    N: z.number().int(),
    r: z.number().int(),
    p: z.number().int(),
    keyLength: z.number().int(),
    saltLength: z.number().int(),
  }),
});
export type OfflinePolicy = z.infer<typeof OfflinePolicy>;

export const LoginResponse = z.object({
  /** Bearer token for every other route */
  accessToken: z.string(),
  accessTokenExpiresAt: z.number().int(),
  /** opaque; keep it secret (OS keychain or a file readable by this user only) */
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.number().int(),
  account: Account,
  offline: OfflinePolicy,
  /**
   * true when an admin set the password (created with it, or 重置密码): every route but
   * POST /api/account/password answers 403 password_change_required until the user changes it
   */
  mustChangePassword: z.boolean().optional(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

export const RefreshRequest = z.object({ refreshToken: z.string().min(1).max(200) });
export const RefreshResponse = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.number().int(),
  account: Account,
  offline: OfflinePolicy,
  mustChangePassword: z.boolean().optional(),
});
export type RefreshResponse = z.infer<typeof RefreshResponse>;

export const LogoutRequest = RefreshRequest;
export const LogoutResponse = z.object({ revoked: z.boolean() });

export const CreateAccountRequest = z
  .object({
    username: Username,
    displayName: text(1, 50),
    role: Role,
    password: Password,
    /** required for role unit, refused for the others */
    unitCode: text(1, 32).optional(),
    /** the user must change the password at the first sign-in (default false) */
    mustChangePassword: z.boolean().optional(),
  })
  .refine((a) => (a.role === 'unit') === (a.unitCode !== undefined), {
    message: 'unitCode: a unit account names its unit (unitCode), and only a unit account does',
    path: ['unitCode'],
  });
export const CreateAccountResponse = z.object({ account: Account });

// ─── errors ────────────────────────────────────────────────────────────────────────────────

/**
 * Every 4xx/5xx body. `error` is a stable code for programs, `message` a reason for people.
 * Codes: invalid_json, invalid_request, body_too_large, unsupported_media_type, not_found,
 * unauthorized, token_expired, invalid_token, invalid_credentials, account_disabled,
 * too_many_attempts (429, with retryAfterSeconds), forbidden, client_not_registered,
 * client_bound_to_other_account (403), update_required (409, with minVersion),
 * server_update_required (409, with maxVersion), mutation_gap (409, with lastMutationId),
 * cursor_invalid (409), username_taken (409), order_not_found (404), order_changed (409),
 * action_refused (409, with refusal), shutting_down (503), internal (500); account administration
 * (src/shared/admin.ts): password_change_required (403), password_too_short, password_too_long,
 * password_is_username, wrong_password (400), account_not_found (404), last_admin,
 * cannot_change_self (409), unknown_unit, unit_inactive, not_a_unit_account (400); snapshots:
 * snapshot_unavailable (404), range_not_satisfiable (416).
 */
export const ErrorBody = z.object({
  error: z.string(),
  message: z.string(),
  minVersion: z.number().int().optional(),
  maxVersion: z.number().int().optional(),
  lastMutationId: z.number().int().optional(),
  retryAfterSeconds: z.number().int().optional(),
  /** for invalid_request: the first offending field path, "mutations.3.id" */
  field: z.string().optional(),
  /** for action_refused: the work-order table's refusal code and its texts */
  refusal: z.object({ code: z.string(), zh: z.string(), en: z.string() }).optional(),
  /** for invalid_directory: every problem of the imported spreadsheet */
  problems: z
    .array(z.object({ sheet: z.string(), row: z.number().int().nullable(), column: z.string().nullable(), zh: z.string(), en: z.string() }))
    .optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const HealthResponse = z.object({
  status: z.literal('ok'),
  db: z.enum(['pglite', 'postgres']),
  schemaVersion: z.number().int(),
  minSchemaVersion: z.number().int(),
});

/**
 * A snapshot (首次同步快照): a ready workstation store file of the centre's window at a known
 * pull cursor, built offline (`npm run snapshot`, src/main/sync/snapshot-build.ts) and served by
 * `GET /api/sync/snapshot` (this manifest) and `GET /api/sync/snapshot/file` (the file, with
 * Range, ETag = `"<sha256>"`). A new workstation installs it, then pulls after `cursor`.
 * It holds no workstation state (no outbox, numbering, drafts, accounts or identity).
 */
export const SnapshotManifest = z.object({
  /** the pull cursor the file is at: a workstation pulls from here on */
  cursor: z.string().min(1),
  /** cases, work orders and history entries the file holds */
  cases: z.number().int().nonnegative(),
  orders: z.number().int().nonnegative(),
  history: z.number().int().nonnegative(),
  /** epoch ms */
  createdAt: z.number().int(),
  /** hex sha256 of the file, also its ETag */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  /** the workstation store's migration version (PRAGMA user_version) the file was built with */
  storeSchemaVersion: z.number().int().positive(),
  /** SYNC_SCHEMA_VERSION of the pages it was built from */
  protocolVersion: z.number().int().positive(),
  /** the server database it was built from (the cursor's prefix) */
  serverId: z.string().min(1),
  /** the window (days) it was built with */
  windowDays: z.number().int().positive(),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;
