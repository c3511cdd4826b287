/** Accounts (账号) and their roles: operator 话务员, supervisor 班长/质检, admin 系统管理员. */
import type { Account, Role } from '../../shared/sync';
import { passwordProblem, type AdminAccount } from '../../shared/admin';
import type { Queryable } from '../db/adapter';
import { hashPassword, type ScryptParams } from '../auth/password';
import { HttpError } from '../errors';

export interface NewAccount {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  /** role unit only: the unit the account acts for */
  unitCode?: string;
  /** the user must change the password at the first sign-in */
  mustChangePassword?: boolean;
}

/** The password policy of src/shared/admin.ts as a 400 naming the field. */
export function checkPasswordPolicy(password: string, username: string, field = 'password'): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new HttpError(400, problem.code, `${problem.en} (${problem.zh})`, { field });
}

async function checkUnit(db: Queryable, unitCode: string | null): Promise<void> {
  const [unit] = await db.query<{ active: boolean }>('SELECT active FROM units WHERE code = $1', [unitCode]);
  if (!unit) throw new HttpError(400, 'unknown_unit', `unitCode: no unit "${unitCode}" in the units directory`, { field: 'unitCode' });
  if (!unit.active) throw new HttpError(400, 'unit_inactive', `unitCode: the unit "${unitCode}" is inactive`, { field: 'unitCode' });
}

export interface AccountRow extends Account {
  passwordHash: string;
  disabled: boolean;
  mustChangePassword: boolean;
  tokenEpoch: number;
}

const COLUMNS =
  'id, username, display_name AS "displayName", role, password_hash AS "passwordHash", disabled, unit_code AS "unitCode", ' +
  'must_change_password AS "mustChangePassword", token_epoch AS "tokenEpoch"';

export const toAccount = (row: Account): Account => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  role: row.role,
  unitCode: row.unitCode ?? null,
});

/** Throws a 409 username_taken when the name exists. */
export async function createAccount(db: Queryable, input: NewAccount, scrypt: ScryptParams): Promise<Account> {
  checkPasswordPolicy(input.password, input.username);
  const unitCode = input.role === 'unit' ? (input.unitCode ?? null) : null;
  if (input.role === 'unit') await checkUnit(db, unitCode);
  const hash = await hashPassword(input.password, scrypt);
  const [row] = await db.query<AccountRow>(
    `INSERT INTO accounts (username, display_name, role, password_hash, unit_code, must_change_password) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
    [input.username, input.displayName, input.role, hash, unitCode, input.mustChangePassword ?? false],
  );
  if (!row) throw new HttpError(409, 'username_taken', `an account named "${input.username}" already exists`);
  return toAccount(row);
}

export async function findAccountByUsername(db: Queryable, username: string): Promise<AccountRow | null> {
  const [row] = await db.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE username = $1`, [username]);
  return row ?? null;
}

export async function findAccountById(db: Queryable, id: number): Promise<AccountRow | null> {
  const [row] = await db.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [id]);
  return row ?? null;
}

// ─── administration (admin only; the routes check the role) ───────────────────────────────

const ADMIN_COLUMNS = `id, username, display_name AS "displayName", role, unit_code AS "unitCode", disabled,
  must_change_password AS "mustChangePassword", (extract(epoch FROM created_at) * 1000)::bigint AS "createdAt"`;

const toAdminAccount = (r: AdminAccount): AdminAccount => ({ ...toAccount(r), disabled: r.disabled, mustChangePassword: r.mustChangePassword, createdAt: Number(r.createdAt) });

export async function listAccounts(db: Queryable, f: { role?: Role; disabled?: 'true' | 'false'; q?: string }): Promise<AdminAccount[]> {
  const conds: string[] = [];
  const params: unknown[] = [];
  if (f.role) conds.push(`role = $${params.push(f.role)}`);
  if (f.disabled) conds.push(`disabled = $${params.push(f.disabled === 'true')}`);
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(`(username LIKE $${params.push(like)} OR lower(display_name) LIKE $${params.length})`);
  }
  const rows = await db.query<AdminAccount>(
    `SELECT ${ADMIN_COLUMNS} FROM accounts ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''} ORDER BY username`,
    params,
  );
  return rows.map(toAdminAccount);
}

export async function adminAccount(db: Queryable, id: number): Promise<AdminAccount> {
  const [row] = await db.query<AdminAccount>(`SELECT ${ADMIN_COLUMNS} FROM accounts WHERE id = $1`, [id]);
  if (!row) throw new HttpError(404, 'account_not_found', `no account with id ${id}`);
  return toAdminAccount(row);
}

/** Locks the account row (FOR UPDATE) for a change; 404 when there is none. */
async function lockAccount(tx: Queryable, id: number): Promise<AccountRow> {
  const [row] = await tx.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1 FOR UPDATE`, [id]);
  if (!row) throw new HttpError(404, 'account_not_found', `no account with id ${id}`);
  return row;
}

/** An admin may not lock themselves out, and the centre keeps at least one active admin. */
async function guardAdmins(tx: Queryable, target: AccountRow, actorId: number, what: string): Promise<void> {
  if (target.id === actorId) {
    throw new HttpError(409, 'cannot_change_self', `an admin cannot ${what} their own account; ask another admin`);
  }
  if (target.role !== 'admin' || target.disabled) return;
  // lock every active admin row, so two admins demoting each other at once cannot both pass
  const admins = await tx.query<{ id: number }>("SELECT id FROM accounts WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE");
  if (admins.length <= 1) throw new HttpError(409, 'last_admin', `the centre must keep at least one active admin: cannot ${what} the last one`);
}

/** Ends every session of the account: refresh tokens revoked, access tokens of the old epoch refused. */
async function endSessions(tx: Queryable, id: number): Promise<void> {
  await tx.query('UPDATE accounts SET token_epoch = token_epoch + 1 WHERE id = $1', [id]);
  await tx.query('UPDATE refresh_tokens SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL', [id]);
}

export async function setDisabled(tx: Queryable, id: number, disabled: boolean, actorId: number): Promise<AccountRow> {
  const row = await lockAccount(tx, id);
  if (disabled) {
    await guardAdmins(tx, row, actorId, 'disable');
    await endSessions(tx, id);
  }
  await tx.query('UPDATE accounts SET disabled = $2 WHERE id = $1', [id, disabled]);
  return row;
}

export async function resetPassword(tx: Queryable, id: number, password: string, scrypt: ScryptParams): Promise<AccountRow> {
  const row = await lockAccount(tx, id);
  checkPasswordPolicy(password, row.username);
  const hash = await hashPassword(password, scrypt);
  await tx.query('UPDATE accounts SET password_hash = $2, must_change_password = true WHERE id = $1', [id, hash]);
  await endSessions(tx, id);
  return row;
}

export async function changeRole(tx: Queryable, id: number, role: Role, unitCode: string | undefined, actorId: number): Promise<AccountRow> {
  const row = await lockAccount(tx, id);
  if (row.role === 'admin' && role !== 'admin') await guardAdmins(tx, row, actorId, 'demote');
  else if (row.id === actorId) throw new HttpError(409, 'cannot_change_self', 'an admin cannot change their own role; ask another admin');
  const code = role === 'unit' ? (unitCode ?? null) : null;
  if (role === 'unit') await checkUnit(tx, code);
  await tx.query('UPDATE accounts SET role = $2, unit_code = $3 WHERE id = $1', [id, role, code]);
  return row;
}

export async function bindUnit(tx: Queryable, id: number, unitCode: string): Promise<AccountRow> {
  const row = await lockAccount(tx, id);
  if (row.role !== 'unit') {
    throw new HttpError(400, 'not_a_unit_account', `${row.username} is a ${row.role} account: only a unit account is bound to a unit (change its role to unit instead)`, {
      field: 'unitCode',
    });
  }
  await checkUnit(tx, unitCode);
  await tx.query('UPDATE accounts SET unit_code = $2 WHERE id = $1', [id, unitCode]);
  return row;
}
