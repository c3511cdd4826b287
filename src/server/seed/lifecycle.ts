/**
 * Lifecycle histories for demo orders, made by running the SHARED transition table
 * (`applyAction`, src/shared/workorders) over the days: the centre dispatches (派单), the unit
 * signs (签收), sometimes returns a misdirected order (退回) that is dispatched again, asks for an
 * extension (申请延期, approved or refused), passes the order on to a street (下派), replies
 * (办理反馈), and the centre reviews (审核, now and then sending a reply back). Every step runs
 * through applyAction with its own `now`, so the stored snapshot and history are exactly what the
 * server would have written; a step whose time is after the seed's `now` has not happened yet,
 * which leaves the most recent orders open in every queue.
 *
 * The shares are a profile (`LifecycleProfile`): the default is calibrated to the seed article
 * (99.3 % of completed orders on time, a few per cent returned or extended). A later profile
 * (jining-2019) can pass its own shares and volumes without touching the steps.
 *
 * A small "showcase" quota per queue makes sure a small demo still has something in each queue
 * at `now` (待派单, 待签收, 已退回, 延期申请, 待审核, 临期, 超期): an order of the right age is held
 * at the step that leaves it there. With realistic volumes the natural flow fills them anyway.
 */
import {
  followUpSettings,
  applyAction,
  currentAssignment,
  newWorkOrder,
  warningFrom,
  type ActionContext,
  type ActionName,
  type Actor,
  type HistoryEntry,
  type ReplyResult,
  type WorkOrder,
} from '../../shared/workorders';
import type { Urgency } from '../../shared/domain';
import { suggestUnit, type DispatchRule, type Unit } from '../../shared/units';
import { unitUsername } from './directory';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const CHINA_OFFSET_MS = 8 * HOUR;

/** The randomness the simulator needs (the seed generator's Rng fits). */
export interface SeedRandom {
  float(): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export interface LifecycleProfile {
  /** dispatched first to a unit that returns it (退回), then dispatched again */
  wrongUnitShare: number;
  /** the lead unit asks for an extension (working-day orders) */
  extensionShare: number;
  /** of those, refused by the centre */
  extensionRefusedShare: number;
  /** orders led by a district that it passes on to the street of the region (下派) */
  subdispatchShare: number;
  /** replies the centre sends back once (审核退回) */
  sendBackShare: number;
  /** orders replied after their deadline (the complement of the on-time rate) */
  lateShare: number;
  /** orders held per queue so that every queue has some at `now` (0: none) */
  showcasePerQueue: number;
  /**
   * Instead of drawing `lateShare`: is the order whose (final) 办理时限 is `deadline` replied
   * late? A calibrated profile keeps exact quotas per due month with it (jining-2019).
   */
  decideLate?: (deadline: number) => boolean;
  /** told every simulated order (a quota keeper counts what actually happened) */
  observe?: (order: WorkOrder) => void;
}

/**
 * Late replies by quota: of the orders due in each centre month, exactly ⌊share × due⌋ are
 * replied late (what actually happened is counted back through `observe`), so a month's
 * 按时办结率 is exact rather than a draw.
 */
export function lateQuota(share: number): Pick<LifecycleProfile, 'decideLate' | 'observe'> {
  const month = (at: number) => new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 7);
  const due = new Map<string, number>();
  const late = new Map<string, number>();
  return {
    decideLate(deadline) {
      const m = month(deadline);
      return (late.get(m) ?? 0) + 1 <= Math.floor(share * ((due.get(m) ?? 0) + 1));
    },
    observe(order) {
      const at = order.completion?.deadlineAtReply ?? order.assignments[0]?.deadline.at;
      if (at === undefined) return;
      const m = month(at);
      due.set(m, (due.get(m) ?? 0) + 1);
      if (!order.completion?.onTime) late.set(m, (late.get(m) ?? 0) + 1);
    },
  };
}

export const DEFAULT_LIFECYCLE: LifecycleProfile = {
  wrongUnitShare: 0.03,
  extensionShare: 0.03,
  extensionRefusedShare: 0.15,
  subdispatchShare: 0.3,
  sendBackShare: 0.02,
  lateShare: 0.007,
  showcasePerQueue: 2,
};

export const SHOWCASES = ['pending_dispatch', 'pending_sign', 'returned', 'extension', 'pending_review', 'due_soon', 'overdue'] as const;
export type Showcase = (typeof SHOWCASES)[number];

/** Ages (now − created) at which an order can stand for a queue. */
const SHOWCASE_AGE: Record<Showcase, [number, number]> = {
  pending_dispatch: [0, 3 * HOUR],
  pending_sign: [HOUR, 12 * HOUR],
  returned: [3 * HOUR, 2 * DAY],
  extension: [DAY, 4 * DAY],
  pending_review: [DAY, 4 * DAY],
  due_soon: [3 * DAY, 10 * DAY],
  overdue: [6 * DAY, 20 * DAY],
};

const DISPATCH_NOTES = ['请按时办理并答复来电人。', '请核实情况后依法依规处理。', '群众反映强烈，请尽快处理。', ''];
const RETURN_REASONS = [
  '该事项不属于我单位职责范围，请重新派单。',
  '经核实，问题发生地不在我辖区，请改派属地单位。',
  '诉求涉及其他部门职能，建议转相关部门办理。',
];
const EXTENSION_REASONS = ['需协调多个部门现场处置，申请延期办理。', '涉及工程维修，材料采购需要时间，申请延期。', '需等待相关检测结果，申请延期。'];
const REHANDLE_NOTES = ['来电人表示问题仍未解决，要求重新办理。', '来电人对处理结果不满意，希望上门核实。', '噪音问题反复出现，来电人不满意。'];
const REFUSE_REASONS = ['诉求较为简单，请在原时限内办结。', '延期理由不充分，请按期办理。'];
const SEND_BACK_REASONS = ['答复内容不完整，请补充具体处理结果。', '未联系来电人，请与来电人沟通后重新答复。'];
const REPLY_TEXTS = [
  '已联系来电人，经现场核实情况属实，已安排人员处理完毕，来电人表示认可。',
  '接到工单后立即组织人员到现场查看，问题已整改到位，并向来电人反馈。',
  '经调查核实，已依法依规对相关责任方进行处理，已电话告知来电人处理结果。',
  '已向来电人详细解释相关政策规定，来电人表示理解。',
  '已协调相关单位共同处置，问题已基本解决，后续将持续跟踪。',
];
const SATISFIED = ['very_satisfied', 'satisfied', 'satisfied', 'satisfied', 'basically_satisfied'] as const;
const SUB_REPLY_TEXTS = ['街道已安排网格员现场处理完毕，请区里审核答复。', '社区已上门核实并处理，处理情况已记录在案。'];
const RESULTS: readonly ReplyResult[] = [
  ...Array<ReplyResult>(70).fill('solved'),
  ...Array<ReplyResult>(20).fill('explained'),
  ...Array<ReplyResult>(8).fill('partly_solved'),
  ...Array<ReplyResult>(2).fill('unsolved'),
];

export interface OrderInput {
  /** the case's uuid, the order's id */
  id: string;
  createdAt: number;
  urgency: Urgency;
  categoryCode: string;
  regionCode: string;
}

export interface SimulatedOrder {
  order: WorkOrder;
  history: HistoryEntry[];
  /** a step the calendar could not compute (a year without working-day data): the order stops there */
  calendarRefused: boolean;
}

export interface SimulatorOptions {
  /** the seed's now: steps after it have not happened yet */
  now: number;
  /** calendar, deadline rules, units directory (as the table reads it), workflow settings; `now` is set per step */
  context: Omit<ActionContext, 'now'>;
  units: readonly Unit[];
  rules: readonly DispatchRule[];
  /** street region code → street unit code, for 下派 */
  streets: ReadonlyMap<string, string>;
  /** usernames of the centre's dispatchers and reviewers */
  supervisors: readonly string[];
  rng: SeedRandom;
  profile?: LifecycleProfile;
}

/** Thrown by a step whose time is after `now`: the order waits there. */
const HALT = Symbol('halt');

class UnexpectedRefusal extends Error {}

export class OrderSimulator {
  private readonly profile: LifecycleProfile;
  private readonly quota = new Map<Showcase, number>();
  private readonly unitKind = new Map<string, Unit['kind']>();
  private readonly topLevel: string[];
  /** the queue the order being simulated is held in (decided once its deadline is known) */
  private held: Showcase | null = null;
  /** orders held for each queue so far */
  readonly showcased = new Map<Showcase, number>();

  constructor(private readonly o: SimulatorOptions) {
    this.profile = o.profile ?? DEFAULT_LIFECYCLE;
    for (const s of SHOWCASES) this.quota.set(s, this.profile.showcasePerQueue);
    for (const u of o.units) this.unitKind.set(u.code, u.kind);
    this.topLevel = o.units.filter((u) => u.parentCode === null && u.active).map((u) => u.code);
  }

  /** The unit the catalogue suggests (what the dispatcher picks), the catch-all when none. */
  suggest(categoryCode: string, regionCode: string): string {
    return suggestUnit(this.o.rules, categoryCode, regionCode) ?? suggestUnit(this.o.rules, '', '') ?? this.topLevel[0]!;
  }

  simulate(input: OrderInput): SimulatedOrder {
    let order = newWorkOrder({ id: input.id, urgency: input.urgency, categoryCode: input.categoryCode });
    const history: HistoryEntry[] = [];
    let calendarRefused = false;
    const act = (action: ActionName, actor: Actor, args: unknown, at: number): void => {
      if (at > this.o.now) throw HALT;
      const r = applyAction(order, action, actor, args, { ...this.o.context, now: Math.round(at) });
      if (!r.ok) {
        if (r.code === 'calendar_year_not_covered') {
          calendarRefused = true;
          throw HALT;
        }
        throw new UnexpectedRefusal(`order ${input.id}: ${action} at ${new Date(at).toISOString()} refused: ${r.code} ${r.message.en}`);
      }
      order = r.order;
      history.push(r.entry);
    };
    const force = this.chooseShowcase(input);
    this.held = null;
    try {
      this.run(input, act, () => order, force);
    } catch (e) {
      if (e !== HALT) throw e;
    }
    this.profile.observe?.(order);
    const reached = this.held ?? force;
    if (reached && this.standsFor(order, reached)) {
      this.quota.set(reached, this.quota.get(reached)! - 1);
      this.showcased.set(reached, (this.showcased.get(reached) ?? 0) + 1);
    }
    return { order, history, calendarRefused };
  }

  private chooseShowcase(input: OrderInput): Showcase | null {
    const age = this.o.now - input.createdAt;
    for (const s of SHOWCASES) {
      if (s === 'due_soon' || s === 'overdue') continue; // decided once the deadline is known
      const [from, to] = SHOWCASE_AGE[s];
      if (this.quota.get(s)! > 0 && age >= from && age <= to) return s;
    }
    return null;
  }

  private wants(s: Showcase, input: OrderInput): boolean {
    const age = this.o.now - input.createdAt;
    return this.quota.get(s)! > 0 && age >= SHOWCASE_AGE[s][0] && age <= SHOWCASE_AGE[s][1];
  }

  private standsFor(order: WorkOrder, s: Showcase): boolean {
    switch (s) {
      case 'extension':
        return order.extensionRequest !== null;
      case 'due_soon':
      case 'overdue':
        return order.state === 'in_progress';
      default:
        return order.state === s;
    }
  }

  private between(a: number, b: number): number {
    return a + (b - a) * this.o.rng.float();
  }

  /** When the centre dispatches what arrived at `t`: minutes later by day, the next morning by night. */
  private centreTime(t: number): number {
    const r = this.o.rng;
    const at = t + 3 * MIN - Math.log(1 - r.float()) * 40 * MIN;
    return this.nextOfficeHours(Math.min(at, t + 6 * HOUR), 21);
  }

  /** `t`, or 08:00–10:00 (China) of the next morning when `t` falls after `closing` or before 08:00. */
  private nextOfficeHours(t: number, closing: number): number {
    const local = t + CHINA_OFFSET_MS;
    const hour = (local % DAY) / HOUR;
    if (hour >= 8 && hour < closing) return t;
    const midnight = local - (local % DAY) - CHINA_OFFSET_MS;
    const morning = midnight + (hour >= closing ? DAY : 0) + 8 * HOUR;
    return morning + this.o.rng.float() * 2 * HOUR;
  }

  private unitActor(code: string): Actor {
    return { username: unitUsername(code), role: 'unit', unitId: code };
  }

  private supervisor(): Actor {
    return { username: this.o.rng.pick(this.o.supervisors), role: 'supervisor', unitId: null };
  }

  private replyArgs(sub = false) {
    const r = this.o.rng;
    return { content: r.pick(sub ? SUB_REPLY_TEXTS : REPLY_TEXTS), result: r.pick(RESULTS), contactedCaller: r.chance(0.92), note: '' };
  }

  /** The steps of one order, up to `now`. */
  private run(input: OrderInput, act: (a: ActionName, who: Actor, args: unknown, at: number) => void, get: () => WorkOrder, force: Showcase | null): void {
    const { rng: r, now } = this.o;
    const p = this.profile;
    const hold = now + HOUR;
    const suggested = this.suggest(input.categoryCode, input.regionCode);

    let t = force === 'pending_dispatch' ? hold : this.centreTime(input.createdAt);
    const misdirect = force === 'returned' || r.chance(p.wrongUnitShare);
    if (misdirect) {
      const others = this.topLevel.filter((c) => c !== suggested);
      const wrong = r.pick(others);
      act('dispatch', this.supervisor(), { leadUnitId: wrong, note: r.pick(DISPATCH_NOTES) }, t);
      const returnBy = currentAssignment(get())!.returnBy;
      let tReturn = t + this.between(20 * MIN, Math.max(21 * MIN, Math.min(20 * HOUR, returnBy - t - MIN)));
      if (force === 'returned') tReturn = Math.min(tReturn, now - 5 * MIN);
      act('return', this.unitActor(wrong), { reason: r.pick(RETURN_REASONS) }, Math.max(tReturn, t + MIN));
      t = force === 'returned' ? hold : this.centreTime(Math.max(tReturn, t + MIN));
    }
    act('dispatch', this.supervisor(), { leadUnitId: suggested, note: r.pick(DISPATCH_NOTES) }, t);
    const lead = this.unitActor(suggested);
    const hours = currentAssignment(get())!.deadline.basis === 'hours';

    const tSign = force === 'pending_sign' ? hold : hours ? t + this.between(3 * MIN, 45 * MIN) : this.nextOfficeHours(t + this.between(10 * MIN, 5 * HOUR), 18);
    act('sign', lead, { note: '' }, tSign);
    t = tSign;

    let deadline = currentAssignment(get())!.deadline.at;
    let late = r.chance(p.lateShare);
    let held: Showcase | null = null;
    if (this.wants('overdue', input) && deadline < now - HOUR) {
      held = 'overdue';
      this.held = held;
      late = true;
    } else if (this.wants('due_soon', input) && now < deadline - HOUR) {
      const a = currentAssignment(get())!;
      const warn = warningFrom(this.o.context.calendar, this.o.context.rules, a.deadline);
      if (warn !== null && warn < now) {
        held = 'due_soon';
        this.held = held;
        late = false;
      }
    }

    if (!hours && held === null && (force === 'extension' || r.chance(p.extensionShare))) {
      let tRequest = t + this.between(0.15, 0.6) * (deadline - t);
      if (force === 'extension') tRequest = Math.max(t + MIN, Math.min(tRequest, now - 5 * MIN));
      act('request_extension', lead, { days: r.pick([3, 5, 5, 10]), reason: r.pick(EXTENSION_REASONS) }, tRequest);
      const tDecide = force === 'extension' ? hold : tRequest + this.between(2 * HOUR, 20 * HOUR);
      if (r.chance(p.extensionRefusedShare)) act('refuse_extension', this.supervisor(), { reason: r.pick(REFUSE_REASONS) }, tDecide);
      else act('approve_extension', this.supervisor(), { note: '' }, tDecide);
      deadline = currentAssignment(get())!.deadline.at;
      t = tDecide;
    }

    if (held === null && p.decideLate) late = p.decideLate(deadline);
    let target: number;
    if (held === 'overdue') target = hold;
    else if (held === 'due_soon') target = now + this.between(0.1, 0.9) * (deadline - now);
    else if (late) target = deadline + this.between(HOUR, 3 * DAY);
    else target = Math.min(deadline - MIN, t + Math.max(20 * MIN, (deadline - t) * Math.min(0.97, Math.pow(r.float(), 1.3))));
    if (force === 'pending_review') target = Math.min(target, now - 10 * MIN);
    target = Math.max(target, t + MIN);

    const street = this.o.streets.get(input.regionCode);
    if (this.unitKind.get(suggested) === 'district' && street && target - t > 8 * HOUR && r.chance(p.subdispatchShare)) {
      const tPass = t + this.between(20 * MIN, 3 * HOUR);
      // 下派 only while the district's own deadline has not passed: the table refuses it after
      // (subdispatch_beyond_parent_deadline), which stopped the seed for an order answered late
      // whose pass-on fell after its deadline. Other draws are unchanged, so seeds stay the same.
      if (tPass < deadline) {
        act('subdispatch', lead, { unitId: street, note: '请街道核实处理，按时反馈。' }, tPass);
        const tStreetSign = tPass + this.between(10 * MIN, 3 * HOUR);
        act('sign', this.unitActor(street), { note: '' }, tStreetSign);
        const tStreetReply = tStreetSign + this.between(0.3, 0.8) * Math.max(MIN, target - tStreetSign - HOUR);
        act('reply', this.unitActor(street), this.replyArgs(true), tStreetReply);
        t = tStreetReply;
      }
    }
    act('reply', lead, this.replyArgs(), Math.max(target, t + MIN));
    t = Math.max(target, t + MIN);

    let tReview = force === 'pending_review' ? hold : t + this.between(30 * MIN, 20 * HOUR);
    if (!late && force === null && deadline - tReview > 8 * HOUR && r.chance(p.sendBackShare)) {
      act('review', this.supervisor(), { decision: 'send_back', note: r.pick(SEND_BACK_REASONS) }, tReview);
      const again = tReview + this.between(0.2, 0.7) * (deadline - tReview);
      act('reply', lead, this.replyArgs(), again);
      tReview = again + this.between(30 * MIN, 20 * HOUR);
    }
    act('review', this.supervisor(), { decision: 'accept', note: '' }, tReview);

    // 回访: the next office hours after the review; now and then the caller is not reached the
    // first time, or refuses
    let tFollow = this.nextOfficeHours(tReview + this.between(HOUR, 20 * HOUR), 20);
    if (r.chance(0.03)) {
      // 重办: the caller is unsatisfied; back to the same unit, signed, answered again, accepted,
      // then followed up once more (below)
      act('follow_up', this.supervisor(), { outcome: 'reached', solved: r.chance(0.4), satisfaction: 'unsatisfied', note: r.pick(REHANDLE_NOTES) }, tFollow);
      const unit = this.unitActor(get().assignments[0]!.unitId);
      const tSign2 = tFollow + this.between(30 * MIN, 6 * HOUR);
      act('sign', unit, { note: '' }, tSign2);
      const tReply2 = tSign2 + this.between(2 * HOUR, 3 * DAY);
      act('reply', unit, this.replyArgs(), tReply2);
      const tAccept2 = tReply2 + this.between(30 * MIN, 20 * HOUR);
      act('review', this.supervisor(), { decision: 'accept', note: '' }, tAccept2);
      tFollow = this.nextOfficeHours(tAccept2 + this.between(HOUR, 20 * HOUR), 20);
    } else if (r.chance(0.01)) {
      // 无法回访: never reached, the order closes after the allowed attempts
      for (let i = 0; i < followUpSettings(this.o.context.settings).maxAttempts; i++) {
        act('follow_up', this.supervisor(), { outcome: 'not_reached', note: '无人接听' }, tFollow);
        tFollow = this.nextOfficeHours(tFollow + this.between(DAY, 2 * DAY), 20);
      }
      return;
    }
    if (r.chance(0.06)) {
      act('follow_up', this.supervisor(), { outcome: 'not_reached', note: '' }, tFollow);
      tFollow = this.nextOfficeHours(tFollow + this.between(DAY, 2 * DAY), 20);
    }
    if (r.chance(0.01)) act('follow_up', this.supervisor(), { outcome: 'refused', note: '' }, tFollow);
    else act('follow_up', this.supervisor(), { outcome: 'reached', solved: true, satisfaction: r.pick(SATISFIED), note: '' }, tFollow);
  }
}
