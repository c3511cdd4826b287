/**
 * applyAction: the one function both sides call. The server runs it to decide (and stores the
 * resulting order and history entry); the workstation runs it to show the intended result at
 * once, offline too, and re-applies its pending actions over what it pulls.
 * Pure: no clock, no I/O — `ctx.now`, the calendar, the rules and the units directory are given.
 */
import { CalendarNotCoveredError, type Message } from './calendar';
import { ACTION_ARGS, ActionName } from './actions';
import type { HistoryEntry, WorkOrder } from './model';
import { refusals, type Refusal, type RefusalCode } from './refusals';
import type { Actor } from './states';
import { actionDefinition, rolesFor, type ActionContext } from './table';

export type ApplyResult =
  | { ok: true; order: WorkOrder; entry: HistoryEntry }
  | { ok: false; code: RefusalCode; message: Message };

const refused = (r: Refusal): ApplyResult => ({ ok: false, code: r.code, message: r.message });

/** Runs `fn`, turning a calendar gap into a refusal. */
function calendarSafe<T>(fn: () => T): { value: T } | { refusal: Refusal } {
  try {
    return { value: fn() };
  } catch (e) {
    if (e instanceof CalendarNotCoveredError) return { refusal: refusals.calendarNotCovered(e.text) };
    throw e;
  }
}

/**
 * Apply `action` with `args` by `actor` to `order`. Checks, in this order: the actor's role →
 * the order's state → the actor's scope (units: their own orders) → the arguments (zod) → the
 * action's guards; the first failure is returned. On success: the next snapshot (version + 1)
 * and the history entry (seq = the new version) to append.
 */
export function applyAction(order: WorkOrder, action: ActionName, actor: Actor, args: unknown, ctx: ActionContext): ApplyResult {
  const name = ActionName.safeParse(action);
  if (!name.success) return refused(refusals.invalidArgs(`unknown action ${String(action)}`));
  const def = actionDefinition(name.data);
  if (!def) return refused(refusals.invalidArgs(`unknown action ${String(action)}`));

  if (!rolesFor(def, ctx.settings).includes(actor.role)) return refused(refusals.roleNotAllowed(def.name, actor.role));
  if (!def.from.includes(order.state)) {
    return refused(def.stateRefusal ? def.stateRefusal(order) : refusals.invalidState(def.name, order.state));
  }
  const scope = def.scope(order, actor);
  if (scope) return refused(scope);

  const parsed = ACTION_ARGS[def.name].safeParse(args);
  if (!parsed.success) {
    return refused(refusals.invalidArgs(parsed.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')));
  }
  const value = parsed.data as never;

  for (const guard of def.guards) {
    const r = calendarSafe(() => guard(order, actor, value, ctx));
    if ('refusal' in r) return refused(r.refusal);
    if (r.value) return refused(r.value);
  }

  const eff = calendarSafe(() => def.effect(order, actor, value, ctx));
  if ('refusal' in eff) return refused(eff.refusal);
  const next: WorkOrder = { ...eff.value.order, version: order.version + 1 };
  const entry: HistoryEntry = {
    orderId: order.id,
    seq: next.version,
    action: def.name,
    actor: { username: actor.username, role: actor.role, unitId: actor.unitId },
    at: ctx.now,
    fromState: order.state,
    toState: next.state,
    note: eff.value.note,
    details: eff.value.details,
  };
  return { ok: true, order: next, entry };
}

/** The actions this actor could try on this order now (role, state and scope pass): for menus. */
export function availableActions(order: WorkOrder, actor: Actor, ctx: ActionContext): ActionName[] {
  return ActionName.options.filter((name) => {
    const def = actionDefinition(name);
    return (
      def !== undefined &&
      rolesFor(def, ctx.settings).includes(actor.role) &&
      def.from.includes(order.state) &&
      def.scope(order, actor) === null
    );
  });
}
