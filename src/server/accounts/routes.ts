/**
 * Account administration (账号管理, admin only) and the user's own password change. Every
 * administrative action writes its audit entry in the same transaction as the change, so an
 * action without its entry (or an entry without its action) cannot exist.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditAction } from '../../shared/admin';
import { API } from '../api';
import { auditSource, recordAudit } from '../audit/service';
import type { AuthService, Caller } from '../auth/service';
import type { Db, Queryable } from '../db/adapter';
import type { ServerConfig } from '../config';
import { HttpError } from '../errors';
import { route } from '../http';
import { adminAccount, bindUnit, changeRole, createAccount, listAccounts, resetPassword, setDisabled, type AccountRow } from './service';

export interface AccountRouteDeps {
  db: Db;
  config: ServerConfig;
  auth: AuthService;
  now: () => number;
}

function accountId(params: Record<string, string>): number {
  const raw = params.id ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(404, 'account_not_found', `no account with id ${raw.slice(0, 32)}`);
  return Number(raw);
}

export function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  const { db } = deps;
  const audit = (tx: Queryable, caller: Caller, req: FastifyRequest, action: AuditAction, target: AccountRow | { username: string; id: number }, details: Record<string, unknown> = {}) =>
    recordAudit(
      tx,
      {
        actor: { id: caller.id, username: caller.username, role: caller.role },
        action,
        targetType: 'account',
        target: target.username,
        source: auditSource(req),
        details: { accountId: target.id, ...details },
      },
      deps.now(),
    );

  route(app, API.createAccount, deps.auth, async (body, { caller, req }) => {
    const account = await db.transaction(async (tx) => {
      const created = await createAccount(tx, body, deps.config.scrypt);
      await audit(tx, caller, req, 'account.create', created, {
        role: created.role,
        unitCode: created.unitCode ?? null,
        mustChangePassword: body.mustChangePassword ?? false,
      });
      return created;
    });
    req.log.info({ account: account.username, role: account.role, by: caller.username }, 'account created');
    return { account };
  });

  route(app, API.listAccounts, deps.auth, async (_body, { query }) => ({ accounts: await listAccounts(db, query) }));

  const change = (action: AuditAction, apply: (tx: Queryable, id: number, caller: Caller) => Promise<{ row: AccountRow; details?: Record<string, unknown> }>) =>
    async (caller: Caller, req: FastifyRequest, params: Record<string, string>) => {
      const id = accountId(params);
      const account = await db.transaction(async (tx) => {
        const { row, details } = await apply(tx, id, caller);
        await audit(tx, caller, req, action, row, details);
        return adminAccount(tx, id);
      });
      req.log.info({ account: account.username, action, by: caller.username }, 'account changed');
      return { account };
    };

  const disable = change('account.disable', async (tx, id, caller) => ({ row: await setDisabled(tx, id, true, caller.id) }));
  route(app, API.disableAccount, deps.auth, (_b, { caller, req, params }) => disable(caller, req, params));

  const enable = change('account.enable', async (tx, id, caller) => ({ row: await setDisabled(tx, id, false, caller.id) }));
  route(app, API.enableAccount, deps.auth, (_b, { caller, req, params }) => enable(caller, req, params));

  route(app, API.resetPassword, deps.auth, (body, { caller, req, params }) =>
    change('account.reset_password', async (tx, id) => ({ row: await resetPassword(tx, id, body.password, deps.config.scrypt) }))(caller, req, params),
  );

  route(app, API.changeRole, deps.auth, (body, { caller, req, params }) =>
    change('account.change_role', async (tx, id) => {
      const row = await changeRole(tx, id, body.role, body.unitCode, caller.id);
      return { row, details: { from: row.role, to: body.role, unitCode: body.unitCode ?? null } };
    })(caller, req, params),
  );

  route(app, API.bindUnit, deps.auth, (body, { caller, req, params }) =>
    change('account.bind_unit', async (tx, id) => {
      const row = await bindUnit(tx, id, body.unitCode);
      return { row, details: { from: row.unitCode ?? null, to: body.unitCode } };
    })(caller, req, params),
  );

  route(app, API.changePassword, deps.auth, async (body, { caller, req }) => {
    await deps.auth.changePassword(caller, body.currentPassword, body.newPassword);
    await audit(db, caller, req, 'account.change_own_password', { username: caller.username, id: caller.id });
    return { changed: true as const };
  });
}
