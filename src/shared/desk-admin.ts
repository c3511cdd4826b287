/**
 * 系统管理 on the desktop: the contract methods' inputs and answers (src/shared/contract.ts
 * names them 'admin.*'). Main calls the server's admin routes (src/shared/admin.ts) with the
 * signed-in account's token; the acting account is always that token's, never an input.
 * Every answer is `{ok: true, …}` or a typed refusal `{ok: false, code, message, field}`:
 * the renderer words the code (i18n `admin.refusals`) and shows it next to `field` if any.
 */
import { z } from 'zod';
import { AdminAccount, AuditEntry, AuditExportQuery, AuditQuery, ChangeRoleRequest } from './admin';
import { CreateAccountRequest, Role } from './sync';

export const ADMIN_REFUSALS = [
  // the workstation's side
  'standalone', // no central server configured: accounts live on the server
  'offline', // the server cannot be reached now
  'signed_out', // nobody signed in, or the server no longer accepts the session's credentials
  'forbidden', // the signed-in account is not an admin (any more)
  // the server's codes (src/shared/admin.ts, src/shared/sync.ts ErrorBody)
  'username_taken',
  'password_too_short',
  'password_too_long',
  'password_is_username',
  'account_not_found',
  'cannot_change_self',
  'last_admin',
  'unknown_unit',
  'unit_inactive',
  'not_a_unit_account',
  'invalid_request',
  'server_error', // anything else: the message says what
] as const;
export const AdminRefusalCode = z.enum(ADMIN_REFUSALS);
export type AdminRefusalCode = z.infer<typeof AdminRefusalCode>;

/** The field of the create / reset / role forms a refusal concerns. */
export const AdminField = z.enum(['username', 'displayName', 'role', 'password', 'unitCode']);
export type AdminField = z.infer<typeof AdminField>;

export const AdminRefusal = z.object({
  ok: z.literal(false),
  code: AdminRefusalCode,
  /** English, from the server or main, for IT (a tooltip) */
  message: z.string(),
  field: AdminField.nullable(),
});
export type AdminRefusal = z.infer<typeof AdminRefusal>;

const answer = <T extends z.ZodRawShape>(shape: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), ...shape }), AdminRefusal]);

const Id = z.number().int().positive();

export const AdminAccountsResult = answer({ accounts: z.array(AdminAccount) });
export const AdminAccountResult = answer({ account: AdminAccount });

export const AdminCreateInput = CreateAccountRequest;
export const AdminSetDisabledInput = z.object({ id: Id, disabled: z.boolean() }).strict();
export const AdminResetPasswordInput = z.object({ id: Id, password: z.string().min(1).max(256) }).strict();
export const AdminChangeRoleInput = z
  .object({ id: Id, role: Role, unitCode: z.string().min(1).max(32).optional() })
  .strict()
  .refine((a) => ChangeRoleRequest.safeParse({ role: a.role, unitCode: a.unitCode }).success, {
    message: 'unitCode: a unit account names its unit (unitCode), and only a unit account does',
    path: ['unitCode'],
  });
export const AdminBindUnitInput = z.object({ id: Id, unitCode: z.string().min(1).max(32) }).strict();

export const AdminAuditInput = AuditQuery;
export const AdminAuditResult = answer({ entries: z.array(AuditEntry), nextBefore: z.number().int().nullable() });

export const AdminAuditExportInput = AuditExportQuery.omit({ limit: true });
/** the server's file, as it sent it: the renderer saves it as a download */
export const AdminAuditExportResult = answer({
  filename: z.string(),
  contentType: z.string(),
  base64: z.string(),
});
