/**
 * Builds a snapshot (首次同步快照, SnapshotManifest in src/shared/sync.ts): the store a page pull
 * of the centre's window would leave on a new workstation, made once, offline, by the very code
 * a workstation runs (sync-store.ts's first-sync load: bulk indexes, the worker's search index,
 * orders and history), then stripped of everything that belongs to one workstation.
 *
 * This is workstation code: the server never imports it (layer rule). It reads pages through
 * `readPage`, which scripts/snapshot.ts wires to the server's own page reader
 * (`pullForSnapshot`, src/server/sync/pull.ts) on the server's database, so the pages are
 * exactly what POST /api/pull serves.
 *
 * Output, in `outDir` (0700): `snapshot-<createdAt>.sqlite` (0600) and `manifest.json` (0600,
 * the manifest plus `file`), replaced atomically (rename); older snapshot files are removed,
 * except the previous one (a download of it may still be running).
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, createReadStream, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotManifest, SYNC_SCHEMA_VERSION } from '../../shared/sync';
import { openDatabase } from '../store/db';
import { migrate, LATEST_VERSION } from '../store/migrations';
import { createSyncStore } from '../store/sync-store';
import { checkPullResponse } from './pull-response';

export const MANIFEST_FILE = 'manifest.json';
const PAGE = 5_000;
const BUILDER_CLIENT = 'snapshot-builder';

export interface BuildSnapshotOptions {
  outDir: string;
  serverId: string;
  windowDays: number;
  /** a pull page as JSON text (PullResponse), from `cursor` */
  readPage(cursor: string | null, limit: number): Promise<string>;
  now?: () => number;
}

export interface BuiltSnapshot {
  manifest: SnapshotManifest;
  file: string;
  /** building the store, and hashing it */
  buildMs: number;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function buildSnapshot(opts: BuildSnapshotOptions): Promise<BuiltSnapshot> {
  const now = opts.now ?? Date.now;
  const started = performance.now();
  mkdirSync(opts.outDir, { recursive: true, mode: 0o700 });
  chmodSync(opts.outDir, 0o700);
  const createdAt = now();
  const work = join(opts.outDir, `building-${randomBytes(4).toString('hex')}.sqlite`);
  // plain: the centre's file, downloaded over TLS and ATTACHed into the workstation's encrypted store
  const db = openDatabase(work, { key: null });
  let cursor: string | null = null;
  try {
    migrate(db, work);
    // a throwaway file until it is renamed: no need to fsync each page
    db.pragma('synchronous = OFF');
    db.prepare(
      `INSERT INTO sync_accounts (username, account_id, display_name, role, client_id, created_at) VALUES ('snapshot', 0, 'snapshot', 'operator', ?, ?)`,
    ).run(BUILDER_CLIENT, createdAt);
    const store = createSyncStore(db, { now });
    store.beginInitialLoad();
    try {
      let next: Promise<string> | null = opts.readPage(null, PAGE);
      while (next) {
        const page = checkPullResponse(JSON.parse(await next));
        // the next page is read while this one is written
        next = page.more ? opts.readPage(page.cursor, PAGE) : null;
        next?.catch(() => undefined);
        await store.loadRoom();
        store.applyPull(BUILDER_CLIENT, page);
        cursor = page.cursor;
      }
    } finally {
      store.finishInitialLoad();
    }
    // nothing of a workstation: no account, outbox, numbering, drafts, identity, caches
    db.exec(`
      DELETE FROM sync_accounts; DELETE FROM outbox; DELETE FROM local_seq; DELETE FROM drafts;
      DELETE FROM sync_rejections; DELETE FROM order_acked; DELETE FROM units_cache; DELETE FROM dispatch_rules_cache;
      DELETE FROM meta; DELETE FROM categories; DELETE FROM regions;`);
    db.pragma('optimize');
    db.pragma('wal_checkpoint(TRUNCATE)');
    // one self-contained file: everything checkpointed into it, no WAL left beside it
    const mode = db.pragma('journal_mode = DELETE', { simple: true }) as string;
    if (mode !== 'delete') throw new Error(`the snapshot being built could not leave WAL mode (journal_mode ${mode})`);
    // checked once, here, on the file as it will be served: a workstation then checks that its
    // download is this very file (sha256) instead of reading the whole file again. integrity_check,
    // not quick_check: it also checks every index against its table (offline, once per build)
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (problems.join() !== 'ok') throw new Error(`the snapshot being built fails integrity_check: ${problems.slice(0, 5).join('; ')}`);
  } catch (e) {
    db.close();
    for (const f of [work, `${work}-wal`, `${work}-shm`, `${work}.search-load`]) rmSync(f, { force: true });
    throw e;
  }
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  // counted on the tables themselves (NOT INDEXED), as the workstation counts them: an index's
  // count could announce rows the table does not hold
  const counts = {
    cases: count('SELECT count(*) FROM cases NOT INDEXED'),
    orders: count('SELECT count(*) FROM orders NOT INDEXED'),
    history: count('SELECT count(*) FROM order_history NOT INDEXED'),
  };
  db.close();
  if (cursor === null) throw new Error('the server answered no page');
  const sha256 = await sha256File(work);
  const name = `snapshot-${createdAt}.sqlite`;
  const file = join(opts.outDir, name);
  chmodSync(work, 0o600);
  renameSync(work, file);
  const manifest = SnapshotManifest.parse({
    cursor,
    ...counts,
    createdAt,
    sha256,
    bytes: statSync(file).size,
    storeSchemaVersion: LATEST_VERSION,
    protocolVersion: SYNC_SCHEMA_VERSION,
    serverId: opts.serverId,
    windowDays: opts.windowDays,
  });
  const tmp = join(opts.outDir, `${MANIFEST_FILE}.tmp`);
  writeFileSync(tmp, `${JSON.stringify({ ...manifest, file: name }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, join(opts.outDir, MANIFEST_FILE));
  // keep this one and the previous (a download of it may be under way)
  const old = readdirSync(opts.outDir)
    .filter((f) => /^snapshot-\d+\.sqlite$/.test(f) && f !== name)
    .sort((a, b) => Number(b.slice(9, -7)) - Number(a.slice(9, -7)));
  for (const f of old.slice(1)) rmSync(join(opts.outDir, f), { force: true });
  for (const f of readdirSync(opts.outDir).filter((f) => f.startsWith('building-'))) {
    // a build killed earlier (ours is renamed already)
    rmSync(join(opts.outDir, f), { force: true });
  }
  return { manifest, file, buildMs: Math.round(performance.now() - started) };
}
