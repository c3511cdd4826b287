/**
 * 受理 (intake) and case detail.
 *
 * saveIntake writes the case, its first contact, the caller's profile, the search index and
 * the outbox mutation that will carry it to the server in ONE transaction: the outbox can never
 * miss a case, nor carry one that was rolled back.
 */
import { randomUUID } from 'node:crypto';
import type { CallTimes, CaseCall, CaseDetail, ContactRecord, IntakeValues } from '../../shared/schemas';
import type { CaseStatus } from '../../shared/domain';
import { normalizePhone } from '../../shared/phone';
import type { Db } from './db';
import type { CaseIndexer } from './case-index';
import { createCaseWriter } from './case-writer';
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

export function createCases(db: Db, ctx: CaseContext) {
  const nextSeq = db.prepare<[string, string], { last: number }>(`
    INSERT INTO local_seq (workstation, day, last) VALUES (?, ?, 1)
    ON CONFLICT (workstation, day) DO UPDATE SET last = last + 1
    RETURNING last`);
  // the case row, its contact, the caller's row (one rule) and the search entry: case-writer.ts
  const writer = createCaseWriter(db);

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
    const caseId = writer.insertCase(c, { updatedAt: createdAt, origin: 'local' });
    writer.insertContact(caseId, mutation.contact, mutation.contact.uuid);
    writer.noteCaller(mutation.contact);
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
