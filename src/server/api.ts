/**
 * Every HTTP route of the server, once: method, path, who may call it, body and response
 * schemas. Route registration (http.ts) validates bodies against these, and the OpenAPI
 * document (openapi.ts) is generated from them, so the docs cannot drift from the code.
 */
import { z } from 'zod';
import {
  CreateAccountRequest,
  CreateAccountResponse,
  HealthResponse,
  LoginRequest,
  LoginResponse,
  LogoutRequest,
  LogoutResponse,
  PullRequest,
  PullResponse,
  PushRequest,
  PushResponse,
  RefreshRequest,
  RefreshResponse,
  RegisterRequest,
  RegisterResponse,
  SnapshotManifest,
  type Role,
} from '../shared/sync';
import { TaxonomyResponse } from '../shared/taxonomy';
import {
  AccountListQuery,
  AccountListResponse,
  AdminAccountResponse,
  AuditExportQuery,
  AuditQuery,
  AuditResponse,
  BindUnitRequest,
  ChangePasswordRequest,
  ChangePasswordResponse,
  ChangeRoleRequest,
  ResetPasswordRequest,
} from '../shared/admin';
import { UnitsImportRequest, UnitsImportResponse, UnitsResponse } from '../shared/units';
import { OverdueBoard } from '../shared/desk-orders';
import { ReportOrders, ReportOrdersQuery, ReportQuery, ReportSummary } from '../shared/reports/api';
import { OrderActionRequest, OrderActionResponse, OrderDetailResponse, OrderQueue, OrderQueueResponse } from '../shared/portal';
import {
  CreateLeaderSessionRequest,
  CreateMeetingRequest,
  FaceToFaceResponse,
  LeaderCurrentResponse,
  LeaderDispatchRequest,
  LeaderDispatchResponse,
  LeaderRotaRequest,
  LeaderRotaResponse,
  LeaderSessionDetail,
  LeaderSessionList,
  LeaderSessionResponse,
  MeetingList,
  MeetingListQuery,
  MeetingOutcomeRequest,
  MeetingResponse,
  Seat,
} from '../shared/leader';
import { LocalDateSchema } from '../shared/workorders/calendar';

/** GET /api/orders: ?queue=…&limit=… (default 100, at most 500) */
export const OrderQueueQuery = z.object({
  queue: OrderQueue,
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  /** false: open; 'any': a valid access token; a role list: one of those roles */
  auth: false | 'any' | readonly Role[];
  /** the body carries schemaVersion, checked before anything else (409 update_required) */
  versioned?: boolean;
  body?: z.ZodType;
  /** the query string's schema (GET) */
  query?: z.ZodType;
  response: z.ZodType;
  /** the route answers an account whose password must be changed (only POST /api/account/password) */
  allowMustChangePassword?: boolean;
  /** the response is a file of this content type, not JSON (the audit export) */
  produces?: string;
  /** the error codes this route adds to the common ones */
  errors?: readonly string[];
}

/** the call centre's own staff: workstations sync for them; a unit works in the portal */
const CENTRE_ROLES = ['operator', 'supervisor', 'admin'] as const satisfies readonly Role[];
/** who manages 领导接听 and 面对面 */
const MANAGERS = ['supervisor', 'admin'] as const satisfies readonly Role[];

/** GET /api/leader/sessions?from=&to= (default: 30 days back to 120 days ahead) */
export const LeaderSessionQuery = z.object({ from: LocalDateSchema.optional(), to: LocalDateSchema.optional() });
/** GET /api/leader/current?seat=W001 */
export const LeaderCurrentQuery = z.object({ seat: Seat });

export const API = {
  health: {
    method: 'GET',
    path: '/health',
    summary: 'Liveness and database check, for load balancers and monitoring.',
    auth: false,
    response: HealthResponse,
  },
  openapi: {
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document.',
    auth: false,
    response: z.record(z.string(), z.unknown()),
  },
  login: {
    method: 'POST',
    path: '/api/login',
    summary:
      'Sign in with username and password: a short-lived access token, a refresh token and the offline login policy. ' +
      'Failed attempts are limited per username and per IP address (429 with Retry-After).',
    auth: false,
    body: LoginRequest,
    response: LoginResponse,
    errors: ['invalid_credentials', 'account_disabled', 'too_many_attempts'],
  },
  refresh: {
    method: 'POST',
    path: '/api/refresh',
    summary: 'A new access token for a valid refresh token.',
    auth: false,
    body: RefreshRequest,
    response: RefreshResponse,
    errors: ['invalid_token', 'token_expired', 'account_disabled'],
  },
  logout: {
    method: 'POST',
    path: '/api/logout',
    summary: 'Revokes a refresh token.',
    auth: false,
    body: LogoutRequest,
    response: LogoutResponse,
  },
  createAccount: {
    method: 'POST',
    path: '/api/accounts',
    summary:
      'Creates an account (admin only). The password must meet the policy (8–256 characters, not containing the username); ' +
      'mustChangePassword: true makes the user change it at the first sign-in. Audited (account.create).',
    auth: ['admin'],
    body: CreateAccountRequest,
    response: CreateAccountResponse,
    errors: ['forbidden', 'username_taken', 'password_too_short', 'password_is_username', 'unknown_unit', 'unit_inactive'],
  },
  listAccounts: {
    method: 'GET',
    path: '/api/accounts',
    summary: 'Every account (账号管理), by username; filters role, disabled=true|false, q (part of the username or display name). Admin only.',
    auth: ['admin'],
    query: AccountListQuery,
    response: AccountListResponse,
    errors: ['forbidden'],
  },
  disableAccount: {
    method: 'POST',
    path: '/api/accounts/:id/disable',
    summary:
      '停用: disables the account and ends its sessions at once (refresh tokens revoked; access tokens refused on their next request). ' +
      'An admin cannot disable their own account or the last active admin. Audited (account.disable).',
    auth: ['admin'],
    response: AdminAccountResponse,
    errors: ['forbidden', 'account_not_found', 'cannot_change_self', 'last_admin'],
  },
  enableAccount: {
    method: 'POST',
    path: '/api/accounts/:id/enable',
    summary: '启用: re-enables a disabled account (its old sessions stay ended: the user signs in again). Audited (account.enable).',
    auth: ['admin'],
    response: AdminAccountResponse,
    errors: ['forbidden', 'account_not_found'],
  },
  resetPassword: {
    method: 'POST',
    path: '/api/accounts/:id/password',
    summary:
      '重置密码: sets a new password (policy applies), which the user must change at the next sign-in (login answers mustChangePassword: true ' +
      'and every other route password_change_required); ends the account\'s sessions. Audited (account.reset_password, never the password).',
    auth: ['admin'],
    body: ResetPasswordRequest,
    response: AdminAccountResponse,
    errors: ['forbidden', 'account_not_found', 'password_too_short', 'password_is_username'],
  },
  changeRole: {
    method: 'POST',
    path: '/api/accounts/:id/role',
    summary:
      'Changes the role ({role, unitCode} — unitCode for role unit only); applies from the next request. Not on oneself, not demoting the ' +
      'last active admin. Audited (account.change_role).',
    auth: ['admin'],
    body: ChangeRoleRequest,
    response: AdminAccountResponse,
    errors: ['forbidden', 'account_not_found', 'cannot_change_self', 'last_admin', 'unknown_unit', 'unit_inactive'],
  },
  bindUnit: {
    method: 'POST',
    path: '/api/accounts/:id/unit',
    summary: 'Binds a unit account to a unit of the directory ({unitCode}, active). Audited (account.bind_unit).',
    auth: ['admin'],
    body: BindUnitRequest,
    response: AdminAccountResponse,
    errors: ['forbidden', 'account_not_found', 'not_a_unit_account', 'unknown_unit', 'unit_inactive'],
  },
  changePassword: {
    method: 'POST',
    path: '/api/account/password',
    summary:
      'The signed-in user changes their own password ({currentPassword, newPassword}, policy applies); the only route open while ' +
      'an admin-set password must be changed. Audited (account.change_own_password).',
    auth: 'any',
    allowMustChangePassword: true,
    body: ChangePasswordRequest,
    response: ChangePasswordResponse,
    errors: ['wrong_password', 'password_unchanged', 'password_too_short', 'password_is_username', 'too_many_attempts'],
  },
  audit: {
    method: 'GET',
    path: '/api/audit',
    summary:
      '操作日志, newest first: filters actor (username), action, target, workstation, from/to (epoch ms), paging with before (an id) ' +
      'and limit (≤ 1000). Admin only.',
    auth: ['admin'],
    query: AuditQuery,
    response: AuditResponse,
    errors: ['forbidden'],
  },
  auditExport: {
    method: 'GET',
    path: '/api/audit/export',
    summary:
      'The audit trail as a file (format=csv, UTF-8 with BOM, or xlsx), same filters as GET /api/audit, at most `limit` (100000) ' +
      'entries newest first. Admin only; the export itself is audited (audit.export).',
    auth: ['admin'],
    query: AuditExportQuery,
    produces: 'text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    response: z.string(),
    errors: ['forbidden'],
  },
  reportSummary: {
    method: 'GET',
    path: '/api/reports/summary',
    summary:
      '统计分析 of a period (from, to: centre days, both included): the indicators of src/shared/reports/indicators.ts with their ' +
      '环比 (previous period) and 同比 (a year earlier), the trend with last year, top and rising categories, breakdowns by category and ' +
      'region, 单位考核, the streets where complaints concentrate and rising content words. From the daily rollup. Supervisors and admins.',
    auth: ['supervisor', 'admin'],
    query: ReportQuery,
    response: ReportSummary,
    errors: ['forbidden'],
  },
  reportOrders: {
    method: 'GET',
    path: '/api/reports/orders',
    summary: 'The orders behind a number of the report: counter (received, dispatched, due, on_time, overdue …) and optional channel, category, region, unit; newest first, at most limit (200), with the total.',
    auth: ['supervisor', 'admin'],
    query: ReportOrdersQuery,
    response: ReportOrders,
    errors: ['forbidden'],
  },
  reportExport: {
    method: 'GET',
    path: '/api/reports/export',
    summary: 'The report of a period as an Excel workbook: one sheet per table (核心指标, 热点问题, 分类统计, 区域统计, 单位考核 …) and 指标说明 with every formula.',
    auth: ['supervisor', 'admin'],
    query: ReportQuery,
    produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    response: z.string(),
    errors: ['forbidden'],
  },
  registerClient: {
    method: 'POST',
    path: '/api/clients/register',
    summary: "Binds a workstation's client id to the calling account (idempotent).",
    auth: CENTRE_ROLES,
    versioned: true,
    body: RegisterRequest,
    response: RegisterResponse,
    errors: ['client_bound_to_other_account', 'update_required', 'server_update_required'],
  },
  push: {
    method: 'POST',
    path: '/api/push',
    summary:
      "Applies a client's mutations in order, in one transaction: ids already processed are skipped, a gap is refused, " +
      'a mutation that can never apply is recorded as a rejection and counts as processed.',
    auth: CENTRE_ROLES,
    versioned: true,
    body: PushRequest,
    response: PushResponse,
    errors: ['client_not_registered', 'client_bound_to_other_account', 'mutation_gap', 'update_required', 'server_update_required'],
  },
  pull: {
    method: 'POST',
    path: '/api/pull',
    summary: "Changes to the centre's cases (within the window) after a cursor, with this client's rejections.",
    auth: CENTRE_ROLES,
    versioned: true,
    body: PullRequest,
    response: PullResponse,
    errors: ['client_not_registered', 'client_bound_to_other_account', 'cursor_invalid', 'update_required', 'server_update_required'],
  },
  snapshot: {
    method: 'GET',
    path: '/api/sync/snapshot',
    summary:
      "The first-sync snapshot's manifest (a ready workstation store of the centre's window at `cursor`, built by " +
      '`npm run snapshot`, served with --snapshot-dir): a new workstation downloads the file, installs it and pulls after `cursor`. ' +
      '404 snapshot_unavailable (with the reason) when there is none: pull page by page.',
    auth: CENTRE_ROLES,
    response: SnapshotManifest,
    errors: ['snapshot_unavailable'],
  },
  snapshotFile: {
    method: 'GET',
    path: '/api/sync/snapshot/file',
    summary:
      'The snapshot file (SQLite, application/vnd.sqlite3). ETag is the quoted sha256 of the manifest; one Range ' +
      '(bytes=FIRST-[LAST] or bytes=-SUFFIX) answers 206 with Content-Range, If-Range with another ETag answers 200 with the whole ' +
      'current file, an unsatisfiable range 416 range_not_satisfiable, a malformed one 400.',
    auth: CENTRE_ROLES,
    response: z.string().describe('the file (binary)'),
    errors: ['snapshot_unavailable', 'range_not_satisfiable'],
  },
  units: {
    method: 'GET',
    path: '/api/units',
    summary:
      'The units directory (承办单位), the dispatch catalogue (派单目录) that suggests the lead unit, and `workflow`: ' +
      'whether operators may dispatch (--operator-may-dispatch) and the deadline rules, for workstations that show an ' +
      "action's result before the server decides it. With an ETag: If-None-Match answers 304 while nothing changed.",
    auth: 'any',
    response: UnitsResponse,
  },
  taxonomy: {
    method: 'GET',
    path: '/api/taxonomy',
    summary: "The category tree (问题分类) and region list (所属区域) the centre uses, to name a case's codes (the unit portal).",
    auth: 'any',
    response: TaxonomyResponse,
  },
  importUnits: {
    method: 'POST',
    path: '/api/units/import',
    summary:
      'Replaces the units directory from a spreadsheet (xlsx: sheets 承办单位 and 派单目录; csv: the units), admin only. ' +
      'All or nothing: any bad row is a 422 invalid_directory listing every problem by sheet, row and column. ' +
      'Units left out of the file are deactivated, never deleted.',
    auth: ['admin'],
    body: UnitsImportRequest,
    response: UnitsImportResponse,
    errors: ['forbidden', 'invalid_directory'],
  },
  orderQueue: {
    method: 'GET',
    path: '/api/orders',
    summary:
      "A queue of work orders, earliest deadline first (src/shared/portal.ts). A unit sees its own orders only: 待签收 and 办理中 " +
      'where it holds the order now (办理中 also lists orders it passed on to a sub-unit), 待审核 of its replies, 超期 (临期 and 超期); ' +
      "the centre's queues (待派单, 已退回, 延期申请) answer a unit 403. The centre sees every order. 保密 callers are masked for units.",
    auth: 'any',
    query: OrderQueueQuery,
    response: OrderQueueResponse,
    errors: ['forbidden'],
  },
  orderBoard: {
    method: 'GET',
    path: '/api/orders/board',
    summary:
      '超期预警 for the centre: per unit holding open orders (待签收, 办理中) now, how many are 临期 (past the warning point) ' +
      'and 超期 (past the deadline), most overdue first, with totals.',
    auth: CENTRE_ROLES,
    response: OverdueBoard,
    errors: ['forbidden'],
  },
  orderDetail: {
    method: 'GET',
    path: '/api/orders/:id',
    summary:
      'One work order: the case (保密 callers masked for units), the order snapshot, its history (流转记录) and the actions the caller may try. ' +
      "Another unit's order is a 404 order_not_found, the same as no order.",
    auth: 'any',
    response: OrderDetailResponse,
    errors: ['order_not_found'],
  },
  orderAction: {
    method: 'POST',
    path: '/api/orders/:id/actions',
    summary:
      'Takes an action on a work order as the calling account (never a user named in the body): 409 order_changed when ' +
      'expectedVersion is not the current version and the action would still pass, 409 action_refused with the refusal ' +
      '{code, zh, en} when the table refuses it (on the current state), 404 order_not_found for an order the caller may not see.',
    auth: 'any',
    body: OrderActionRequest,
    response: OrderActionResponse,
    errors: ['order_not_found', 'order_changed', 'action_refused', 'forbidden'],
  },
  leaderSessions: {
    method: 'GET',
    path: '/api/leader/sessions',
    summary: '领导接听: the sessions between two dates (default 30 days back to 120 ahead), by date and start time, each with its state now.',
    auth: CENTRE_ROLES,
    query: LeaderSessionQuery,
    response: LeaderSessionList,
    errors: ['forbidden'],
  },
  leaderCurrent: {
    method: 'GET',
    path: '/api/leader/current',
    summary: 'The session running now at a seat (a workstation code), or null: calls logged there carry the channel 领导接听 and the session.',
    auth: CENTRE_ROLES,
    query: LeaderCurrentQuery,
    response: LeaderCurrentResponse,
    errors: ['forbidden'],
  },
  createLeaderSession: {
    method: 'POST',
    path: '/api/leader/sessions',
    summary: '安排领导接听: one session (date, times, leader, title, department, seat). 409 session_overlap when the seat has a session at that time.',
    auth: MANAGERS,
    body: CreateLeaderSessionRequest,
    response: LeaderSessionResponse,
    errors: ['forbidden', 'session_overlap'],
  },
  leaderRota: {
    method: 'POST',
    path: '/api/leader/rota',
    summary:
      '值班表: the next N weekly sessions at a seat (weekday default Wednesday, 09:00–10:30), each moved to the next working day when ' +
      'its day is not one (逢节假日顺延). Dates where the seat already has a session are skipped and listed.',
    auth: MANAGERS,
    body: LeaderRotaRequest,
    response: LeaderRotaResponse,
    errors: ['forbidden', 'calendar_year_not_covered'],
  },
  leaderSession: {
    method: 'GET',
    path: '/api/leader/sessions/:id',
    summary: "One session, its items (cases logged at the seat during it) with their orders' states, and its figures: 办结率 and 回访满意率.",
    auth: CENTRE_ROLES,
    response: LeaderSessionDetail,
    errors: ['session_not_found'],
  },
  endLeaderSession: {
    method: 'POST',
    path: '/api/leader/sessions/:id/end',
    summary: '结束接听: ends a running or scheduled session now (calls logged afterwards no longer carry it).',
    auth: MANAGERS,
    body: z.object({}).strict(),
    response: LeaderSessionResponse,
    errors: ['session_not_found', 'session_already_ended'],
  },
  dispatchLeaderSession: {
    method: 'POST',
    path: '/api/leader/sessions/:id/dispatch',
    summary:
      '转督办: after the session, each of its 转办 items waiting in 待派单 (or 已退回) is dispatched to the unit the dispatch catalogue suggests and ' +
      'put under 重点 supervision with its own deadline (limitDays working days); items already dispatched are only supervised. ' +
      'Each step is an entry of the order\'s history. 409 session_not_ended while it runs.',
    auth: MANAGERS,
    body: LeaderDispatchRequest,
    response: LeaderDispatchResponse,
    errors: ['session_not_found', 'session_not_ended', 'session_already_dispatched'],
  },
  faceToFace: {
    method: 'GET',
    path: '/api/meetings/face-to-face',
    summary: "面对面: orders whose caller stayed unsatisfied on faceToFaceAfter follow-ups (the workflow setting, default 2), and the meetings.",
    auth: MANAGERS,
    response: FaceToFaceResponse,
    errors: ['forbidden'],
  },
  meetings: {
    method: 'GET',
    path: '/api/meetings',
    summary: "A caller's 面对面 meetings (?phone=), newest first, for the history panel.",
    auth: CENTRE_ROLES,
    query: MeetingListQuery,
    response: MeetingList,
    errors: ['forbidden'],
  },
  createMeeting: {
    method: 'POST',
    path: '/api/meetings',
    summary: '安排面对面: who, where, when, with which unit, for one order (its caller). 404 order_not_found, 422 unknown_unit.',
    auth: MANAGERS,
    body: CreateMeetingRequest,
    response: MeetingResponse,
    errors: ['order_not_found', 'unknown_unit'],
  },
  meetingOutcome: {
    method: 'POST',
    path: '/api/meetings/:id/outcome',
    summary: '面谈结果: held (with what was agreed) or cancelled (with why).',
    auth: MANAGERS,
    body: MeetingOutcomeRequest,
    response: MeetingResponse,
    errors: ['meeting_not_found'],
  },
} as const satisfies Record<string, RouteSpec>;
