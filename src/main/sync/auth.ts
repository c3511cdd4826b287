/**
 * Signing in on the workstation (登录), online against the central server or offline with the
 * workstation's own verifier, and the credentials the sync job pushes and pulls with.
 *
 * Policies (src/server/README.md, "Offline login", is the contract with the server):
 * - Online login: POST /api/login. The refresh token is kept in the store, sealed by the
 *   SecretBox (safeStorage under Electron); the access token only in memory. A new offline
 *   verifier is derived from the password just typed (verifier.ts) with the server's scrypt
 *   parameters, valid for the server's maxOfflineDays (0: none is kept).
 * - Offline login, only when the server cannot be reached (no HTTP answer, or a 5xx): the
 *   account must have signed in online here before, its verifier must still be valid, and the
 *   password must reproduce it. Failed attempts are limited like the server's (5 a minute per
 *   name). The cases logged carry that operator and wait in the outbox.
 * - An offline session keeps the typed password in memory (main process only, never on disk)
 *   until the server answers again, so the sync job can sign in online by itself and the
 *   operator is not asked twice; it is dropped on the first online success or on logout.
 * - Every online login or refresh renews the verifier's validity with the server's current
 *   maxOfflineDays; a login or refresh answered 401/403 deletes the verifier. If that happens to
 *   the signed-in operator in the background, the session ends (the server no longer accepts
 *   these credentials); the outbox keeps every case, and they go out at the next sign-in.
 * - Logout ends the session at once. The refresh token stays only while the account still has
 *   cases to push (the sync job sends them, then revokes it with POST /api/logout): logging
 *   out at the end of a shift must not strand the last calls of the shift on this machine.
 */
import type { LoginResponse, OfflinePolicy, RefreshResponse, Role } from '../../shared/sync';
import { passwordProblem } from '../../shared/admin';
import type { LocalAccount, SyncStore } from '../store/sync-store';
import { NetworkError, ServerError, type SyncHttpClient } from './http';
import { plainSecretBox, type SecretBox } from './secrets';
import { checkVerifier, createVerifier, OfflineVerifier } from './verifier';

const DAY_MS = 86_400_000;
/** renew an access token this long before it expires, so a request never leaves with a dying one */
const ACCESS_MARGIN_MS = 30_000;
const LOCAL_FAILURES_PER_MINUTE = 5;

export type SessionMode = 'online' | 'offline';

export interface SessionUser {
  username: string;
  displayName: string;
  role: Role;
  mode: SessionMode;
  clientId: string;
}

export interface SessionView {
  /** false when no server is configured (standalone): the configured operator is used */
  loginRequired: boolean;
  user: SessionUser | null;
  /** why the last session ended without a logout, e.g. credentials the server refused */
  endedReason: string | null;
}

export type LoginFailure =
  | 'not_required'
  | 'invalid_credentials'
  | 'account_disabled'
  | 'unit_account'
  | 'too_many_attempts'
  | 'offline_unavailable'
  | 'offline_expired'
  | 'password_change_required'
  | 'password_rejected'
  | 'server_error';

/** a new password's problem, in both languages, for the field */
export interface PolicyRefusal {
  code: string;
  zh: string;
  en: string;
}

export type LoginResult =
  | { ok: true; session: SessionView }
  | { ok: false; reason: LoginFailure; message: string; retryAfterSeconds?: number; policy?: PolicyRefusal };

/** The server refused this account's credentials (or none are left): someone must sign in again. */
export class CredentialsLostError extends Error {
  override readonly name = 'CredentialsLostError';
  constructor(
    readonly username: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AuthOptions {
  store: SyncStore;
  /** null in standalone mode */
  http: SyncHttpClient | null;
  now: () => number;
  secrets?: SecretBox;
  /** after every sign-in (online or offline): the sync job starts working for this account */
  onSignedIn?: (username: string) => void;
}

/** Counts failed local attempts per name within a minute. */
class FailureWindow {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly now: () => number) {}
  private recent(key: string): number[] {
    const cutoff = this.now() - 60_000;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    this.failures.set(key, list);
    return list;
  }
  retryAfterSeconds(key: string): number {
    const list = this.recent(key);
    if (list.length < LOCAL_FAILURES_PER_MINUTE) return 0;
    return Math.max(1, Math.ceil((list[0]! + 60_000 - this.now()) / 1000));
  }
  fail(key: string): void {
    this.recent(key).push(this.now());
  }
  reset(key: string): void {
    this.failures.delete(key);
  }
}

const isUnreachable = (e: unknown): boolean =>
  e instanceof NetworkError || (e instanceof ServerError && (e.status >= 500 || e.code === 'bad_response'));

export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

export class WorkstationAuth {
  private user: SessionUser | null = null;
  private endedReason: string | null = null;
  /** an offline session's password, until the server accepts it (see the policy above) */
  private offlinePassword: string | null = null;
  private readonly access = new Map<string, { token: string; expiresAt: number }>();
  private readonly limiter: FailureWindow;
  private readonly secrets: SecretBox;

  constructor(private readonly opts: AuthOptions) {
    this.limiter = new FailureWindow(opts.now);
    this.secrets = opts.secrets ?? plainSecretBox;
  }

  get loginRequired(): boolean {
    return this.opts.http !== null;
  }

  session(): SessionView {
    return { loginRequired: this.loginRequired, user: this.user ? { ...this.user } : null, endedReason: this.endedReason };
  }

  /** The signed-in operator, or null. */
  current(): SessionUser | null {
    return this.user;
  }

  async login(usernameInput: string, password: string): Promise<LoginResult> {
    const http = this.opts.http;
    if (!http) return { ok: false, reason: 'not_required', message: 'no server is configured: this workstation needs no sign-in' };
    const username = normalizeUsername(usernameInput);
    const waiting = this.waiting(username);
    if (waiting) return waiting;
    let res: LoginResponse;
    try {
      res = await http.login(username, password);
    } catch (e) {
      if (isUnreachable(e)) return this.loginOffline(username, password);
      return this.refused(e, username);
    }
    this.limiter.reset(username);
    if (res.account.role === 'unit') {
      // a unit works in the unit portal (a browser), never at a call-floor workstation
      await http.logout(res.refreshToken).catch(() => undefined);
      return { ok: false, reason: 'unit_account', message: 'unit accounts sign in to the unit portal, not to a workstation' };
    }
    if (res.mustChangePassword) {
      // every route but the password change answers 403 until then: no session, no sync, no verifier
      await http.logout(res.refreshToken).catch(() => undefined);
      return { ok: false, reason: 'password_change_required', message: 'an administrator set this password: choose a new one' };
    }
    const account = await this.acceptLogin(res, password);
    this.begin(account, 'online');
    return { ok: true, session: this.session() };
  }

  /** too many failed sign-ins here for this account: the refusal, or null */
  private waiting(username: string): LoginResult | null {
    const wait = this.limiter.retryAfterSeconds(username);
    if (wait <= 0) return null;
    return { ok: false, reason: 'too_many_attempts', message: `too many failed sign-ins; try again in ${wait} s`, retryAfterSeconds: wait };
  }

  /** What the server's refusal of a sign-in means for the operator. */
  private refused(e: unknown, username: string): LoginResult {
    if (e instanceof ServerError && (e.status === 401 || e.status === 403)) {
      this.opts.store.setOfflineVerifier(username, null, null);
      this.limiter.fail(username);
      return e.code === 'account_disabled'
        ? { ok: false, reason: 'account_disabled', message: 'this account is disabled' }
        : { ok: false, reason: 'invalid_credentials', message: 'wrong username or password' };
    }
    if (e instanceof ServerError && e.status === 429) {
      const retryAfterSeconds = e.body?.retryAfterSeconds ?? 60;
      return { ok: false, reason: 'too_many_attempts', message: e.message, retryAfterSeconds };
    }
    return { ok: false, reason: 'server_error', message: (e as Error).message };
  }

  /**
   * 修改密码 at sign-in (an admin set the password: a new account or 重置密码): checks the new
   * one against the policy here first, signs in with the current one, replaces it on the server,
   * then signs in with the new one. Online only: the server decides.
   */
  async changePassword(usernameInput: string, password: string, newPassword: string): Promise<LoginResult> {
    const http = this.opts.http;
    if (!http?.changePassword) return { ok: false, reason: 'not_required', message: 'no server is configured: this workstation needs no sign-in' };
    const username = normalizeUsername(usernameInput);
    const problem: PolicyRefusal | null =
      passwordProblem(newPassword, username) ??
      (newPassword === password ? { code: 'password_unchanged', zh: '新密码不能与当前密码相同', en: 'the new password must differ from the current one' } : null);
    if (problem) return { ok: false, reason: 'password_rejected', message: problem.en, policy: problem };
    const waiting = this.waiting(username);
    if (waiting) return waiting;
    let res: LoginResponse;
    try {
      res = await http.login(username, password);
    } catch (e) {
      if (isUnreachable(e)) return { ok: false, reason: 'server_error', message: 'the server cannot be reached: a password can only be changed online' };
      return this.refused(e, username);
    }
    this.limiter.reset(username);
    try {
      await http.changePassword(res.accessToken, password, newPassword);
    } catch (e) {
      if (e instanceof ServerError && e.code.startsWith('password_')) {
        const policy = { code: e.code, zh: '新密码不符合密码规则', en: e.message };
        return { ok: false, reason: 'password_rejected', message: e.message, policy };
      }
      return { ok: false, reason: 'server_error', message: (e as Error).message };
    } finally {
      await http.logout(res.refreshToken).catch(() => undefined);
    }
    return this.login(username, newPassword);
  }

  private async loginOffline(username: string, password: string): Promise<LoginResult> {
    const account = this.opts.store.account(username);
    const parsed = account?.offlineVerifier ? OfflineVerifier.safeParse(JSON.parse(account.offlineVerifier)) : null;
    if (!account || !parsed?.success) {
      return {
        ok: false,
        reason: 'offline_unavailable',
        message: 'the server cannot be reached, and this account has not signed in online on this workstation recently',
      };
    }
    if (account.offlineValidUntil === null || account.offlineValidUntil <= this.opts.now()) {
      return { ok: false, reason: 'offline_expired', message: 'the server cannot be reached, and offline sign-in for this account has expired' };
    }
    if (!(await checkVerifier(password, parsed.data))) {
      this.limiter.fail(username);
      return { ok: false, reason: 'invalid_credentials', message: 'wrong username or password' };
    }
    this.limiter.reset(username);
    this.begin(account, 'offline', password);
    return { ok: true, session: this.session() };
  }

  /** Stores what an online login returned: account, sealed refresh token, fresh verifier. */
  private async acceptLogin(res: LoginResponse, password: string): Promise<LocalAccount> {
    const { store, now } = this.opts;
    const account = store.saveAccount(res.account);
    store.setRefreshToken(account.username, this.secrets.seal(res.refreshToken), res.refreshTokenExpiresAt);
    if (res.offline.maxOfflineDays > 0) {
      const verifier = await createVerifier(password, res.offline.kdf);
      store.setOfflineVerifier(account.username, JSON.stringify(verifier), now() + res.offline.maxOfflineDays * DAY_MS);
    } else {
      store.setOfflineVerifier(account.username, null, null);
    }
    store.markOnline(account.username, now());
    this.access.set(account.username, { token: res.accessToken, expiresAt: res.accessTokenExpiresAt });
    return account;
  }

  private begin(account: LocalAccount, mode: SessionMode, offlinePassword: string | null = null): void {
    this.user = { username: account.username, displayName: account.displayName, role: account.role, mode, clientId: account.clientId };
    this.offlinePassword = offlinePassword;
    this.endedReason = null;
    // cases logged before anyone signed in become this account's first changes to push
    this.opts.store.adoptStandalone(account.clientId);
    this.opts.onSignedIn?.(account.username);
  }

  logout(): SessionView {
    this.user = null;
    this.offlinePassword = null;
    this.endedReason = null;
    return this.session();
  }

  /** Whether the sync job can act for this account without the operator. */
  holdsCredential(username: string): boolean {
    const account = this.opts.store.account(username);
    return (
      (this.access.get(username)?.expiresAt ?? 0) > this.opts.now() + ACCESS_MARGIN_MS ||
      this.refreshTokenOf(account) !== null ||
      (this.user?.username === username && this.offlinePassword !== null)
    );
  }

  private refreshTokenOf(account: LocalAccount | null): string | null {
    if (!account?.refreshToken) return null;
    if (account.refreshExpiresAt !== null && account.refreshExpiresAt <= this.opts.now()) return null;
    return this.secrets.open(account.refreshToken);
  }

  /** Forget a cached access token (the server refused it). */
  invalidate(username: string): void {
    this.access.delete(username);
  }

  /**
   * A valid access token for the account: the cached one, else a refresh, else (offline
   * session) an online login with the remembered password. Throws CredentialsLostError when the
   * server refuses them all, NetworkError/ServerError when it cannot be asked.
   */
  async accessToken(username: string, signal?: AbortSignal): Promise<string> {
    const cached = this.access.get(username);
    if (cached && cached.expiresAt > this.opts.now() + ACCESS_MARGIN_MS) return cached.token;
    const http = this.opts.http;
    if (!http) throw new CredentialsLostError(username, 'no server is configured');
    const { store } = this.opts;

    const refreshToken = this.refreshTokenOf(store.account(username));
    if (refreshToken) {
      try {
        const res = await http.refresh(refreshToken, signal);
        this.acceptRefresh(username, res);
        return res.accessToken;
      } catch (e) {
        if (!(e instanceof ServerError && (e.status === 401 || e.status === 403))) throw e;
        store.setRefreshToken(username, null, null);
        store.setOfflineVerifier(username, null, null);
        if (e.status === 403 || this.offlinePasswordFor(username) === null) return this.lost(username, e.message);
      }
    }
    const password = this.offlinePasswordFor(username);
    if (password === null) return this.lost(username, 'no credential left for this account: sign in again');
    let res: LoginResponse;
    try {
      res = await http.login(username, password, signal);
    } catch (e) {
      if (e instanceof ServerError && (e.status === 401 || e.status === 403)) {
        store.setOfflineVerifier(username, null, null);
        return this.lost(username, e.message);
      }
      throw e;
    }
    await this.acceptLogin(res, password);
    this.promote(username);
    return res.accessToken;
  }

  private offlinePasswordFor(username: string): string | null {
    return this.user?.username === username ? this.offlinePassword : null;
  }

  private acceptRefresh(username: string, res: RefreshResponse): void {
    const { store, now } = this.opts;
    this.access.set(username, { token: res.accessToken, expiresAt: res.accessTokenExpiresAt });
    this.renewOffline(username, res.offline);
    store.markOnline(username, now());
    this.promote(username);
  }

  private renewOffline(username: string, policy: OfflinePolicy): void {
    if (policy.maxOfflineDays > 0) this.opts.store.renewOfflineValidity(username, this.opts.now() + policy.maxOfflineDays * DAY_MS);
    else this.opts.store.setOfflineVerifier(username, null, null);
  }

  /** The server accepted the signed-in operator's credentials: the session is online now. */
  private promote(username: string): void {
    if (this.user?.username === username && this.user.mode === 'offline') {
      this.user = { ...this.user, mode: 'online' };
      this.offlinePassword = null;
    }
  }

  private lost(username: string, reason: string): never {
    this.access.delete(username);
    if (this.user?.username === username) {
      this.user = null;
      this.offlinePassword = null;
      this.endedReason = `the server no longer accepts this account's credentials (${reason}): sign in again`;
    }
    throw new CredentialsLostError(username, reason);
  }

  /** After the sync job has pushed an account's last case: revoke and forget its refresh token. */
  async retire(username: string, signal?: AbortSignal): Promise<void> {
    if (this.user?.username === username) return;
    const sealed = this.opts.store.account(username)?.refreshToken ?? null;
    if (sealed === null) return;
    const token = this.secrets.open(sealed);
    if (token && this.opts.http) await this.opts.http.logout(token, signal);
    // the operator may have signed in again meanwhile: a new token is not this one
    this.opts.store.forgetRefreshToken(username, sealed);
    if (this.user?.username !== username) this.access.delete(username);
  }
}
