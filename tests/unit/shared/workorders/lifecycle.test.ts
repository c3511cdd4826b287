/** Scenarios through the lifecycle: the guards and effects one at a time. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ActionCall,
  applyAction,
  DEFAULT_FOLLOW_UP_SETTINGS,
  newFollowUpOrder,
  type FollowUpSettings,
  availableActions,
  createWorkingCalendar,
  newWorkOrder,
  type ActionName,
  type Actor,
  type ApplyResult,
  type HistoryEntry,
  type WorkOrder,
} from '../../../../src/shared/workorders';
import { actors, ctxAt, fresh, must, orderIn, override2027, sh } from './fixtures';

const end = (d: string) => sh(`${d}T23:59:59.999`);
const refusedWith = (r: ApplyResult): string => (r.ok ? `allowed → ${r.order.state}` : r.code);

describe('派单', () => {
  it('two supervisors dispatch the same order: one wins, the other is told clearly', () => {
    const o = fresh();
    const first = applyAction(o, 'dispatch', actors.supervisor, { leadUnitId: 'U1' }, ctxAt('2026-03-02T09:00:00'));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    // the second supervisor's action reaches the server after the first
    const second = applyAction(first.order, 'dispatch', actors.supervisor2, { leadUnitId: 'U2' }, ctxAt('2026-03-02T09:00:01'));
    expect(second).toMatchObject({ ok: false, code: 'already_dispatched' });
    if (!second.ok) expect(second.message.zh).toContain('已被派出');
  });

  it.each([
    ['an unknown lead unit', { leadUnitId: 'NOPE' }, 'unknown_unit'],
    ['an inactive lead unit', { leadUnitId: 'X' }, 'inactive_unit'],
    ['the lead unit again as a co-unit', { leadUnitId: 'U1', coUnitIds: ['U1'] }, 'invalid_co_units'],
    ['a co-unit twice', { leadUnitId: 'U1', coUnitIds: ['U2', 'U2'] }, 'invalid_co_units'],
    ['an unknown co-unit', { leadUnitId: 'U1', coUnitIds: ['NOPE'] }, 'unknown_unit'],
    ['no lead unit', { coUnitIds: [] }, 'invalid_args'],
    ['a zero time limit', { leadUnitId: 'U1', limit: { unit: 'working_days', value: 0 } }, 'invalid_args'],
    ['an unknown field', { leadUnitId: 'U1', deadline: 5 }, 'invalid_args'],
  ])('refuses %s', (_name, args, code) => {
    expect(refusedWith(applyAction(fresh(), 'dispatch', actors.supervisor, args, ctxAt('2026-03-02T09:00:00')))).toBe(code);
  });

  it('takes the rules’ limit by urgency, or the 办理时限 the dispatcher sets', () => {
    const urgent = newWorkOrder({ id: 'WO-U', urgency: 'critical', categoryCode: 'W01' });
    const a = must(urgent, 'dispatch', actors.supervisor, { leadUnitId: 'U2' }, ctxAt('2026-10-02T03:00:00'));
    expect(a.assignments[0]!.deadline).toEqual({ at: sh('2026-10-02T05:00:00'), basis: 'hours' });
    expect(a.assignments[0]!.signBy).toBe(sh('2026-10-02T04:00:00'));
    const b = must(fresh(), 'dispatch', actors.supervisor, { leadUnitId: 'U1', limit: { unit: 'working_days', value: 3 } }, ctxAt('2026-02-13T15:00:00'));
    expect(b.assignments[0]!.deadline.at).toBe(end('2026-02-25'));
  });

  it('records who, which unit, when and the note in the history entry', () => {
    const r = applyAction(fresh(), 'dispatch', actors.supervisor, { leadUnitId: 'U1', coUnitIds: ['U3'], note: '请尽快核实' }, ctxAt('2026-02-13T15:00:00'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.entry).toEqual({
      orderId: 'WO-1',
      seq: 1,
      action: 'dispatch',
      actor: { username: 'sup1', role: 'supervisor', unitId: null },
      at: sh('2026-02-13T15:00:00'),
      fromState: 'pending_dispatch',
      toState: 'pending_sign',
      note: '请尽快核实',
      details: {
        unitId: 'U1',
        coUnitIds: ['U3'],
        limit: { unit: 'working_days', value: 5 },
        signBy: end('2026-02-14'),
        returnBy: end('2026-02-24'),
        deadline: end('2026-02-27'),
        deadlineBasis: 'working_days',
      },
    });
  });
});

describe('退回 within the return window (2 working days from dispatch)', () => {
  // dispatched Fri 2026-02-13 15:00: the window runs over the make-up Saturday 02-14 and the
  // Spring Festival to the end of Tue 02-24
  const dispatched = () => must(fresh(), 'dispatch', actors.supervisor, { leadUnitId: 'U1' }, ctxAt('2026-02-13T15:00:00'));

  it.each([
    ['2026-02-14T10:00:00', 'returned'],
    ['2026-02-20T10:00:00', 'returned'],
    ['2026-02-24T23:59:59.999', 'returned'],
    ['2026-02-25T00:00:00', 'return_window_closed'],
    ['2026-03-10T00:00:00', 'return_window_closed'],
  ])('at %s → %s', (at, expected) => {
    const r = applyAction(dispatched(), 'return', actors.U1, { reason: '不属于本单位职责' }, ctxAt(at));
    expect(r.ok ? r.order.state : r.code).toBe(expected);
  });

  it('applies after signing too, and needs a reason', () => {
    const signed = must(dispatched(), 'sign', actors.U1, {}, ctxAt('2026-02-14T09:00:00'));
    expect(refusedWith(applyAction(signed, 'return', actors.U1, { reason: '' }, ctxAt('2026-02-14T10:00:00')))).toBe('invalid_args');
    expect(refusedWith(applyAction(signed, 'return', actors.U1, {}, ctxAt('2026-02-14T10:00:00')))).toBe('invalid_args');
    const r = applyAction(signed, 'return', actors.U1, { reason: '  应由水务集团办理 ' }, ctxAt('2026-02-14T10:00:00'));
    expect(r.ok && r.order.returnedFrom?.reason).toBe('应由水务集团办理');
    expect(r.ok && r.entry.note).toBe('应由水务集团办理');
  });

  it('restarts with a new dispatch after the return', () => {
    const returned = must(dispatched(), 'return', actors.U1, { reason: '不属于本单位职责' }, ctxAt('2026-02-24T10:00:00'));
    const again = must(returned, 'dispatch', actors.supervisor, { leadUnitId: 'U2' }, ctxAt('2026-02-24T11:00:00'));
    expect(again.assignments[0]!.returnBy).toBe(end('2026-02-26'));
    expect(refusedWith(applyAction(again, 'sign', actors.U1, {}, ctxAt('2026-02-24T12:00:00')))).toBe('not_your_order');
    expect(applyAction(again, 'sign', actors.U2, {}, ctxAt('2026-02-24T12:00:00')).ok).toBe(true);
  });
});

describe('下派 (二级派单) within the parent’s deadline', () => {
  // the centre dispatches to the district D1 (Mon 03-02 09:00, deadline end of 03-09)
  const atDistrict = () => {
    const o = must(fresh(), 'dispatch', actors.supervisor, { leadUnitId: 'D1' }, ctxAt('2026-03-02T09:00:00'));
    return must(o, 'sign', actors.D1, {}, ctxAt('2026-03-02T09:30:00'));
  };

  it('passes the order to a sub-unit, capped at the district’s own deadline by default', () => {
    const o = must(atDistrict(), 'subdispatch', actors.D1, { unitId: 'S1', note: '请街道现场核实' }, ctxAt('2026-03-04T10:00:00'));
    expect(o.state).toBe('pending_sign');
    expect(o.assignments.map((a) => [a.level, a.unitId])).toEqual([[0, 'D1'], [1, 'S1']]);
    expect(o.assignments[1]!.deadline.at).toBe(end('2026-03-09'));
    expect(o.assignments[1]!.signBy).toBe(end('2026-03-05'));
  });

  it('accepts a shorter limit and refuses one beyond the parent’s deadline', () => {
    const ok = must(atDistrict(), 'subdispatch', actors.D1, { unitId: 'S1', limit: { unit: 'working_days', value: 2 } }, ctxAt('2026-03-02T10:00:00'));
    expect(ok.assignments[1]!.deadline.at).toBe(end('2026-03-04'));
    const exact = applyAction(atDistrict(), 'subdispatch', actors.D1, { unitId: 'S1', limit: { unit: 'working_days', value: 5 } }, ctxAt('2026-03-02T10:00:00'));
    expect(exact.ok).toBe(true); // ends with the parent: allowed
    const beyond = applyAction(atDistrict(), 'subdispatch', actors.D1, { unitId: 'S1', limit: { unit: 'working_days', value: 6 } }, ctxAt('2026-03-02T10:00:00'));
    expect(refusedWith(beyond)).toBe('subdispatch_beyond_parent_deadline');
    const late = applyAction(atDistrict(), 'subdispatch', actors.D1, { unitId: 'S1' }, ctxAt('2026-03-10T08:00:00'));
    expect(refusedWith(late)).toBe('subdispatch_beyond_parent_deadline');
  });

  it('only to the unit’s own sub-units', () => {
    expect(refusedWith(applyAction(atDistrict(), 'subdispatch', actors.D1, { unitId: 'S3' }, ctxAt('2026-03-02T10:00:00')))).toBe('not_a_sub_unit');
    expect(refusedWith(applyAction(atDistrict(), 'subdispatch', actors.D1, { unitId: 'U2' }, ctxAt('2026-03-02T10:00:00')))).toBe('not_a_sub_unit');
    expect(refusedWith(applyAction(atDistrict(), 'subdispatch', actors.D1, { unitId: 'NOPE' }, ctxAt('2026-03-02T10:00:00')))).toBe('unknown_unit');
    expect(refusedWith(applyAction(atDistrict(), 'subdispatch', actors.D2, { unitId: 'S3' }, ctxAt('2026-03-02T10:00:00')))).toBe('not_your_order');
  });

  it('the sub-unit signs and replies to the district, which replies to the centre', () => {
    let o = must(atDistrict(), 'subdispatch', actors.D1, { unitId: 'S1' }, ctxAt('2026-03-02T10:00:00'));
    // only the sub-unit acts at its level; the district and siblings cannot sign or reply for it
    expect(refusedWith(applyAction(o, 'sign', actors.D1, {}, ctxAt('2026-03-02T11:00:00')))).toBe('not_your_order');
    expect(refusedWith(applyAction(o, 'sign', actors.S2, {}, ctxAt('2026-03-02T11:00:00')))).toBe('not_your_order');
    o = must(o, 'sign', actors.S1, {}, ctxAt('2026-03-02T11:00:00'));
    expect(o.state).toBe('in_progress');
    const reply = { content: '街道已现场处置', result: 'solved', contactedCaller: true };
    expect(refusedWith(applyAction(o, 'reply', actors.D1, reply, ctxAt('2026-03-03T11:00:00')))).toBe('not_your_order');
    const r = applyAction(o, 'reply', actors.S1, reply, ctxAt('2026-03-03T11:00:00'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.order.state).toBe('in_progress');
    expect(r.order.assignments.map((a) => a.unitId)).toEqual(['D1']);
    expect(r.order.reply).toBeNull();
    expect(r.entry).toMatchObject({ action: 'reply', note: '街道已现场处置', details: { unitId: 'S1', level: 1 } });
    const up = must(r.order, 'reply', actors.D1, { ...reply, content: '经街道处置，问题已解决' }, ctxAt('2026-03-03T15:00:00'));
    expect(up.state).toBe('pending_review');
    expect(up.reply).toMatchObject({ unitId: 'D1', deadlineAtReply: end('2026-03-09') });
  });

  it('a sub-unit returns to the district (not the centre); the district recalls before signing', () => {
    const sub = must(atDistrict(), 'subdispatch', actors.D1, { unitId: 'S1' }, ctxAt('2026-03-02T10:00:00'));
    const back = must(sub, 'return', actors.S1, { reason: '不在本街道辖区' }, ctxAt('2026-03-02T12:00:00'));
    expect(back.state).toBe('in_progress');
    expect(back.assignments.map((a) => a.unitId)).toEqual(['D1']);
    expect(back.returnedFrom).toBeNull();
    const recalled = must(sub, 'recall', actors.D1, {}, ctxAt('2026-03-02T12:00:00'));
    expect(recalled.assignments.map((a) => a.unitId)).toEqual(['D1']);
    expect(recalled.state).toBe('in_progress');
    expect(refusedWith(applyAction(sub, 'recall', actors.supervisor, {}, ctxAt('2026-03-02T12:00:00')))).toBe('recall_by_dispatcher_only');
    expect(refusedWith(applyAction(sub, 'recall', actors.S1, {}, ctxAt('2026-03-02T12:00:00')))).toBe('recall_by_dispatcher_only');
    const signed = must(sub, 'sign', actors.S1, {}, ctxAt('2026-03-02T12:00:00'));
    expect(refusedWith(applyAction(signed, 'recall', actors.D1, {}, ctxAt('2026-03-02T13:00:00')))).toBe('invalid_state');
  });

  it('the extension is the lead unit’s to ask, even while a sub-unit holds the order; the centre can reassign over all levels', () => {
    const sub = must(atDistrict(), 'subdispatch', actors.D1, { unitId: 'S1' }, ctxAt('2026-03-02T10:00:00'));
    expect(refusedWith(applyAction(sub, 'request_extension', actors.S1, { days: 2, reason: '需要时间' }, ctxAt('2026-03-03T10:00:00')))).toBe('not_your_order');
    const asked = must(sub, 'request_extension', actors.D1, { days: 2, reason: '需要时间' }, ctxAt('2026-03-03T10:00:00'));
    const approved = must(asked, 'approve_extension', actors.supervisor, {}, ctxAt('2026-03-03T11:00:00'));
    expect(approved.assignments[0]!.deadline.at).toBe(end('2026-03-11'));
    expect(approved.assignments[1]!.deadline.at).toBe(end('2026-03-09')); // the sub-unit's is the district's business
    const moved = must(approved, 'reassign', actors.supervisor, { leadUnitId: 'D2' }, ctxAt('2026-03-03T12:00:00'));
    expect(moved.assignments.map((a) => a.unitId)).toEqual(['D2']);
    expect(moved.assignments[0]!.extendedWorkingDays).toBe(0);
  });
});

describe('延期', () => {
  const signed = () => orderIn('in_progress'); // U1, deadline end of 03-09

  it('an approval moves the deadline by the approved working days; fewer than asked may be approved', () => {
    const asked = must(signed(), 'request_extension', actors.U1, { days: 5, reason: '需协调' }, ctxAt('2026-03-05T10:00:00'));
    expect(refusedWith(applyAction(asked, 'approve_extension', actors.supervisor, { days: 6 }, ctxAt('2026-03-05T11:00:00')))).toBe('approve_more_than_requested');
    const r = applyAction(asked, 'approve_extension', actors.supervisor, { days: 2, note: '准予延期两天' }, ctxAt('2026-03-05T11:00:00'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.order.assignments[0]!.deadline.at).toBe(end('2026-03-11'));
    expect(r.entry.details).toMatchObject({ requestedDays: 5, days: 2, previousDeadline: end('2026-03-09'), deadline: end('2026-03-11') });
  });

  it('is capped at 10 working days in total', () => {
    expect(refusedWith(applyAction(signed(), 'request_extension', actors.U1, { days: 11, reason: '需协调' }, ctxAt('2026-03-05T10:00:00')))).toBe('extension_cap_exceeded');
    let o = must(signed(), 'request_extension', actors.U1, { days: 8, reason: '需协调' }, ctxAt('2026-03-05T10:00:00'));
    o = must(o, 'approve_extension', actors.supervisor, {}, ctxAt('2026-03-05T11:00:00'));
    const r = applyAction(o, 'request_extension', actors.U1, { days: 3, reason: '仍需协调' }, ctxAt('2026-03-06T10:00:00'));
    expect(refusedWith(r)).toBe('extension_cap_exceeded');
    if (!r.ok) expect(r.message.zh).toContain('还可延期 2 个工作日');
    o = must(o, 'request_extension', actors.U1, { days: 2, reason: '仍需协调' }, ctxAt('2026-03-06T10:00:00'));
    o = must(o, 'approve_extension', actors.admin, {}, ctxAt('2026-03-06T11:00:00'));
    expect(o.assignments[0]!.extendedWorkingDays).toBe(10);
    // 03-09 + 10 working days
    expect(o.assignments[0]!.deadline.at).toBe(end('2026-03-23'));
  });

  it('is asked before the deadline, once at a time', () => {
    expect(refusedWith(applyAction(signed(), 'request_extension', actors.U1, { days: 1, reason: '需协调' }, ctxAt('2026-03-10T00:00:00')))).toBe('extension_after_deadline');
    const asked = must(signed(), 'request_extension', actors.U1, { days: 1, reason: '需协调' }, ctxAt('2026-03-09T23:59:59.999'));
    expect(refusedWith(applyAction(asked, 'request_extension', actors.U1, { days: 1, reason: '需协调' }, ctxAt('2026-03-09T23:59:59.999')))).toBe('extension_already_requested');
    expect(refusedWith(applyAction(asked, 'refuse_extension', actors.supervisor, { reason: '' }, ctxAt('2026-03-10T09:00:00')))).toBe('invalid_args');
    const refused = must(asked, 'refuse_extension', actors.supervisor, { reason: '理由不充分' }, ctxAt('2026-03-10T09:00:00'));
    expect(refused.assignments[0]!.deadline.at).toBe(end('2026-03-09'));
  });

  it('across National Day', () => {
    let o = must(fresh(), 'dispatch', actors.supervisor, { leadUnitId: 'U1' }, ctxAt('2026-09-22T10:00:00'));
    expect(o.assignments[0]!.deadline.at).toBe(end('2026-09-30'));
    o = must(o, 'sign', actors.U1, {}, ctxAt('2026-09-22T11:00:00'));
    o = must(o, 'request_extension', actors.U1, { days: 3, reason: '节日期间无法施工' }, ctxAt('2026-09-29T10:00:00'));
    o = must(o, 'approve_extension', actors.supervisor, {}, ctxAt('2026-09-29T11:00:00'));
    expect(o.assignments[0]!.deadline.at).toBe(end('2026-10-10'));
  });
});

describe('办理反馈 and 审核: on time', () => {
  const reply = { content: '已安排人员现场处理', result: 'partly_solved', contactedCaller: false };

  it('a late reply, accepted, is completed but not on time; an extension granted in time makes it on time', () => {
    const late = must(orderIn('in_progress'), 'reply', actors.U1, reply, ctxAt('2026-03-10T09:00:00'));
    const closedLate = must(late, 'review', actors.supervisor, { decision: 'accept' }, ctxAt('2026-03-10T10:00:00'));
    expect(closedLate.completion).toMatchObject({ onTime: false, repliedAt: sh('2026-03-10T09:00:00'), deadlineAtReply: end('2026-03-09') });

    let o = must(orderIn('in_progress_ext'), 'approve_extension', actors.supervisor, {}, ctxAt('2026-03-04T10:00:00'));
    o = must(o, 'reply', actors.U1, reply, ctxAt('2026-03-10T09:00:00'));
    o = must(o, 'review', actors.supervisor, { decision: 'accept' }, ctxAt('2026-03-13T10:00:00'));
    expect(o.completion).toMatchObject({ onTime: true, deadlineAtReply: end('2026-03-12'), acceptedAt: sh('2026-03-13T10:00:00') });
  });

  it('the review time does not count against the unit', () => {
    let o = must(orderIn('in_progress'), 'reply', actors.U1, reply, ctxAt('2026-03-09T20:00:00'));
    o = must(o, 'review', actors.supervisor, { decision: 'accept' }, ctxAt('2026-03-16T10:00:00'));
    expect(o.completion?.onTime).toBe(true);
  });

  it('sending back needs a reason and returns the order to the unit; the next accepted reply counts', () => {
    const replied = must(orderIn('in_progress'), 'reply', actors.U1, reply, ctxAt('2026-03-05T09:00:00'));
    expect(refusedWith(applyAction(replied, 'review', actors.supervisor, { decision: 'send_back' }, ctxAt('2026-03-05T10:00:00')))).toBe('invalid_args');
    let o = must(replied, 'review', actors.supervisor, { decision: 'send_back', note: '未联系来电人' }, ctxAt('2026-03-05T10:00:00'));
    expect(o.state).toBe('in_progress');
    expect(o.reply).toBeNull();
    o = must(o, 'reply', actors.U1, { ...reply, contactedCaller: true }, ctxAt('2026-03-10T09:00:00'));
    o = must(o, 'review', actors.supervisor, { decision: 'accept' }, ctxAt('2026-03-10T10:00:00'));
    expect(o.completion).toMatchObject({ repliedAt: sh('2026-03-10T09:00:00'), onTime: false });
  });

  it('a reply needs content, a known result and whether the caller was contacted', () => {
    const o = orderIn('in_progress');
    const at = ctxAt('2026-03-05T09:00:00');
    expect(refusedWith(applyAction(o, 'reply', actors.U1, { ...reply, content: '好' }, at))).toBe('invalid_args');
    expect(refusedWith(applyAction(o, 'reply', actors.U1, { ...reply, result: 'done' }, at))).toBe('invalid_args');
    expect(refusedWith(applyAction(o, 'reply', actors.U1, { content: reply.content, result: 'solved' }, at))).toBe('invalid_args');
  });
});

describe('a year without calendar data', () => {
  it('refuses a dispatch whose deadline falls in 2027, and computes it once an override is loaded', () => {
    const r = applyAction(fresh(), 'dispatch', actors.supervisor, { leadUnitId: 'U1' }, ctxAt('2026-12-28T10:00:00'));
    expect(refusedWith(r)).toBe('calendar_year_not_covered');
    if (!r.ok) {
      expect(r.message.zh).toContain('2027 年的法定节假日安排尚未载入');
      expect(r.message.en).toContain('2027');
    }
    const withOverride = ctxAt('2026-12-28T10:00:00', { calendar: createWorkingCalendar([override2027]) });
    const o = must(fresh(), 'dispatch', actors.supervisor, { leadUnitId: 'U1' }, withOverride);
    // 12-29, 12-30, 12-31, (01-01 holiday, weekend) 01-04, 01-05
    expect(o.assignments[0]!.deadline.at).toBe(end('2027-01-05'));
  });

  it('refuses an extension that would run into 2027', () => {
    let o = must(fresh(), 'dispatch', actors.supervisor, { leadUnitId: 'U1' }, ctxAt('2026-12-14T10:00:00'));
    o = must(o, 'sign', actors.U1, {}, ctxAt('2026-12-14T11:00:00'));
    expect(refusedWith(applyAction(o, 'request_extension', actors.U1, { days: 10, reason: '需协调' }, ctxAt('2026-12-15T10:00:00')))).toBe('calendar_year_not_covered');
  });
});

describe('the whole table', () => {
  it('availableActions lists what the role, state and scope permit', () => {
    const o = orderIn('pending_sign');
    const ctx = ctxAt('2026-03-03T10:00:00');
    expect(availableActions(o, actors.U1, ctx)).toEqual(['sign', 'return', 'request_extension']);
    expect(availableActions(o, actors.U2, ctx)).toEqual([]);
    expect(availableActions(o, actors.supervisor, ctx)).toEqual([
      'recall',
      'reassign',
      'approve_extension',
      'refuse_extension',
      'remind',
      'supervise',
      'link_call',
      'unlink_call',
    ]);
    expect(availableActions(orderIn('pending_dispatch'), actors.operator, ctx)).toEqual(['link_call']);
    expect(availableActions(orderIn('pending_dispatch'), actors.operator, ctxAt('2026-03-03T10:00:00', { settings: { operatorMayDispatch: true } }))).toEqual(['dispatch', 'link_call']);
    expect(availableActions(orderIn('pending_follow_up'), actors.operator, ctx)).toEqual(['follow_up', 'link_call']);
  });

  it('ActionCall parses what travels in the outbox', () => {
    expect(ActionCall.safeParse({ action: 'sign', args: {} }).success).toBe(true);
    expect(ActionCall.safeParse({ action: 'fly', args: {} }).success).toBe(false);
    expect(ActionCall.safeParse({ action: 'return', args: {} }).success).toBe(false);
  });

  it('random walks: every allowed step bumps the version by one, appends seq = version, and keeps a valid snapshot', () => {
    const pool: Actor[] = Object.values(actors);
    const argsFor: Record<ActionName, unknown[]> = {
      dispatch: [{ leadUnitId: 'U1' }, { leadUnitId: 'D1', coUnitIds: ['U3'] }],
      recall: [{}],
      sign: [{}],
      return: [{ reason: '不属于本单位职责' }],
      reassign: [{ leadUnitId: 'U2' }, { leadUnitId: 'D1' }],
      request_extension: [{ days: 2, reason: '需协调' }, { days: 9, reason: '需协调' }],
      approve_extension: [{}, { days: 1 }],
      refuse_extension: [{ reason: '理由不充分' }],
      subdispatch: [{ unitId: 'S1' }, { unitId: 'U1a' }, { unitId: 'S2' }],
      reply: [{ content: '已处理完毕', result: 'solved', contactedCaller: true }],
      review: [{ decision: 'accept' }, { decision: 'send_back', note: '请补充' }],
      follow_up: [
        { outcome: 'reached', solved: true, satisfaction: 'satisfied' },
        { outcome: 'reached', solved: false, satisfaction: 'unsatisfied', note: '问题仍未解决' },
        { outcome: 'not_reached' },
        { outcome: 'refused' },
      ],
      remind: [{}],
      supervise: [{ level: 'normal' }, { level: 'key', limit: { unit: 'working_days', value: 2 } }],
      link_call: [{ caseId: 'c1' }, { caseId: 'c2' }],
      unlink_call: [{ caseId: 'c1' }],
    };
    const step = fc.record({
      action: fc.constantFrom(...(Object.keys(argsFor) as ActionName[])),
      actor: fc.constantFrom(...pool),
      pick: fc.nat(),
      minutes: fc.integer({ min: 1, max: 600 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        let o: WorkOrder = fresh();
        let now = sh('2026-03-02T09:00:00');
        const history: HistoryEntry[] = [];
        for (const s of steps) {
          now += s.minutes * 60_000;
          const options = argsFor[s.action];
          const r = applyAction(o, s.action, s.actor, options[s.pick % options.length], ctxAt(now));
          if (!r.ok) continue;
          expect(r.order.version).toBe(o.version + 1);
          expect(r.entry.seq).toBe(r.order.version);
          expect(r.entry.fromState).toBe(o.state);
          history.push(r.entry);
          o = r.order;
          // invariants of the snapshot
          expect(o.assignments.every((a, i) => a.level === i)).toBe(true);
          expect(o.state === 'pending_dispatch' || o.state === 'returned' ? o.assignments.length === 0 : o.assignments.length > 0).toBe(true);
          for (let i = 1; i < o.assignments.length; i++) {
            expect(o.assignments[i - 1]!.signedAt).not.toBeNull();
            expect(ctxAt(0).units.get(o.assignments[i]!.unitId)!.parentId).toBe(o.assignments[i - 1]!.unitId);
          }
          expect(o.assignments[0]?.extendedWorkingDays ?? 0).toBeLessThanOrEqual(10);
          if (o.state === 'pending_review') expect(o.reply).not.toBeNull();
          if (o.state === 'closed' || o.state === 'pending_follow_up') expect(o.completion).not.toBeNull();
          if (o.state === 'pending_follow_up') expect(o.followUp).toBeTruthy();
          expect(new Set(o.linkedCaseIds ?? []).size).toBe((o.linkedCaseIds ?? []).length);
        }
        expect(history.map((h) => h.seq)).toEqual(history.map((_, i) => i + 1));
      }),
      { numRuns: 200 },
    );
  });
});

describe('回访', () => {
  const at = (t: string) => ctxAt(t);
  const followUpCtx = (t: string, over: Partial<FollowUpSettings>) =>
    ctxAt(t, { settings: { operatorMayDispatch: false, followUp: { ...DEFAULT_FOLLOW_UP_SETTINGS, ...over } } });

  it('an accepted reply waits in 待回访; a reached, solved, satisfied caller closes it', () => {
    const o = orderIn('pending_follow_up');
    expect(o.state).toBe('pending_follow_up');
    const r = applyAction(o, 'follow_up', actors.operator, { outcome: 'reached', solved: true, satisfaction: 'basically_satisfied' }, at('2026-03-04T09:00:00'));
    if (!r.ok) expect.fail(r.code);
    expect(r.order.state).toBe('closed');
    expect(r.entry.details).toMatchObject({ outcome: 'reached', solved: true, satisfaction: 'basically_satisfied', satisfied: true, result: 'closed', unitId: 'U1' });
  });

  it('unsatisfied or not solved → 重办: back to the same unit with fresh deadlines and the note; counted', () => {
    const o = orderIn('pending_follow_up');
    const r = applyAction(o, 'follow_up', actors.operator, { outcome: 'reached', solved: true, satisfaction: 'unsatisfied', note: '路灯仍不亮' }, at('2026-03-04T09:00:00'));
    if (!r.ok) expect.fail(r.code);
    expect(r.order.state).toBe('pending_sign');
    expect(r.order.assignments.map((a) => [a.unitId, a.level, a.signedAt])).toEqual([['U1', 0, null]]);
    expect(r.order.assignments[0]!.deadline.at).toBe(end('2026-03-11'));
    expect(r.order).toMatchObject({ rehandleCount: 1, reply: null, completion: null });
    expect(r.order.followUp).toMatchObject({ unsatisfiedCount: 1, satisfaction: 'unsatisfied' });
    expect(r.entry).toMatchObject({ note: '路灯仍不亮', toState: 'pending_sign', details: { result: 'rehandle', satisfied: false, unitId: 'U1', rehandleCount: 1 } });
    // solved but the level is satisfied, not solved: also 重办
    const r2 = applyAction(o, 'follow_up', actors.operator, { outcome: 'reached', solved: false, satisfaction: 'very_satisfied' }, at('2026-03-04T09:00:00'));
    expect(r2.ok && r2.order.state).toBe('pending_sign');

    // the unit answers again; the next follow-up closes it; the unsatisfied count is kept
    let x = r.order;
    x = must(x, 'sign', actors.U1, {}, at('2026-03-04T10:00:00'));
    x = must(x, 'reply', actors.U1, { content: '已更换灯泡并测试', result: 'solved', contactedCaller: true }, at('2026-03-05T10:00:00'));
    x = must(x, 'review', actors.supervisor, { decision: 'accept' }, at('2026-03-05T11:00:00'));
    expect(x.followUp).toMatchObject({ attempts: 0, unsatisfiedCount: 1 });
    x = must(x, 'follow_up', actors.operator, { outcome: 'reached', solved: true, satisfaction: 'satisfied' }, at('2026-03-05T15:00:00'));
    expect(x).toMatchObject({ state: 'closed', rehandleCount: 1, completion: { onTime: true } });
  });

  it('not reached: tried again from the next working day, then 无法回访 after the configured attempts', () => {
    let o = orderIn('pending_follow_up');
    const ctx = followUpCtx('2026-03-06T17:00:00', { maxAttempts: 2 }); // a Friday
    const r = applyAction(o, 'follow_up', actors.operator, { outcome: 'not_reached' }, ctx);
    if (!r.ok) expect.fail(r.code);
    expect(r.order.state).toBe('pending_follow_up');
    // the weekend does not count: due again from Monday 03-09
    expect(r.order.followUp).toMatchObject({ attempts: 1, lastOutcome: 'not_reached', nextAfter: sh('2026-03-09T00:00:00') });
    expect(r.entry.details).toMatchObject({ result: 'retry', satisfied: null });
    o = r.order;
    const last = applyAction(o, 'follow_up', actors.operator, { outcome: 'not_reached' }, followUpCtx('2026-03-09T10:00:00', { maxAttempts: 2 }));
    if (!last.ok) expect.fail(last.code);
    expect(last.order.state).toBe('closed');
    expect(last.entry.details).toMatchObject({ result: 'unreachable', attempt: 2 });
  });

  it('拒绝回访 closes; arguments must match the outcome; the scale in force is checked', () => {
    const o = orderIn('pending_follow_up');
    const r = applyAction(o, 'follow_up', actors.operator, { outcome: 'refused' }, at('2026-03-04T09:00:00'));
    expect(r.ok && [r.order.state, r.entry.details.result]).toEqual(['closed', 'refused']);
    expect(refusedWith(applyAction(o, 'follow_up', actors.operator, { outcome: 'reached', solved: true }, at('2026-03-04T09:00:00')))).toBe('invalid_args');
    expect(refusedWith(applyAction(o, 'follow_up', actors.operator, { outcome: 'not_reached', satisfaction: 'satisfied' }, at('2026-03-04T09:00:00')))).toBe('invalid_args');
    const three = followUpCtx('2026-03-04T09:00:00', { scale: 3, satisfiedLevels: ['satisfied', 'basically_satisfied'] });
    expect(refusedWith(applyAction(o, 'follow_up', actors.operator, { outcome: 'reached', solved: true, satisfaction: 'very_satisfied' }, three))).toBe('satisfaction_not_on_scale');
    expect(refusedWith(applyAction(o, 'follow_up', actors.operator, { outcome: 'reached', solved: true, satisfaction: 'basically_satisfied' }, three))).toBe('allowed → closed');
    // which levels count as satisfied is configuration
    const strict = followUpCtx('2026-03-04T09:00:00', { satisfiedLevels: ['very_satisfied', 'satisfied'] });
    expect(refusedWith(applyAction(o, 'follow_up', actors.operator, { outcome: 'reached', solved: true, satisfaction: 'basically_satisfied' }, strict))).toBe('allowed → pending_sign');
  });

  it('a sampled direct answer starts in 待回访 and, unsatisfied, goes to 待派单', () => {
    const o = newFollowUpOrder({ id: 'WO-D', urgency: 'normal', categoryCode: 'A0101' });
    expect(o).toMatchObject({ state: 'pending_follow_up', origin: 'direct_answer', assignments: [] });
    const r = applyAction(o, 'follow_up', actors.operator, { outcome: 'reached', solved: false, satisfaction: 'unsatisfied' }, at('2026-03-04T09:00:00'));
    expect(r.ok && [r.order.state, r.order.rehandleCount, r.entry.details.result]).toEqual(['pending_dispatch', 1, 'rehandle']);
  });
});

describe('催办, 督办 and linked calls', () => {
  it('reminders count; 督办 may be raised to 重点 with its own deadline, and the history says from what', () => {
    let o = orderIn('in_progress');
    o = must(o, 'remind', actors.supervisor, { note: '请加快' }, ctxAt('2026-03-04T09:00:00'));
    o = must(o, 'remind', actors.admin, {}, ctxAt('2026-03-05T09:00:00'));
    expect(o.reminders).toEqual({ count: 2, lastAt: sh('2026-03-05T09:00:00'), lastBy: 'admin' });
    o = must(o, 'supervise', actors.supervisor, { level: 'normal' }, ctxAt('2026-03-04T09:00:00'));
    const r = applyAction(o, 'supervise', actors.supervisor, { level: 'key', limit: { unit: 'working_days', value: 2 } }, ctxAt('2026-03-05T09:00:00'));
    if (!r.ok) expect.fail(r.code);
    // 2 working days from Thursday: Friday and Monday
    expect(r.order.supervision).toMatchObject({ level: 'key', deadline: end('2026-03-09') });
    expect(r.entry.details).toMatchObject({ level: 'key', previousLevel: 'normal', unitId: 'U1' });
    // the unit's deadline is not moved by 督办
    expect(r.order.assignments[0]!.deadline.at).toBe(end('2026-03-09'));
  });

  it('a repeat call links once; a supervisor unlinks it, even after 办结', () => {
    let o = orderIn('in_progress');
    o = must(o, 'link_call', actors.operator, { caseId: 'c9' }, ctxAt('2026-03-04T09:00:00'));
    expect(refusedWith(applyAction(o, 'link_call', actors.operator, { caseId: 'c9' }, ctxAt('2026-03-04T09:01:00')))).toBe('already_linked');
    expect(refusedWith(applyAction(o, 'unlink_call', actors.operator, { caseId: 'c9' }, ctxAt('2026-03-04T09:01:00')))).toBe('role_not_allowed');
    const closed = { ...orderIn('closed'), linkedCaseIds: ['c9'] };
    const r = applyAction(closed, 'unlink_call', actors.supervisor, { caseId: 'c9' }, ctxAt('2026-03-05T09:00:00'));
    expect(r.ok && r.order.linkedCaseIds).toEqual([]);
  });
});
