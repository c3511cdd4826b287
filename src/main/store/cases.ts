/**
 * 受理 (intake) and case detail.
 *
 * saveIntake writes the case, its first contact, the caller's profile, the search index and
 * the outbox mutation that will carry it to the server in ONE transaction: the outbox can never
 * miss a case, nor carry one that was rolled back.
 */
import { CALLER_UPSERT_SQL } from './callers';
import { randomUUID } from 'node:crypto';
import type { CallTimes, CaseCall, CaseDetail, ContactRecord, IntakeValues } from '../../shared/schemas';
import { talkSeconds } from '../../shared/telephony';
import type { CaseStatus } from '../../shared/domain';
import { normalizePhone } from '../../shared/phone';
import type { Db } from './db';
import type { CaseIndexer } from './case-index';
import type { Outbox } from './outbox';
import { StoreInputError } from './errors';
import { chinaDay, formatLocalNo } from './local-no';
import { SUMMARY_COLUMNS, SUMMARY_JOINS, toSummary, type SummaryRow } from './summary';
import type { CaseCreateMutation, RepeatLink, SaveOptions, SaveResult } from './types';

export interface CaseContext {
  workstation: string;
  defaultAreaCode: string;
  now: () => number;
  indexer: CaseIndexer;
  outbox: Outbox;
}

/** Digits reversed, so that a number's last digits are a prefix of its key. */
export const reverseDigits = (phone: string): string => phone.split('').reverse().join('');

export function createCases(db: Db, ctx: CaseContext) {
  const nextSeq = db.prepare<[string, string], { last: number }>(`
    INSERT INTO local_seq (workstation, day, last) VALUES (?, ?, 1)
    ON CONFLICT (workstation, day) DO UPDATE SET last = last + 1
    RETURNING last`);
  const insertCase = db.prepare(`
    INSERT INTO cases (uuid, local_no, phone, phone_ext, caller_name, channel, request_type, category_code,
      region_code, address, content, answer, urgency, handling_mode, status, confidential, operator,
      created_at, updated_at, origin, call_id, call_ring_at, call_answer_at, call_end_at, talk_seconds, repeat_of)
    VALUES (@uuid, @localNo, @phone, @phoneExt, @callerName, @channel, @requestType, @categoryCode,
      @regionCode, @address, @content, @answer, @urgency, @handlingMode, @status, @confidential, @operator,
      @createdAt, @createdAt, 'local', @callId, @ringAt, @answerAt, @endAt, @talkSeconds, @repeatOf)`);
  const insertContact = db.prepare(`
    INSERT INTO contacts (uuid, case_id, phone, phone_ext, caller_name, channel, request_type, content, operator, created_at)
    VALUES (@uuid, @caseId, @phone, @phoneExt, @callerName, @channel, @requestType, @content, @operator, @createdAt)`);
  // the one rule for the caller's name (callers.ts)
  const upsertCaller = db.prepare(CALLER_UPSERT_SQL);

  type CallColumns = { callId: string | null; ringAt: number | null; answerAt: number | null; endAt: number | null; talkSeconds: number | null };
  const selectCase = db.prepare<[number], SummaryRow & { content: string; answer: string; operator: string } & CallColumns>(`
    SELECT ${SUMMARY_COLUMNS}, c.content AS content, c.answer AS answer, c.operator AS operator,
      c.call_id AS callId, c.call_ring_at AS ringAt, c.call_answer_at AS answerAt, c.call_end_at AS endAt, c.talk_seconds AS talkSeconds
    FROM cases c ${SUMMARY_JOINS} WHERE c.id = ?`);
  const selectContacts = db.prepare<[number], ContactRecord>(`
    SELECT id, case_id AS caseId, phone, caller_name AS callerName, channel, request_type AS requestType,
      content, operator, created_at AS createdAt
    FROM contacts WHERE case_id = ? ORDER BY created_at, id`);

  const save = db.transaction((values: IntakeValues & { call?: CallTimes | null; leaderSessionId?: string | null }, operator: string, clientId: string | null, repeat: RepeatLink | null): SaveResult => {
    const phone = normalizePhone(values.phone, { defaultAreaCode: ctx.defaultAreaCode });
    if (!phone.ok) throw new StoreInputError('phone.invalid');
    const createdAt = ctx.now();
    const day = chinaDay(createdAt);
    const seq = nextSeq.get(ctx.workstation, day)!.last;
    const localNo = formatLocalNo(ctx.workstation, day, seq);
    // 直接答复 closes the case on the spot; 转办 waits for dispatch to a unit; a repeat call (重复件)
    // is a recorded call of an order already open: 转办, closed at once, never dispatched itself
    const handlingMode = repeat ? 'dispatch' : values.handlingMode;
    const status: CaseStatus = repeat || handlingMode === 'direct' ? 'closed' : 'pending_dispatch';
    const mutation: CaseCreateMutation = {
      case: {
        uuid: randomUUID(),
        localNo,
        workstation: ctx.workstation,
        phone: phone.number,
        phoneExt: phone.extension ?? '',
        callerName: values.callerName,
        channel: values.channel,
        requestType: values.requestType,
        categoryCode: values.categoryCode,
        regionCode: values.regionCode,
        address: values.address,
        content: values.content,
        answer: values.answer,
        urgency: values.urgency,
        handlingMode,
        status,
        confidential: values.confidential,
        operator,
        createdAt,
        call: values.call ?? null,
        // 领导接听: only a case of that channel carries the session
        ...(values.leaderSessionId && values.channel === 'leader_session' ? { leaderSessionId: values.leaderSessionId } : {}),
        ...(repeat ? { repeatOf: repeat.orderId } : {}),
      },
      contact: {
        uuid: randomUUID(),
        phone: phone.number,
        phoneExt: phone.extension ?? '',
        callerName: values.callerName,
        channel: values.channel,
        requestType: values.requestType,
        content: values.content,
        operator,
        createdAt,
      },
    };
    const c = mutation.case;
    const call = c.call ?? null;
    const caseId = Number(
      insertCase.run({
        ...c,
        call: undefined,
        leaderSessionId: undefined,
        confidential: c.confidential ? 1 : 0,
        callId: call?.callId ?? null,
        ringAt: call?.ringAt ?? null,
        answerAt: call?.answerAt ?? null,
        endAt: call?.endAt ?? null,
        talkSeconds: call ? talkSeconds(call) : null,
        repeatOf: c.repeatOf ?? null,
      }).lastInsertRowid,
    );
    insertContact.run({ ...mutation.contact, caseId });
    upsertCaller.run(c.phone, reverseDigits(c.phone), c.callerName, createdAt, createdAt);
    ctx.indexer.put(caseId, c);
    ctx.outbox.append(clientId, 'case.create', mutation, createdAt);
    // the link (an 'order.action' row after the case's own) commits with the case, or neither does
    if (repeat) repeat.link(c.uuid, createdAt);
    return { caseId, localNo, createdAt };
  });

  return {
    saveIntake(values: IntakeValues & { call?: CallTimes | null; leaderSessionId?: string | null }, operator: string, opts: SaveOptions = {}): SaveResult {
      return save.immediate(values, operator, opts.clientId ?? null, opts.repeat ?? null);
    },

    getCase(id: number): CaseDetail | null {
      const row = selectCase.get(id);
      if (!row) return null;
      const { callId, ringAt, answerAt, endAt, talkSeconds: talk, content, answer, operator, ...summary } = row;
      const call: CaseCall | null = callId === null ? null : { callId, ringAt, answerAt, endAt, talkSeconds: talk };
      return { ...toSummary(summary), content, answer, operator, contacts: selectContacts.all(id), call };
    },
  };
}
