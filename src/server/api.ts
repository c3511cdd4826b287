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
} as const satisfies Record<string, RouteSpec>;
