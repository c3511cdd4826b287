/**
 * The main-process application, independent of how the renderer reaches it: opens the store,
 * loads the taxonomy, builds the handler table. Electron (src/main/electron) and the browser
 * harness (src/main/harness) both start exactly this.
 */
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../config';
import { openStore } from '../store/store';
import { STORE_FILE } from '../store/paths';
import { BACKUP_DIR, holdStore, scheduleBackups, type BackupResult } from '../store/backup';
import { readTaxonomyFiles } from '../store/taxonomy-file';
import type { Store } from '../store/types';
import type { SecretBox } from '../sync/secrets';
import { resolveKey } from '../store/db';
import type { StoreKey } from '../store/key';
import { startSync, type SyncService } from '../sync/service';
import { secureDataDir } from './data-dir';
import { createTelephonyHub, type TelephonyHub } from '../telephony/hub';
import { createHandlers } from './handlers';
import { createMainLog, type MainLog } from '../log';
import type { HandlerTable } from './dispatch';
import { countRecentDrafts } from '../store/drafts';
import { DRAFT_QUIET_MS, type Activity } from '../updates/policy';
import type { UpdateHandle } from './handlers';
import { serverFetch } from '../sync/ca-fetch';

export interface AppContext {
  config: AppConfig;
  store: Store;
  sync: SyncService;
  handlers: HandlerTable;
  /** telephony events from every source meet here (src/main/telephony; the transports start the sources) */
  telephony: TelephonyHub;
  dataDir: string;
  /** what an update would interrupt now (src/main/updates/policy.ts) */
  activity(): Activity;
  /** the update service, when the transport has one (Electron with updates.url in the policy) */
  updates: UpdateHandle | null;
  /** the masked, rotating log in <data dir>/logs (src/main/log.ts) */
  log: MainLog;
  /**
   * stops the sync job (aborting its request in flight) and backups, closes the store; resolves
   * once nothing of this process writes in the data folder and it is released
   */
  close(): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  resourcesDir: string;
  overrides?: Partial<AppConfig>;
  /** what the overrides are called in configuration errors (e.g. 'the command line') */
  overridesSource?: string;
  policyFile?: string;
  /** seals the refresh token at rest (Electron: safeStorage); plain in Node */
  secrets?: SecretBox;
  /**
   * the store's encryption key (store/key.ts), or how to get it once the configuration (IT's
   * policy) is known: Electron passes electronStoreKey; absent = the development key of the
   * browser harness and tests (printed as "development key, not secret" by the harness)
   */
  storeKey?: StoreKey | null | ((config: AppConfig, dataDir: string) => StoreKey | null);
  /** unexpected sync failures, for the log */
  onInternalError?: (error: unknown) => void;
  /** a data-folder file found open to other users and narrowed (default console.warn) */
  onWarning?: (message: string) => void;
  /** a scheduled backup was written (for the log) */
  onBackup?: (result: BackupResult) => void;
}

export function startApp(opts: StartOptions): AppContext {
  // before anything is read or written there: the folder and its files are this user's only
  const warnings: string[] = [];
  secureDataDir(opts.dataDir, {
    warn: (m) => {
      warnings.push(m);
      (opts.onWarning ?? ((w: string) => console.warn(w)))(m);
    },
  });
  // the log's own folder is made after the data folder is secured, so it inherits 0700
  const log = createMainLog({ dataDir: opts.dataDir, echo: () => {} });
  for (const w of warnings) log.warn('data folder narrowed', { detail: w });
  const onInternalError = (error: unknown) => {
    log.error('internal error', { err: error });
    opts.onInternalError?.(error);
  };
  const config = loadConfig(opts);
  log.info('starting', { workstation: config.workstation, server: config.serverUrl ?? null, node: process.versions.node, electron: process.versions.electron ?? null });
  // `npm run store -- restore` refuses while this names a live process
  const releaseStore = holdStore(opts.dataDir);
  let store: ReturnType<typeof openStore>;
  let storeKey: StoreKey | null;
  try {
    storeKey = resolveKey(typeof opts.storeKey === 'function' ? opts.storeKey(config, opts.dataDir) : opts.storeKey);
    store = openStore({
      file: join(opts.dataDir, STORE_FILE),
      workstation: config.workstation,
      defaultAreaCode: config.defaultAreaCode,
      key: storeKey,
    });
    if (store.encryption.action !== 'none') log.info('plain store encrypted in place', { action: store.encryption.action, ms: store.encryption.ms });
    if (!store.encryption.encrypted) log.warn('the store is not encrypted (allowPlainStore in IT policy)', {});
  } catch (e) {
    releaseStore();
    throw e;
  }
  try {
    const { categories, regions } = readTaxonomyFiles(config.taxonomyDir ?? join(opts.resourcesDir, 'taxonomy'));
    store.loadTaxonomy(categories, regions);
  } catch (e) {
    store.close();
    releaseStore();
    throw e;
  }
  const backups =
    config.backup?.enabled === false
      ? null
      : scheduleBackups(store.db, {
          dir: config.backup?.dir ?? join(opts.dataDir, BACKUP_DIR),
          intervalMs: (config.backup?.intervalHours ?? 4) * 3_600_000,
          keep: config.backup?.keep ?? 7,
          onDone: (r) => {
            log.info('backup written and verified', { file: r.file, bytes: r.bytes, ms: r.ms });
            opts.onBackup?.(r);
          },
          onError: (e) => {
            log.error('backup failed', { err: e });
            opts.onInternalError?.(e);
          },
        });
  const sync = startSync({
    db: store.db,
    serverUrl: config.serverUrl,
    fetch: serverFetch(config),
    workstation: config.workstation,
    defaultAreaCode: config.defaultAreaCode,
    secrets: opts.secrets,
    onWrite: store.noteWrite,
    onInternalError,
  });
  const telephony = createTelephonyHub({
    history: (phone) => store.callerHistory(phone),
    onError: onInternalError,
  });
  const ctx: AppContext = {
    config,
    store,
    sync,
    handlers: createHandlers(store, config, sync, () => ctx.updates, opts.dataDir, storeKey),
    telephony,
    dataDir: opts.dataDir,
    activity: () => ({ activeCalls: telephony.activeCalls(), drafts: countRecentDrafts(store.db, Date.now() - DRAFT_QUIET_MS) }),
    updates: null,
    log,
    close: () => {
      log.info('stopping');
      backups?.stop();
      const stopped = sync.stop();
      store.close();
      // the data folder is released once nothing of this process writes in it any more
      return stopped.finally(releaseStore);
    },
  };
  return ctx;
}
