/**
 * 领导接听 and 面对面 routes (src/server/api.ts has who may call each). The acting account is
 * the one of the access token.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { instantOf, rotaDates } from '../../shared/leader';
import { addCalendarDays, CalendarNotCoveredError, shanghaiDate } from '../../shared/workorders';
import { API } from '../api';
import { auditSource, recordAudit } from '../audit/service';
import type { AuthService, Caller } from '../auth/service';
import type { ServerConfig } from '../config';
import type { Db } from '../db/adapter';
import { HttpError } from '../errors';
import { route } from '../http';
import { lockHead } from '../sync/versions';
import { calendarFor } from '../workorders/service';
import {
  currentSession,
  dispatchSession,
  faceToFaceAfter,
  flaggedOrders,
  getMeeting,
  getSession,
  insertSession,
  listMeetings,
  listSessions,
  overlapping,
  sessionDetail,
} from './service';

export interface LeaderDeps {
  db: Db;
  config: ServerConfig;
  now: () => number;
  auth: AuthService;
}

const sessionNotFound = (id: string) => new HttpError(404, 'session_not_found', `no leader session ${id.slice(0, 64)}`);
const actorOf = (caller: Caller) => ({ id: caller.id, username: caller.username, role: caller.role });

export function registerLeaderRoutes(app: FastifyInstance, deps: LeaderDeps): void {
  const { db, config } = deps;

  route(app, API.leaderSessions, deps.auth, async (_body, { query }) => {
    const now = deps.now();
    const today = shanghaiDate(now);
    const from = query.from ?? addCalendarDays(today, -30);
    const to = query.to ?? addCalendarDays(today, 120);
    if (to < from) throw new HttpError(400, 'invalid_request', 'to: must not be before from', { field: 'to' });
    return { sessions: await listSessions(db, from, to, now) };
  });

  route(app, API.leaderCurrent, deps.auth, async (_body, { query }) => {
    const now = deps.now();
    return { session: await currentSession(db, query.seat, shanghaiDate(now), now) };
  });

  route(app, API.createLeaderSession, deps.auth, async (body, { caller, req }) => {
    const now = deps.now();
    const session = await db.transaction(async (tx) => {
      // one seat, one leader at a time: concurrent creations for a seat queue on its lock
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`leader:${body.seat}`]);
      const clash = await overlapping(tx, body.seat, body.date, body.startTime, body.endTime);
      if (clash) {
        throw new HttpError(
          409,
          'session_overlap',
          `坐席 ${body.seat} 在 ${clash.date} ${clash.startTime}–${clash.endTime} 已安排 ${clash.leaderName || '（待定）'} 接听 / the seat already has a session then`,
          { field: 'startTime' },
        );
      }
      return insertSession(tx, body, caller.username, now);
    });
    await recordAudit(db, { actor: actorOf(caller), action: 'leader.schedule', targetType: 'leader_session', target: session.id, source: auditSource(req), details: { date: session.date, seat: session.seat } }, now);
    return { session };
  });

  route(app, API.leaderRota, deps.auth, async (body, { caller, req }) => {
    const now = deps.now();
    const from = body.from ?? shanghaiDate(now);
    let dates;
    try {
      dates = rotaDates(calendarFor(config.workOrders), from, body.weeks, body.weekday as number);
    } catch (e) {
      if (e instanceof CalendarNotCoveredError) throw new HttpError(422, 'calendar_year_not_covered', e.message);
      throw e;
    }
    const result = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`leader:${body.seat}`]);
      const created = [];
      const skipped: string[] = [];
      let turn = 0;
      for (const d of dates) {
        const [taken] = await tx.query<{ n: number }>('SELECT 1 AS n FROM leader_sessions WHERE seat = $1 AND date = $2::date LIMIT 1', [body.seat, d.date]);
        if (taken) {
          skipped.push(d.date);
          continue;
        }
        const leader = body.leaders.length ? body.leaders[turn++ % body.leaders.length]! : { leaderName: '', leaderTitle: '', department: '' };
        created.push(
          await insertSession(
            tx,
            { ...leader, date: d.date, startTime: body.startTime, endTime: body.endTime, seat: body.seat, movedFrom: d.date === d.planned ? null : d.planned },
            caller.username,
            now,
          ),
        );
      }
      return { created, skipped };
    });
    await recordAudit(db, { actor: actorOf(caller), action: 'leader.rota', targetType: 'leader_session', target: body.seat, source: auditSource(req), details: { weeks: body.weeks, created: result.created.length } }, now);
    return result;
  });

  route(app, API.leaderSession, deps.auth, async (_body, { params }) => {
    const id = params.id ?? '';
    const session = await getSession(db, id, deps.now());
    if (!session) throw sessionNotFound(id);
    return sessionDetail(db, session);
  });

  route(app, API.endLeaderSession, deps.auth, async (_body, { params }) => {
    const id = params.id ?? '';
    const now = deps.now();
    return db.transaction(async (tx) => {
      const s = await getSession(tx, id, now, true);
      if (!s) throw sessionNotFound(id);
      if (s.state === 'ended' || s.state === 'dispatched') throw new HttpError(409, 'session_already_ended', '该场领导接听已结束 / the session has already ended');
      await tx.query('UPDATE leader_sessions SET ended_at = $2 WHERE id = $1::uuid', [id, now]);
      return { session: (await getSession(tx, id, now))! };
    });
  });

  route(app, API.dispatchLeaderSession, deps.auth, async (body, { caller, params, req }) => {
    const id = params.id ?? '';
    const now = deps.now();
    const r = await db.transaction(async (tx) => {
      // the version head first, then the session and the order rows (the push's order)
      const versions = await lockHead(tx);
      const s = await getSession(tx, id, now, true);
      if (!s) throw sessionNotFound(id);
      if (s.state === 'dispatched') throw new HttpError(409, 'session_already_dispatched', '该场领导接听的事项已转督办 / already sent out as supervised orders');
      if (s.state !== 'ended') {
        throw new HttpError(
          409,
          'session_not_ended',
          `领导接听尚未结束（${s.date} ${s.startTime}–${s.endTime}），请先结束接听再转督办 / the session has not ended (it ends at ${new Date(instantOf(s.date, s.endTime)).toISOString()})`,
        );
      }
      const orders = await dispatchSession(tx, caller, s, body, { now, config: config.workOrders, versions });
      await versions.save();
      await tx.query('UPDATE leader_sessions SET dispatched_at = $2 WHERE id = $1::uuid', [id, now]);
      return { session: (await getSession(tx, id, now))!, orders };
    });
    await recordAudit(db, { actor: actorOf(caller), action: 'leader.dispatch', targetType: 'leader_session', target: id, source: auditSource(req), details: { orders: r.orders.length, failed: r.orders.filter((o) => !o.ok).length } }, now);
    req.log.info({ by: caller.username, session: id, orders: r.orders.length }, 'leader session dispatched');
    return r;
  });

  // ─── 面对面 ──────────────────────────────────────────────────────────────────────────────────

  route(app, API.faceToFace, deps.auth, async () => {
    const after = faceToFaceAfter(config.workOrders);
    return { flagged: await flaggedOrders(db, after), meetings: await listMeetings(db, {}), faceToFaceAfter: after };
  });

  route(app, API.meetings, deps.auth, async (_body, { query }) => {
    if (!query.phone) throw new HttpError(400, 'invalid_request', 'phone: required', { field: 'phone' });
    return { meetings: await listMeetings(db, { phone: query.phone }) };
  });

  route(app, API.createMeeting, deps.auth, async (body, { caller, req }) => {
    const now = deps.now();
    const [order] = await db.query<{ id: string; phone: string }>(
      'SELECT c.id, c.phone FROM cases c JOIN work_orders w ON w.case_id = c.id WHERE c.uuid = $1::uuid',
      [body.orderId.toLowerCase()],
    );
    if (!order) throw new HttpError(404, 'order_not_found', `no work order ${body.orderId}`, { field: 'orderId' });
    const [unit] = await db.query<{ active: boolean }>('SELECT active FROM units WHERE code = $1', [body.unitCode]);
    if (!unit) throw new HttpError(422, 'unknown_unit', `没有承办单位 ${body.unitCode} / unknown unit`, { field: 'unitCode' });
    const id = randomUUID();
    await db.query(
      `INSERT INTO face_meetings (id, case_id, phone, attendees, place, at, unit_code, note, state, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'scheduled', $9, $10, $10)`,
      [id, order.id, order.phone, body.attendees, body.place, body.at, body.unitCode, body.note, caller.username, now],
    );
    await recordAudit(db, { actor: actorOf(caller), action: 'meeting.schedule', targetType: 'case', target: body.orderId.toLowerCase(), source: auditSource(req), details: { meeting: id } }, now);
    return { meeting: (await getMeeting(db, id))! };
  });

  route(app, API.meetingOutcome, deps.auth, async (body, { caller, params, req }) => {
    const id = params.id ?? '';
    const now = deps.now();
    const before = await getMeeting(db, id);
    if (!before) throw new HttpError(404, 'meeting_not_found', `no meeting ${id.slice(0, 64)}`);
    await db.query('UPDATE face_meetings SET state = $2, outcome = $3, updated_at = $4 WHERE id = $1::uuid', [id, body.state, body.outcome, now]);
    await recordAudit(db, { actor: actorOf(caller), action: 'meeting.outcome', targetType: 'case', target: before.orderId, source: auditSource(req), details: { meeting: id, state: body.state } }, now);
    return { meeting: (await getMeeting(db, id))! };
  });
}
