/**
 * Work orders on the server: the one place that changes an order.
 *
 * `actOnOrders` (and its one-order form `actOnOrder`) serves both the HTTP routes
 * (POST /api/orders/:id/actions) and the sync mutation 'order.action'. Inside the caller's
 * transaction, which already holds the version head (sync/versions.ts: head first, then order
 * rows — the push takes them in that order too, so the two never deadlock), it
 *   1. reads the actor from the ACCOUNT of the credential (role, unit_code), never from a body;
 *   2. locks the orders' rows (SELECT … FOR UPDATE, in case_id order);
 *   3. runs the pure table (applyAction, src/shared/workorders) with the server's clock, the
 *      working calendar (chinese-days + override files), the deadline rules, the units directory
 *      and the workflow settings of the configuration;
 *   4. on success writes the snapshot, its derived columns (state, current and lead unit,
 *      deadline, 临期 instant, sign-by, extension flag), one history entry per action
 *      ((case_id, seq) is the primary key: a duplicate entry cannot be stored), and gives the case
 *      a new sync version and the case status that matches the order's state, so pull carries it.
 * A refusal changes nothing and is returned with its code and zh/en text.
 */
import { createHash } from 'node:crypto';
import { refreshReport } from '../reports/facts';
import {
  applyAction,
  followUpSettings,
  newFollowUpOrder,
  createWorkingCalendar,
  currentAssignment,
  deadlineStatus,
  newWorkOrder,
  warningFrom,
  type ActionContext,
  type ActionName,
  type Actor,
  type DeadlineStatus,
  type HistoryEntry,
  type Message,
  type UnitInfo,
  type WorkingCalendar,
  type WorkOrder,
  type WorkOrderState,
} from '../../shared/workorders';
import type { CaseStatus, Urgency } from '../../shared/domain';
import type { Caller } from '../auth/service';
import type { WorkOrderConfig } from '../config';
import type { Queryable } from '../db/adapter';
import type { VersionAllocator } from '../sync/versions';

/**
 * JSON text for a jsonb column. jsonb refuses what JSON.stringify may write for strings a client
 * typed: a lone surrogate (\ud800) or NUL (\u0000); both become U+FFFD instead of a 500.
 */
export function jsonbText(value: unknown): string {
  return JSON.stringify(value).replace(/(\\+)u(0000|d[89a-f][0-9a-f]{2})/gi, (m, bs: string) =>
    bs.length % 2 === 1 ? `${bs}ufffd` : m,
  );
}

/** The case list's status for each order state (src/shared/workorders/README.md). */
export const CASE_STATUS_OF: Record<WorkOrderState, CaseStatus> = {
  pending_dispatch: 'pending_dispatch',
  pending_sign: 'dispatched',
  in_progress: 'in_progress',
  returned: 'returned',
  pending_review: 'replied',
  pending_follow_up: 'follow_up',
  closed: 'closed',
};

const calendars = new WeakMap<WorkOrderConfig, WorkingCalendar>();

/**
 * The working calendar of this configuration (chinese-days data + the override files), built
 * once, with its answers remembered per date (a deadline walks the same few weeks again and
 * again; a refused date is not remembered, it throws each time).
 */
export function calendarFor(cfg: WorkOrderConfig): WorkingCalendar {
  let cal = calendars.get(cfg);
  if (!cal) {
    const base = createWorkingCalendar(cfg.calendarOverrides);
    const known = new Map<string, boolean>();
    cal = {
      covers: (year) => base.covers(year),
      lastCoveredYear: base.lastCoveredYear,
      isWorkday(date) {
        let v = known.get(date);
        if (v === undefined) {
          v = base.isWorkday(date);
          if (known.size < 100_000) known.set(date, v);
        }
        return v;
      },
    };
    calendars.set(cfg, cal);
  }
  return cal;
}

/** The units directory as the table reads it (code → name, parent, active). */
export async function loadUnitDirectory(tx: Queryable): Promise<Map<string, UnitInfo>> {
  const rows = await tx.query<UnitInfo>('SELECT code AS id, name, parent_code AS "parentId", active FROM units');
  return new Map(rows.map((u) => [u.id, u]));
}

/**
 * The actor of a credential: username and role of the token's account, and for a unit account
 * the unit it is bound to — read from the accounts table, so nothing the client sends can name
 * another person or unit. A disabled or missing account is null.
 */
export async function actorFor(tx: Queryable, caller: Caller): Promise<Actor | null> {
  const [row] = await tx.query<{ username: string; role: Actor['role']; unitCode: string | null; disabled: boolean }>(
    'SELECT username, role, unit_code AS "unitCode", disabled FROM accounts WHERE id = $1',
    [caller.id],
  );
  if (!row || row.disabled) return null;
  return { username: row.username, role: row.role, unitId: row.role === 'unit' ? row.unitCode : null };
}

/**
 * May this actor see the order? The centre's accounts see every order; a unit sees an order
 * that is (or was, at any level still on the stack) dispatched to it, or names it as 协办.
 * A returned or reassigned order leaves the unit's sight: it is no longer with that unit.
 */
export function visibleTo(order: WorkOrder, actor: Actor): boolean {
  if (actor.role !== 'unit') return true;
  return order.assignments.some((a) => a.unitId === actor.unitId || a.coUnitIds.includes(actor.unitId!));
}

export function actionContext(cfg: WorkOrderConfig, now: number, units: Map<string, UnitInfo>): ActionContext {
  return { now, calendar: calendarFor(cfg), rules: cfg.deadlineRules, units, settings: cfg.settings };
}

/** 正常 / 临期 / 超期 of the handling deadline, for orders at a unit (待签收, 办理中); null otherwise. */
export function statusOf(order: WorkOrder, cfg: WorkOrderConfig, now: number): DeadlineStatus | null {
  if (order.state !== 'pending_sign' && order.state !== 'in_progress') return null;
  const cur = currentAssignment(order);
  if (!cur) return null;
  try {
    return deadlineStatus(calendarFor(cfg), cfg.deadlineRules, cur.deadline, now);
  } catch {
    // a calendar gap around the warning point: the deadline itself still decides 超期
    return now > cur.deadline.at ? 'overdue' : 'normal';
  }
}

/** The columns derived from a snapshot, for queues and the overdue board. */
export function derivedColumns(order: WorkOrder, cfg: WorkOrderConfig) {
  const cur = currentAssignment(order);
  let warnAt: number | null = null;
  if (cur) {
    try {
      warnAt = warningFrom(calendarFor(cfg), cfg.deadlineRules, cur.deadline) ?? cur.deadline.at;
    } catch {
      warnAt = cur.deadline.at;
    }
  }
  return {
    state: order.state,
    version: order.version,
    unitCode: cur?.unitId ?? null,
    leadUnitCode: order.assignments[0]?.unitId ?? null,
    deadline: cur?.deadline.at ?? null,
    warnAt,
    signBy: cur?.signBy ?? null,
    extensionRequested: order.extensionRequest !== null,
    followUpDue: followUpDue(order),
    supervision: SUPERVISION_RANK[order.supervision?.level ?? 'none'],
  };
}

/** 督办 first in the unit queues: 重点 2, 一般 1, none 0 (the column work_orders.supervision). */
export const SUPERVISION_RANK = { key: 2, normal: 1, none: 0 } as const;

/**
 * When an order in 待回访 is due for a call: the retry's nextAfter (not reached before), else the
 * acceptance of the reply; null outside 待回访 — and for a sampled 直接答复 (no acceptance), whose
 * row keeps the case's creation time written when the order was made.
 */
export function followUpDue(order: WorkOrder): number | null {
  if (order.state !== 'pending_follow_up') return null;
  return order.followUp?.nextAfter ?? order.completion?.acceptedAt ?? null;
}

/**
 * Is this 直接答复 case sampled for 回访? Deterministic from its uuid (the first 32 bits of its
 * SHA-256 as a share of 2^32, below `share`), so a retried push decides the same way.
 */
export function sampledForFollowUp(uuid: string, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  const h = createHash('sha256').update(uuid.toLowerCase()).digest().readUInt32BE(0);
  return h / 2 ** 32 < share;
}

/**
 * New 转办 cases get their order, waiting in 待派单 (version 0, no history yet); a 直接答复 case
 * sampled for 回访 (sampledForFollowUp, share `directAnswerSample` of the settings) gets one that
 * starts in 待回访, due from the case's creation, and the case's status becomes 回访. Run once
 * per new case (case-create skips cases already stored), and ON CONFLICT keeps a retry harmless.
 */
type NewCaseOrder = { uuid: string; urgency: Urgency; categoryCode: string; handlingMode: string; createdAt?: number; repeatOf?: string | null };

/**
 * The 待派单 orders of new 转办 cases, as arrays (uuids, snapshot JSON texts): case-create
 * inserts them in its own statement, joined to the cases it inserts.
 */
export function dispatchOrders(cases: NewCaseOrder[]): { uuids: string[]; snapshots: string[] } {
  // a repeat call (重复件) joined an open order: no order of its own
  const dispatch = cases.filter((c) => c.handlingMode === 'dispatch' && !c.repeatOf);
  return {
    uuids: dispatch.map((c) => c.uuid),
    snapshots: dispatch.map((c) => jsonbText(newWorkOrder({ id: c.uuid, urgency: c.urgency, categoryCode: c.categoryCode }))),
  };
}

/** the 直接答复 cases among `cases` that the follow-up sample picks (they get a 待回访 order) */
export function sampledDirect<C extends NewCaseOrder>(cases: C[], cfg?: WorkOrderConfig): C[] {
  const share = cfg ? followUpSettings(cfg.settings).directAnswerSample : 0;
  return cases.filter((c) => c.handlingMode === 'direct' && sampledForFollowUp(c.uuid, share));
}

export async function createOrders(
  tx: Queryable,
  cases: NewCaseOrder[],
  cfg?: WorkOrderConfig,
  /** false: the 转办 orders are inserted already (dispatchOrders) */
  opts: { dispatch?: boolean } = {},
): Promise<void> {
  const dispatch = opts.dispatch === false ? { uuids: [], snapshots: [] } : dispatchOrders(cases);
  const sampled = sampledDirect(cases, cfg);
  if (dispatch.uuids.length > 0) {
    await tx.query(
      `INSERT INTO work_orders (case_id, snapshot, state, version, updated_version)
       SELECT c.id, u.snapshot::jsonb, 'pending_dispatch', 0, c.version
       FROM unnest($1::uuid[], $2::text[]) AS u(uuid, snapshot) JOIN cases c ON c.uuid = u.uuid
       ON CONFLICT (case_id) DO NOTHING`,
      [dispatch.uuids, dispatch.snapshots],
      { prepared: true },
    );
  }
  if (sampled.length > 0) {
    const inserted = await tx.query<{ id: number }>(
      `INSERT INTO work_orders (case_id, snapshot, state, version, updated_version, follow_up_due)
       SELECT c.id, u.snapshot::jsonb, 'pending_follow_up', 0, c.version, c.created_at
       FROM unnest($1::uuid[], $2::text[]) AS u(uuid, snapshot) JOIN cases c ON c.uuid = u.uuid
       ON CONFLICT (case_id) DO NOTHING
       RETURNING case_id AS id`,
      [
        sampled.map((c) => c.uuid),
        sampled.map((c) => jsonbText(newFollowUpOrder({ id: c.uuid, urgency: c.urgency, categoryCode: c.categoryCode }))),
      ],
    );
    if (inserted.length > 0) {
      await tx.query(`UPDATE cases SET status = 'follow_up' WHERE id = ANY($1::bigint[])`, [inserted.map((r) => r.id)]);
    }
  }
}

export interface ActionRequest {
  /** the case's uuid */
  orderId: string;
  action: ActionName;
  args: unknown;
  /** the version the person saw (HTTP); absent for the sync mutation */
  expectedVersion?: number;
  /** for the sync mutation: when the action was taken on the workstation (kept in the entry's details) */
  clientAt?: number;
}

export type ActResult =
  | { ok: true; order: WorkOrder; entry: HistoryEntry }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'forbidden' }
  | { ok: false; reason: 'changed'; current: WorkOrder }
  | { ok: false; reason: 'refused'; code: string; message: Message };

export interface ActOptions {
  now: number;
  config: WorkOrderConfig;
  /** the version head, locked by the caller's transaction */
  versions: VersionAllocator;
}

/** An 'already dispatched' refusal names who dispatched the order and to which unit. */
function withWho(r: ReturnType<typeof applyAction>, order: WorkOrder, units: Map<string, UnitInfo>): ReturnType<typeof applyAction> {
  const lead = order.assignments[0];
  if (r.ok || r.code !== 'already_dispatched' || !lead) return r;
  const unit = units.get(lead.unitId)?.name ?? lead.unitId;
  return {
    ...r,
    message: {
      // one sentence: "该工单已由 wang 派至「任城区」（当前为「待签收」），不能重复派单；…"
      zh: r.message.zh.startsWith('该工单已被派出')
        ? r.message.zh.replace('该工单已被派出', `该工单已由 ${lead.dispatchedBy} 派至「${unit}」`)
        : `${r.message.zh}（已由 ${lead.dispatchedBy} 派至「${unit}」）`,
      en: `${r.message.en} (dispatched by ${lead.dispatchedBy} to ${unit})`,
    },
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies the actions in order (several may concern one order: each sees the previous one's
 * result), then writes every changed order once, and one history entry per applied action.
 */
export async function actOnOrders(tx: Queryable, caller: Caller, reqs: ActionRequest[], opts: ActOptions): Promise<ActResult[]> {
  const actor = await actorFor(tx, caller);
  if (!actor) return reqs.map(() => ({ ok: false, reason: 'forbidden' }) as const);
  const ids = [...new Set(reqs.map((r) => r.orderId.toLowerCase()).filter((id) => UUID_RE.test(id)))];
  const rows = ids.length
    ? await tx.query<{ caseId: number; uuid: string; snapshot: WorkOrder }>(
        `SELECT w.case_id AS "caseId", c.uuid::text AS uuid, w.snapshot
         FROM work_orders w JOIN cases c ON c.id = w.case_id
         WHERE c.uuid = ANY($1::uuid[]) ORDER BY w.case_id FOR UPDATE OF w`,
        [ids],
      )
    : [];
  const orders = new Map(rows.map((r) => [r.uuid, { caseId: r.caseId, order: r.snapshot }]));
  const units = await loadUnitDirectory(tx);
  const ctx = actionContext(opts.config, opts.now, units);

  const results: ActResult[] = [];
  const entries: { caseId: number; entry: HistoryEntry }[] = [];
  const dirty = new Set<string>();
  for (const req of reqs) {
    const held = orders.get(req.orderId.toLowerCase());
    if (!held || !visibleTo(held.order, actor)) {
      results.push({ ok: false, reason: 'not_found' });
      continue;
    }
    const r = withWho(applyAction(held.order, req.action, actor, req.args, ctx), held.order, units);
    if (req.expectedVersion !== undefined && req.expectedVersion !== held.order.version) {
      // someone acted in between: a refusal on the current state says what happened (e.g. "already
      // dispatched"); an action that would still pass is not taken on a state the person never saw
      results.push(r.ok ? { ok: false, reason: 'changed', current: held.order } : { ok: false, reason: 'refused', code: r.code, message: r.message });
      continue;
    }
    if (!r.ok) {
      results.push({ ok: false, reason: 'refused', code: r.code, message: r.message });
      continue;
    }
    const entry: HistoryEntry =
      req.clientAt === undefined ? r.entry : { ...r.entry, details: { ...r.entry.details, clientAt: req.clientAt } };
    held.order = r.order;
    dirty.add(req.orderId.toLowerCase());
    entries.push({ caseId: held.caseId, entry });
    results.push({ ok: true, order: r.order, entry });
  }
  if (dirty.size === 0) return results;

  const changed = [...dirty].map((id) => orders.get(id)!);
  const first = opts.versions.take(changed.length);
  const cols = changed.map((c) => derivedColumns(c.order, opts.config));
  await tx.query(
    `UPDATE work_orders w SET snapshot = u.snapshot::jsonb, state = u.state, version = u.version, unit_code = u.unit_code,
       lead_unit_code = u.lead_unit_code, deadline = u.deadline, warn_at = u.warn_at, sign_by = u.sign_by,
       extension_requested = u.extension_requested, updated_version = u.sync_version,
       follow_up_due = CASE WHEN u.state = 'pending_follow_up' THEN COALESCE(u.follow_up_due, w.follow_up_due) END,
       supervision = u.supervision
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::bigint[], $8::bigint[],
                 $9::bigint[], $10::boolean[], $11::bigint[], $12::bigint[], $13::smallint[])
       AS u(case_id, snapshot, state, version, unit_code, lead_unit_code, deadline, warn_at, sign_by, extension_requested, sync_version,
            follow_up_due, supervision)
     WHERE w.case_id = u.case_id`,
    [
      changed.map((c) => c.caseId),
      changed.map((c) => jsonbText(c.order)),
      cols.map((c) => c.state),
      cols.map((c) => c.version),
      cols.map((c) => c.unitCode),
      cols.map((c) => c.leadUnitCode),
      cols.map((c) => c.deadline),
      cols.map((c) => c.warnAt),
      cols.map((c) => c.signBy),
      cols.map((c) => c.extensionRequested),
      changed.map((_, i) => first + i),
      cols.map((c) => c.followUpDue),
      cols.map((c) => c.supervision),
    ],
  );
  await tx.query(
    `INSERT INTO order_history (case_id, seq, entry, at)
     SELECT case_id, seq, entry::jsonb, at FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[]) AS u(case_id, seq, entry, at)`,
    [entries.map((e) => e.caseId), entries.map((e) => e.entry.seq), entries.map((e) => jsonbText(e.entry)), entries.map((e) => e.entry.at)],
  );
  await tx.query(
    `UPDATE cases c SET version = u.version, status = u.status
     FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS u(id, version, status) WHERE c.id = u.id`,
    [changed.map((c) => c.caseId), changed.map((_, i) => first + i), changed.map((c) => CASE_STATUS_OF[c.order.state])],
  );
  const unlinkedCaseIds = await unlinkedBecomeOrders(tx, reqs, results, opts);
  // the report rollup moves these orders' counts in the same transaction (src/server/reports/facts.ts)
  await refreshReport(tx, [...changed.map((c) => c.caseId), ...unlinkedCaseIds]);
  return results;
}

/**
 * 取消关联: a call a supervisor unlinked from an order was not that matter after all, so it
 * becomes what it would have been without the link — an ordinary 转办 case with its own order in
 * 待派单 (repeat_of cleared, a new case version so every workstation pulls it). Left a closed
 * recorded call, the caller's matter would be handled by nobody.
 */
async function unlinkedBecomeOrders(tx: Queryable, reqs: ActionRequest[], results: ActResult[], opts: ActOptions): Promise<number[]> {
  const unlinked = reqs
    .map((req, i) => ({ req, r: results[i]! }))
    .filter(({ req, r }) => r.ok && req.action === 'unlink_call')
    .map(({ req }) => ({ caseId: String((req.args as { caseId?: unknown }).caseId ?? '').toLowerCase(), orderId: req.orderId.toLowerCase() }))
    .filter((u) => UUID_RE.test(u.caseId));
  if (unlinked.length === 0) return [];
  const first = opts.versions.take(unlinked.length);
  const cases = await tx.query<{ id: number; uuid: string; urgency: Urgency; categoryCode: string }>(
    `UPDATE cases c SET repeat_of = NULL, status = 'pending_dispatch', version = u.version
     FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS u(uuid, order_id, version)
     WHERE c.uuid = u.uuid AND c.repeat_of = u.order_id
     RETURNING c.id::int AS id, c.uuid::text AS uuid, c.urgency, c.category_code AS "categoryCode"`,
    [unlinked.map((u) => u.caseId), unlinked.map((u) => u.orderId), unlinked.map((_, i) => first + i)],
  );
  await createOrders(tx, cases.map(({ uuid, urgency, categoryCode }) => ({ uuid, urgency, categoryCode, handlingMode: 'dispatch' })));
  return cases.map((c) => c.id);
}

/** One action on one order (the HTTP route). */
export async function actOnOrder(
  tx: Queryable,
  caller: Caller,
  orderId: string,
  action: ActionName,
  args: unknown,
  opts: ActOptions & { expectedVersion?: number },
): Promise<ActResult> {
  const [r] = await actOnOrders(tx, caller, [{ orderId, action, args, expectedVersion: opts.expectedVersion }], opts);
  return r!;
}
