/**
 * The diagnostics export for the help desk (诊断信息导出): what is needed to understand a
 * workstation's trouble and nothing about citizens — versions, the effective configuration
 * (secrets removed), the store's schema version, size, row counts and `integrity_check`, the
 * sync queue's length, the backups, and the tail of the (already masked) log. No case, contact,
 * caller, draft or rejection content is read; the log tail is masked once more on the way out.
 */
import Database from 'better-sqlite3';
import { isPlainSqliteFile, openKeyed } from './store/db';
import { STORE_CIPHER, type StoreKey } from './store/key';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config';
import { maskLogRecord } from '../shared/log-mask';
import { BACKUP_DIR, listBackups } from './store/backup';
import { LOG_DIR } from './log';
import { STORE_FILE } from './store/paths';

export interface Diagnostics {
  kind: 'hotline-desk/diagnostics@1';
  createdAt: string;
  versions: Record<string, string | null>;
  platform: { os: string; arch: string };
  config: Record<string, unknown>;
  store: {
    file: string;
    bytes: number;
    /** whether the file is encrypted, and with which SQLite3 Multiple Ciphers scheme (never the key) */
    encrypted: boolean;
    cipher: string | null;
    schemaVersion: number;
    integrity: string[];
    counts: Record<string, number>;
  } | null;
  backups: { file: string; bytes: number }[];
  logTail: string[];
}

/** The configuration without its secrets (telephony passwords) and with the server URL's credentials removed. */
function safeConfig(config: AppConfig): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  if (typeof copy.serverUrl === 'string') {
    const url = new URL(copy.serverUrl);
    url.username = '';
    url.password = '';
    copy.serverUrl = url.toString();
  }
  return maskLogRecord(copy);
}

const TABLES_COUNTED = ['cases', 'contacts', 'callers', 'outbox', 'sync_rejections', 'drafts'];

/** `key`: the store's (db.ts resolveKey: undefined = the development key, null = plain) */
export function collectDiagnostics(opts: { dataDir: string; config: AppConfig; appVersion?: string; logLines?: number; now?: () => number; key?: StoreKey | null }): Diagnostics {
  const file = join(opts.dataDir, STORE_FILE);
  let store: Diagnostics['store'] = null;
  if (existsSync(file)) {
    const encrypted = !isPlainSqliteFile(file);
    const db = openKeyed(file, { key: encrypted ? opts.key : null, readonly: true, fileMustExist: true });
    try {
      const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
      const counts: Record<string, number> = {};
      // counts only: how many, never what
      for (const t of TABLES_COUNTED) if (tables.has(t)) counts[t] = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
      store = {
        file,
        bytes: statSync(file).size,
        encrypted,
        cipher: encrypted ? STORE_CIPHER : null,
        schemaVersion: db.pragma('user_version', { simple: true }) as number,
        integrity: (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).slice(0, 20),
        counts,
      };
    } finally {
      db.close();
    }
  }
  const logFile = join(opts.dataDir, LOG_DIR, 'main.log');
  const logTail = existsSync(logFile)
    ? readFileSync(logFile, 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-(opts.logLines ?? 200))
        .map((l) => maskLogRecord(l))
    : [];
  const sqlite = new Database(':memory:');
  const sqliteVersion = (sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  sqlite.close();
  return {
    kind: 'hotline-desk/diagnostics@1',
    createdAt: new Date((opts.now ?? Date.now)()).toISOString(),
    versions: {
      app: opts.appVersion ?? null,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      chrome: process.versions.chrome ?? null,
      sqlite: sqliteVersion,
    },
    platform: { os: `${process.platform} ${process.getSystemVersion?.() ?? ''}`.trim(), arch: process.arch },
    config: safeConfig(opts.config),
    store,
    backups: listBackups(opts.config.backup?.dir ?? join(opts.dataDir, BACKUP_DIR)).map((f) => ({ file: f, bytes: statSync(f).size })),
    logTail,
  };
}

/** Where 导出诊断信息 in the app writes its bundles: <data dir>/diagnostics/. */
export const DIAGNOSTICS_DIR = 'diagnostics';

/**
 * 导出诊断信息 from the app: the same bundle as `npm run store -- diagnostics`, written to
 * <data dir>/diagnostics/diagnostics-<UTC time>.json (0600, like everything in the data folder).
 */
export function writeDiagnostics(opts: { dataDir: string; config: AppConfig; appVersion?: string; now?: () => number; key?: StoreKey | null }): { file: string; bytes: number } {
  const bundle = collectDiagnostics(opts);
  const dir = join(opts.dataDir, DIAGNOSTICS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = bundle.createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = join(dir, `diagnostics-${stamp}.json`);
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  writeFileSync(file, text, { mode: 0o600 });
  return { file, bytes: Buffer.byteLength(text) };
}
