/**
 * Account administration (账号管理) and the audit trail (操作日志): the admin-only routes'
 * bodies and answers, and the password policy, shared by the server (which enforces it) and
 * the desktop admin screens (which can show a problem next to the field before sending).
 */
import { z } from 'zod';
import { Account, Role } from './sync';

// ─── password policy ───────────────────────────────────────────────────────────────────────

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export interface PasswordProblem {
  code: 'password_too_short' | 'password_too_long' | 'password_is_username';
  zh: string;
  en: string;
}

/**
 * The password policy: 8 to 256 characters, and not the username itself (ignoring case and
 * surrounding spaces). Deliberately no composition rules (NIST SP 800-63B: length beats
 * character classes). "Containing the username" was considered and left out: sites already
 * hand out initial passwords built on the 工号 (`1024-password-1`), and the must-change rule
 * retires those at the first sign-in. Returns the first problem, or null when acceptable.
 */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return {
      code: 'password_too_short',
      zh: `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`,
      en: `password: at least ${PASSWORD_MIN_LENGTH} characters`,
    };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return {
      code: 'password_too_long',
      zh: `密码最多 ${PASSWORD_MAX_LENGTH} 个字符`,
      en: `password: at most ${PASSWORD_MAX_LENGTH} characters`,
    };
  }
  const name = username.trim().toLowerCase();
  if (name && password.trim().toLowerCase() === name) {
    return { code: 'password_is_username', zh: '密码不能与用户名相同', en: 'password: must not be the username' };
  }
  return null;
}

// ─── accounts ──────────────────────────────────────────────────────────────────────────────

/** An account as the admin sees it in 账号管理 (never its password hash). */
export const AdminAccount = Account.extend({
  disabled: z.boolean(),
  /** the password was set by an admin: the user must change it at the next sign-in */
  mustChangePassword: z.boolean(),
  createdAt: z.number().int(),
});
export type AdminAccount = z.infer<typeof AdminAccount>;

export const AccountListQuery = z.object({
  role: Role.optional(),
  /** 'true' or 'false' */
  disabled: z.enum(['true', 'false']).optional(),
  /** part of the username or display name */
  q: z.string().max(64).optional(),
});
export const AccountListResponse = z.object({ accounts: z.array(AdminAccount) });
export const AdminAccountResponse = z.object({ account: AdminAccount });

const noNul = (v: string) => !v.includes('\u0000');

/** POST /api/accounts/:id/password: a new password set by an admin (must be changed at next sign-in). */
export const ResetPasswordRequest = z.object({ password: z.string().min(1).max(PASSWORD_MAX_LENGTH) });
/** POST /api/accounts/:id/role: a unit account names its unit, and only a unit account does. */
export const ChangeRoleRequest = z
  .object({ role: Role, unitCode: z.string().min(1).max(32).refine(noNul).optional() })
  .refine((a) => (a.role === 'unit') === (a.unitCode !== undefined), {
    message: 'unitCode: a unit account names its unit (unitCode), and only a unit account does',
    path: ['unitCode'],
  });
/** POST /api/accounts/:id/unit: binds a unit account to (another) unit of the directory. */
export const BindUnitRequest = z.object({ unitCode: z.string().min(1).max(32).refine(noNul) });
/** POST /api/account/password: the signed-in user changes their own password. */
export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});
export const ChangePasswordResponse = z.object({ changed: z.literal(true) });

// ─── audit trail ───────────────────────────────────────────────────────────────────────────

/**
 * What an audit entry records. Administrative actions are `account.*`, `units.import`,
 * `audit.export`; `case.open` is an opening of a case's personal data (the order/case detail).
 */
export const AUDIT_ACTIONS = [
  'account.create',
  'account.disable',
  'account.enable',
  'account.reset_password',
  'account.change_role',
  'account.bind_unit',
  'account.change_own_password',
  'units.import',
  'audit.export',
  'case.open',
  'leader.schedule',
  'leader.rota',
  'leader.dispatch',
  'meeting.schedule',
  'meeting.outcome',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  id: z.number().int(),
  /** epoch ms, the server's clock */
  at: z.number().int(),
  actorId: z.number().int().nullable(),
  actorUsername: z.string(),
  actorRole: z.string(),
  action: AuditAction,
  /** 'account', 'case', 'units', 'audit' */
  targetType: z.string(),
  /** the account's username, the case's uuid… */
  target: z.string(),
  /** the workstation code and client id the request said it came from (headers), and its IP */
  workstation: z.string(),
  clientId: z.string(),
  ip: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const epochMs = z.coerce.number().int().min(0);
export const AuditQuery = z.object({
  /** the acting account's username */
  actor: z.string().max(64).optional(),
  action: AuditAction.optional(),
  /** the target's exact id (a username, a case uuid) */
  target: z.string().max(200).optional(),
  workstation: z.string().max(64).optional(),
  /** epoch ms, inclusive / exclusive */
  from: epochMs.optional(),
  to: epochMs.optional(),
  /** paging backwards: entries with id < before */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
export const AuditResponse = z.object({
  entries: z.array(AuditEntry),
  /** pass as `before` for the next (older) page; null at the end */
  nextBefore: z.number().int().nullable(),
});
export const AuditExportQuery = AuditQuery.omit({ before: true, limit: true }).extend({
  format: z.enum(['csv', 'xlsx']).default('csv'),
  /** at most this many entries, newest first */
  limit: z.coerce.number().int().min(1).max(100_000).default(100_000),
});

/** Headers a workstation (or the portal) sends to say where a request comes from. */
export const WORKSTATION_HEADER = 'x-hotline-workstation';
export const CLIENT_ID_HEADER = 'x-hotline-client';
