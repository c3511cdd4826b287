/** Accounts (账号) and their roles: operator 话务员, supervisor 班长/质检, admin 系统管理员. */
import type { Account, Role } from '../../shared/sync';
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
}

export interface AccountRow extends Account {
  passwordHash: string;
  disabled: boolean;
}

const COLUMNS =
  'id, username, display_name AS "displayName", role, password_hash AS "passwordHash", disabled, unit_code AS "unitCode"';

export const toAccount = (row: Account): Account => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  role: row.role,
  unitCode: row.unitCode ?? null,
});

/** Throws a 409 username_taken when the name exists. */
export async function createAccount(db: Queryable, input: NewAccount, scrypt: ScryptParams): Promise<Account> {
  const unitCode = input.role === 'unit' ? (input.unitCode ?? null) : null;
  if (input.role === 'unit') {
    const [unit] = await db.query<{ active: boolean }>('SELECT active FROM units WHERE code = $1', [unitCode]);
    if (!unit) throw new HttpError(400, 'unknown_unit', `unitCode: no unit "${unitCode}" in the units directory`, { field: 'unitCode' });
    if (!unit.active) throw new HttpError(400, 'unit_inactive', `unitCode: the unit "${unitCode}" is inactive`, { field: 'unitCode' });
  }
  const hash = await hashPassword(input.password, scrypt);
  const [row] = await db.query<AccountRow>(
    `INSERT INTO accounts (username, display_name, role, password_hash, unit_code) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
    [input.username, input.displayName, input.role, hash, unitCode],
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
