/**
 * The main-process application, independent of how the renderer reaches it: opens the store,
 * loads the taxonomy, builds the handler table. Electron (src/main/electron) and the browser
 * harness (src/main/harness) both start exactly this.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../config';
import { openStore } from '../store/store';
import { STORE_FILE } from '../store/paths';
import { readTaxonomyFiles } from '../store/taxonomy-file';
import type { Store } from '../store/types';
import { createHandlers } from './handlers';
import type { HandlerTable } from './dispatch';

export interface AppContext {
  config: AppConfig;
  store: Store;
  handlers: HandlerTable;
  dataDir: string;
  close(): void;
}

export interface StartOptions {
  dataDir: string;
  resourcesDir: string;
  overrides?: Partial<AppConfig>;
  policyFile?: string;
}

export function startApp(opts: StartOptions): AppContext {
  mkdirSync(opts.dataDir, { recursive: true });
  const config = loadConfig(opts);
  const store = openStore({
    file: join(opts.dataDir, STORE_FILE),
    workstation: config.workstation,
    defaultAreaCode: config.defaultAreaCode,
  });
  try {
    const { categories, regions } = readTaxonomyFiles(config.taxonomyDir ?? join(opts.resourcesDir, 'taxonomy'));
    store.loadTaxonomy(categories, regions);
  } catch (e) {
    store.close();
    throw e;
  }
  return {
    config,
    store,
    handlers: createHandlers(store, config),
    dataDir: opts.dataDir,
    close: () => store.close(),
  };
}
