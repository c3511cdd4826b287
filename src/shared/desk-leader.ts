/**
 * The desktop's 领导接听 and 面对面 calls (main → the server's routes, online only: they need the
 * centre's data). Answers are `{ ok: true, … }` or a refusal (src/shared/desk-admin.ts), 'offline'
 * when the server cannot be reached — the screens say so in Chinese and keep what was typed.
 */
import { z } from 'zod';
import { AdminRefusal } from './desk-admin';
import {
  CreateLeaderSessionRequest,
  CreateMeetingRequest,
  FaceToFaceResponse,
  LeaderDispatchRequest,
  LeaderDispatchResponse,
  LeaderRotaRequest,
  LeaderRotaResponse,
  LeaderSession,
  LeaderSessionDetail,
  Meeting,
  MeetingOutcomeRequest,
} from './leader';

const answer = <T extends z.ZodRawShape>(shape: T) => z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), ...shape }), AdminRefusal]);
const Id = z.object({ id: z.string().uuid() }).strict();

export const DESK_LEADER_CHANNELS = {
  'leader.list': { input: z.object({}).strict(), output: answer({ sessions: z.array(LeaderSession) }) },
  /** the session running now at this workstation's seat (its code), or null */
  'leader.current': { input: z.object({}).strict(), output: answer({ session: LeaderSession.nullable() }) },
  'leader.create': { input: CreateLeaderSessionRequest, output: answer({ session: LeaderSession }) },
  'leader.rota': { input: LeaderRotaRequest, output: answer(LeaderRotaResponse.shape) },
  'leader.get': { input: Id, output: answer(LeaderSessionDetail.shape) },
  'leader.end': { input: Id, output: answer({ session: LeaderSession }) },
  'leader.dispatch': { input: Id.extend(LeaderDispatchRequest.shape), output: answer(LeaderDispatchResponse.shape) },
  'meetings.faceToFace': { input: z.object({}).strict(), output: answer(FaceToFaceResponse.shape) },
  'meetings.create': { input: CreateMeetingRequest, output: answer({ meeting: Meeting }) },
  'meetings.outcome': { input: Id.extend(MeetingOutcomeRequest.shape), output: answer({ meeting: Meeting }) },
  /** a caller's meetings for 来电历史 */
  'meetings.forPhone': { input: z.object({ phone: z.string().regex(/^\+?\d{3,20}$/) }).strict(), output: answer({ meetings: z.array(Meeting) }) },
} as const;
