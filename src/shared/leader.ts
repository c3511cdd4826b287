/**
 * 领导接听 (leader-on-duty sessions) and 面对面 (face-to-face meetings): the shapes the server's
 * routes speak, the weekly rota and a session's state. Pure (zod + the working calendar).
 *
 * A session is one leader taking calls at one seat (the workstation code, 坐席编号) on one date
 * between two times of day (Asia/Shanghai). Its state follows the clock — scheduled before the
 * start, running until the end (or until a supervisor ends it early), ended after — until a
 * supervisor sends its items out as supervised orders (转督办): dispatched.
 *
 * The rota (值班表): one session a week on a weekday (default Wednesday, 09:00–10:30), moved to
 * the next working day when that day is not one (逢节假日顺延), from the working calendar of
 * src/shared/workorders/calendar.ts.
 */
import { z } from 'zod';
import {
  addCalendarDays,
  LocalDateSchema,
  startOfShanghaiDay,
  weekday,
  type LocalDate,
  type WorkingCalendar,
} from './workorders/calendar';

export const LEADER_SESSION_STATES = ['scheduled', 'running', 'ended', 'dispatched'] as const;
export const LeaderSessionState = z.enum(LEADER_SESSION_STATES);
export type LeaderSessionState = z.infer<typeof LeaderSessionState>;

/** HH:MM, 24 h */
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM (00:00–23:59)');
const name = (max: number) => z.string().trim().min(1).max(max);
/** the seat: a workstation code as the workstations send it (CaseCreateCase.workstation) */
export const Seat = z.string().trim().min(1).max(16);

export const DEFAULT_ROTA = { weekday: 3, startTime: '09:00', endTime: '10:30' } as const;

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
/** The instant of a time of day on a Shanghai date. */
export const instantOf = (date: LocalDate, time: string): number => startOfShanghaiDay(date) + minutes(time) * 60_000;

const endAfterStart = <T extends { startTime: string; endTime: string }>(s: T) => minutes(s.endTime) > minutes(s.startTime);
const endAfterStartIssue = { message: 'endTime must be after startTime', path: ['endTime'] };

/** POST /api/leader/sessions: 安排领导接听 */
export const CreateLeaderSessionRequest = z
  .object({
    date: LocalDateSchema,
    startTime: TimeOfDay,
    endTime: TimeOfDay,
    leaderName: name(40),
    leaderTitle: z.string().trim().max(60).default(''),
    department: name(80),
    seat: Seat,
  })
  .strict()
  .refine(endAfterStart, endAfterStartIssue);
export type CreateLeaderSessionRequest = z.infer<typeof CreateLeaderSessionRequest>;

/** POST /api/leader/rota: the next `weeks` weekly sessions (existing ones at the seat on a date are kept) */
export const LeaderRotaRequest = z
  .object({
    weeks: z.number().int().min(1).max(52),
    /** ISO weekday 1 (Monday) … 7; default 3 (Wednesday) */
    weekday: z.number().int().min(1).max(7).default(DEFAULT_ROTA.weekday),
    startTime: TimeOfDay.default(DEFAULT_ROTA.startTime),
    endTime: TimeOfDay.default(DEFAULT_ROTA.endTime),
    seat: Seat,
    /** the first date considered (default: today, Shanghai) */
    from: LocalDateSchema.optional(),
    /** leaders taking turns, one a week; none: the sessions wait for a name (待定) */
    leaders: z
      .array(z.object({ leaderName: name(40), leaderTitle: z.string().trim().max(60).default(''), department: name(80) }).strict())
      .max(52)
      .default([]),
  })
  .strict()
  .refine(endAfterStart, endAfterStartIssue);
export type LeaderRotaRequest = z.infer<typeof LeaderRotaRequest>;

export const LeaderSession = z.object({
  id: z.string().uuid(),
  date: LocalDateSchema,
  startTime: TimeOfDay,
  endTime: TimeOfDay,
  leaderName: z.string(),
  leaderTitle: z.string(),
  department: z.string(),
  seat: z.string(),
  state: LeaderSessionState,
  /** the rota's date before 逢节假日顺延, when it moved */
  movedFrom: LocalDateSchema.nullable(),
  endedAt: z.number().int().nullable(),
  dispatchedAt: z.number().int().nullable(),
  createdBy: z.string(),
  createdAt: z.number().int(),
});
export type LeaderSession = z.infer<typeof LeaderSession>;

/** The two figures the article reports, counted from the session's items. */
export const LeaderSessionFigures = z.object({
  /** cases logged at the seat during the session (受理事项) */
  items: z.number().int(),
  /** of them 已办结 */
  closed: z.number().int(),
  /** 办结率 closed ÷ items (null: no items) */
  completion: z.number().nullable(),
  /** follow-ups that reached the caller (回访接通) */
  reached: z.number().int(),
  /** of them satisfied */
  satisfied: z.number().int(),
  /** 回访满意率 satisfied ÷ reached (null: none reached) */
  satisfaction: z.number().nullable(),
});
export type LeaderSessionFigures = z.infer<typeof LeaderSessionFigures>;

export const LeaderSessionItem = z.object({
  caseId: z.string().uuid(),
  officialNo: z.string().nullable(),
  localNo: z.string(),
  callerName: z.string(),
  content: z.string(),
  handlingMode: z.string(),
  status: z.string(),
  /** the work order's state, null for a direct answer */
  orderState: z.string().nullable(),
  unitCode: z.string().nullable(),
  supervision: z.string().nullable(),
});
export type LeaderSessionItem = z.infer<typeof LeaderSessionItem>;

export const LeaderSessionList = z.object({ sessions: z.array(LeaderSession) });
export const LeaderSessionResponse = z.object({ session: LeaderSession });
export const LeaderCurrentResponse = z.object({ session: LeaderSession.nullable() });
export const LeaderSessionDetail = z.object({ session: LeaderSession, items: z.array(LeaderSessionItem), figures: LeaderSessionFigures });
export type LeaderSessionDetail = z.infer<typeof LeaderSessionDetail>;
export const LeaderRotaResponse = z.object({ created: z.array(LeaderSession), skipped: z.array(LocalDateSchema) });

/** POST /api/leader/sessions/:id/dispatch: 转督办 */
export const LeaderDispatchRequest = z
  .object({
    /** 督办时限 of each order; default 5 working days */
    limitDays: z.number().int().min(1).max(60).default(5),
    note: z.string().trim().max(1000).default(''),
  })
  .strict();
export const LeaderDispatchResponse = z.object({
  session: LeaderSession,
  orders: z.array(
    z.object({ caseId: z.string(), ok: z.boolean(), unitCode: z.string().nullable(), code: z.string().nullable(), message: z.string().nullable() }),
  ),
});

/** The state of a session at `now`. */
export function sessionState(s: { date: LocalDate; startTime: string; endTime: string; endedAt: number | null; dispatchedAt: number | null }, now: number): LeaderSessionState {
  if (s.dispatchedAt !== null) return 'dispatched';
  if (s.endedAt !== null || now >= instantOf(s.date, s.endTime)) return 'ended';
  if (now >= instantOf(s.date, s.startTime)) return 'running';
  return 'scheduled';
}

/** The first working day on or after `date` (逢节假日顺延). */
export function nextWorkingDayFrom(cal: WorkingCalendar, date: LocalDate): LocalDate {
  let d = date;
  for (let i = 0; i < 60 && !cal.isWorkday(d); i++) d = addCalendarDays(d, 1);
  return d;
}

/**
 * The rota's dates: the first `isoWeekday` on or after `from`, then every 7 days, `weeks` of them,
 * each moved to the next working day when it is not one. `planned` is the rota's own date.
 */
export function rotaDates(cal: WorkingCalendar, from: LocalDate, weeks: number, isoWeekday: number = DEFAULT_ROTA.weekday): { planned: LocalDate; date: LocalDate }[] {
  const wd = (d: LocalDate) => (weekday(d) === 0 ? 7 : weekday(d));
  const first = addCalendarDays(from, (isoWeekday - wd(from) + 7) % 7);
  const out: { planned: LocalDate; date: LocalDate }[] = [];
  for (let k = 0; k < weeks; k++) {
    const planned = addCalendarDays(first, 7 * k);
    out.push({ planned, date: nextWorkingDayFrom(cal, planned) });
  }
  return out;
}

// ─── 面对面 ───────────────────────────────────────────────────────────────────────────────────

export const MEETING_STATES = ['scheduled', 'held', 'cancelled'] as const;
export const MeetingState = z.enum(MEETING_STATES);
export type MeetingState = z.infer<typeof MeetingState>;

/** POST /api/meetings: 安排面对面 */
export const CreateMeetingRequest = z
  .object({
    /** the order (the case's uuid) the caller stays unsatisfied about */
    orderId: z.string().uuid(),
    /** 参加人员: who meets the caller */
    attendees: name(200),
    /** 地点 */
    place: name(200),
    /** 时间 */
    at: z.number().int().min(0),
    /** 承办单位 invited */
    unitCode: z.string().trim().min(1).max(32),
    note: z.string().trim().max(1000).default(''),
  })
  .strict();
export type CreateMeetingRequest = z.infer<typeof CreateMeetingRequest>;

/** POST /api/meetings/:id/outcome: 面谈结果 */
export const MeetingOutcomeRequest = z
  .object({ state: z.enum(['held', 'cancelled']), outcome: z.string().trim().min(2).max(2000) })
  .strict();

export const Meeting = z.object({
  id: z.string().uuid(),
  orderId: z.string().uuid(),
  officialNo: z.string().nullable(),
  phone: z.string(),
  callerName: z.string(),
  attendees: z.string(),
  place: z.string(),
  at: z.number().int(),
  unitCode: z.string(),
  unitName: z.string(),
  note: z.string(),
  state: MeetingState,
  outcome: z.string(),
  createdBy: z.string(),
  createdAt: z.number().int(),
});
export type Meeting = z.infer<typeof Meeting>;

/** An order whose caller stayed unsatisfied on `faceToFaceAfter` follow-ups (面对面候选). */
export const FlaggedOrder = z.object({
  orderId: z.string().uuid(),
  officialNo: z.string().nullable(),
  phone: z.string(),
  callerName: z.string(),
  content: z.string(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  unsatisfiedCount: z.number().int(),
  /** a meeting is already scheduled or held for the order */
  meetingId: z.string().nullable(),
});
export type FlaggedOrder = z.infer<typeof FlaggedOrder>;

export const FaceToFaceResponse = z.object({ flagged: z.array(FlaggedOrder), meetings: z.array(Meeting), faceToFaceAfter: z.number().int() });
export type FaceToFaceResponse = z.infer<typeof FaceToFaceResponse>;
export const MeetingResponse = z.object({ meeting: Meeting });
export const MeetingListQuery = z.object({ phone: z.string().regex(/^\+?\d{3,20}$/).optional() });
export const MeetingList = z.object({ meetings: z.array(Meeting) });
