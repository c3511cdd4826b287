/**
 * POST /api/pull: the centre's cases changed after the client's cursor, oldest change first.
 *
 * The cursor is `<serverId>.<version>`: a change version (src/server/sync/versions.ts), never a
 * clock, tagged with the database it came from so that a cursor shown to a different or rebuilt
 * server is refused (409 cursor_invalid) instead of silently skipping everything before it.
 * Each page is read in one REPEATABLE READ snapshot: the head read there bounds what the page
 * could have missed, so when there is no more, the new cursor is that head.
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
import type { Rejection } from '../../shared/sync';
import type { Caller } from '../auth/service';
import { HttpError } from '../errors';
import { requireClient } from './clients';
import type { SyncDeps } from './push';
import { readHead } from './versions';
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

/** the window: created in it, or of a phone number that called in it */
const IN_WINDOW = '(c.created_at >= $2 OR EXISTS (SELECT 1 FROM cases w WHERE w.phone = c.phone AND w.created_at >= $2))';

interface PageRow {
  rows: number;
  lastVersion: number | null;
  /** the page's cases as JSON objects separated by commas (null when none) */
  changes: string | null;
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
  return deps.db.transaction(
    async (tx) => {
      const { lastMutationId } = await requireClient(tx, caller.id, input.clientId);
      return readPage(tx, deps, since, input.limit, { clientId: input.clientId, lastMutationId });
    },
    { isolation: 'repeatable read', readOnly: true },
  );
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

async function readPage(
  tx: Queryable,
  deps: { now: () => number; serverId: string; config: { windowDays: number } },
  since: number,
  limit: number,
  client: { clientId: string; lastMutationId: number } | null,
): Promise<PullPage> {
  const windowStart = deps.now() - deps.config.windowDays * DAY_MS;
  const head = await readHead(tx);
  if (since > head) {
    throw new HttpError(409, 'cursor_invalid', `the cursor is ahead of this server (${since} > ${head}): pull again from cursor null`);
  }
  // string_agg takes the rows in the subquery's order: an ORDER BY inside the aggregate
  // would sort megabytes of JSON text (beyond work_mem, on disk) for nothing
  const [page] = await tx.query<PageRow>(
    `SELECT count(*)::int AS rows, max(version) AS "lastVersion", string_agg(json, ',') AS changes
     FROM (SELECT c.version, ${CASE_JSON}::text AS json
           FROM cases c
           WHERE c.version > $1 AND ${IN_WINDOW}
           ORDER BY c.version
           LIMIT $3) page`,
    [since, windowStart, limit],
  );
  const count = page!.rows;
  // a full page: is anything left after it?
  const more =
    count === limit &&
    (
      await tx.query<{ more: boolean }>(`SELECT EXISTS (SELECT 1 FROM cases c WHERE c.version > $1 AND ${IN_WINDOW}) AS more`, [
        page!.lastVersion,
        windowStart,
      ])
    )[0]!.more;
  const cursorVersion = more ? page!.lastVersion! : head;
  // a first pull learns how many cases it is about to receive, for its progress display
  const total =
    since === 0
      ? (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases c WHERE c.version > $1 AND ${IN_WINDOW}`, [since, windowStart]))[0]!.n
      : null;
  const rejections = client
    ? await tx.query<Rejection>(
        `SELECT mutation_id AS "mutationId", name, code, reason, rejected_at AS "rejectedAt"
         FROM rejections WHERE client_id = $1 AND version > $2 AND version <= $3 ORDER BY mutation_id`,
        [client.clientId, since, cursorVersion],
      )
    : [];
  const json =
    `{"cursor":${JSON.stringify(formatCursor(deps.serverId, cursorVersion))},"changes":[${page!.changes ?? ''}],` +
    `"rejections":${JSON.stringify(rejections)},"lastMutationId":${client?.lastMutationId ?? 0},"more":${more}` +
    `${total === null ? '' : `,"total":${total}`}}`;
  return { json, changes: count, more };
}
