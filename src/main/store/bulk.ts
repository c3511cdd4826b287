/**
 * Loading a large history into a fresh store quickly (the seed generator, benchmarks, demos).
 *
 * Not for live data: while it runs the file has no journal and no fsync, so a crash leaves a
 * broken file to delete. It drops the secondary indexes whose keys arrive in random order,
 * appends rows in id order in large transactions, then rebuilds those indexes by sorting (far
 * cheaper than millions of random B-tree inserts), derives the callers table from the
 * contacts, and restores WAL. The search index is built on a second core (bulk-fts.ts).
 *
 * Cases must arrive oldest first: ids, and so search order, follow time. Loading is fastest
 * when uuids are time-ordered (v7) and official numbers increase, as the generator makes them:
 * those indexes are kept and grow at their end; other data is only slower, never wrong.
 */
import type { CaseStatus, Channel, HandlingMode, RequestType, Satisfaction, TaxonomyNode, Urgency } from '../../shared/domain';
import { openKeyed, type Db } from './db';
import type { StoreKey } from './key';
import type { CaseRecordValues } from '../../shared/case-model';
import { createCaseWriter, deriveCallers, searchEntry } from './case-writer';
import { startBulkIndex } from './bulk-fts';
import { openStore } from './store';

export interface BulkCase {
  uuid: string;
  localNo: string;
  officialNo: string | null;
  phone: string;
  callerName: string;
  channel: Channel;
  requestType: RequestType;
  categoryCode: string;
  regionCode: string;
  address: string;
  content: string;
  answer: string;
  urgency: Urgency;
  handlingMode: HandlingMode;
  status: CaseStatus;
  valid: boolean;
  confidential: boolean;
  operator: string;
  createdAt: number;
  updatedAt: number;
  lastFollowUp: Satisfaction | null;
  origin: 'local' | 'server';
  contactUuid: string;
  /** the rest of the record (case-writer.ts), absent from generated cases */
  phoneExt?: string;
  call?: CaseRecordValues['call'];
  repeatOf?: string | null;
}

export interface BulkOptions {
  file: string;
  workstation: string;
  categories: TaxonomyNode[];
  regions: TaxonomyNode[];
  /** labels for callers, applied after loading ({ "13805371234": ["frequent_caller"] }) */
  callerLabels?: () => Map<string, string[]>;
  /** the store key (db.ts resolveKey: undefined = the development key, null = plain) */
  key?: StoreKey | null;
}

export interface BulkResult {
  cases: number;
  /** wall time of each phase, ms: rows in, B-tree indexes, callers, search index (of which waiting for the worker) */
  phases: { load: number; indexes: number; callers: number; search: number; searchWait: number };
}

export interface BulkLoader {
  add(c: BulkCase): void;
  /** indexes, callers, sequences, search index */
  finish(): BulkResult;
  /** gives up after a failure: the file is left unusable, to be deleted */
  abort(): void;
}

const BIG_TABLES = ['cases', 'contacts', 'callers'];
/**
 * Indexes cheaper to keep than to rebuild: keys that follow insertion order, and the partial
 * index of open cases (a few percent of the rows; rebuilding it would scan the whole table).
 */
const KEPT_INDEXES = new Set(['cases_by_uuid', 'contacts_by_uuid', 'contacts_by_case', 'cases_by_official_no', 'cases_open_by_phone']);
const BATCH = 50_000;

export class StoreNotEmptyError extends Error {
  override readonly name = 'StoreNotEmptyError';
}

function configureForBulk(db: Db): void {
  // better-sqlite3's defensive mode refuses journal_mode=OFF (it would silently stay in WAL and
  // write every page twice); this connection is the only one and the file is throwaway until done
  db.unsafeMode(true);
  db.pragma('locking_mode = EXCLUSIVE');
  if (db.pragma('journal_mode = OFF', { simple: true }) !== 'off') throw new Error('bulk load needs journal_mode=OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = OFF');
}

export function openBulkLoader(opts: BulkOptions): BulkLoader {
  // the schema, client id and taxonomy exactly as the application makes them
  const store = openStore({ file: opts.file, workstation: opts.workstation, key: opts.key });
  try {
    store.loadTaxonomy(opts.categories, opts.regions);
    const existing = store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM cases').get()!.n;
    if (existing > 0) throw new StoreNotEmptyError(`${opts.file} already holds ${existing} cases`);
  } finally {
    store.close();
  }

  const db = openKeyed(opts.file, { key: opts.key });
  configureForBulk(db);
  const indexes = db
    .prepare<[], { name: string; sql: string; table: string }>(
      `SELECT name, sql, tbl_name AS "table" FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
       AND tbl_name IN (${BIG_TABLES.map(() => '?').join(', ')})`,
    )
    .all(...(BIG_TABLES as []))
    .filter((index) => !KEPT_INDEXES.has(index.name));
  for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);

  // the same rows as intake and pull write (case-writer.ts), numbered here in time order
  const writer = createCaseWriter(db, { explicitIds: true });
  const searchIndex = startBulkIndex(db, `${opts.file}.index-build`);
  /** the highest sequence per workstation and day, so live numbering continues after them */
  const sequences = new Map<string, number>();
  let id = 0;
  let inBatch = 0;
  let lastCreatedAt = -Infinity;
  const started = performance.now();
  db.exec('BEGIN');

  return {
    add(c) {
      if (c.createdAt < lastCreatedAt) throw new Error('bulk cases must arrive oldest first');
      lastCreatedAt = c.createdAt;
      id += 1;
      // the generated case carries its workstation-only columns too (officialNo, updatedAt, origin, valid, lastFollowUp)
      writer.insertCase(c, c, id);
      // its first contact: the case's own call (firstContactOf), without a copy
      writer.insertContact(id, c, c.contactUuid, id);
      searchIndex.add(...searchEntry(c));
      const cut = c.localNo.lastIndexOf('-');
      const key = c.localNo.slice(0, cut);
      const seq = Number(c.localNo.slice(cut + 1));
      if ((sequences.get(key) ?? 0) < seq) sequences.set(key, seq);
      if (++inBatch === BATCH) {
        db.exec('COMMIT; BEGIN');
        inBatch = 0;
      }
    },

    finish() {
      try {
        db.exec('COMMIT');
        searchIndex.end();
        const loaded = performance.now();
        for (const { sql } of indexes.filter((i) => i.table !== 'callers')) db.exec(sql);
        const indexed = performance.now();
        db.exec('BEGIN');
        // scans of the covering contacts_by_phone, already in phone order, by the one rule (case-writer.ts)
        deriveCallers(db);
        const setLabels = db.prepare('UPDATE callers SET labels = ? WHERE phone = ?');
        for (const [phone, labels] of opts.callerLabels?.() ?? []) setLabels.run(JSON.stringify(labels), phone);
        const setSeq = db.prepare('INSERT OR REPLACE INTO local_seq (workstation, day, last) VALUES (?, ?, ?)');
        for (const [key, last] of sequences) {
          const cut = key.lastIndexOf('-');
          setSeq.run(key.slice(0, cut), key.slice(cut + 1), last);
        }
        for (const { sql } of indexes.filter((i) => i.table === 'callers')) db.exec(sql);
        db.exec('COMMIT');
        const callersDone = performance.now();
        const searchWait = searchIndex.finishInto(db);
        db.pragma('locking_mode = NORMAL');
        db.pragma('journal_mode = WAL');
        const ms = (a: number, b: number) => Math.round(b - a);
        return {
          cases: id,
          phases: { load: ms(started, loaded), indexes: ms(loaded, indexed), callers: ms(indexed, callersDone), search: ms(callersDone, performance.now()), searchWait: Math.round(searchWait) },
        };
      } catch (e) {
        searchIndex.abort();
        throw e;
      } finally {
        db.close();
      }
    },

    abort() {
      searchIndex.abort();
      if (db.open) db.close();
    },
  };
}
