/**
 * Builds the case_search index for a bulk load on a second core.
 *
 * FTS5 insertion is half the cost of a bulk load, and SQLite allows one writer per file, so a
 * worker thread indexes into a side file with the very same FTS5 definition while the main
 * thread writes the cases; the finished index (its shadow tables) is then copied into the
 * store. The main thread stays synchronous: it blocks on Atomics.wait for back-pressure (a few
 * batches in flight at most, so memory stays flat at 5,000,000 cases) and for the end.
 *
 * Where the index ends up matters as much as how fast it is built. FTS5 keeps an index as
 * segments on levels and merges a level once it holds enough segments (see maintenance.ts).
 * A bulk index merged into one segment by 'optimize' lands on level 1, and the small segments
 * of later intakes reach level 1 after a handful of merges: every few dozen intakes the whole
 * million-case segment would be rewritten again. So the worker first raises the structure's
 * level count with a few cheap optimize rounds over a small placeholder segment, and at the
 * end moves the merged index onto the top level, far above anything later writes reach.
 * The placeholder rows have negative rowids (never a case id) and tokens made of GAP_TOKEN
 * (fts.ts), which no query can contain, so they never match anything.
 *
 * The worker is inline CommonJS so it runs the same under tsx, vitest and a bundle.
 *
 * A first sync (sync-store.ts) uses the same builder in its durable form: the side file keeps
 * a journal, each batch commits with the highest case id indexed so far (`watermark`), and a
 * side file left by a killed process is reopened (`resume`) so that only the cases after its
 * watermark need indexing again.
 */
import { createRequire } from 'node:module';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { keyOf, openKeyed, type Db } from './db';
import { STORE_CIPHER, type StoreKey } from './key';
import { GAP_TOKEN } from './fts';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
const errorText = new Uint8Array(workerData.error);
function fail(e) {
  const bytes = Buffer.from(String(e && e.stack || e)).subarray(0, errorText.length);
  errorText.set(bytes);
  Atomics.store(state, 2, 1);
  Atomics.notify(state, 0);
  Atomics.notify(state, 1);
  parentPort.close();
}
try {
  const Database = require(workerData.sqlite);
  const durable = workerData.durable;
  const db = new Database(workerData.file);
  // the side file holds the cases' words: encrypted with the store's key (ATTACH without KEY
  // then opens it with the store's key too)
  if (workerData.key) {
    db.pragma("cipher = '" + workerData.cipher + "'");
    db.pragma('key = "x' + "'" + workerData.key + "'" + '"');
  }
  // shadow tables are written directly below (the watermark), which defensive mode refuses
  db.unsafeMode(true);
  if (durable) {
    // a process killed mid-load reopens this file: WAL, each batch one transaction
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  } else {
    // a throwaway file: no journal (which better-sqlite3's defensive mode would refuse)
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
  }
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('cache_size = -131072');
  const resumed = durable && db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'load_watermark'").get().n === 1;
  if (!resumed) {
    db.exec(workerData.ddl);
    db.exec('CREATE TABLE load_watermark (id INTEGER NOT NULL)');
    db.prepare('INSERT INTO load_watermark (id) VALUES (?)').run(workerData.watermark);
  }
  // one big in-memory term hash and no merging while loading: one merge at the end is cheaper
  // (FTS5 settings only take literals, not bound parameters)
  db.exec("INSERT INTO case_search (case_search, rank) VALUES ('hashsize', " + Number(workerData.hashsize) + ")");
  db.exec("INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0)");
  const insert = db.prepare('INSERT INTO case_search (rowid, name, address, content, answer) VALUES (?, ?, ?, ?, ?)');
  const setWatermark = db.prepare('UPDATE load_watermark SET id = max(id, ?)');
  const optimize = () => db.exec("INSERT INTO case_search (case_search) VALUES ('optimize')");
  let placeholderId = resumed ? db.prepare('SELECT coalesce(min(rowid), 0) AS id FROM case_search').get().id : 0;
  // each one is its own transaction, hence its own one-page segment on level 0
  const placeholder = (tokens) => insert.run(--placeholderId, tokens, '', '', '');
  if (!resumed) {
    // a placeholder of a few pages, then rounds of one tiny segment + optimize: with segments on
    // two levels, optimize moves everything two levels up
    placeholder(Array.from({ length: 3000 }, (_, i) => workerData.gap + i).join(' '));
    for (let round = 0; round < 8; round++) {
      placeholder(workerData.gap);
      optimize();
    }
  }
  if (!durable) db.exec('BEGIN');
  parentPort.on('message', (m) => {
    try {
      if (m.type === 'batch') {
        // fields go to SQLite as byte slices of the batch: FTS5 reads a blob as UTF-8 text, so
        // the tokens are never decoded into JavaScript strings and encoded back
        const batch = Buffer.from(m.buffer, 0, m.length);
        if (durable) db.exec('BEGIN');
        let id = 0;
        for (let pos = 0; pos < batch.length; ) {
          let end = batch.indexOf(2, pos);
          if (end === -1) end = batch.length;
          const i = batch.indexOf(1, pos);
          const a = batch.indexOf(1, i + 1);
          const b = batch.indexOf(1, a + 1);
          const c = batch.indexOf(1, b + 1);
          id = Number(batch.toString('latin1', pos, i));
          insert.run(id, batch.subarray(i + 1, a), batch.subarray(a + 1, b), batch.subarray(b + 1, c), batch.subarray(c + 1, end));
          pos = end + 1;
        }
        if (durable) {
          setWatermark.run(id);
          db.exec('COMMIT');
        }
        Atomics.add(state, 0, 1);
        Atomics.notify(state, 0);
      } else {
        if (!durable) db.exec('COMMIT');
        // one segment (on level 1), then one more round to put it on the top level
        optimize();
        placeholder(workerData.gap);
        optimize();
        db.close();
        Atomics.store(state, 1, 1);
        Atomics.notify(state, 1);
        parentPort.close();
      }
    } catch (e) {
      fail(e);
    }
  });
} catch (e) {
  fail(e);
}
`;

/** bytes of tokens per batch sent to the worker (about 6,000 cases) */
const BATCH_BYTES = 2 * 1024 * 1024;
const IN_FLIGHT = 4;
const FIELD = '\u0001';
const RECORD = '\u0002';
/** FTS5 shadow tables that hold the index; case_search_config keeps the store's own settings */
const SHADOW_TABLES = ['case_search_data', 'case_search_idx', 'case_search_docsize'];

export interface BulkIndexBuilder {
  /** index the next case (bulk: ids are consecutive from 1); fields are indexTokens() output */
  add(name: string, address: string, content: string, answer: string): void;
  /** index case `id` (ids must grow from one call to the next) */
  addWithId(id: number, name: string, address: string, content: string, answer: string): void;
  /** sends what was added so far to the worker (blocks only if IN_FLIGHT batches are queued) */
  flush(): void;
  /** resolves once fewer than IN_FLIGHT batches are queued (back-pressure without blocking the thread) */
  room(): Promise<void>;
  /** no more cases: the worker commits and merges its index while the caller does other work */
  end(): void;
  /** after end(): waits until the worker has merged and closed its file; returns the ms spent waiting */
  waitDone(): number;
  /** waits for the worker and copies its index into `db`; returns the ms spent waiting */
  finishInto(db: Db): number;
  /** stops the worker and removes its file, after a failure */
  abort(): void;
  /**
   * the process is closing: stops the worker and keeps its file (a durable one is resumed by the
   * next start); resolves once the worker has exited and no longer writes the file
   */
  stop(): Promise<void>;
}

export interface BulkIndexOptions {
  /**
   * a side file that survives the process (journal, one transaction per batch, the highest id
   * indexed kept with it), reopened where a killed process left it
   */
  durable?: boolean;
  /** durable: the watermark of a new side file (ids up to it are not the builder's concern) */
  watermark?: number;
}

/** The highest case id a durable side file holds (its batches commit with it), or null if it is unusable. */
export function sideIndexWatermark(sideFile: string, key: StoreKey | null): number | null {
  if (!existsSync(sideFile)) return null;
  let side: Db | null = null;
  try {
    side = openKeyed(sideFile, { key, readonly: true, fileMustExist: true });
    return side.prepare<[], { id: number }>('SELECT id FROM load_watermark').get()?.id ?? null;
  } catch {
    return null;
  } finally {
    side?.close();
  }
}

/**
 * Replaces the store's search index by the side file's (attached as `schema`), inside the
 * caller's transaction; the connection must have defensive mode off (unsafeMode).
 */
export function copySideIndex(db: Db, schema: string): void {
  for (const table of SHADOW_TABLES) db.exec(`DELETE FROM main.${table}; INSERT INTO main.${table} SELECT * FROM ${schema}.${table};`);
}

/** Removes a side file and its WAL. */
export function removeSideIndex(sideFile: string): void {
  for (const f of [sideFile, `${sideFile}-wal`, `${sideFile}-shm`]) rmSync(f, { force: true });
}

export function startBulkIndex(storeDb: Db, sideFile: string, opts: BulkIndexOptions = {}): BulkIndexBuilder {
  const durable = opts.durable === true;
  if (!durable) removeSideIndex(sideFile);
  const ddl = storeDb.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'case_search'").get()!.sql;
  // it holds the cases' words (names, addresses): created 0600 before SQLite would create it
  // 0644 under the usual umask (its -wal takes the file's mode)
  try {
    closeSync(openSync(sideFile, 'wx', 0o600));
  } catch {
    // exists already (a resumed load), or the worker reports why it cannot be opened
  }
  const state = new Int32Array(new SharedArrayBuffer(3 * 4));
  const error = new SharedArrayBuffer(4096);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file: sideFile,
      ddl,
      durable,
      watermark: opts.watermark ?? 0,
      sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
      key: keyOf(storeDb)?.toString('hex') ?? null,
      cipher: STORE_CIPHER,
      hashsize: 256 * 1024 * 1024,
      gap: GAP_TOKEN,
      state: state.buffer,
      error,
    },
  });
  worker.unref();

  const check = () => {
    if (Atomics.load(state, 2) === 1) {
      const text = Buffer.from(new Uint8Array(error)).toString().replace(/\0+$/, '');
      throw new Error(`search index worker failed: ${text}`);
    }
  };
  let sent = 0;
  let nextId = 1;
  let lastId = 0;
  // records are written as UTF-8 into an off-heap buffer that is transferred, not copied: a
  // batch of strings on the JS heap would survive every young-generation GC until it is sent
  let buffer = Buffer.allocUnsafeSlow(BATCH_BYTES);
  let length = 0;
  let count = 0;
  const flush = () => {
    if (count === 0) return;
    // back-pressure: the worker must have finished all but IN_FLIGHT batches
    for (let done = Atomics.load(state, 0); sent - done >= IN_FLIGHT; done = Atomics.load(state, 0)) {
      check();
      Atomics.wait(state, 0, done, 1000);
    }
    const arrayBuffer = buffer.buffer as ArrayBuffer;
    worker.postMessage({ type: 'batch', buffer: arrayBuffer, length }, [arrayBuffer]);
    sent += 1;
    buffer = Buffer.allocUnsafeSlow(BATCH_BYTES);
    length = 0;
    count = 0;
  };
  const addWithId = (id: number, name: string, address: string, content: string, answer: string) => {
    if (id <= lastId) throw new Error(`search index ids must grow: ${id} after ${lastId}`);
    lastId = id;
    const record = String(id) + FIELD + name + FIELD + address + FIELD + content + FIELD + answer;
    // a UTF-8 character takes at most 3 bytes per UTF-16 code unit
    if (length + 1 + record.length * 3 > BATCH_BYTES) flush();
    if (count > 0) length += buffer.write(RECORD, length);
    length += buffer.write(record, length);
    count += 1;
  };

  return {
    add(name, address, content, answer) {
      addWithId(nextId++, name, address, content, answer);
    },
    addWithId,
    flush,

    async room() {
      // a timer, not Atomics.waitAsync: a pending waitAsync does not keep the process alive
      while (sent - Atomics.load(state, 0) >= IN_FLIGHT) {
        check();
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      check();
    },

    end() {
      flush();
      worker.postMessage({ type: 'finish' });
    },

    waitDone() {
      const waitStarted = performance.now();
      while (Atomics.load(state, 1) !== 1) {
        check();
        Atomics.wait(state, 1, 0, 1000);
      }
      return performance.now() - waitStarted;
    },

    finishInto(db) {
      try {
        const waited = this.waitDone();
        // (shadow tables can only be written with defensive mode off: the loader's connection is)
        db.prepare('ATTACH DATABASE ? AS side_index').run(sideFile);
        try {
          db.transaction(() => copySideIndex(db, 'side_index'))();
        } finally {
          db.exec('DETACH DATABASE side_index');
        }
        return waited;
      } finally {
        this.abort();
      }
    },

    abort() {
      void worker.terminate();
      removeSideIndex(sideFile);
    },

    async stop() {
      await worker.terminate();
    },
  };
}
