/**
 * The one typed contract between the renderer and the main process.
 *
 * Every method the renderer may call is named here with the zod schema of its input and
 * output. The Electron preload exposes exactly these names; the browser harness speaks the
 * same names over a WebSocket; main validates every input against `input` before a handler
 * runs (src/main/services/dispatch.ts). Adding a method: see src/main/services/README.md.
 */
import { ReportsExportInput, ReportsExportResult, ReportsOrdersInput, ReportsOrdersResult, ReportsPrintInput, ReportsPrintResult, ReportsSummaryInput, ReportsSummaryResult } from './reports/desk';
import { z } from 'zod';
import type { TaxonomyNode } from './domain';
import { CallerHistory, CaseDetail, IntakeDraft, IntakeSave, SearchQuery, SearchResult } from './schemas';
import { Role } from './sync';
import { TelephonyPush } from './telephony';
import {
  AdminAccountResult,
  AdminAccountsResult,
  AdminAuditExportInput,
  AdminAuditExportResult,
  AdminAuditInput,
  AdminAuditResult,
  AdminBindUnitInput,
  AdminChangeRoleInput,
  AdminCreateInput,
  AdminResetPasswordInput,
  AdminSetDisabledInput,
} from './desk-admin';
import { DESK_LEADER_CHANNELS } from './desk-leader';
import {
  DeskActInput,
  DeskActResult,
  DeskOrderDetail,
  DeskQueueInput,
  DeskQueueResponse,
  DeskUnits,
  OverdueBoard,
  RepeatProposalInput,
  RepeatProposalResult,
} from './desk-orders';

const TaxonomyNodeSchema: z.ZodType<TaxonomyNode> = z.lazy(() =>
  z.object({
    code: z.string(),
    name: z.string(),
    initials: z.string(),
    path: z.array(z.string()),
    children: z.array(TaxonomyNodeSchema).optional(),
  }),
);

const Empty = z.object({}).strict();

/**
 * The workstation settings the desktop shows or lets the operator change. A key set in IT's
 * machine policy file is locked: the policy always wins, so the screen shows it as 由管理员锁定
 * and offers no way to change it.
 */
export const SETTING_KEYS = ['locale', 'serverUrl', 'workstation', 'defaultAreaCode'] as const;
export const SettingKey = z.enum(SETTING_KEYS);
export type SettingKey = z.infer<typeof SettingKey>;
export const SettingsView = z.object({
  locale: z.enum(['zh-CN', 'en']),
  /** null: standalone */
  serverUrl: z.string().nullable(),
  workstation: z.string(),
  defaultAreaCode: z.string(),
  /** the keys IT's policy file sets: shown locked, not changeable */
  locked: z.array(SettingKey),
});
export type SettingsView = z.infer<typeof SettingsView>;

/** Who is signed in on this workstation (登录状态). */
export const SessionState = z.object({
  /** false in standalone mode (no server configured): the configured operator logs the cases */
  loginRequired: z.boolean(),
  user: z
    .object({
      /** the account's login name (工号); every case logged carries it as its operator */
      username: z.string(),
      displayName: z.string(),
      role: Role,
      /** online: the server accepted the credentials; offline: signed in with the offline verifier */
      mode: z.enum(['online', 'offline']),
    })
    .nullable(),
  /** why the last session ended by itself (credentials refused by the server), else null */
  endedReason: z.string().nullable(),
});
export type SessionState = z.infer<typeof SessionState>;

export const LOGIN_FAILURES = [
  'not_required', // standalone: nobody signs in
  'invalid_credentials', // 用户名或密码错误
  'account_disabled',
  'unit_account', // a unit's account: it signs in to the unit portal, not here
  'too_many_attempts', // with retryAfterSeconds
  'offline_unavailable', // server unreachable and this account never signed in online here (or offline login is off)
  'offline_expired', // server unreachable and the offline sign-in period is over
  'password_change_required', // an admin set this password (new account, 重置密码): choose a new one (auth.changePassword)
  'password_rejected', // the new password breaks the password policy (with policy.zh / policy.en)
  'server_error', // the server answered something unexpected
] as const;

/** What a sign-in (登录, 修改密码) answers: a session, or why not. */
const LoginAnswer = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), session: SessionState }),
  z.object({
    ok: z.literal(false),
    reason: z.enum(LOGIN_FAILURES),
    /** English, for the log; the renderer words the reason itself */
    message: z.string(),
    retryAfterSeconds: z.number().int().optional(),
    /** for password_rejected: the policy's words */
    policy: z.object({ code: z.string(), zh: z.string(), en: z.string() }).optional(),
  }),
]);

/** 同步状态 */
export const SyncStatus = z.object({
  /** false in standalone mode */
  enabled: z.boolean(),
  state: z.enum(['disabled', 'idle', 'syncing', 'retrying', 'update_required']),
  /** whether the last attempt got an answer from the server; null before the first */
  online: z.boolean().nullable(),
  /** changes on this workstation not yet acknowledged by the server */
  pending: z.number().int(),
  lastSuccessAt: z.number().int().nullable(),
  lastAttemptAt: z.number().int().nullable(),
  /** code: network, update_required, server_lost_mutations, signed_out, a server error code, or internal */
  lastError: z.object({ code: z.string(), message: z.string(), at: z.number().int() }).nullable(),
  /** 同步异常 not dismissed, and of those not yet seen in the list */
  rejections: z.number().int(),
  unseenRejections: z.number().int(),
  nextAttemptAt: z.number().int().nullable(),
  /**
   * A first sync (a pull from cursor null) in progress: cases written so far of the total the
   * server announced, and the time left at the rate so far (null until it can be estimated).
   * null otherwise, and when the server does not announce a total.
   */
  initialLoad: z
    .object({ loaded: z.number().int(), total: z.number().int(), etaMs: z.number().int().nullable() })
    .nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** 软件更新: from IT's update server (policy updates.url); installed only when no call or unsaved intake is open */
export const UpdateStatus = z.object({
  /** false: no update server configured (or the browser harness) */
  configured: z.boolean(),
  state: z.enum(['idle', 'checking', 'downloading', 'downloaded', 'installing', 'error']),
  /** the version being downloaded or ready to install */
  version: z.string().nullable(),
  percent: z.number().int().nullable(),
  /** what keeps a downloaded update from installing now */
  blockers: z.array(z.enum(['active_call', 'unsaved_draft'])),
  error: z.string().nullable(),
  checkedAt: z.number().int().nullable(),
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

/** One entry of 同步异常: a change the server will never apply. */
export const SyncRejection = z.object({
  id: z.number().int(),
  /** the account whose change it was */
  username: z.string().nullable(),
  mutationId: z.number().int(),
  name: z.string(),
  /** unknown_mutation | invalid_args | rule_violation */
  code: z.string(),
  /** English, from the server: which field and why */
  reason: z.string(),
  rejectedAt: z.number().int(),
  localNo: z.string().nullable(),
  /** the local case, for case.get; null when it is not on this workstation */
  caseId: z.number().int().nullable(),
  seen: z.boolean(),
  dismissed: z.boolean(),
});
export type SyncRejection = z.infer<typeof SyncRejection>;

export const contract = {
  'app.info': {
    input: Empty,
    output: z.object({
      version: z.string(),
      schemaVersion: z.number().int(),
      workstation: z.string(),
      operator: z.string(),
      transport: z.enum(['electron', 'browser']),
    }),
  },
  /** the workstation's settings and which of them IT's policy file locks; callable before sign-in */
  'settings.get': {
    input: Empty,
    output: SettingsView,
  },
  /**
   * 导出诊断信息: writes the help desk's bundle (the same as `npm run store -- diagnostics`:
   * versions, configuration without secrets, store integrity and counts, backups, masked log
   * tail; no case data) to <data dir>/diagnostics/ and says where
   */
  'diagnostics.export': {
    input: Empty,
    output: z.object({ file: z.string(), bytes: z.number().int() }),
  },
  /** 软件更新 status; asks the update server at once when the sync job was refused with update_required */
  'app.update': {
    input: Empty,
    output: UpdateStatus,
  },
  'taxonomy.get': {
    input: Empty,
    output: z.object({ categories: z.array(TaxonomyNodeSchema), regions: z.array(TaxonomyNodeSchema) }),
  },
  /** 来电历史 of a number as typed so far */
  'caller.history': {
    input: z.object({ phone: z.string().max(64) }).strict(),
    output: CallerHistory,
  },
  /** 受理: one durable commit of contact + case + outbox row + search index */
  'intake.save': {
    input: IntakeSave,
    output: z.object({ caseId: z.number().int(), localNo: z.string(), createdAt: z.number().int() }),
  },
  /** 可能重复: the open order (last N days) of this number, else of this address and category; asked while typing */
  'repeat.propose': {
    input: RepeatProposalInput,
    output: RepeatProposalResult,
  },
  'draft.load': {
    input: Empty,
    output: z.object({ draft: IntakeDraft.nullable(), updatedAt: z.number().int().nullable() }),
  },
  'draft.save': {
    input: z.object({ draft: IntakeDraft }).strict(),
    output: z.object({ updatedAt: z.number().int() }),
  },
  'draft.clear': {
    input: Empty,
    output: z.object({ cleared: z.boolean() }),
  },
  /** 搜索: case number, full phone, last 4+ digits, name, address or words of the content */
  'search.query': {
    input: SearchQuery,
    output: SearchResult,
  },
  'case.get': {
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: CaseDetail.nullable(),
  },
  /** who is signed in, and whether anyone must be (a server is configured) */
  'auth.session': {
    input: Empty,
    output: SessionState,
  },
  /** 登录: online when the server answers, else offline with this workstation's verifier */
  'auth.login': {
    input: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict(),
    output: LoginAnswer,
  },
  /** 修改密码: sign in with the current password, replace it with a new one, then sign in with the new one */
  'auth.changePassword': {
    input: z
      .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) })
      .strict(),
    output: LoginAnswer,
  },
  /** 退出登录: the session ends; changes not yet sent still go out in the background */
  'auth.logout': {
    input: Empty,
    output: SessionState,
  },
  'sync.status': {
    input: Empty,
    output: SyncStatus,
  },
  /** 立即同步: runs a sync cycle now and answers with the status after it */
  'sync.now': {
    input: Empty,
    output: SyncStatus,
  },
  /** 同步异常: newest first; listing marks them seen */
  'sync.rejections': {
    input: z.object({ includeDismissed: z.boolean().default(false) }).strict(),
    output: z.array(SyncRejection),
  },
  'sync.dismissRejection': {
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: z.object({ dismissed: z.boolean() }),
  },
  /** 工单 queues (待派单, 待审核, 已退回, 延期申请, 超期 …) from the local store, pending local actions applied */
  'orders.queue': {
    input: DeskQueueInput,
    output: DeskQueueResponse,
  },
  /** one order with its 流转记录; null when the case has no work order */
  'orders.get': {
    input: z.union([
      z.object({ caseId: z.number().int().positive() }).strict(),
      z.object({ orderId: z.string().min(1).max(64) }).strict(),
    ]),
    output: DeskOrderDetail.nullable(),
  },
  /** 派单, 改派, 撤回, 审核, 批准/拒绝延期 …: checked against the table, queued in the outbox, applied locally */
  'orders.act': {
    input: DeskActInput,
    output: DeskActResult,
  },
  /** 超期预警: 临期 and 超期 open orders by unit */
  'orders.board': {
    input: Empty,
    output: OverdueBoard,
  },
  /** 承办单位: the units directory for the 派单 dialog */
  'units.list': {
    input: Empty,
    output: DeskUnits,
  },
  /** 系统管理 (admin only; src/shared/desk-admin.ts): 账号管理, every account of the server */
  'admin.accounts': {
    input: Empty,
    output: AdminAccountsResult,
  },
  'admin.createAccount': {
    input: AdminCreateInput,
    output: AdminAccountResult,
  },
  /** 停用 (disabled: true) / 启用 (false) */
  'admin.setDisabled': {
    input: AdminSetDisabledInput,
    output: AdminAccountResult,
  },
  /** 重置密码: the admin types the new password; the user must change it at the next sign-in */
  'admin.resetPassword': {
    input: AdminResetPasswordInput,
    output: AdminAccountResult,
  },
  'admin.changeRole': {
    input: AdminChangeRoleInput,
    output: AdminAccountResult,
  },
  'admin.bindUnit': {
    input: AdminBindUnitInput,
    output: AdminAccountResult,
  },
  /** 操作日志: newest first, filtered */
  'admin.audit': {
    input: AdminAuditInput,
    output: AdminAuditResult,
  },
  /** 导出: the server's csv/xlsx file, base64 */
  'admin.auditExport': {
    input: AdminAuditExportInput,
    output: AdminAuditExportResult,
  },
  /** 领导接听 and 面对面 (src/shared/desk-leader.ts): online calls to the server */
  ...DESK_LEADER_CHANNELS,
  /** 统计分析 (supervisor, admin; src/shared/reports): the period's report from the central server */
  'reports.summary': {
    input: ReportsSummaryInput,
    output: ReportsSummaryResult,
  },
  /** the orders behind a number of the report */
  'reports.orders': {
    input: ReportsOrdersInput,
    output: ReportsOrdersResult,
  },
  /** 导出Excel: the server's workbook */
  'reports.export': {
    input: ReportsExportInput,
    output: ReportsExportResult,
  },
  /** 打印月报: the window printed to PDF (Electron); a browser prints the page itself */
  'reports.printPdf': {
    input: ReportsPrintInput,
    output: ReportsPrintResult,
  },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type Contract = typeof contract;
export type Method = keyof Contract;
export const METHODS = Object.keys(contract) as Method[];
export const isMethod = (name: unknown): name is Method =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);

export type MethodInput<M extends Method> = z.input<Contract[M]['input']>;
export type MethodParsedInput<M extends Method> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends Method> = z.output<Contract[M]['output']>;

/** What travels back for every call: a result or a typed error, never a thrown exception. */
export type ContractError = {
  /** invalid_input: the input failed its schema; not_found; internal: a bug or I/O failure */
  code: 'invalid_input' | 'unknown_method' | 'not_found' | 'internal' | 'unauthorized';
  message: string;
  /** per-field i18n keys for invalid_input: { "content": "content.tooShort" } */
  fields?: Record<string, string>;
};
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ContractError };

/**
 * Events main pushes to the renderer unasked (server → renderer), by name. Electron sends them
 * on EVENT_CHANNEL; the harness as a WebSocket message without id: {event, data}.
 */
export const events = {
  /** a telephony event (来电): ringing, answered, ended, with the call's times so far */
  telephony: TelephonyPush,
} as const satisfies Record<string, z.ZodType>;
export type EventName = keyof typeof events;
export type EventData<E extends EventName> = z.output<(typeof events)[E]>;
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);

/** The renderer's view of the backend, the same in Electron and in the browser harness. */
export interface Backend {
  invoke<M extends Method>(method: M, input: MethodInput<M>): Promise<Envelope<MethodOutput<M>>>;
  /** listens to one named event from main; returns the function that stops listening */
  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void;
}

/** Name of the global the preload defines: `window.hotline`. */
export const BRIDGE_GLOBAL = 'hotline';
/** The single IPC channel the contract travels on in Electron. */
export const IPC_CHANNEL = 'hotline:invoke';
/** The IPC channel main's events travel on in Electron: (name, data). */
export const EVENT_CHANNEL = 'hotline:event';
