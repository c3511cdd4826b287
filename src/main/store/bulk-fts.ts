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
 */
import { createRequire } from 'node:module';
import { existsSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Db } from './db';
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
  const db = new Database(workerData.file);
  // a throwaway file: no journal (which better-sqlite3's defensive mode would refuse)
  db.unsafeMode(true);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('cache_size = -131072');
  db.exec(workerData.ddl);
  // one big in-memory term hash and no merging while loading: one merge at the end is cheaper
  // (FTS5 settings only take literals, not bound parameters)
  db.exec("INSERT INTO case_search (case_search, rank) VALUES ('hashsize', " + Number(workerData.hashsize) + ")");
  db.exec("INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0)");
  const insert = db.prepare('INSERT INTO case_search (rowid, name, address, content, answer) VALUES (?, ?, ?, ?, ?)');
  const optimize = () => db.exec("INSERT INTO case_search (case_search) VALUES ('optimize')");
  let placeholderId = 0;
  // each one is its own transaction, hence its own one-page segment on level 0
  const placeholder = (tokens) => insert.run(--placeholderId, tokens, '', '', '');
  // a placeholder of a few pages, then rounds of one tiny segment + optimize: with segments on
  // two levels, optimize moves everything two levels up
  placeholder(Array.from({ length: 3000 }, (_, i) => workerData.gap + i).join(' '));
  for (let round = 0; round < 8; round++) {
    placeholder(workerData.gap);
    optimize();
  }
  db.exec('BEGIN');
  parentPort.on('message', (m) => {
    try {
      if (m.type === 'batch') {
        // fields go to SQLite as byte slices of the batch: FTS5 reads a blob as UTF-8 text, so
        // the tokens are never decoded into JavaScript strings and encoded back
        const batch = Buffer.from(m.buffer, 0, m.length);
        let id = m.firstId;
        for (let pos = 0; pos < batch.length; ) {
          let end = batch.indexOf(2, pos);
          if (end === -1) end = batch.length;
          const a = batch.indexOf(1, pos);
          const b = batch.indexOf(1, a + 1);
          const c = batch.indexOf(1, b + 1);
          insert.run(id++, batch.subarray(pos, a), batch.subarray(a + 1, b), batch.subarray(b + 1, c), batch.subarray(c + 1, end));
          pos = end + 1;
        }
        Atomics.add(state, 0, 1);
        Atomics.notify(state, 0);
      } else {
        db.exec('COMMIT');
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
  /** index the next case (ids are consecutive from 1); fields are indexTokens() output */
  add(name: string, address: string, content: string, answer: string): void;
  /** no more cases: the worker commits and merges its index while the caller does other work */
  end(): void;
  /** waits for the worker and copies its index into `db`; returns the ms spent waiting */
  finishInto(db: Db): number;
  /** stops the worker and removes its file, after a failure */
  abort(): void;
}

export function startBulkIndex(storeDb: Db, sideFile: string): BulkIndexBuilder {
  rmSync(sideFile, { force: true });
  const ddl = storeDb.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'case_search'").get()!.sql;
  const state = new Int32Array(new SharedArrayBuffer(3 * 4));
  const error = new SharedArrayBuffer(4096);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file: sideFile,
      ddl,
      sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
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
    worker.postMessage({ type: 'batch', firstId: nextId, buffer: arrayBuffer, length }, [arrayBuffer]);
    nextId += count;
    sent += 1;
    buffer = Buffer.allocUnsafeSlow(BATCH_BYTES);
    length = 0;
    count = 0;
  };

  return {
    add(name, address, content, answer) {
      const record = name + FIELD + address + FIELD + content + FIELD + answer;
      // a UTF-8 character takes at most 3 bytes per UTF-16 code unit
      if (length + 1 + record.length * 3 > BATCH_BYTES) flush();
      if (count > 0) length += buffer.write(RECORD, length);
      length += buffer.write(record, length);
      count += 1;
    },

    end() {
      flush();
      worker.postMessage({ type: 'finish' });
    },

    finishInto(db) {
      try {
        const waitStarted = performance.now();
        while (Atomics.load(state, 1) !== 1) {
          check();
          Atomics.wait(state, 1, 0, 1000);
        }
        const waited = performance.now() - waitStarted;
        // (shadow tables can only be written with defensive mode off: the loader's connection is)
        db.prepare('ATTACH DATABASE ? AS side_index').run(sideFile);
        db.exec('BEGIN');
        for (const table of SHADOW_TABLES) {
          db.exec(`DELETE FROM main.${table}; INSERT INTO main.${table} SELECT * FROM side_index.${table};`);
        }
        db.exec('COMMIT');
        db.exec('DETACH DATABASE side_index');
        return waited;
      } finally {
        this.abort();
      }
    },

    abort() {
      void worker.terminate();
      if (existsSync(sideFile)) rmSync(sideFile);
    },
  };
}
