/**
 * Every state × action × role: allowed with its effect, or refused with a reason. The
 * expectations are written out below, cell by cell; they are not derived from the table.
 */
import { describe, expect, it } from 'vitest';
import {
  ACTION_NAMES,
  applyAction,
  HistoryEntry,
  WorkOrder,
  type ActionName,
  type Actor,
} from '../../../../src/shared/workorders';
import { actors, ctxAt, FIXTURE_KINDS, orderIn, sh, type FixtureKind } from './fixtures';

const R = 'role_not_allowed';
const S = 'invalid_state';
const AD = 'already_dispatched';
const N = 'not_your_order';
const RD = 'recall_by_dispatcher_only';
const NS = 'not_signed';
const NE = 'no_extension_request';
const EA = 'extension_already_requested';
const NL = 'not_linked';
const to = (state: string) => `→${state}`;

/** columns: operator, supervisor, admin, the order's own unit (U1), another unit (U2) */
const ACTOR_COLUMNS = ['operator', 'supervisor', 'admin', 'unit_own', 'unit_other'] as const;
type Column = (typeof ACTOR_COLUMNS)[number];
const actorFor: Record<Column, Actor> = {
  operator: actors.operator,
  supervisor: actors.supervisor,
  admin: actors.admin,
  unit_own: actors.U1,
  unit_other: actors.U2,
};

type Row = [string, string, string, string, string];
const CLOSED_ROWS = (review: Row, dispatchRow: Row): Record<ActionName, Row> => ({
  dispatch: dispatchRow,
  recall: [R, S, S, S, S],
  sign: [R, R, R, S, S],
  return: [R, R, R, S, S],
  reassign: [R, S, S, R, R],
  request_extension: [R, R, R, S, S],
  approve_extension: [R, S, S, R, R],
  refuse_extension: [R, S, S, R, R],
  subdispatch: [R, R, R, S, S],
  reply: [R, R, R, S, S],
  review,
  follow_up: [S, S, S, R, R],
  remind: [R, S, S, R, R],
  supervise: [R, S, S, R, R],
  link_call: [S, S, S, R, R],
  unlink_call: [R, NL, NL, R, R],
});
/** 回访 is allowed nowhere else; 督办 on every open order before 回访; linking on every open order */
const OPEN_ROWS = (state: string, remind: Row) => ({
  follow_up: [S, S, S, R, R] as Row,
  remind,
  supervise: [R, to(state), to(state), R, R] as Row,
  link_call: [to(state), to(state), to(state), R, R] as Row,
  unlink_call: [R, NL, NL, R, R] as Row,
});

const EXPECTED: Record<FixtureKind, Record<ActionName, Row>> = {
  pending_dispatch: {
    ...CLOSED_ROWS([R, S, S, R, R], [R, to('pending_sign'), to('pending_sign'), R, R]),
    ...OPEN_ROWS('pending_dispatch', [R, S, S, R, R]),
  },
  returned: {
    ...CLOSED_ROWS([R, S, S, R, R], [R, to('pending_sign'), to('pending_sign'), R, R]),
    ...OPEN_ROWS('returned', [R, S, S, R, R]),
  },
  pending_sign: {
    dispatch: [R, AD, AD, R, R],
    recall: [R, to('pending_dispatch'), to('pending_dispatch'), RD, RD],
    sign: [R, R, R, to('in_progress'), N],
    return: [R, R, R, to('returned'), N],
    reassign: [R, to('pending_sign'), to('pending_sign'), R, R],
    request_extension: [R, R, R, NS, N],
    approve_extension: [R, NE, NE, R, R],
    refuse_extension: [R, NE, NE, R, R],
    subdispatch: [R, R, R, S, S],
    reply: [R, R, R, S, S],
    review: [R, S, S, R, R],
    ...OPEN_ROWS('pending_sign', [R, to('pending_sign'), to('pending_sign'), R, R]),
  },
  in_progress: {
    dispatch: [R, AD, AD, R, R],
    recall: [R, S, S, S, S],
    sign: [R, R, R, S, S],
    return: [R, R, R, to('returned'), N],
    reassign: [R, to('pending_sign'), to('pending_sign'), R, R],
    request_extension: [R, R, R, to('in_progress'), N],
    approve_extension: [R, NE, NE, R, R],
    refuse_extension: [R, NE, NE, R, R],
    subdispatch: [R, R, R, to('pending_sign'), N],
    reply: [R, R, R, to('pending_review'), N],
    review: [R, S, S, R, R],
    ...OPEN_ROWS('in_progress', [R, to('in_progress'), to('in_progress'), R, R]),
  },
  in_progress_ext: {
    dispatch: [R, AD, AD, R, R],
    recall: [R, S, S, S, S],
    sign: [R, R, R, S, S],
    return: [R, R, R, to('returned'), N],
    reassign: [R, to('pending_sign'), to('pending_sign'), R, R],
    request_extension: [R, R, R, EA, N],
    approve_extension: [R, to('in_progress'), to('in_progress'), R, R],
    refuse_extension: [R, to('in_progress'), to('in_progress'), R, R],
    subdispatch: [R, R, R, to('pending_sign'), N],
    reply: [R, R, R, to('pending_review'), N],
    review: [R, S, S, R, R],
    ...OPEN_ROWS('in_progress', [R, to('in_progress'), to('in_progress'), R, R]),
  },
  pending_review: {
    ...CLOSED_ROWS([R, to('pending_follow_up'), to('pending_follow_up'), R, R], [R, AD, AD, R, R]),
    ...OPEN_ROWS('pending_review', [R, S, S, R, R]),
  },
  pending_follow_up: {
    ...CLOSED_ROWS([R, S, S, R, R], [R, AD, AD, R, R]),
    ...OPEN_ROWS('pending_follow_up', [R, S, S, R, R]),
    follow_up: [to('closed'), to('closed'), to('closed'), R, R],
    supervise: [R, S, S, R, R],
  },
  closed: CLOSED_ROWS([R, S, S, R, R], [R, AD, AD, R, R]),
};

/** valid arguments for each action */
const ARGS: Record<ActionName, unknown> = {
  dispatch: { leadUnitId: 'U1', coUnitIds: ['U3'], note: '请核实处理' },
  recall: { note: '派错单位' },
  sign: {},
  return: { reason: '不属于本单位职责' },
  reassign: { leadUnitId: 'U2', note: '改由水务集团办理' },
  request_extension: { days: 3, reason: '需协调多个部门' },
  approve_extension: {},
  refuse_extension: { reason: '理由不充分' },
  subdispatch: { unitId: 'U1a', note: '请物业科办理' },
  reply: { content: '已安排人员现场处理完毕', result: 'solved', contactedCaller: true },
  review: { decision: 'accept', note: '' },
  follow_up: { outcome: 'reached', solved: true, satisfaction: 'very_satisfied', note: '来电人表示满意' },
  remind: { note: '请尽快办理' },
  supervise: { level: 'key', note: '领导接听转督办' },
  link_call: { caseId: 'case-repeat-1', note: '同一事项再次来电' },
  unlink_call: { caseId: 'case-repeat-1', note: '' },
};

const NOW = '2026-03-03T10:00:00'; // Tue; dispatched Mon 09:00 → return by end of 03-04, deadline end of 03-09
const end = (d: string) => sh(`${d}T23:59:59.999`);

/** the effect of each allowed cell, written out */
const EFFECTS: Partial<Record<`${FixtureKind}/${ActionName}`, (o: WorkOrder) => void>> = {
  'pending_dispatch/dispatch': (o) => {
    expect(o.assignments).toHaveLength(1);
    expect(o.assignments[0]).toMatchObject({ level: 0, unitId: 'U1', coUnitIds: ['U3'], dispatchedAt: sh(NOW), signedAt: null });
    expect(o.assignments[0]!.signBy).toBe(end('2026-03-04'));
    expect(o.assignments[0]!.returnBy).toBe(end('2026-03-05'));
    expect(o.assignments[0]!.deadline).toEqual({ at: end('2026-03-10'), basis: 'working_days' });
  },
  'returned/dispatch': (o) => {
    expect(o.assignments.map((a) => a.unitId)).toEqual(['U1']);
    expect(o.returnedFrom).toBeNull();
    expect(o.assignments[0]!.deadline.at).toBe(end('2026-03-10'));
  },
  'pending_sign/recall': (o) => expect(o.assignments).toEqual([]),
  'pending_sign/sign': (o) => expect(o.assignments[0]!.signedAt).toBe(sh(NOW)),
  'pending_sign/return': (o) => {
    expect(o.assignments).toEqual([]);
    expect(o.returnedFrom).toEqual({ unitId: 'U1', reason: '不属于本单位职责', at: sh(NOW) });
  },
  'pending_sign/reassign': (o) => {
    expect(o.assignments.map((a) => a.unitId)).toEqual(['U2']);
    expect(o.assignments[0]!.deadline.at).toBe(end('2026-03-10'));
  },
  'in_progress/return': (o) => expect(o.returnedFrom?.unitId).toBe('U1'),
  'in_progress/reassign': (o) => {
    expect(o.assignments.map((a) => [a.unitId, a.signedAt])).toEqual([['U2', null]]);
  },
  'in_progress/request_extension': (o) => {
    expect(o.extensionRequest).toEqual({ days: 3, reason: '需协调多个部门', requestedAt: sh(NOW), requestedBy: 'zjj', unitId: 'U1' });
    expect(o.assignments[0]!.deadline.at).toBe(end('2026-03-09'));
  },
  'in_progress/subdispatch': (o) => {
    expect(o.assignments.map((a) => a.unitId)).toEqual(['U1', 'U1a']);
    // the rules would give end of 03-10; capped at the lead unit's own deadline
    expect(o.assignments[1]).toMatchObject({ level: 1, dispatchedByUnitId: 'U1', signedAt: null });
    expect(o.assignments[1]!.deadline.at).toBe(end('2026-03-09'));
  },
  'in_progress/reply': (o) => {
    expect(o.reply).toMatchObject({ at: sh(NOW), unitId: 'U1', result: 'solved', contactedCaller: true, deadlineAtReply: end('2026-03-09') });
  },
  'in_progress_ext/return': (o) => expect(o.extensionRequest).toBeNull(),
  'in_progress_ext/reassign': (o) => expect(o.extensionRequest).toBeNull(),
  'in_progress_ext/approve_extension': (o) => {
    expect(o.extensionRequest).toBeNull();
    expect(o.assignments[0]!.deadline.at).toBe(end('2026-03-12'));
    expect(o.assignments[0]!.extendedWorkingDays).toBe(3);
  },
  'in_progress_ext/refuse_extension': (o) => {
    expect(o.extensionRequest).toBeNull();
    expect(o.assignments[0]!.deadline.at).toBe(end('2026-03-09'));
  },
  'in_progress_ext/subdispatch': (o) => expect(o.extensionRequest?.days).toBe(3),
  'in_progress_ext/reply': (o) => expect(o.extensionRequest).toBeNull(),
  'pending_review/review': (o) => {
    expect(o.completion).toEqual({
      unitId: 'U1',
      repliedAt: sh('2026-03-03T09:00:00'),
      acceptedAt: sh(NOW),
      deadlineAtReply: end('2026-03-09'),
      onTime: true,
    });
    expect(o.followUp).toMatchObject({ attempts: 0, lastOutcome: null, unsatisfiedCount: 0 });
  },
  'pending_follow_up/follow_up': (o) => {
    expect(o.followUp).toMatchObject({ attempts: 1, lastAt: sh(NOW), lastOutcome: 'reached', solved: true, satisfaction: 'very_satisfied' });
    expect(o.completion?.unitId).toBe('U1');
  },
  'pending_sign/remind': (o) => expect(o.reminders).toMatchObject({ count: 1, lastAt: sh(NOW) }),
  'in_progress/remind': (o) => expect(o.reminders?.count).toBe(1),
  'in_progress_ext/remind': (o) => expect(o.extensionRequest?.days).toBe(3),
  // 督办's own deadline: the order's deadline in force, or the rules' limit before dispatch
  'pending_dispatch/supervise': (o) => expect(o.supervision).toMatchObject({ level: 'key', deadline: end('2026-03-10'), at: sh(NOW) }),
  'returned/supervise': (o) => expect(o.supervision?.deadline).toBe(end('2026-03-10')),
  'pending_sign/supervise': (o) => expect(o.supervision?.deadline).toBe(end('2026-03-09')),
  'in_progress/supervise': (o) => expect(o.supervision).toMatchObject({ level: 'key', note: '领导接听转督办' }),
  'in_progress_ext/supervise': (o) => expect(o.supervision?.level).toBe('key'),
  'pending_review/supervise': (o) => expect(o.supervision?.deadline).toBe(end('2026-03-09')),
  ...Object.fromEntries(
    (['pending_dispatch', 'returned', 'pending_sign', 'in_progress', 'in_progress_ext', 'pending_review', 'pending_follow_up'] as const).map((k) => [
      `${k}/link_call`,
      (o: WorkOrder) => expect(o.linkedCaseIds).toEqual(['case-repeat-1']),
    ]),
  ),
};

const cells = FIXTURE_KINDS.flatMap((kind) =>
  ACTION_NAMES.flatMap((action) => ACTOR_COLUMNS.map((col, i) => ({ kind, action, col, expected: EXPECTED[kind][action][i]! }))),
);

describe('the transition table, exhaustively', () => {
  it('covers every fixture × action × actor (8 × 16 × 5)', () => {
    expect(cells).toHaveLength(FIXTURE_KINDS.length * ACTION_NAMES.length * ACTOR_COLUMNS.length);
    expect(cells).toHaveLength(640);
  });

  it.each(cells.map((c) => [c.kind, c.action, c.col, c.expected] as const))('%s · %s · %s → %s', (kind, action, col, expected) => {
    const order = orderIn(kind);
    const before = structuredClone(order);
    const actor = actorFor[col];
    const r = applyAction(order, action, actor, ARGS[action], ctxAt(NOW));
    expect(order).toEqual(before); // pure: the input is untouched
    if (expected.startsWith('→')) {
      if (!r.ok) expect.fail(`refused: ${r.code} ${r.message.en}`);
      expect(r.order.state).toBe(expected.slice(1));
      expect(r.order.version).toBe(order.version + 1);
      expect(WorkOrder.safeParse(r.order).success).toBe(true);
      expect(HistoryEntry.parse(r.entry)).toEqual(r.entry);
      expect(r.entry).toMatchObject({
        orderId: order.id,
        seq: order.version + 1,
        action,
        actor: { username: actor.username, role: actor.role, unitId: actor.unitId },
        at: sh(NOW),
        fromState: order.state,
        toState: r.order.state,
      });
      const effect = EFFECTS[`${kind}/${action}`];
      if (effect) effect(r.order);
    } else {
      if (r.ok) expect.fail(`allowed (→ ${r.order.state}), expected ${expected}`);
      expect(r.code).toBe(expected);
      expect(r.message.zh.length).toBeGreaterThan(4);
      expect(r.message.en.length).toBeGreaterThan(4);
      expect(r.message.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('has an effect check written for each allowed (state, action)', () => {
    const allowed = new Set(cells.filter((c) => c.expected.startsWith('→')).map((c) => `${c.kind}/${c.action}`));
    const missing = [...allowed].filter((k) => !(k in EFFECTS));
    expect(missing).toEqual([]);
  });
});

describe('the operator-may-dispatch setting', () => {
  it.each(FIXTURE_KINDS.map((k) => [k] as const))('%s: an operator dispatches only when the setting allows it', (kind) => {
    const on = ctxAt(NOW, { settings: { operatorMayDispatch: true } });
    const expectedOn: Record<FixtureKind, string> = {
      pending_dispatch: to('pending_sign'),
      returned: to('pending_sign'),
      pending_sign: AD,
      in_progress: AD,
      in_progress_ext: AD,
      pending_review: AD,
      pending_follow_up: AD,
      closed: AD,
    };
    const r = applyAction(orderIn(kind), 'dispatch', actors.operator, ARGS.dispatch, on);
    expect(r.ok ? to(r.order.state) : r.code).toBe(expectedOn[kind]);
    // the setting gives operators nothing else (回访 and linking a repeat call are theirs anyway)
    for (const action of ACTION_NAMES.filter((a) => a !== 'dispatch' && a !== 'follow_up' && a !== 'link_call')) {
      const x = applyAction(orderIn(kind), action, actors.operator, ARGS[action], on);
      expect(x.ok ? 'ok' : x.code, action).toBe(R);
    }
  });
});
