/**
 * The workstation's sync, assembled: store side, accounts, and (when a server is configured)
 * the HTTP client and the background job. services/app.ts starts it; the Electron adapter calls
 * resume() after sleep or a network change; handlers read session and status from it.
 */
import type { SyncStatus } from '../../shared/contract';
import type { Db } from '../store/db';
import { createOrders, type Orders } from '../store/orders';
import { createSyncStore, type SyncStore } from '../store/sync-store';
import { WorkstationAuth } from './auth';
import { createHttpClient, type FetchFn } from './http';
import { WORKSTATION_HEADER } from '../../shared/admin';
import { SyncJob, type SyncJobOptions } from './job';
import type { SecretBox } from './secrets';

export interface SyncServiceOptions {
  /** the store's connection (SqliteStore.db) */
  db: Db;
  /** the central server; absent: standalone, nobody signs in, nothing is sent */
  serverUrl?: string;
  now?: () => number;
  secrets?: SecretBox;
  fetch?: FetchFn;
  /** the protocol version to send; only tests send another than SYNC_SCHEMA_VERSION */
  schemaVersion?: number;
  /** after sync wrote to the store (idle housekeeping follows writes: SqliteStore.noteWrite) */
  onWrite?: () => void;
  onInternalError?: (error: unknown) => void;
  /** this workstation's code, sent as X-Hotline-Workstation for the server's audit trail */
  workstation?: string;
  /** the repeat-call proposal's number lookup (store/repeats.ts) */
  defaultAreaCode?: string;
  /** tuning and test seams of the job */
  job?: Omit<SyncJobOptions, 'store' | 'http' | 'auth'>;
}

export interface SyncService {
  readonly store: SyncStore;
  readonly auth: WorkstationAuth;
  /** work orders and the units directory as pulled here, with local actions re-applied (store/orders.ts) */
  readonly orders: Orders;
  /** null in standalone mode */
  readonly job: SyncJob | null;
  status(): SyncStatus;
  /** a local change was committed, or the operator asked: sync now */
  kick(): void;
  /** after sleep or a network change */
  resume(): void;
  /** stops for good; resolves once nothing started here still writes (a first sync's index worker) */
  stop(): Promise<void>;
}

const DISABLED: Omit<SyncStatus, 'pending'> = {
  enabled: false,
  state: 'disabled',
  online: null,
  lastSuccessAt: null,
  lastAttemptAt: null,
  lastError: null,
  rejections: 0,
  unseenRejections: 0,
  nextAttemptAt: null,
  initialLoad: null,
};

export function startSync(opts: SyncServiceOptions): SyncService {
  const now = opts.now ?? Date.now;
  const store = createSyncStore(opts.db, { now, onWrite: opts.onWrite });
  const orders = createOrders(opts.db, { now, defaultAreaCode: opts.defaultAreaCode });
  const http = opts.serverUrl ? createHttpClient({
        baseUrl: opts.serverUrl,
        fetch: opts.fetch,
        schemaVersion: opts.schemaVersion,
        headers: opts.workstation ? { [WORKSTATION_HEADER]: opts.workstation } : undefined,
      }) : null;
  let job: SyncJob | null = null;
  const auth = new WorkstationAuth({ store, http, now, secrets: opts.secrets, onSignedIn: () => job?.kick() });
  if (http) {
    job = new SyncJob({ now, onInternalError: opts.onInternalError, units: orders, ...opts.job, store, http, auth });
    job.start();
  }
  return {
    store,
    auth,
    orders,
    job,
    status: () => job?.status() ?? { ...DISABLED, pending: store.pendingCount() },
    kick: () => job?.kick(),
    resume: () => job?.resume(),
    stop: async () => {
      job?.stop();
      await store.stop();
    },
  };
}
