/**
 * Login, refresh, logout and the Bearer check every protected route runs.
 *
 * Why the refresh token is not rotated on use: workstations sit on unreliable networks, and a
 * rotated token whose response is lost logs the operator out. Instead it has a fixed lifetime
 * (refreshTokenTtlMs), is stored hashed, and dies with logout, a disabled account or a reset
 * password. Every authenticated request re-reads the account row (authenticate): a disabled
 * account, or an access token of an older token epoch (停用, 重置密码 bump it), is refused at once.
 */
import { availableParallelism } from 'node:os';
import type { Account, LoginResponse, OfflinePolicy, RefreshResponse, Role } from '../../shared/sync';
import type { Db } from '../db/adapter';
import type { ServerConfig } from '../config';
import { HttpError } from '../errors';
import { checkPasswordPolicy, findAccountById, findAccountByUsername, toAccount } from '../accounts/service';
import { hashPassword, hashParamsDiffer, SALT_LENGTH, verifyPassword } from './password';
import { DbFailureLimiter, Semaphore } from './rate-limit';
import { hashRefreshToken, newRefreshToken, signAccessToken, verifyAccessToken } from './tokens';

/** Who is calling, from a verified access token. */
export interface Caller {
  id: number;
  username: string;
  role: Role;
}

export interface AuthDeps {
  db: Db;
  config: ServerConfig;
  now: () => number;
  secret: Buffer;
}

export class AuthService {
  private readonly byUsername: DbFailureLimiter;
  private readonly byIp: DbFailureLimiter;
  private dummyHash: Promise<string> | undefined;
  /** password checks running at once: each scrypt at N=2^17 holds 128 MiB */
  private readonly hashing = new Semaphore(Math.max(2, availableParallelism()));

  constructor(private readonly deps: AuthDeps) {
    const { login } = deps.config;
    this.byUsername = new DbFailureLimiter(deps.db, login.maxFailuresPerUsername, login.windowMs, deps.now);
    this.byIp = new DbFailureLimiter(deps.db, login.maxFailuresPerIp, login.windowMs, deps.now);
  }

  private tooMany(waitMs: number): HttpError {
    const seconds = Math.ceil(Math.max(waitMs, 1000) / 1000);
    return new HttpError(
      429,
      'too_many_attempts',
      `too many failed logins; try again in ${seconds} s`,
      { retryAfterSeconds: seconds },
      { 'retry-after': String(seconds) },
    );
  }

  offlinePolicy(): OfflinePolicy {
    const { scrypt, offlineDays } = this.deps.config;
    return { maxOfflineDays: offlineDays, kdf: { algorithm: 'scrypt', ...scrypt, saltLength: SALT_LENGTH } };
  }

  private accessToken(account: Account, epoch: number): { accessToken: string; accessTokenExpiresAt: number } {
    const now = this.deps.now();
    const exp = Math.floor((now + this.deps.config.accessTokenTtlMs) / 1000);
    const accessToken = signAccessToken(
      { sub: account.id, usr: account.username, role: account.role, iat: Math.floor(now / 1000), exp, ep: epoch },
      this.deps.secret,
    );
    return { accessToken, accessTokenExpiresAt: exp * 1000 };
  }

  async login(usernameInput: string, password: string, ip: string): Promise<LoginResponse> {
    const username = usernameInput.trim().toLowerCase();
    const ipKey = `ip:${ip}`;
    const userKey = `user:${username}`;
    // the attempt counts before the password is checked: requests sent at once cannot outrun the limit
    const userStamp = await this.byUsername.begin(userKey);
    const ipStamp = userStamp === null ? null : await this.byIp.begin(ipKey);
    if (userStamp === null || ipStamp === null) {
      if (userStamp !== null) await this.byUsername.succeed(userKey, userStamp);
      throw this.tooMany(Math.max(await this.byUsername.retryAfterMs(userKey), await this.byIp.retryAfterMs(ipKey)));
    }
    const account = await findAccountByUsername(this.deps.db, username);
    // an unknown name costs the same scrypt as a known one: timing does not reveal which names exist
    this.dummyHash ??= hashPassword('not a password', this.deps.config.scrypt);
    const dummy = await this.dummyHash;
    const ok = await this.hashing.run(() => verifyPassword(password, account?.passwordHash ?? dummy));
    // a disabled account, or the account of a unit retired from the directory, answers the same
    // whatever the password, so the answer never confirms one
    if (account?.disabled) throw new HttpError(403, 'account_disabled', 'this account is disabled');
    if (account) await this.refuseRetiredUnit(account);
    if (!account || !ok) throw new HttpError(401, 'invalid_credentials', 'wrong username or password');
    await this.byUsername.reset(userKey);
    await this.byIp.succeed(ipKey, ipStamp);
    await this.upgradeHash(account.id, account.passwordHash, password);

    const refreshToken = newRefreshToken();
    const refreshTokenExpiresAt = this.deps.now() + this.deps.config.refreshTokenTtlMs;
    // each login leaves a token row: dead ones of this account go now, so the table stays small
    await this.deps.db.query(
      'DELETE FROM refresh_tokens WHERE account_id = $1 AND (revoked_at IS NOT NULL OR expires_at <= to_timestamp($2 / 1000.0))',
      [account.id, this.deps.now()],
    );
    await this.deps.db.query(
      'INSERT INTO refresh_tokens (token_hash, account_id, expires_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))',
      [hashRefreshToken(refreshToken), account.id, refreshTokenExpiresAt],
    );
    const view = toAccount(account);
    return {
      ...this.accessToken(view, account.tokenEpoch),
      refreshToken,
      refreshTokenExpiresAt,
      account: view,
      offline: this.offlinePolicy(),
      mustChangePassword: account.mustChangePassword,
    };
  }

  /** A unit's account acts for its unit only while that unit is in the directory as active. */
  private async refuseRetiredUnit(account: { role: Role; unitCode?: string | null }): Promise<void> {
    if (account.role !== 'unit') return;
    const [unit] = await this.deps.db.query<{ active: boolean }>('SELECT active FROM units WHERE code = $1', [account.unitCode]);
    if (!unit?.active) throw new HttpError(403, 'account_disabled', 'the unit of this account is no longer active in the units directory');
  }

  /**
   * A hash made at a lower cost than the configured one (an account from before the cost was
   * raised) is replaced on the first successful login, the only time the password is known.
   */
  private async upgradeHash(accountId: number, stored: string, password: string): Promise<void> {
    if (!hashParamsDiffer(stored, this.deps.config.scrypt)) return;
    const hash = await this.hashing.run(() => hashPassword(password, this.deps.config.scrypt));
    await this.deps.db.query('UPDATE accounts SET password_hash = $1 WHERE id = $2 AND password_hash = $3', [hash, accountId, stored]);
  }

  async refresh(refreshToken: string): Promise<RefreshResponse> {
    const [row] = await this.deps.db.query<
      Account & { disabled: boolean; revoked: boolean; expired: boolean; epoch: number; mustChangePassword: boolean }
    >(
      `SELECT a.id, a.username, a.display_name AS "displayName", a.role, a.unit_code AS "unitCode", a.disabled,
              a.token_epoch AS epoch, a.must_change_password AS "mustChangePassword",
              t.revoked_at IS NOT NULL AS revoked, t.expires_at <= to_timestamp($2 / 1000.0) AS expired
       FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id
       WHERE t.token_hash = $1`,
      [hashRefreshToken(refreshToken), this.deps.now()],
    );
    if (!row || row.revoked) throw new HttpError(401, 'invalid_token', 'unknown or revoked refresh token: log in again');
    if (row.expired) throw new HttpError(401, 'token_expired', 'the refresh token has expired: log in again');
    if (row.disabled) throw new HttpError(403, 'account_disabled', 'this account is disabled');
    await this.refuseRetiredUnit(row);
    const account = toAccount(row);
    return {
      ...this.accessToken(account, row.epoch),
      account,
      offline: this.offlinePolicy(),
      mustChangePassword: row.mustChangePassword,
    };
  }

  /**
   * The signed-in user changes their own password (the only route open while an admin-set
   * password must be changed). The current password is checked (a stolen access token alone
   * cannot take over the account), and a wrong one counts as a failed login for the username.
   */
  async changePassword(caller: Caller, current: string, next: string): Promise<void> {
    const account = await findAccountById(this.deps.db, caller.id);
    if (!account) throw new HttpError(401, 'invalid_token', 'the account of this access token no longer exists');
    const userKey = `user:${account.username}`;
    const stamp = await this.byUsername.begin(userKey);
    if (stamp === null) throw this.tooMany(await this.byUsername.retryAfterMs(userKey));
    const ok = await this.hashing.run(() => verifyPassword(current, account.passwordHash));
    if (!ok) throw new HttpError(400, 'wrong_password', 'currentPassword: the current password is wrong (当前密码不正确)', { field: 'currentPassword' });
    await this.byUsername.succeed(userKey, stamp);
    checkPasswordPolicy(next, account.username, 'newPassword');
    if (next === current) {
      throw new HttpError(400, 'password_unchanged', 'newPassword: choose a password other than the current one (新密码不能与当前密码相同)', {
        field: 'newPassword',
      });
    }
    const hash = await this.hashing.run(() => hashPassword(next, this.deps.config.scrypt));
    await this.deps.db.query('UPDATE accounts SET password_hash = $2, must_change_password = false WHERE id = $1', [account.id, hash]);
  }

  async logout(refreshToken: string): Promise<{ revoked: boolean }> {
    const rows = await this.deps.db.query(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING 1',
      [hashRefreshToken(refreshToken)],
    );
    return { revoked: rows.length > 0 };
  }

  /** The caller named by an Authorization: Bearer header, or a 401 saying what is wrong. */
  async authenticate(header: string | undefined, opts: { allowMustChangePassword?: boolean } = {}): Promise<Caller> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) {
      throw new HttpError(401, 'unauthorized', 'this route needs an "Authorization: Bearer <access token>" header');
    }
    const result = verifyAccessToken(match[1]!, this.deps.secret, this.deps.now());
    if (!result.ok) {
      throw result.reason === 'expired'
        ? new HttpError(401, 'token_expired', 'the access token has expired: renew it with POST /api/refresh')
        : new HttpError(401, 'invalid_token', 'the access token is not valid for this server');
    }
    // the token says who; the account row says whether it may still act, and in which role: a
    // disabled account, or a session ended by an admin (token epoch bumped), is refused at once,
    // and a changed role applies to the next request
    const [row] = await this.deps.db.query<{ username: string; role: Role; disabled: boolean; epoch: number; mustChange: boolean }>(
      `SELECT username, role, disabled, token_epoch AS epoch, must_change_password AS "mustChange" FROM accounts WHERE id = $1`,
      [result.claims.sub],
      { generic: true },
    );
    if (!row) throw new HttpError(401, 'invalid_token', 'the account of this access token no longer exists');
    if (row.disabled) throw new HttpError(403, 'account_disabled', 'this account is disabled');
    if ((result.claims.ep ?? 0) !== row.epoch) {
      throw new HttpError(401, 'invalid_token', 'this session was ended by an administrator: log in again');
    }
    if (row.mustChange && !opts.allowMustChangePassword) {
      throw new HttpError(
        403,
        'password_change_required',
        '密码由管理员重置，请先修改密码（POST /api/account/password）。 The password was reset by an admin: change it first (POST /api/account/password).',
      );
    }
    return { id: result.claims.sub, username: row.username, role: row.role };
  }
}
