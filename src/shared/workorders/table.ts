/**
 * The lifecycle as data: one definition per action — the states it may start from, the roles
 * that may take it, which of those may act on THIS order (scope: units only on their own
 * orders), its guards (pure checks over the order, the actor, the arguments and `now`), and its
 * effect (the next snapshot plus what the history entry records). `applyAction` (apply.ts) runs
 * them in that order: role → state → scope → arguments → guards → effect.
 *
 * New actions (回访, 重办, 督办/催办, link/unlink …) are new entries of WORK_ORDER_ACTIONS.
 */
import type { Message } from './calendar';
import {
  dispatchDeadlines,
  extendDeadline,
  handlingLimitFor,
  isOnTime,
  type DeadlineRules,
  type EpochMs,
  type TimeLimit,
} from './deadlines';
import type { WorkingCalendar } from './calendar';
import { ACTION_LABELS, type ActionArgs, type ActionName } from './actions';
import { emptyFollowUp, type Assignment, type WorkOrder } from './model';
import type { Satisfaction } from '../domain';
import { refusals, type Refusal } from './refusals';
import type { Actor, UnitDirectory, WorkOrderRole, WorkOrderState } from './states';

export interface FollowUpSettings {
  /** 回访 attempts before an unreached caller's order closes as 无法回访 */
  maxAttempts: number;
  /** working days between two attempts to reach a caller */
  retryAfterWorkingDays: number;
  /** the 满意度 scale: 5 levels, or 3 (满意, 基本满意, 不满意) */
  scale: 5 | 3;
  /** the levels that count as satisfied (满意率, and 办结 after 回访) */
  satisfiedLevels: readonly Satisfaction[];
  /** share (0…1) of 直接答复 cases sampled into 待回访 */
  directAnswerSample: number;
  /** unsatisfied follow-ups on one matter that flag the caller for 面对面 */
  faceToFaceAfter: number;
}
export const DEFAULT_FOLLOW_UP_SETTINGS: FollowUpSettings = {
  maxAttempts: 3,
  retryAfterWorkingDays: 1,
  scale: 5,
  satisfiedLevels: ['very_satisfied', 'satisfied', 'basically_satisfied'],
  directAnswerSample: 0.1,
  faceToFaceAfter: 2,
};
/** the levels of each scale, best first */
export const SATISFACTION_SCALES: Record<3 | 5, readonly Satisfaction[]> = {
  5: ['very_satisfied', 'satisfied', 'basically_satisfied', 'unsatisfied', 'very_unsatisfied'],
  3: ['satisfied', 'basically_satisfied', 'unsatisfied'],
};

export interface WorkflowSettings {
  /** 话务员可在受理时直接派单 (issue 6 §3); otherwise 转办 orders wait for a supervisor */
  operatorMayDispatch: boolean;
  /** 回访 (absent = DEFAULT_FOLLOW_UP_SETTINGS) */
  followUp?: FollowUpSettings;
}
export const DEFAULT_WORKFLOW_SETTINGS: WorkflowSettings = { operatorMayDispatch: false, followUp: DEFAULT_FOLLOW_UP_SETTINGS };
export const followUpSettings = (s: WorkflowSettings): FollowUpSettings => s.followUp ?? DEFAULT_FOLLOW_UP_SETTINGS;

/** Everything an action may read besides the order, the actor and its arguments. */
export interface ActionContext {
  now: EpochMs;
  calendar: WorkingCalendar;
  rules: DeadlineRules;
  units: UnitDirectory;
  settings: WorkflowSettings;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Effect {
  /** the next snapshot (version is set by applyAction) */
  order: WorkOrder;
  /** the history entry's note */
  note: string;
  /** the history entry's details */
  details: Record<string, Json>;
}

export type Guard<A extends ActionName> = (order: WorkOrder, actor: Actor, args: ActionArgs<A>, ctx: ActionContext) => Refusal | null;

export interface ActionDefinition<A extends ActionName = ActionName> {
  name: A;
  label: Message;
  from: readonly WorkOrderState[];
  roles: readonly WorkOrderRole[];
  /** roles that a setting adds */
  rolesBySetting?: (settings: WorkflowSettings) => readonly WorkOrderRole[];
  /** a more specific refusal than invalid_state, when the state is wrong */
  stateRefusal?: (order: WorkOrder) => Refusal;
  /** may this actor (whose role is allowed) act on this order? */
  scope: (order: WorkOrder, actor: Actor) => Refusal | null;
  guards: readonly Guard<A>[];
  effect: (order: WorkOrder, actor: Actor, args: ActionArgs<A>, ctx: ActionContext) => Effect;
}

// ─── helpers ───────────────────────────────────────────────────────────────────────────────

const CENTRE: readonly WorkOrderRole[] = ['supervisor', 'admin'];
/** 回访 and linking a repeat call are the call floor's work */
const FLOOR: readonly WorkOrderRole[] = ['operator', 'supervisor', 'admin'];
const OPEN: readonly WorkOrderState[] = ['pending_dispatch', 'pending_sign', 'in_progress', 'returned', 'pending_review', 'pending_follow_up'];

/** The current level (the unit holding the order now). */
export const currentAssignment = (o: WorkOrder): Assignment | undefined => o.assignments[o.assignments.length - 1];
/** Level 0: the lead unit (承办单位), answerable to the centre. */
export const leadAssignment = (o: WorkOrder): Assignment | undefined => o.assignments[0];

const anyone = (): Refusal | null => null;
const currentUnitOnly = (o: WorkOrder, a: Actor): Refusal | null =>
  a.unitId !== null && currentAssignment(o)?.unitId === a.unitId ? null : refusals.notYourOrder();
const leadUnitOnly = (o: WorkOrder, a: Actor): Refusal | null =>
  a.unitId !== null && leadAssignment(o)?.unitId === a.unitId ? null : refusals.notYourOrder();

function unitGuard(ctx: ActionContext, id: string): Refusal | null {
  const u = ctx.units.get(id);
  if (!u) return refusals.unknownUnit(id);
  if (!u.active) return refusals.inactiveUnit(u.name);
  return null;
}

function leadAndCoUnitsGuard(o: WorkOrder, _a: Actor, args: ActionArgs<'dispatch'>, ctx: ActionContext): Refusal | null {
  const lead = unitGuard(ctx, args.leadUnitId);
  if (lead) return lead;
  if (new Set(args.coUnitIds).size !== args.coUnitIds.length || args.coUnitIds.includes(args.leadUnitId)) {
    return refusals.invalidCoUnits();
  }
  for (const id of args.coUnitIds) {
    const r = unitGuard(ctx, id);
    if (r) return r;
  }
  return null;
}

/** Computing the deadlines may refuse (calendar_year_not_covered): run it as a guard too. */
function deadlinesComputable(o: WorkOrder, _a: Actor, args: { limit?: TimeLimit | undefined }, ctx: ActionContext): Refusal | null {
  dispatchDeadlines(ctx.calendar, ctx.rules, ctx.now, args.limit ?? handlingLimitFor(ctx.rules, o));
  return null;
}

const ms = (at: EpochMs): Json => at;

function levelZero(o: WorkOrder, actor: Actor, args: ActionArgs<'dispatch'>, ctx: ActionContext): Assignment {
  const limit = args.limit ?? handlingLimitFor(ctx.rules, o);
  const d = dispatchDeadlines(ctx.calendar, ctx.rules, ctx.now, limit);
  return {
    level: 0,
    unitId: args.leadUnitId,
    coUnitIds: args.coUnitIds,
    dispatchedAt: ctx.now,
    dispatchedBy: actor.username,
    dispatchedByUnitId: null,
    signBy: d.signBy,
    returnBy: d.returnBy,
    deadline: d.deadline,
    signedAt: null,
    extendedWorkingDays: 0,
  };
}

function dispatchDetails(a: Assignment, limit: TimeLimit): Record<string, Json> {
  return {
    unitId: a.unitId,
    coUnitIds: a.coUnitIds,
    limit: { unit: limit.unit, value: limit.value },
    signBy: ms(a.signBy),
    returnBy: ms(a.returnBy),
    deadline: ms(a.deadline.at),
    deadlineBasis: a.deadline.basis,
  };
}

/** The sub-unit's deadlines: the rules' (or the given) limit, never past the parent's deadline. */
function subDeadlines(o: WorkOrder, args: ActionArgs<'subdispatch'>, ctx: ActionContext) {
  const parent = currentAssignment(o)!;
  const limit = args.limit ?? handlingLimitFor(ctx.rules, o);
  const d = dispatchDeadlines(ctx.calendar, ctx.rules, ctx.now, limit);
  const capped = args.limit === undefined && d.deadline.at > parent.deadline.at;
  const deadline = capped ? parent.deadline : d.deadline;
  return {
    limit,
    beyondParent: d.deadline.at > parent.deadline.at,
    signBy: Math.min(d.signBy, deadline.at),
    returnBy: Math.min(d.returnBy, deadline.at),
    deadline,
  };
}

const pop = (o: WorkOrder): Assignment[] => o.assignments.slice(0, -1);

// ─── the table ─────────────────────────────────────────────────────────────────────────────

const dispatch: ActionDefinition<'dispatch'> = {
  name: 'dispatch',
  label: ACTION_LABELS.dispatch,
  from: ['pending_dispatch', 'returned'],
  roles: CENTRE,
  rolesBySetting: (s) => (s.operatorMayDispatch ? ['operator'] : []),
  stateRefusal: (o) => (o.assignments.length > 0 || o.state === 'pending_review' || o.state === 'closed'
    ? refusals.alreadyDispatched(o.state)
    : refusals.invalidState('dispatch', o.state)),
  scope: anyone,
  guards: [leadAndCoUnitsGuard, deadlinesComputable],
  effect: (o, actor, args, ctx) => {
    const a = levelZero(o, actor, args, ctx);
    return {
      order: { ...o, state: 'pending_sign', assignments: [a], extensionRequest: null, reply: null, returnedFrom: null },
      note: args.note,
      details: dispatchDetails(a, args.limit ?? handlingLimitFor(ctx.rules, o)),
    };
  },
};

const recall: ActionDefinition<'recall'> = {
  name: 'recall',
  label: ACTION_LABELS.recall,
  from: ['pending_sign'],
  roles: [...CENTRE, 'unit'],
  // the centre recalls its own dispatch; a unit recalls its own 下派
  scope: (o, a) => {
    const cur = currentAssignment(o)!;
    if (cur.level === 0) return a.role !== 'unit' ? null : refusals.recallByDispatcherOnly();
    return a.role === 'unit' && a.unitId === cur.dispatchedByUnitId ? null : refusals.recallByDispatcherOnly();
  },
  guards: [],
  effect: (o, _actor, args) => {
    const cur = currentAssignment(o)!;
    const toCentre = cur.level === 0;
    return {
      order: toCentre
        ? { ...o, state: 'pending_dispatch', assignments: [], extensionRequest: null }
        : { ...o, state: 'in_progress', assignments: pop(o) },
      note: args.note,
      details: { unitId: cur.unitId, level: cur.level },
    };
  },
};

const sign: ActionDefinition<'sign'> = {
  name: 'sign',
  label: ACTION_LABELS.sign,
  from: ['pending_sign'],
  roles: ['unit'],
  scope: currentUnitOnly,
  guards: [],
  effect: (o, _actor, args, ctx) => {
    const cur = currentAssignment(o)!;
    const assignments = [...pop(o), { ...cur, signedAt: ctx.now }];
    return {
      order: { ...o, state: 'in_progress', assignments },
      note: args.note,
      details: { unitId: cur.unitId, level: cur.level, late: ctx.now > cur.signBy },
    };
  },
};

const returnAction: ActionDefinition<'return'> = {
  name: 'return',
  label: ACTION_LABELS.return,
  from: ['pending_sign', 'in_progress'],
  roles: ['unit'],
  scope: currentUnitOnly,
  guards: [
    (o, _a, _args, ctx) =>
      ctx.now <= currentAssignment(o)!.returnBy ? null : refusals.returnWindowClosed(ctx.rules.returnWindowWorkingDays),
  ],
  effect: (o, _actor, args, ctx) => {
    const cur = currentAssignment(o)!;
    // the lead unit returns to the centre; a sub-unit to the unit that passed it on
    const order: WorkOrder =
      cur.level === 0
        ? {
            ...o,
            state: 'returned',
            assignments: [],
            extensionRequest: null,
            returnedFrom: { unitId: cur.unitId, reason: args.reason, at: ctx.now },
          }
        : { ...o, state: 'in_progress', assignments: pop(o) };
    return { order, note: args.reason, details: { unitId: cur.unitId, level: cur.level, reason: args.reason } };
  },
};

const reassign: ActionDefinition<'reassign'> = {
  name: 'reassign',
  label: ACTION_LABELS.reassign,
  from: ['pending_sign', 'in_progress'],
  roles: CENTRE,
  scope: anyone,
  guards: [
    (o, _a, args) => (leadAssignment(o)?.unitId === args.leadUnitId ? refusals.sameUnit() : null),
    leadAndCoUnitsGuard,
    deadlinesComputable,
  ],
  effect: (o, actor, args, ctx) => {
    const a = levelZero(o, actor, args, ctx);
    return {
      order: { ...o, state: 'pending_sign', assignments: [a], extensionRequest: null, reply: null },
      note: args.note,
      details: { ...dispatchDetails(a, args.limit ?? handlingLimitFor(ctx.rules, o)), fromUnitId: leadAssignment(o)!.unitId },
    };
  },
};

const extensionLeft = (o: WorkOrder, ctx: ActionContext): number =>
  ctx.rules.extensionCapWorkingDays - leadAssignment(o)!.extendedWorkingDays;

const requestExtension: ActionDefinition<'request_extension'> = {
  name: 'request_extension',
  label: ACTION_LABELS.request_extension,
  from: ['pending_sign', 'in_progress'],
  roles: ['unit'],
  scope: leadUnitOnly,
  guards: [
    (o) => (leadAssignment(o)!.signedAt === null ? refusals.notSigned() : null),
    (o) => (o.extensionRequest ? refusals.extensionAlreadyRequested() : null),
    (o, _a, _args, ctx) => (ctx.now > leadAssignment(o)!.deadline.at ? refusals.extensionAfterDeadline() : null),
    (o, _a, args, ctx) =>
      args.days > extensionLeft(o, ctx)
        ? refusals.extensionCapExceeded(Math.max(0, extensionLeft(o, ctx)), ctx.rules.extensionCapWorkingDays)
        : null,
    // the new deadline must be computable
    (o, _a, args, ctx) => (extendDeadline(ctx.calendar, leadAssignment(o)!.deadline, args.days), null),
  ],
  effect: (o, actor, args, ctx) => ({
    order: {
      ...o,
      extensionRequest: { days: args.days, reason: args.reason, requestedAt: ctx.now, requestedBy: actor.username, unitId: actor.unitId! },
    },
    note: args.reason,
    details: { days: args.days, deadline: ms(leadAssignment(o)!.deadline.at) },
  }),
};

const pendingRequest = (o: WorkOrder): Refusal | null => (o.extensionRequest ? null : refusals.noExtensionRequest());

const approveExtension: ActionDefinition<'approve_extension'> = {
  name: 'approve_extension',
  label: ACTION_LABELS.approve_extension,
  from: ['pending_sign', 'in_progress'],
  roles: CENTRE,
  scope: anyone,
  guards: [
    pendingRequest,
    (o, _a, args) =>
      args.days !== undefined && args.days > o.extensionRequest!.days ? refusals.approveMoreThanRequested(o.extensionRequest!.days) : null,
    (o, _a, args, ctx) => {
      const days = args.days ?? o.extensionRequest!.days;
      return days > extensionLeft(o, ctx)
        ? refusals.extensionCapExceeded(Math.max(0, extensionLeft(o, ctx)), ctx.rules.extensionCapWorkingDays)
        : null;
    },
  ],
  effect: (o, _actor, args, ctx) => {
    const lead = leadAssignment(o)!;
    const days = args.days ?? o.extensionRequest!.days;
    const deadline = extendDeadline(ctx.calendar, lead.deadline, days);
    const assignments = [{ ...lead, deadline, extendedWorkingDays: lead.extendedWorkingDays + days }, ...o.assignments.slice(1)];
    return {
      order: { ...o, assignments, extensionRequest: null },
      note: args.note,
      details: {
        unitId: lead.unitId,
        requestedDays: o.extensionRequest!.days,
        days,
        previousDeadline: ms(lead.deadline.at),
        deadline: ms(deadline.at),
        extendedWorkingDays: lead.extendedWorkingDays + days,
      },
    };
  },
};

const refuseExtension: ActionDefinition<'refuse_extension'> = {
  name: 'refuse_extension',
  label: ACTION_LABELS.refuse_extension,
  from: ['pending_sign', 'in_progress'],
  roles: CENTRE,
  scope: anyone,
  guards: [pendingRequest],
  effect: (o, _actor, args) => ({
    order: { ...o, extensionRequest: null },
    note: args.reason,
    details: { unitId: o.extensionRequest!.unitId, requestedDays: o.extensionRequest!.days, reason: args.reason },
  }),
};

const subdispatch: ActionDefinition<'subdispatch'> = {
  name: 'subdispatch',
  label: ACTION_LABELS.subdispatch,
  from: ['in_progress'],
  roles: ['unit'],
  scope: currentUnitOnly,
  guards: [
    (_o, _a, args, ctx) => unitGuard(ctx, args.unitId),
    (_o, a, args, ctx) => {
      const u = ctx.units.get(args.unitId)!;
      return u.parentId === a.unitId ? null : refusals.notASubUnit(u.name);
    },
    (o, _a, args, ctx) => (args.limit !== undefined && subDeadlines(o, args, ctx).beyondParent ? refusals.beyondParentDeadline() : null),
    // also refuses (beyond the parent's deadline) once that deadline has passed
    (o, _a, _args, ctx) => (ctx.now > currentAssignment(o)!.deadline.at ? refusals.beyondParentDeadline() : null),
  ],
  effect: (o, actor, args, ctx) => {
    const parent = currentAssignment(o)!;
    const d = subDeadlines(o, args, ctx);
    const a: Assignment = {
      level: parent.level + 1,
      unitId: args.unitId,
      coUnitIds: [],
      dispatchedAt: ctx.now,
      dispatchedBy: actor.username,
      dispatchedByUnitId: parent.unitId,
      signBy: d.signBy,
      returnBy: d.returnBy,
      deadline: d.deadline,
      signedAt: null,
      extendedWorkingDays: 0,
    };
    return {
      order: { ...o, state: 'pending_sign', assignments: [...o.assignments, a] },
      note: args.note,
      details: {
        ...dispatchDetails(a, d.limit),
        level: a.level,
        fromUnitId: parent.unitId,
        parentDeadline: ms(parent.deadline.at),
      },
    };
  },
};

const reply: ActionDefinition<'reply'> = {
  name: 'reply',
  label: ACTION_LABELS.reply,
  from: ['in_progress'],
  roles: ['unit'],
  scope: currentUnitOnly,
  guards: [],
  effect: (o, actor, args, ctx) => {
    const cur = currentAssignment(o)!;
    const details: Record<string, Json> = {
      unitId: cur.unitId,
      level: cur.level,
      result: args.result,
      contactedCaller: args.contactedCaller,
      remark: args.note,
      deadline: ms(cur.deadline.at),
      late: ctx.now > cur.deadline.at,
    };
    if (cur.level > 0) {
      // a sub-unit reports to the unit that passed the order on, which replies to the centre
      return { order: { ...o, state: 'in_progress', assignments: pop(o) }, note: args.content, details };
    }
    return {
      order: {
        ...o,
        state: 'pending_review',
        extensionRequest: null,
        reply: {
          at: ctx.now,
          by: actor.username,
          unitId: cur.unitId,
          content: args.content,
          result: args.result,
          contactedCaller: args.contactedCaller,
          deadlineAtReply: cur.deadline.at,
        },
      },
      note: args.content,
      details,
    };
  },
};

const review: ActionDefinition<'review'> = {
  name: 'review',
  label: ACTION_LABELS.review,
  from: ['pending_review'],
  roles: CENTRE,
  scope: anyone,
  guards: [(o) => (o.reply ? null : refusals.noReply())],
  effect: (o, _actor, args, ctx): Effect => {
    const r = o.reply!;
    if (args.decision === 'send_back') {
      return {
        order: { ...o, state: 'in_progress', reply: null },
        note: args.note,
        details: { decision: 'send_back', unitId: r.unitId, repliedAt: ms(r.at) },
      };
    }
    const onTime = isOnTime({ repliedAt: r.at, deadlineAtReply: r.deadlineAtReply });
    // accepted: the caller is called back (回访) before the order is 办结
    return {
      order: {
        ...o,
        state: 'pending_follow_up',
        completion: { unitId: r.unitId, repliedAt: r.at, acceptedAt: ctx.now, deadlineAtReply: r.deadlineAtReply, onTime },
        followUp: emptyFollowUp(o.followUp?.unsatisfiedCount ?? 0),
      },
      note: args.note,
      details: { decision: 'accept', unitId: r.unitId, repliedAt: ms(r.at), deadlineAtReply: ms(r.deadlineAtReply), onTime },
    };
  },
};

const followUp: ActionDefinition<'follow_up'> = {
  name: 'follow_up',
  label: ACTION_LABELS.follow_up,
  from: ['pending_follow_up'],
  roles: FLOOR,
  scope: anyone,
  guards: [
    (_o, _a, args, ctx) => {
      const scale = SATISFACTION_SCALES[followUpSettings(ctx.settings).scale];
      return args.satisfaction === undefined || scale.includes(args.satisfaction) ? null : refusals.satisfactionNotOnScale(scale.length);
    },
  ],
  effect: (o, _actor, args, ctx) => {
    const cfg = followUpSettings(ctx.settings);
    const prev = o.followUp ?? emptyFollowUp(0);
    const attempt = { ...prev, attempts: prev.attempts + 1, lastAt: ctx.now, lastOutcome: args.outcome, nextAfter: null };
    const unitId = o.completion?.unitId ?? null;
    const base = { outcome: args.outcome, solved: args.solved ?? null, satisfaction: args.satisfaction ?? null, attempt: attempt.attempts, unitId };

    if (args.outcome === 'refused') {
      return {
        order: { ...o, state: 'closed', followUp: attempt },
        note: args.note,
        details: { ...base, satisfied: null, result: 'refused' },
      };
    }
    if (args.outcome === 'not_reached') {
      if (attempt.attempts >= cfg.maxAttempts) {
        return {
          order: { ...o, state: 'closed', followUp: attempt },
          note: args.note,
          details: { ...base, satisfied: null, result: 'unreachable' },
        };
      }
      const nextAfter = addWorkingDaysFrom(ctx, cfg.retryAfterWorkingDays);
      return {
        order: { ...o, followUp: { ...attempt, nextAfter } },
        note: args.note,
        details: { ...base, satisfied: null, result: 'retry', nextAfter: ms(nextAfter) },
      };
    }
    const satisfied = cfg.satisfiedLevels.includes(args.satisfaction!);
    const reached = { ...attempt, solved: args.solved!, satisfaction: args.satisfaction! };
    if (satisfied && args.solved) {
      return {
        order: { ...o, state: 'closed', followUp: reached },
        note: args.note,
        details: { ...base, satisfied: true, result: 'closed' },
      };
    }
    // 重办: back to the unit that answered, with fresh deadlines and the follow-up note; a
    // sampled direct answer has no unit and goes to 待派单
    const rehandled: WorkOrder = {
      ...o,
      followUp: { ...reached, unsatisfiedCount: reached.unsatisfiedCount + 1 },
      rehandleCount: (o.rehandleCount ?? 0) + 1,
      reply: null,
      completion: null,
      extensionRequest: null,
    };
    if (unitId === null) {
      return {
        order: { ...rehandled, state: 'pending_dispatch', assignments: [] },
        note: args.note,
        details: { ...base, satisfied, result: 'rehandle' },
      };
    }
    const limit = handlingLimitFor(ctx.rules, o);
    const d = dispatchDeadlines(ctx.calendar, ctx.rules, ctx.now, limit);
    const lead = leadAssignment(o);
    const a: Assignment = {
      level: 0,
      unitId,
      coUnitIds: lead?.coUnitIds ?? [],
      dispatchedAt: ctx.now,
      dispatchedBy: _actor.username,
      dispatchedByUnitId: null,
      signBy: d.signBy,
      returnBy: d.returnBy,
      deadline: d.deadline,
      signedAt: null,
      extendedWorkingDays: 0,
    };
    return {
      order: { ...rehandled, state: 'pending_sign', assignments: [a] },
      note: args.note,
      details: { ...base, satisfied, result: 'rehandle', ...dispatchDetails(a, limit), rehandleCount: rehandled.rehandleCount! },
    };
  },
};

/** `days` working days after now, at the same time of day is not needed: the start of that day's work is */
function addWorkingDaysFrom(ctx: ActionContext, days: number): EpochMs {
  // the deadline machinery gives the end of the n-th working day; the retry is due from its start
  const end = dispatchDeadlines(ctx.calendar, ctx.rules, ctx.now, { unit: 'working_days', value: days }).deadline.at;
  return end - 24 * 3600 * 1000 + 1;
}

const remind: ActionDefinition<'remind'> = {
  name: 'remind',
  label: ACTION_LABELS.remind,
  from: ['pending_sign', 'in_progress'],
  roles: CENTRE,
  scope: anyone,
  guards: [],
  effect: (o, actor, args, ctx) => {
    const count = (o.reminders?.count ?? 0) + 1;
    return {
      order: { ...o, reminders: { count, lastAt: ctx.now, lastBy: actor.username } },
      note: args.note,
      details: { unitId: currentAssignment(o)!.unitId, leadUnitId: leadAssignment(o)!.unitId, count },
    };
  },
};

const supervise: ActionDefinition<'supervise'> = {
  name: 'supervise',
  label: ACTION_LABELS.supervise,
  from: ['pending_dispatch', 'pending_sign', 'in_progress', 'returned', 'pending_review'],
  roles: CENTRE,
  scope: anyone,
  guards: [(o, _a, args, ctx) => (args.limit ? deadlinesComputable(o, _a, args, ctx) : null)],
  effect: (o, actor, args, ctx) => {
    const lead = leadAssignment(o);
    const deadline = args.limit
      ? dispatchDeadlines(ctx.calendar, ctx.rules, ctx.now, args.limit).deadline.at
      : (lead?.deadline.at ?? dispatchDeadlines(ctx.calendar, ctx.rules, ctx.now, handlingLimitFor(ctx.rules, o)).deadline.at);
    return {
      order: { ...o, supervision: { level: args.level, deadline, at: ctx.now, by: actor.username, note: args.note } },
      note: args.note,
      details: { level: args.level, deadline: ms(deadline), unitId: lead?.unitId ?? null, previousLevel: o.supervision?.level ?? null },
    };
  },
};

const linkCall: ActionDefinition<'link_call'> = {
  name: 'link_call',
  label: ACTION_LABELS.link_call,
  from: OPEN,
  roles: FLOOR,
  scope: anyone,
  guards: [(o, _a, args) => ((o.linkedCaseIds ?? []).includes(args.caseId) ? refusals.alreadyLinked() : null)],
  effect: (o, _actor, args) => {
    const linkedCaseIds = [...(o.linkedCaseIds ?? []), args.caseId];
    return {
      order: { ...o, linkedCaseIds },
      note: args.note,
      details: { caseId: args.caseId, unitId: currentAssignment(o)?.unitId ?? null, repeatCalls: linkedCaseIds.length },
    };
  },
};

const unlinkCall: ActionDefinition<'unlink_call'> = {
  name: 'unlink_call',
  label: ACTION_LABELS.unlink_call,
  from: [...OPEN, 'closed'],
  roles: CENTRE,
  scope: anyone,
  guards: [(o, _a, args) => ((o.linkedCaseIds ?? []).includes(args.caseId) ? null : refusals.notLinked())],
  effect: (o, _actor, args) => {
    const linkedCaseIds = (o.linkedCaseIds ?? []).filter((id) => id !== args.caseId);
    return {
      order: { ...o, linkedCaseIds },
      note: args.note,
      details: { caseId: args.caseId, repeatCalls: linkedCaseIds.length },
    };
  },
};

/** Erases the argument type so that the definitions can share one list. */
export type AnyActionDefinition = ActionDefinition<ActionName>;
const erase = <A extends ActionName>(d: ActionDefinition<A>): AnyActionDefinition => d as unknown as AnyActionDefinition;

/** The lifecycle. Add an action by appending a definition. */
export const WORK_ORDER_ACTIONS: readonly AnyActionDefinition[] = [
  erase(dispatch),
  erase(recall),
  erase(sign),
  erase(returnAction),
  erase(reassign),
  erase(requestExtension),
  erase(approveExtension),
  erase(refuseExtension),
  erase(subdispatch),
  erase(reply),
  erase(review),
  erase(followUp),
  erase(remind),
  erase(supervise),
  erase(linkCall),
  erase(unlinkCall),
];

export const actionDefinition = (name: ActionName): AnyActionDefinition | undefined =>
  WORK_ORDER_ACTIONS.find((d) => d.name === name);

/** Roles that may take an action under these settings. */
export function rolesFor(def: AnyActionDefinition, settings: WorkflowSettings): readonly WorkOrderRole[] {
  return [...def.roles, ...(def.rolesBySetting?.(settings) ?? [])];
}
