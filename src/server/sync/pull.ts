/**
 * POST /api/pull: the centre's cases changed after the client's cursor, oldest change first.
 *
 * The cursor is `<serverId>.<version>`: a change version (src/server/sync/versions.ts), never a
 * clock, tagged with the database it came from so that a cursor shown to a different or rebuilt
 * server is refused (409 cursor_invalid) instead of silently skipping everything before it.
 * Each page is read by one statement, so in one snapshot: the head read there bounds what the
 * page could have missed, so when there is no more, the new cursor is that head (readPage).
 *
 * What a workstation receives (the window): cases created in the last windowDays days, plus
 * every case of a phone number that has a case in that window, so the repeat-caller lookup
 * sees a caller's whole history, offline too.
 *
 * A page of 5,000 cases is built by the database as ONE JSON text (json_build_object per case,
 * string_agg over the page) and spliced into the response unparsed: building a JS object per
 * row and serialising it again was most of the server's time in a first sync. A pull from
 * cursor null also counts the whole window (`total`), for the workstation's progress display.
 *
 * Work orders: a case change carries its order's snapshot (`order`, null for a case that is not
 * 转办) and the order's whole history (`history`, oldest first). Every action on an order gives
 * the case a new version (workorders/service.ts), so a unit's reply or a dispatch from another
 * workstation reaches every workstation that holds the case.
 */
import type { Caller } from '../auth/service';
import { HttpError } from '../errors';
import { refuseClient } from './clients';
import type { SyncDeps } from './push';
import type { Queryable } from '../db/adapter';
import { CASE_RECORD_COLUMNS, CONTACT_RECORD_COLUMNS } from '../../shared/case-model';
import { recordJsonPairs } from './case-row';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PullInput {
  clientId: string;
  cursor: string | null;
  limit: number;
}

export const formatCursor = (serverId: string, version: number): string => `${serverId}.${version}`;

function parseCursor(cursor: string | null, serverId: string): number {
  if (cursor === null) return 0;
  const match = /^([0-9a-f]+)\.(\d{1,15})$/.exec(cursor);
  if (!match) throw new HttpError(400, 'invalid_request', 'cursor: not a cursor this server gave out', { field: 'cursor' });
  if (match[1] !== serverId) {
    throw new HttpError(409, 'cursor_invalid', 'the cursor comes from another server database: pull again from cursor null');
  }
  return Number(match[2]);
}

/**
 * A case as CaseChange's JSON, built by the database: the shared record's fields from their
 * columns (case-row.ts), and what only the server knows (CASE_CHANGE_EXTRA_FIELDS).
 */
const CASE_JSON = `json_build_object(
    ${recordJsonPairs(CASE_RECORD_COLUMNS, 'c').join(',\n    ')},
    'officialNo', c.official_no, 'originClientId', c.origin_client_id, 'version', c.version,
    'contacts', (SELECT coalesce(json_agg(json_build_object(
        ${recordJsonPairs(CONTACT_RECORD_COLUMNS, 'k', 'c.uuid').join(', ')}) ORDER BY k.created_at, k.id), '[]'::json)
      FROM contacts k WHERE k.case_id = c.id),
    'order', (SELECT o.snapshot FROM work_orders o WHERE o.case_id = c.id),
    'history', (SELECT coalesce(json_agg(h.entry ORDER BY h.seq), '[]'::json) FROM order_history h WHERE h.case_id = c.id))`;

/** the window: created in it, or of a phone number that called in it ($2: the window's start) */
export const IN_WINDOW = '(c.created_at >= $2 OR EXISTS (SELECT 1 FROM cases w WHERE w.phone = c.phone AND w.created_at >= $2))';

interface PageRow {
  rows: number;
  lastVersion: number | null;
  /** the page's cases as JSON objects separated by commas (null when none; without a cache) */
  changes: string | null;
  /** with a cache: the page's versions in order, and the texts built for those after `cachedThrough` */
  versions: number[] | null;
  built: string[] | null;
  head: number;
  more: boolean;
  total: number | null;
  /** the client row (null: no such client, or no client asked) */
  accountId: number | null;
  lastMutationId: number | null;
  /** the client's rejections the page's cursor covers, as PullResponse's JSON array */
  rejections: string;
}

/** A page as PullResponse's JSON text, and what the route logs about it. */
export interface PullPage {
  json: string;
  changes: number;
  more: boolean;
}

/**
 * The database builds the page's cases as ONE JSON text (string_agg of json_build_object), so
 * the server never holds an object per case: it splices that text into the response as is.
 */
export async function pull(deps: SyncDeps & { serverId: string }, caller: Caller, input: PullInput): Promise<PullPage> {
  const since = parseCursor(input.cursor, deps.serverId);
  const client = { clientId: input.clientId, accountId: caller.id };
  // a page of a workstation keeping up (not a first sync's or a catch-up's pages of 5,000, which
  // nobody else asks for again and are cheaper as one text): its cases from the process's cache
  const cache = input.limit <= CACHED_PAGE_MAX ? pullCacheOf(deps.db) : null;
  // one statement, so one snapshot, no transaction round trips (see readPage)
  return readPage(deps.db, deps, since, input.limit, client, cache);
}

/** pages of at most this many cases are served through the process's CaseJsonCache */
const CACHED_PAGE_MAX = 1_000;

/**
 * The cases' JSON by version, shared by the pulls this process serves. A floor of N workstations
 * pulling every 2 s asks for the same few new cases N times; built by the database each time,
 * that JSON (a case with its contacts, order and history) was most of a pull's cost.
 *
 * A case's JSON at a given version never changes: every change to a case, its contacts, its
 * order or its history gives it a new version (what pull itself relies on, versions.ts), and
 * each version belongs to one row. So a version's text, once read, serves every later pull that
 * returns that version. The database still decides which versions a page holds (the window, the
 * cursor, the limit); the cache only spares it building their text.
 *
 * `spans` are version ranges (from, to] a page covered whole: every case of the window whose
 * version lies in one was on that page, so its text is here. A pull from a cursor inside a span
 * asks the database to build only the versions after the span's end. Should a version the
 * database returns be missing anyway (evicted meanwhile, or a case that entered the window
 * without a new version), the page is read again without the cache: never a wrong page.
 */
export class CaseJsonCache {
  private readonly texts = new Map<number, string>();
  private spans: [number, number][] = [];
  constructor(private readonly maxEntries = 20_000) {}

  /** the end of the covered range that `since` lies in (since itself: nothing covered after it) */
  coveredThrough(since: number): number {
    for (const [from, to] of this.spans) if (from <= since && since <= to) return to;
    return since;
  }

  get(version: number): string | undefined {
    return this.texts.get(version);
  }

  /** a page from `since` through `through` was read whole; `built` are the texts the database built for it */
  covered(since: number, through: number, built: readonly [number, string][]): void {
    for (const [version, text] of built) this.texts.set(version, text);
    if (through > since) {
      const spans = [...this.spans, [since, through] as [number, number]].sort((a, b) => a[0] - b[0]);
      const merged: [number, number][] = [];
      for (const span of spans) {
        const last = merged.at(-1);
        if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
        else merged.push([span[0], span[1]]);
      }
      this.spans = merged;
    }
    if (this.texts.size > this.maxEntries) this.evict();
  }

  /** drops the oldest versions, down to three quarters of the limit, and the coverage below them */
  private evict(): void {
    const versions = [...this.texts.keys()].sort((a, b) => a - b);
    const cut = versions[versions.length - Math.floor(this.maxEntries * 0.75) - 1]!;
    for (const v of versions) {
      if (v > cut) break;
      this.texts.delete(v);
    }
    this.spans = this.spans.filter(([, to]) => to > cut).map(([from, to]) => [Math.max(from, cut), to]);
  }

  get size(): number {
    return this.texts.size;
  }
}

/** one cache per database the process serves (tests open many) */
const caches = new WeakMap<object, CaseJsonCache>();
export function pullCacheOf(db: object): CaseJsonCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new CaseJsonCache()));
  return cache;
}

/**
 * A page as a pull by no client sees it (no rejections, lastMutationId 0): what the snapshot
 * builder (src/main/sync/snapshot-build.ts, run by scripts/snapshot.ts) reads, so a snapshot
 * holds exactly what a page pull of the same server would have written.
 */
export async function pullForSnapshot(
  deps: Pick<SyncDeps, 'db' | 'now'> & { serverId: string; windowDays: number },
  cursor: string | null,
  limit: number,
): Promise<PullPage> {
  const since = parseCursor(cursor, deps.serverId);
  const pageDeps = { now: deps.now, serverId: deps.serverId, config: { windowDays: deps.windowDays } };
  return deps.db.transaction((tx) => readPage(tx, pageDeps, since, limit, null), { isolation: 'repeatable read', readOnly: true });
}

/**
 * A page in ONE statement: one snapshot (a statement's subqueries all see the same one, READ
 * COMMITTED or not) holds the head, the page, whether more follows, the total, the client row
 * and its rejections, and one round trip serves the pull. The head read in that snapshot bounds
 * what the page could have missed: every push that assigned a version ≤ head committed before
 * the snapshot (pushes assign versions and commit under the head lock, versions.ts), so when
 * there is no more, the new cursor is that head and no row committed later can have a version
 * below it.
 */
async function readPage(
  db: Queryable,
  deps: { now: () => number; serverId: string; config: { windowDays: number } },
  since: number,
  limit: number,
  client: { clientId: string; accountId: number } | null,
  cache: CaseJsonCache | null = null,
): Promise<PullPage> {
  const windowStart = deps.now() - deps.config.windowDays * DAY_MS;
  // with a cache, the database builds the text of the versions after what the cache covers ($6)
  const through = cache ? cache.coveredThrough(since) : since;
  // string_agg takes the rows in the subquery's order: an ORDER BY inside the aggregate
  // would sort megabytes of JSON text (beyond work_mem, on disk) for nothing
  const aggregates = cache
    ? `array_agg(version ORDER BY version) AS versions, array_agg(json ORDER BY version) FILTER (WHERE json IS NOT NULL) AS built, NULL::text AS changes`
    : `string_agg(json, ',') AS changes, NULL::bigint[] AS versions, NULL::text[] AS built`;
  const caseJson = cache ? `CASE WHEN c.version > $6 THEN ${CASE_JSON}::text END` : `${CASE_JSON}::text`;
  const [page] = await db.query<PageRow>(
    `WITH hd AS (SELECT coalesce((SELECT version FROM sync_head), 0)::bigint AS head),
     cl AS (SELECT account_id, last_mutation_id FROM clients WHERE client_id = $4::text),
     pg AS (SELECT count(*)::int AS rows, max(version) AS last, ${aggregates}
            FROM (SELECT c.version, ${caseJson} AS json
                  FROM cases c
                  WHERE c.version > $1 AND ${IN_WINDOW}
                    AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM cl WHERE cl.account_id = $5::bigint))
                  ORDER BY c.version
                  LIMIT $3) page),
     cur AS (SELECT pg.rows, pg.last, pg.changes, pg.versions, pg.built, hd.head,
               -- a full page: is anything left after it?
               (pg.rows = $3 AND EXISTS (SELECT 1 FROM cases c WHERE c.version > pg.last AND ${IN_WINDOW})) AS more
             FROM pg, hd)
     SELECT cur.rows, cur.last AS "lastVersion", cur.changes, cur.versions, cur.built, cur.head, cur.more,
       -- a first pull learns how many cases it is about to receive, for its progress display
       CASE WHEN $1 = 0 THEN (SELECT count(*)::int FROM cases c WHERE c.version > $1 AND ${IN_WINDOW}) END AS total,
       (SELECT account_id FROM cl) AS "accountId", (SELECT last_mutation_id FROM cl) AS "lastMutationId",
       (SELECT coalesce(json_agg(json_build_object('mutationId', r.mutation_id, 'name', r.name, 'code', r.code,
                 'reason', r.reason, 'rejectedAt', r.rejected_at) ORDER BY r.mutation_id), '[]'::json)::text
        FROM rejections r
        WHERE r.client_id = $4::text AND r.version > $1
          AND r.version <= CASE WHEN cur.more THEN cur.last ELSE cur.head END) AS rejections
     FROM cur`,
    [since, windowStart, limit, client?.clientId ?? null, client?.accountId ?? null, ...(cache ? [through] : [])],
    // every pull, every few seconds from every workstation: planned once per connection, for any
    // values (QueryOptions.generic); planned for each pull's values it cost 1.5 ms of 3
    { generic: true },
  );
  const p = page!;
  if (client) {
    if (p.accountId === null) {
      throw new HttpError(403, 'client_not_registered', `client id ${client.clientId} is not registered: POST /api/clients/register first`);
    }
    if (p.accountId !== client.accountId) refuseClient(client.clientId);
  }
  if (since > p.head) {
    throw new HttpError(409, 'cursor_invalid', `the cursor is ahead of this server (${since} > ${p.head}): pull again from cursor null`);
  }
  const cursorVersion = Number(p.more ? p.lastVersion! : p.head);
  let changes = p.changes ?? '';
  if (cache) {
    const built = p.built ?? [];
    const texts: string[] = [];
    const fresh: [number, string][] = [];
    for (const version of (p.versions ?? []).map(Number)) {
      if (version > through) {
        const text = built[fresh.length]!;
        fresh.push([version, text]);
        texts.push(text);
        continue;
      }
      const text = cache.get(version);
      // not there after all: this page again, every text built by the database
      if (text === undefined) return readPage(db, deps, since, limit, client, null);
      texts.push(text);
    }
    // every case of the window with a version in (since, cursorVersion] was on this page
    cache.covered(since, cursorVersion, fresh);
    changes = texts.join(',');
  }
  const json =
    `{"cursor":${JSON.stringify(formatCursor(deps.serverId, cursorVersion))},"changes":[${changes}],` +
    `"rejections":${p.rejections},"lastMutationId":${p.lastMutationId ?? 0},"more":${p.more}` +
    `${since === 0 ? `,"total":${p.total ?? 0}` : ''}}`;
  return { json, changes: p.rows, more: p.more };
}
