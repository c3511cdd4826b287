/**
 * 领导接听 sessions and 面对面 meetings on the server (src/shared/leader.ts has the shapes).
 * A session's state follows the clock (sessionState); only `ended_at` (结束接听) and
 * `dispatched_at` (转督办) are written after it is created.
 */
import { randomUUID } from 'node:crypto';
import {
  sessionState,
  type FlaggedOrder,
  type LeaderSession,
  type LeaderSessionDetail,
  type LeaderSessionItem,
  type Meeting,
} from '../../shared/leader';
import { suggestUnit } from '../../shared/units';
import { followUpSettings, type ActionName } from '../../shared/workorders';
import type { Caller } from '../auth/service';
import type { WorkOrderConfig } from '../config';
import type { Queryable } from '../db/adapter';
import { listRules } from '../units/service';
import { actOnOrders, type ActResult, type ActionRequest } from '../workorders/service';
import type { VersionAllocator } from '../sync/versions';

type SessionRow = Omit<LeaderSession, 'state' | 'endedAt' | 'dispatchedAt' | 'createdAt'> & {
  endedAt: string | number | null;
  dispatchedAt: string | number | null;
  createdAt: string | number;
};

const SESSION_COLUMNS = `id::text AS id, to_char(date, 'YYYY-MM-DD') AS date, start_time AS "startTime", end_time AS "endTime",
  leader_name AS "leaderName", leader_title AS "leaderTitle", department, seat,
  to_char(moved_from, 'YYYY-MM-DD') AS "movedFrom", ended_at AS "endedAt", dispatched_at AS "dispatchedAt",
  created_by AS "createdBy", created_at AS "createdAt"`;

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

export function toSession(r: SessionRow, now: number): LeaderSession {
  const base = { ...r, endedAt: num(r.endedAt), dispatchedAt: num(r.dispatchedAt), createdAt: Number(r.createdAt) };
  return { ...base, state: sessionState(base, now) };
}

export async function listSessions(db: Queryable, from: string, to: string, now: number): Promise<LeaderSession[]> {
  const rows = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM leader_sessions WHERE date BETWEEN $1::date AND $2::date ORDER BY date, start_time, seat`,
    [from, to],
  );
  return rows.map((r) => toSession(r, now));
}

export async function getSession(db: Queryable, id: string, now: number, lock = false): Promise<LeaderSession | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [r] = await db.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM leader_sessions WHERE id = $1::uuid${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r ? toSession(r, now) : null;
}

/** The session at a seat on a date whose times overlap [start, end), if any. */
export async function overlapping(db: Queryable, seat: string, date: string, start: string, end: string): Promise<LeaderSession | null> {
  const [r] = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM leader_sessions WHERE seat = $1 AND date = $2::date AND start_time < $4 AND end_time > $3 LIMIT 1`,
    [seat, date, start, end],
  );
  return r ? toSession(r, 0) : null;
}

export interface NewSession {
  date: string;
  startTime: string;
  endTime: string;
  leaderName: string;
  leaderTitle: string;
  department: string;
  seat: string;
  movedFrom?: string | null;
}

export async function insertSession(db: Queryable, s: NewSession, by: string, now: number): Promise<LeaderSession> {
  const [r] = await db.query<SessionRow>(
    `INSERT INTO leader_sessions (id, date, start_time, end_time, leader_name, leader_title, department, seat, moved_from, created_by, created_at)
     VALUES ($1, $2::date, $3, $4, $5, $6, $7, $8, $9::date, $10, $11) RETURNING ${SESSION_COLUMNS}`,
    [randomUUID(), s.date, s.startTime, s.endTime, s.leaderName, s.leaderTitle, s.department, s.seat, s.movedFrom ?? null, by, now],
  );
  return toSession(r!, now);
}

/** The session running now at a seat (the latest started, when two overlap). */
export async function currentSession(db: Queryable, seat: string, today: string, now: number): Promise<LeaderSession | null> {
  const rows = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM leader_sessions WHERE seat = $1 AND date = $2::date AND ended_at IS NULL AND dispatched_at IS NULL
     ORDER BY start_time DESC`,
    [seat, today],
  );
  return rows.map((r) => toSession(r, now)).find((s) => s.state === 'running') ?? null;
}

/** Items with their orders, and the two figures: 办结率 (closed ÷ items) and 回访满意率 (satisfied ÷ reached follow-ups). */
export async function sessionDetail(db: Queryable, session: LeaderSession): Promise<LeaderSessionDetail> {
  const items = await db.query<LeaderSessionItem>(
    `SELECT c.uuid::text AS "caseId", c.official_no AS "officialNo", c.local_no AS "localNo", c.caller_name AS "callerName",
       c.content, c.handling_mode AS "handlingMode", c.status, w.state AS "orderState", w.unit_code AS "unitCode",
       w.snapshot->'supervision'->>'level' AS supervision
     FROM cases c LEFT JOIN work_orders w ON w.case_id = c.id
     WHERE c.leader_session_id = $1::uuid ORDER BY c.created_at, c.id`,
    [session.id],
  );
  const [f] = await db.query<{ reached: string; satisfied: string }>(
    `SELECT count(*) FILTER (WHERE h.entry->'details'->>'outcome' = 'reached') AS reached,
            count(*) FILTER (WHERE h.entry->'details'->>'outcome' = 'reached' AND h.entry->'details'->>'satisfied' = 'true') AS satisfied
     FROM cases c JOIN order_history h ON h.case_id = c.id
     WHERE c.leader_session_id = $1::uuid AND h.entry->>'action' = 'follow_up'`,
    [session.id],
  );
  const closed = items.filter((i) => i.status === 'closed').length;
  const reached = Number(f?.reached ?? 0);
  const satisfied = Number(f?.satisfied ?? 0);
  return {
    session,
    items,
    figures: {
      items: items.length,
      closed,
      completion: items.length ? closed / items.length : null,
      reached,
      satisfied,
      satisfaction: reached ? satisfied / reached : null,
    },
  };
}

export interface DispatchOutcome {
  caseId: string;
  ok: boolean;
  unitCode: string | null;
  code: string | null;
  message: string | null;
}

/**
 * 转督办: every 转办 item of the session goes out as a supervised order — 派单 to the unit the
 * dispatch catalogue suggests (when it waits in 待派单 or 已退回), then 督办 重点 with its own
 * deadline. Orders already dispatched are supervised only; orders in 回访 or closed are left.
 * Runs inside the caller's transaction, which holds the version head.
 */
export async function dispatchSession(
  tx: Queryable,
  caller: Caller,
  session: LeaderSession,
  args: { limitDays: number; note: string },
  opts: { now: number; config: WorkOrderConfig; versions: VersionAllocator },
): Promise<DispatchOutcome[]> {
  const orders = await tx.query<{ caseId: string; state: string; categoryCode: string; regionCode: string; unitCode: string | null }>(
    `SELECT c.uuid::text AS "caseId", w.state, c.category_code AS "categoryCode", c.region_code AS "regionCode", w.unit_code AS "unitCode"
     FROM cases c JOIN work_orders w ON w.case_id = c.id
     WHERE c.leader_session_id = $1::uuid ORDER BY c.created_at, c.id`,
    [session.id],
  );
  const rules = await listRules(tx);
  const who = [session.leaderTitle, session.leaderName].filter(Boolean).join(' ');
  const note = args.note || `领导接听（${session.date} ${session.department}${who ? ` ${who}` : ''}）受理事项转督办`;
  const reqs: ActionRequest[] = [];
  const plan: { caseId: string; unitCode: string | null; first: number; count: number; problem: string | null }[] = [];
  for (const o of orders) {
    if (o.state === 'pending_follow_up' || o.state === 'closed') continue;
    const first = reqs.length;
    let unitCode = o.unitCode;
    let problem: string | null = null;
    if (o.state === 'pending_dispatch' || o.state === 'returned') {
      unitCode = suggestUnit(rules, o.categoryCode, o.regionCode) ?? suggestUnit(rules, '', '');
      if (unitCode) reqs.push({ orderId: o.caseId, action: 'dispatch' as ActionName, args: { leadUnitId: unitCode, note } });
      else problem = 'no_suggested_unit';
    }
    if (problem === null) {
      reqs.push({ orderId: o.caseId, action: 'supervise', args: { level: 'key', limit: { unit: 'working_days', value: args.limitDays }, note } });
    }
    plan.push({ caseId: o.caseId, unitCode, first, count: reqs.length - first, problem });
  }
  const results: ActResult[] = reqs.length ? await actOnOrders(tx, caller, reqs, opts) : [];
  return plan.map((p) => {
    if (p.problem) return { caseId: p.caseId, ok: false, unitCode: null, code: p.problem, message: '派单目录中没有该分类和区域的承办单位，请手工派单' };
    const failed = results.slice(p.first, p.first + p.count).find((r) => !r.ok);
    if (!failed || failed.ok) return { caseId: p.caseId, ok: true, unitCode: p.unitCode, code: null, message: null };
    return {
      caseId: p.caseId,
      ok: false,
      unitCode: p.unitCode,
      code: failed.reason === 'refused' ? failed.code : failed.reason,
      message: failed.reason === 'refused' ? failed.message.zh : null,
    };
  });
}

// ─── 面对面 ───────────────────────────────────────────────────────────────────────────────────

const MEETING_COLUMNS = `m.id::text AS id, c.uuid::text AS "orderId", c.official_no AS "officialNo", m.phone, c.caller_name AS "callerName",
  m.attendees, m.place, m.at, m.unit_code AS "unitCode", coalesce(u.name, m.unit_code) AS "unitName", m.note, m.state, m.outcome,
  m.created_by AS "createdBy", m.created_at AS "createdAt"`;
const MEETING_FROM = 'face_meetings m JOIN cases c ON c.id = m.case_id LEFT JOIN units u ON u.code = m.unit_code';

const toMeeting = (r: Meeting): Meeting => ({ ...r, at: Number(r.at), createdAt: Number(r.createdAt) });

export const faceToFaceAfter = (cfg: WorkOrderConfig): number => followUpSettings(cfg.settings).faceToFaceAfter;

/** Orders whose caller stayed unsatisfied on `after` follow-ups or more, newest first. */
export async function flaggedOrders(db: Queryable, after: number, limit = 200): Promise<FlaggedOrder[]> {
  const rows = await db.query<FlaggedOrder>(
    `SELECT c.uuid::text AS "orderId", c.official_no AS "officialNo", c.phone, c.caller_name AS "callerName", c.content,
       w.lead_unit_code AS "unitCode", u.name AS "unitName", (w.snapshot->'followUp'->>'unsatisfiedCount')::int AS "unsatisfiedCount",
       (SELECT m.id::text FROM face_meetings m WHERE m.case_id = c.id AND m.state <> 'cancelled' ORDER BY m.at DESC LIMIT 1) AS "meetingId"
     FROM work_orders w JOIN cases c ON c.id = w.case_id LEFT JOIN units u ON u.code = w.lead_unit_code
     WHERE w.snapshot->'followUp'->'unsatisfiedCount' >= to_jsonb($1::int)
     ORDER BY c.created_at DESC LIMIT $2`,
    [after, limit],
  );
  return rows;
}

export async function listMeetings(db: Queryable, opts: { phone?: string; limit?: number }): Promise<Meeting[]> {
  const rows = opts.phone
    ? await db.query<Meeting>(`SELECT ${MEETING_COLUMNS} FROM ${MEETING_FROM} WHERE m.phone = $1 ORDER BY m.at DESC LIMIT 50`, [opts.phone])
    : await db.query<Meeting>(
        `SELECT ${MEETING_COLUMNS} FROM ${MEETING_FROM} ORDER BY (m.state = 'scheduled') DESC, m.at DESC LIMIT $1`,
        [opts.limit ?? 200],
      );
  return rows.map(toMeeting);
}

export async function getMeeting(db: Queryable, id: string): Promise<Meeting | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [r] = await db.query<Meeting>(`SELECT ${MEETING_COLUMNS} FROM ${MEETING_FROM} WHERE m.id = $1::uuid`, [id]);
  return r ? toMeeting(r) : null;
}
