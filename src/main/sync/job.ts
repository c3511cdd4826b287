/**
 * The sync job (同步任务): in the background of the main process, pushes each account's outbox
 * and pulls the centre's cases for the signed-in operator, for as long as the app runs.
 *
 * - Never blocks the UI: requests are async; SQLite work is one short transaction per batch or
 *   page (sync-store.ts), with a turn of the event loop between them.
 * - One cycle = for every account with work: register its client id (once per run of the app),
 *   push its outbox in order, in batches, until empty; then, for the signed-in operator, pull
 *   page after page until `more` is false. A change logged meanwhile (kick) runs another cycle.
 * - Failures: no answer or a 5xx → retry with exponential backoff and jitter (capped at a
 *   minute), forever; success resets the backoff. 401 token_expired → refresh and retry.
 *   409 update_required → the job stops until the app is restarted (updated); nothing is
 *   deleted. 409 cursor_invalid → pull again from null (upserts only). 409 mutation_gap → if
 *   the server lacks mutations this workstation already deleted after an acknowledgement, the
 *   server lost data (restored from a backup): the job says so and keeps every row.
 * - Idle: pulls again every pollMs, so cases logged at other workstations arrive; kick()
 *   (a new local change, 'sync.now') and resume() (after sleep or a network change) start a
 *   cycle at once.
 * Everything it depends on is injected (store, HTTP client, auth, clock, random, timers), so tests
 * drive it step by step against a real server through a fault-injecting proxy.
 */
import type { SyncStatus } from '../../shared/contract';
import { PULL_LIMIT_MAX, PUSH_BATCH_MAX, SYNC_SCHEMA_VERSION, type PullResponse } from '../../shared/sync';
import type { UnitsResponse } from '../../shared/units';
import type { SyncStore } from '../store/sync-store';
import { CredentialsLostError, type WorkstationAuth } from './auth';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { NetworkError, ServerError, type SyncHttpClient } from './http';
import { initialLoadStatus, type LoadProgress } from './progress';
import { downloadSnapshot, removeSnapshotFiles, SnapshotRejected } from './snapshot';
import { LATEST_VERSION } from '../store/migrations';
import { checkSnapshotFile } from '../store/snapshot-install';

/** Points of a cycle where tests may stop the process (crash tests) or inject trouble. */
export type SyncStep =
  | 'push:send' // a batch read from the outbox, request not sent yet
  | 'push:answered' // the server's answer is here, the acknowledgement not yet written
  | 'push:acked' // the outbox rows it covers are deleted
  | 'pull:send' // request not sent yet
  | 'pull:received' // a page is here, not yet applied
  | 'pull:applying' // inside the page's transaction, before COMMIT
  | 'pull:applied'; // page and cursor committed

type SyncError = NonNullable<SyncStatus['lastError']>;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface SyncJobOptions {
  store: SyncStore;
  http: SyncHttpClient;
  auth: WorkstationAuth;
  now?: () => number;
  random?: () => number;
  timers?: Timers;
  backoff?: BackoffPolicy;
  /** rows per push (≤ PUSH_BATCH_MAX) and a cap on their args' size (the server takes 8 MB) */
  pushBatch?: number;
  pushMaxBytes?: number;
  /** cases per pulled page (≤ PULL_LIMIT_MAX): a page is one SQLite transaction */
  pullLimit?: number;
  /**
   * cases per page while catching up (first pull, or the server said `more`): larger pages cost
   * the UI a longer pause each (~150 ms at 5,000) but make catching up far cheaper, above all
   * for the search index, which writes one segment per transaction
   */
  catchUpLimit?: number;
  /** pull again this often when idle */
  pollMs?: number;
  onStep?: (step: SyncStep) => void;
  /** unexpected failures (bugs, I/O), for the log */
  onInternalError?: (error: unknown) => void;
  /** the units directory cache (store/orders.ts): fetched after the signed-in account's pull */
  units?: UnitsCache;
  /** ask for the units directory at most this often (default 5 minutes; the first cycle of a run and syncNow() always ask) */
  unitsEveryMs?: number;
  /** a first sync takes the server's snapshot when it offers one (default true; false: pages only) */
  snapshot?: boolean;
  /** no snapshot byte for this long: the download is given up and resumed by the next attempt (default 30 s) */
  snapshotStallMs?: number;
  /** what the job tells the log (the snapshot's use or why it was not used); default console.info */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export interface UnitsCache {
  unitsEtag(): string | null;
  saveUnits(res: UnitsResponse, etag: string | null): void;
  unitsUnchanged(): void;
}

/** The server has processed fewer mutations than this workstation already deleted. */
class ServerLostMutationsError extends Error {}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SyncJob {
  private readonly store: SyncStore;
  private readonly http: SyncHttpClient;
  private readonly auth: WorkstationAuth;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timers: Timers;
  private readonly backoff: BackoffPolicy;
  private readonly pushBatch: number;
  private readonly pushMaxBytes: number;
  private readonly pullLimit: number;
  private readonly catchUpLimit: number;
  private readonly pollMs: number;

  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private timer: unknown = null;
  private failures = 0;
  private abort = new AbortController();
  /** client ids registered during this run of the app */
  private readonly registered = new Set<string>();
  private updateRequired = false;
  private online: boolean | null = null;
  /** whether the current run got an answer from the server */
  private contacted = false;
  private lastSuccessAt: number | null = null;
  private lastAttemptAt: number | null = null;
  private lastError: SyncError | null = null;
  private nextAttemptAt: number | null = null;
  /** when GET /api/units last answered during this run */
  private unitsAt: number | null = null;
  /** a pull from cursor null in progress, once the server announced its total */
  private load: LoadProgress | null = null;

  constructor(private readonly opts: SyncJobOptions) {
    this.store = opts.store;
    this.http = opts.http;
    this.auth = opts.auth;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.timers = opts.timers ?? realTimers;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.pushBatch = Math.min(opts.pushBatch ?? 500, PUSH_BATCH_MAX);
    this.pushMaxBytes = opts.pushMaxBytes ?? 2 * 1024 * 1024;
    this.pullLimit = Math.min(opts.pullLimit ?? 1000, PULL_LIMIT_MAX);
    // a pullLimit given alone (tests) applies to every page
    this.catchUpLimit = Math.min(opts.catchUpLimit ?? opts.pullLimit ?? PULL_LIMIT_MAX, PULL_LIMIT_MAX);
    this.pollMs = opts.pollMs ?? 30_000;
    this.lastSuccessAt = this.store.lastSuccessAt();
  }

  status(): SyncStatus {
    const counts = this.store.rejectionCounts();
    return {
      enabled: true,
      state: this.updateRequired ? 'update_required' : this.running ? 'syncing' : this.failures > 0 ? 'retrying' : 'idle',
      online: this.online,
      pending: this.store.pendingCount(),
      lastSuccessAt: this.lastSuccessAt,
      lastAttemptAt: this.lastAttemptAt,
      lastError: this.lastError,
      rejections: counts.open,
      unseenRejections: counts.unseen,
      nextAttemptAt: this.running ? null : this.nextAttemptAt,
      initialLoad: this.load ? initialLoadStatus(this.load, this.now()) : null,
    };
  }

  /** Start working: the first cycle at once. */
  start(): void {
    this.kick();
  }

  /** Something to send or fetch (a new local change, a sign-in, 'sync.now'): a cycle now. */
  kick(): void {
    if (this.stopped || this.updateRequired) return;
    this.again = true;
    if (this.running) return;
    this.clearTimer();
    this.running = this.run();
  }

  /** After sleep or a network change: the old backoff says nothing about the new network. */
  resume(): void {
    this.failures = 0;
    this.kick();
  }

  /** 'sync.now': a cycle, awaited, then the status. */
  async syncNow(): Promise<SyncStatus> {
    // asked for by a person (or a test): the units directory too, however recent
    this.unitsAt = null;
    this.kick();
    await this.running;
    return this.status();
  }

  /** Waits for the cycle in progress, if any (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stop for good: timers cleared, the request in flight aborted. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.abort.abort();
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.nextAttemptAt = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.clearTimer();
    this.nextAttemptAt = this.now() + ms;
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.kick();
    }, ms);
  }

  private async run(): Promise<void> {
    this.contacted = false;
    try {
      do {
        this.again = false;
        this.lastAttemptAt = this.now();
        await this.cycle();
      } while (this.again && !this.stopped);
      this.failures = 0;
      if (this.contacted) {
        this.lastSuccessAt = this.now();
        this.store.setLastSuccessAt(this.lastSuccessAt);
      }
      this.running = null;
      this.schedule(this.pollMs);
    } catch (e) {
      this.running = null;
      if (this.stopped) return;
      this.onFailure(e);
    } finally {
      this.running = null;
    }
  }

  private onFailure(e: unknown): void {
    const at = this.now();
    if (e instanceof ServerError && e.code === 'update_required') {
      this.online = true;
      this.updateRequired = true;
      this.lastError = { code: 'update_required', message: e.message, at };
      return;
    }
    this.failures++;
    let delay = backoffDelay(this.failures, this.random, this.backoff);
    if (e instanceof NetworkError) {
      this.online = false;
      this.lastError = { code: 'network', message: e.message, at };
    } else if (e instanceof ServerError) {
      this.online = true;
      this.lastError = { code: e.code, message: e.message, at };
      const retryAfter = e.body?.retryAfterSeconds;
      if (retryAfter) delay = Math.max(delay, retryAfter * 1000);
    } else if (e instanceof ServerLostMutationsError) {
      this.online = true;
      this.lastError = { code: 'server_lost_mutations', message: e.message, at };
    } else {
      this.lastError = { code: 'internal', message: e instanceof Error ? e.message : String(e), at };
      this.opts.onInternalError?.(e);
    }
    this.schedule(delay);
  }

  private step(s: SyncStep): void {
    this.opts.onStep?.(s);
  }

  private async cycle(): Promise<void> {
    const session = this.auth.current();
    let lost: CredentialsLostError | null = null;
    for (const account of this.store.accounts()) {
      if (this.stopped) return;
      const signedIn = session?.username === account.username;
      const pending = this.store.pendingCount(account.clientId) > 0;
      try {
        if (signedIn) {
          await this.pushAll(account.username);
          await this.pullAll(account.username);
          await this.refreshUnits(account.username);
          continue;
        }
        if (pending && this.auth.holdsCredential(account.username)) await this.pushAll(account.username);
        // signed out, nothing left to send: its refresh token has no more use here (unless the
        // operator signed in again while this cycle ran)
        if (
          account.refreshToken !== null &&
          this.store.pendingCount(account.clientId) === 0 &&
          this.auth.current()?.username !== account.username
        ) {
          await this.auth.retire(account.username, this.abort.signal);
        }
      } catch (e) {
        // one account's refused credentials must not hold back the others
        if (!(e instanceof CredentialsLostError)) throw e;
        lost = e;
      }
    }
    this.lastError = lost ? { code: 'signed_out', message: lost.message, at: this.now() } : null;
  }

  /** Runs a request with the account's access token; refreshes once if the server says it expired. */
  private async authorized<T>(username: string, request: (token: string) => Promise<T>): Promise<T> {
    const answered = (result: T): T => {
      this.online = true;
      this.contacted = true;
      return result;
    };
    const token = await this.auth.accessToken(username, this.abort.signal);
    try {
      return answered(await request(token));
    } catch (e) {
      if (!(e instanceof ServerError && e.status === 401)) throw e;
      this.auth.invalidate(username);
      return answered(await request(await this.auth.accessToken(username, this.abort.signal)));
    }
  }

  /** The account's client id as the store has it now (it changes if the server refuses the old one). */
  private clientOf(username: string): string {
    const account = this.store.account(username);
    if (!account) throw new Error(`account ${username} vanished from the store`);
    return account.clientId;
  }

  private async ensureRegistered(username: string): Promise<string> {
    let clientId = this.clientOf(username);
    if (this.registered.has(clientId)) return clientId;
    let res;
    try {
      res = await this.authorized(username, (t) => this.http.register(t, clientId, this.abort.signal));
    } catch (e) {
      if (!(e instanceof ServerError && e.code === 'client_bound_to_other_account')) throw e;
      // the server binds this id to another account (ours was deleted and re-created):
      // a new id for this account, its pending rows renumbered under it
      clientId = this.store.replaceClientId(username).clientId;
      res = await this.authorized(username, (t) => this.http.register(t, clientId, this.abort.signal));
    }
    this.store.registered(clientId, res.serverId, res.lastMutationId);
    this.registered.add(clientId);
    return clientId;
  }

  /**
   * The server does not know the client (a new server database) or binds it to another
   * account: register again before the next request, which must be rebuilt from the store,
   * since registering may renumber the outbox or forget the cursor.
   */
  private needsRegistration(e: unknown, clientId: string): boolean {
    if (!(e instanceof ServerError && (e.code === 'client_not_registered' || e.code === 'client_bound_to_other_account'))) return false;
    this.registered.delete(clientId);
    return true;
  }

  private async pushAll(username: string): Promise<void> {
    let reregistered = false;
    for (;;) {
      if (this.stopped) return;
      const clientId = await this.ensureRegistered(username);
      const batch = this.store.pending(clientId, this.pushBatch, this.pushMaxBytes);
      if (batch.length === 0) return;
      this.step('push:send');
      let res;
      try {
        res = await this.authorized(username, (t) => this.http.push(t, clientId, batch, this.abort.signal));
      } catch (e) {
        if (!reregistered && this.needsRegistration(e, clientId)) {
          reregistered = true;
          continue;
        }
        if (!(e instanceof ServerError && e.code === 'mutation_gap' && e.body?.lastMutationId !== undefined)) throw e;
        const serverLast = e.body.lastMutationId;
        if (batch[0]!.id > serverLast + 1) {
          throw new ServerLostMutationsError(
            `the server has processed this workstation's changes only up to ${serverLast}, but changes up to ` +
              `${batch[0]!.id - 1} were acknowledged and removed here: the server database was restored from an older ` +
              'backup. Every pending change is kept; tell IT (信息中心).',
          );
        }
        this.store.recordPush(clientId, { lastMutationId: serverLast, rejections: [] });
        continue;
      }
      if (this.stopped) return;
      this.step('push:answered');
      this.store.recordPush(clientId, res);
      this.step('push:acked');
      await nextTurn();
    }
  }

  /** The units directory and the work-order settings: GET /api/units with its ETag (304 while unchanged). */
  private async refreshUnits(username: string): Promise<void> {
    const cache = this.opts.units;
    const get = this.http.units;
    if (!cache || !get || this.stopped) return;
    if (this.unitsAt !== null && this.now() - this.unitsAt < (this.opts.unitsEveryMs ?? 300_000)) return;
    let res;
    try {
      res = await this.authorized(username, (t) => get(t, cache.unitsEtag(), this.abort.signal));
    } catch (e) {
      // a server from before the units directory: nothing to cache
      if (e instanceof ServerError && e.status === 404) return;
      throw e;
    }
    if (this.stopped) return;
    this.unitsAt = this.now();
    if (res === null) cache.unitsUnchanged();
    else cache.saveUnits(res.body, res.etag);
  }

  private async pullAll(username: string, reregistered = false): Promise<void> {
    const clientId = await this.ensureRegistered(username);
    const fetchPage = (from: string | null, catchingUp: boolean) => {
      this.step('pull:send');
      const limit = catchingUp ? this.catchUpLimit : this.pullLimit;
      return this.authorized(username, (t) => this.http.pull(t, clientId, from, limit, this.abort.signal));
    };
    let cursor = this.store.cursor(clientId);
    // a new workstation: the server's snapshot, if it offers one, then the pages after it
    if (cursor === null && this.store.initialProgress() === null && (await this.trySnapshot(username, clientId))) {
      cursor = this.store.cursor(clientId);
    }
    if (this.stopped) return;
    // a first sync a killed process left unfinished resumes, with its progress
    const resumed = cursor === null ? null : this.store.initialProgress();
    // a first pull into a (nearly) empty store loads like the bulk loader (sync-store.ts)
    const loading = (cursor === null || resumed !== null) && this.store.beginInitialLoad(resumed ? resumed.total - resumed.loaded : 0);
    if (resumed) this.load = { startedAt: this.now(), loaded: resumed.loaded, total: resumed.total, resumedAt: resumed.loaded };
    try {
      await this.pullPages(username, clientId, cursor, fetchPage, reregistered);
    } finally {
      if (loading && !this.stopped) this.store.finishInitialLoad();
    }
  }

  /**
   * A first sync from the server's snapshot (snapshot.ts, store/snapshot-install.ts): true once
   * it is installed and the cursor is the snapshot's. False, with a log line, to pull page by
   * page instead: no snapshot offered, another schema, protocol or server database, a file that
   * fails its sha256 or quick_check, a store that is no longer new. A network failure is
   * thrown: the cycle retries later and the download resumes where it stopped.
   */
  private async trySnapshot(username: string, clientId: string): Promise<boolean> {
    const http = this.http;
    if (this.opts.snapshot === false || !http.snapshotManifest || !http.snapshotFile) return false;
    const storeFile = this.store.snapshotTarget();
    if (storeFile === null) return false;
    const log = this.opts.log ?? ((message, fields) => console.info(`[sync] ${message}`, JSON.stringify(fields)));
    const fallback = (reason: string, fields: Record<string, unknown> = {}) => {
      log('first sync: pulling page by page', { reason, ...fields });
      return false;
    };
    let offered;
    try {
      offered = await this.authorized(username, (t) => http.snapshotManifest!(t, this.abort.signal));
    } catch (e) {
      if (e instanceof ServerError && e.status !== 401) return fallback(`snapshot manifest: ${e.message}`);
      throw e;
    }
    if ('none' in offered) return fallback(offered.none);
    const manifest = offered.manifest;
    const serverId = this.store.account(username)?.serverId ?? null;
    if (manifest.storeSchemaVersion !== LATEST_VERSION) {
      return fallback(`the snapshot's store schema is ${manifest.storeSchemaVersion}, this workstation's ${LATEST_VERSION}`);
    }
    if (manifest.protocolVersion !== SYNC_SCHEMA_VERSION) {
      return fallback(`the snapshot was built with sync protocol ${manifest.protocolVersion}, this workstation speaks ${SYNC_SCHEMA_VERSION}`);
    }
    if (serverId === null || manifest.serverId !== serverId || !manifest.cursor.startsWith(`${serverId}.`)) {
      return fallback(`the snapshot comes from server database ${manifest.serverId}, this workstation is registered with ${serverId}`);
    }
    const startedAt = this.now();
    this.load = { startedAt, loaded: 0, total: manifest.cases };
    const load = this.load;
    try {
      let file: string;
      try {
        const got = await downloadSnapshot({
          storeFile,
          manifest,
          signal: this.abort.signal,
          stallMs: this.opts.snapshotStallMs,
          open: (from, etag, signal) => this.authorized(username, (t) => http.snapshotFile!(t, from, etag, signal)),
          // shown as cases, in proportion to the bytes (the file is the cases)
          onProgress: (bytes) => (load.loaded = Math.floor((manifest.cases * bytes) / manifest.bytes)),
        });
        file = got.file;
        if (got.resumedFrom > 0) log('first sync: snapshot download resumed', { fromBytes: got.resumedFrom, bytes: manifest.bytes });
      } catch (e) {
        if (e instanceof SnapshotRejected) {
          removeSnapshotFiles(storeFile);
          return fallback(`snapshot download refused: ${e.message}`);
        }
        if (e instanceof ServerError && e.status !== 401) {
          removeSnapshotFiles(storeFile);
          return fallback(`snapshot download: ${e.message}`);
        }
        throw e;
      }
      if (this.stopped) return false;
      const downloadedAt = this.now();
      try {
        const check = checkSnapshotFile(file, manifest);
        const checkMs = this.now() - downloadedAt;
        if (!check.ok) return fallback(`the snapshot file fails its check: ${check.reason}`);
        const installed = this.store.installSnapshot(file, clientId, manifest.cursor, { cases: manifest.cases, orders: manifest.orders, history: manifest.history });
        log('first sync: snapshot installed', {
          cases: installed.cases,
          keptLocal: installed.keptLocal,
          cursor: manifest.cursor,
          bytes: manifest.bytes,
          downloadAndInstallMs: this.now() - startedAt,
          downloadMs: downloadedAt - startedAt,
          checkMs,
          installMs: installed.ms,
        });
        return true;
      } catch (e) {
        return fallback(`snapshot install failed: ${(e as Error).message}`);
      } finally {
        removeSnapshotFiles(storeFile);
      }
    } finally {
      this.load = null;
    }
  }

  private async pullPages(
    username: string,
    clientId: string,
    cursor: string | null,
    fetchPage: (from: string | null, catchingUp: boolean) => Promise<PullResponse>,
    reregistered: boolean,
  ): Promise<void> {
    let restarted = false;
    let fromNull = cursor === null;
    let startedAt = this.now();
    let next = fetchPage(cursor, fromNull);
    try {
      for (;;) {
        let page;
        try {
          page = await next;
        } catch (e) {
          if (!reregistered && this.needsRegistration(e, clientId)) return this.pullAll(username, true);
          if (!(e instanceof ServerError && e.code === 'cursor_invalid') || restarted) throw e;
          // another server database, or one restored: start over; pages only upsert, nothing is deleted
          restarted = true;
          this.load = null;
          this.store.resetCursor(clientId);
          fromNull = true;
          startedAt = this.now();
          next = fetchPage(null, true);
          continue;
        }
        if (this.stopped) return;
        this.step('pull:received');
        // the first page of a pull from null announces how many cases the whole pull brings
        if (fromNull && this.load === null && page.more && page.total !== undefined) {
          this.load = { startedAt, loaded: 0, total: page.total };
        }
        // the next page is fetched while this one is written (the cursor is saved only with the
        // data); one turn of the event loop first, so that its request is on the wire before the
        // synchronous write below holds the thread
        const following = page.more ? fetchPage(page.cursor, true) : null;
        following?.catch(() => undefined);
        if (following) await nextTurn();
        // during a first sync, the search index worker must keep up (its back-pressure, awaited)
        await this.store.loadRoom();
        if (this.stopped) return;
        this.store.applyPull(clientId, page, () => this.step('pull:applying'));
        if (this.load) this.load.loaded += page.changes.length;
        this.step('pull:applied');
        if (!following) return;
        next = following;
        await nextTurn();
      }
    } finally {
      // the progress is shown while the pull runs, and gone when it ends, however it ends
      this.load = null;
    }
  }
}
