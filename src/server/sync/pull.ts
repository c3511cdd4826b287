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
 */
import type { CaseChange, ContactChange, PullResponse, Rejection } from '../../shared/sync';
import type { Caller } from '../auth/service';
import { HttpError } from '../errors';
import { requireClient } from './clients';
import type { SyncDeps } from './push';
import { readHead } from './versions';

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

type CallColumns = { callId: string | null; ringAt: number | null; answerAt: number | null; endAt: number | null; talkSeconds: number | null };
type CaseRow = Omit<CaseChange, 'contacts' | 'call'> & { id: number } & CallColumns;
type ContactRow = ContactChange & { caseId: number };

export async function pull(deps: SyncDeps & { serverId: string }, caller: Caller, input: PullInput): Promise<PullResponse> {
  const since = parseCursor(input.cursor, deps.serverId);
  const windowStart = deps.now() - deps.config.windowDays * DAY_MS;
  return deps.db.transaction(
    async (tx) => {
      const { lastMutationId } = await requireClient(tx, caller.id, input.clientId);
      const head = await readHead(tx);
      if (since > head) {
        throw new HttpError(409, 'cursor_invalid', `the cursor is ahead of this server (${since} > ${head}): pull again from cursor null`);
      }
      const rows = await tx.query<CaseRow>(
        `SELECT c.id, c.uuid::text AS uuid, c.official_no AS "officialNo", c.local_no AS "localNo", c.workstation,
                c.phone, c.phone_ext AS "phoneExt", c.caller_name AS "callerName", c.channel, c.request_type AS "requestType",
                c.category_code AS "categoryCode", c.region_code AS "regionCode", c.address, c.content, c.answer,
                c.urgency, c.handling_mode AS "handlingMode", c.status, c.confidential, c.operator,
                c.created_at AS "createdAt", c.origin_client_id AS "originClientId", c.version,
                c.call_id AS "callId", c.call_ring_at AS "ringAt", c.call_answer_at AS "answerAt", c.call_end_at AS "endAt",
                c.talk_seconds AS "talkSeconds"
         FROM cases c
         WHERE c.version > $1
           AND (c.created_at >= $2 OR EXISTS (SELECT 1 FROM cases w WHERE w.phone = c.phone AND w.created_at >= $2))
         ORDER BY c.version
         LIMIT $3`,
        [since, windowStart, input.limit + 1],
      );
      const more = rows.length > input.limit;
      const page = more ? rows.slice(0, input.limit) : rows;
      const cursorVersion = more ? page.at(-1)!.version : head;

      const contacts = page.length
        ? await tx.query<ContactRow>(
            `SELECT k.case_id AS "caseId", k.uuid::text AS uuid, c.uuid::text AS "caseUuid", k.phone, k.phone_ext AS "phoneExt",
                    k.caller_name AS "callerName", k.channel, k.request_type AS "requestType", k.content, k.operator,
                    k.created_at AS "createdAt"
             FROM contacts k JOIN cases c ON c.id = k.case_id
             WHERE k.case_id = ANY($1::bigint[])
             ORDER BY k.case_id, k.created_at, k.id`,
            [page.map((r) => r.id)],
          )
        : [];
      const byCase = new Map<number, ContactChange[]>();
      for (const { caseId, ...contact } of contacts) {
        const list = byCase.get(caseId) ?? [];
        list.push(contact);
        byCase.set(caseId, list);
      }
      const rejections = await tx.query<Rejection>(
        `SELECT mutation_id AS "mutationId", name, code, reason, rejected_at AS "rejectedAt"
         FROM rejections WHERE client_id = $1 AND version > $2 AND version <= $3 ORDER BY mutation_id`,
        [input.clientId, since, cursorVersion],
      );
      return {
        cursor: formatCursor(deps.serverId, cursorVersion),
        changes: page.map(({ id, callId, ringAt, answerAt, endAt, talkSeconds, ...c }) => ({
          ...c,
          call: callId === null ? null : { callId, ringAt, answerAt, endAt, talkSeconds },
          contacts: byCase.get(id) ?? [],
        })),
        rejections,
        lastMutationId,
        more,
      };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}
