/**
 * Work orders on the workstation (issue 6): what the centre's screens read and do.
 *
 * The server decides every action; this module keeps what it pulled and shows the intended
 * result of what was done here at once, offline too:
 *
 * - Pulled orders (`createPulledOrders`, called by sync-store.ts inside the page's transaction):
 *   the snapshot is written only if its version is newer than the stored one (the same version is
 *   the same snapshot, already written with its history: skipped), history entries are inserted
 *   by (order, seq) — a page applied twice changes nothing and never
 *   duplicates an entry.
 *   The queue columns (state, units, deadlines, the 临期 instant `warn_at`) are derived here with
 *   the shipped working calendar and the server's deadline rules (from GET /api/units; the
 *   defaults before the first fetch).
 * - The view of an order = the pulled snapshot, then the actions taken here that the server
 *   acknowledged but whose result has not been pulled yet (`order_acked`, kept by a trigger, see
 *   migration 7), then the 'order.action' rows still in the outbox, each re-applied with the
 *   shared table (applyAction) as its account, at the time it was taken. One that the table
 *   refuses over newer pulled state is listed as not applying (`refused`); the server will reject
 *   it too and 同步异常 shows why. So the screen never flips back between the push and the pull.
 * - Queues and the overdue board are SQL over the pulled columns for every order without local
 *   actions, plus the views of the few orders with local actions, merged.
 * - `act`: the table on the view, with the signed-in account as the actor; refused → nothing is
 *   queued; else an 'order.action' outbox row in one transaction (the same outbox as intake).
 */
import {
  applyAction,
  availableActions,
  DEFAULT_FOLLOW_UP_SETTINGS,
  type FollowUpSettings,
  currentAssignment,
  defaultWorkingCalendar,
  DEFAULT_DEADLINE_RULES,
  newWorkOrder,
  DeadlineRules,
  warningFrom,
  type ActionContext,
  type Actor,
  type HistoryEntry,
  type UnitInfo,
  type WorkingCalendar,
  type WorkOrder,
  type WorkOrderState,
} from '../../shared/workorders';
import type {
  DeskActInput,
  DeskActResult,
  DeskOrderDetail,
  DeskOrderSummary,
  DeskQueueInput as DeskQueueInputSchema,
  DeskQueueResponse,
  DeskUnits,
  OverdueBoard,
  PendingAction,
} from '../../shared/desk-orders';
import type { OrderQueue } from '../../shared/portal';
import type { CaseChange, Role } from '../../shared/sync';
import { FollowUpSettingsSchema, suggestUnit, type DispatchRule, type Unit, type UnitsResponse } from '../../shared/units';
import type { z } from 'zod';
import type { Db } from './db';
import { createOutbox } from './outbox';
import { createRepeats, type RepeatQuery } from './repeats';
import type { RepeatLink } from './types';
import { DEFAULT_AREA_CODE } from '../../shared/phone';
import type { ActionArgsInput } from '../../shared/workorders/actions';

const OPEN: readonly WorkOrderState[] = ['pending_sign', 'in_progress'];
const OPEN_SQL = `o.state IN ('pending_sign', 'in_progress')`;

const META_ETAG = 'units_etag';
const META_FETCHED = 'units_fetched_at';
const META_WORKFLOW = 'units_workflow';

export interface Workflow {
  operatorMayDispatch: boolean;
  rules: DeadlineRules;
  /** 回访 settings of the server (scale, attempts, retry interval), applied to local follow-ups */
  followUp: FollowUpSettings;
}

/** The directory and settings as cached here, read once per change of the cache. */
interface Cached {
  units: Unit[];
  byCode: Map<string, UnitInfo>;
  rules: DispatchRule[];
  workflow: Workflow;
  fetchedAt: number | null;
  etag: string | null;
}
const caches = new WeakMap<Db, Cached>();

function readCache(db: Db): Cached {
  let c = caches.get(db);
  if (c) return c;
  const units = db
    .prepare<[], { code: string; name: string; kind: Unit['kind']; parentCode: string | null; phone: string; active: number }>(
      'SELECT code, name, kind, parent_code AS parentCode, phone, active FROM units_cache ORDER BY code',
    )
    .all()
    .map((u) => ({ ...u, active: u.active === 1 }));
  const rules = db
    .prepare<[], DispatchRule>(
      'SELECT category_code AS categoryCode, region_code AS regionCode, unit_code AS unitCode FROM dispatch_rules_cache',
    )
    .all();
  const meta = (key: string) => db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value ?? null;
  let workflow: Workflow = { operatorMayDispatch: false, rules: DEFAULT_DEADLINE_RULES, followUp: DEFAULT_FOLLOW_UP_SETTINGS };
  const saved = meta(META_WORKFLOW);
  if (saved) {
    try {
      const w = JSON.parse(saved) as { operatorMayDispatch?: unknown; deadlineRules?: unknown; followUp?: unknown };
      const parsed = DeadlineRules.safeParse(w.deadlineRules);
      const followUp = FollowUpSettingsSchema.safeParse(w.followUp);
      workflow = {
        operatorMayDispatch: w.operatorMayDispatch === true,
        rules: parsed.success ? parsed.data : DEFAULT_DEADLINE_RULES,
        followUp: followUp.success ? followUp.data : DEFAULT_FOLLOW_UP_SETTINGS,
      };
    } catch {
      // unreadable: the defaults until the next fetch
    }
  }
  const fetched = Number(meta(META_FETCHED));
  c = {
    units,
    byCode: new Map(units.map((u) => [u.code, { id: u.code, name: u.name, parentId: u.parentCode, active: u.active }])),
    rules,
    workflow,
    fetchedAt: Number.isSafeInteger(fetched) && fetched > 0 ? fetched : null,
    etag: meta(META_ETAG),
  };
  caches.set(db, c);
  return c;
}

/** The columns the queues and the board read, derived from a snapshot. */
export interface Derived {
  state: WorkOrderState;
  version: number;
  unitCode: string | null;
  leadUnitCode: string | null;
  deadline: number | null;
  signBy: number | null;
  warnAt: number | null;
  extensionRequested: boolean;
}

export function deriveColumns(
  order: WorkOrder,
  rules: DeadlineRules,
  calendar: WorkingCalendar = defaultWorkingCalendar,
  warnings: typeof warningFrom = warningFrom,
): Derived {
  const cur = currentAssignment(order);
  let warnAt: number | null = null;
  if (cur) {
    try {
      warnAt = warnings(calendar, rules, cur.deadline) ?? cur.deadline.at;
    } catch {
      // a calendar gap around the warning point: the deadline itself still decides
      warnAt = cur.deadline.at;
    }
  }
  return {
    state: order.state,
    version: order.version,
    unitCode: cur?.unitId ?? null,
    leadUnitCode: order.assignments[0]?.unitId ?? null,
    deadline: cur?.deadline.at ?? null,
    signBy: cur?.signBy ?? null,
    warnAt,
    extensionRequested: order.extensionRequest !== null,
  };
}

const UPSERT_ORDER = `
  INSERT INTO orders (case_id, order_id, state, version, unit_code, lead_unit_code, deadline, sign_by, warn_at,
    extension_requested, snapshot, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (case_id) DO UPDATE SET state = excluded.state, version = excluded.version, unit_code = excluded.unit_code,
    lead_unit_code = excluded.lead_unit_code, deadline = excluded.deadline, sign_by = excluded.sign_by, warn_at = excluded.warn_at,
    extension_requested = excluded.extension_requested, snapshot = excluded.snapshot, updated_at = excluded.updated_at
  WHERE excluded.version > orders.version`;

/**
 * deriveColumns for pulled orders, its 临期 instant remembered per deadline: a first sync
 * derives hundreds of thousands of orders whose deadlines fall on a few hundred ends of working
 * days, and the working-day arithmetic was most of the derivation. The memo is dropped when the
 * rules change (a new object from readCache).
 */
function memoisedDerive(calendar: WorkingCalendar = defaultWorkingCalendar) {
  let memoRules: DeadlineRules | null = null;
  const memo = new Map<string, number | null>();
  const warnings: typeof warningFrom = (cal, rules, deadline) => {
    if (rules !== memoRules) {
      memo.clear();
      memoRules = rules;
    }
    const key = `${deadline.basis}:${deadline.at}`;
    let warn = memo.get(key);
    if (warn === undefined) {
      try {
        warn = warningFrom(cal, rules, deadline);
      } catch {
        // a calendar gap around the warning point: the deadline itself decides (deriveColumns)
        warn = deadline.at;
      }
      if (memo.size > 100_000) memo.clear();
      memo.set(key, warn);
    }
    return warn;
  };
  return (order: WorkOrder, rules: DeadlineRules) => deriveColumns(order, rules, calendar, warnings);
}

/**
 * The writer of pulled orders, for sync-store.ts: `beginPage` once per page's transaction (after
 * its acknowledgement moved acknowledged actions into order_acked), then `apply` once per case
 * change, inside that transaction. Cached statements with positional parameters; the history
 * of a change goes in as ONE statement (json_each over the entries' array, one JSON text).
 */
export function createPulledOrders(db: Db, now: () => number) {
  const upsert = db.prepare(UPSERT_ORDER);
  // entries are append-only on the server: an entry already here is kept
  const insertEntries = db.prepare(
    `INSERT INTO order_history (order_id, seq, entry) SELECT ?, json_extract(value, '$.seq'), value FROM json_each(?)
     WHERE true ON CONFLICT (order_id, seq) DO NOTHING`,
  );
  const dropAcked = db.prepare('DELETE FROM order_acked WHERE order_id = ? AND min_version <= ?');
  const anyAcked = db.prepare('SELECT EXISTS (SELECT 1 FROM order_acked) AS any').pluck();
  const derive = memoisedDerive();
  // unknown until beginPage: checked per change
  let acked = true;
  return {
    /** Inside the page's transaction, before its changes: whether any acknowledged action waits for its result. */
    beginPage(): void {
      acked = anyAcked.get() === 1;
    },
    apply(caseId: number, change: CaseChange): void {
      const order = change.order;
      if (!order) return;
      const orderId = change.uuid;
      // what was done here and acknowledged is in this state now (the pull follows the push)
      if (acked) dropAcked.run(orderId, order.version);
      const d = derive(order, readCache(db).workflow.rules);
      // a version already here (a page applied again) was written with its history: nothing to do
      const written =
        upsert.run(
          caseId,
          orderId,
          d.state,
          d.version,
          d.unitCode,
          d.leadUnitCode,
          d.deadline,
          d.signBy,
          d.warnAt,
          d.extensionRequested ? 1 : 0,
          JSON.stringify(order),
          now(),
        ).changes > 0;
      const history = change.history;
      if (written && history && history.length > 0) insertEntries.run(orderId, JSON.stringify(history));
    },
  };
}

/**
 * 待回访 order: when its call is due — the retry's nextAfter, else the acceptance, else (a sampled
 * 直接答复) the case's creation; as the server's follow_up_due. Due orders (≤ now) come first.
 */
export function followUpDueOf(order: WorkOrder, createdAt: number): number | null {
  if (order.state !== 'pending_follow_up') return null;
  return order.followUp?.nextAfter ?? order.completion?.acceptedAt ?? createdAt;
}
const FOLLOW_UP_DUE_SQL = `COALESCE(json_extract(o.snapshot, '$.followUp.nextAfter'), json_extract(o.snapshot, '$.completion.acceptedAt'), c.created_at)`;

/** The signed-in account, as the handlers know it (sync/auth.ts SessionUser). */
export interface DeskUser {
  username: string;
  role: Role;
  clientId: string;
}

interface LocalAction {
  clientId: string;
  mutationId: number;
  orderId: string;
  args: string;
  createdAt: number;
  acked: number;
}

interface CaseRow {
  caseId: number;
  orderId: string;
  snapshot: string;
  officialNo: string | null;
  localNo: string;
  categoryCode: string;
  regionCode: string;
  content: string;
  urgency: string;
  confidential: number;
  createdAt: number;
}
const CASE_COLUMNS = `o.case_id AS caseId, o.order_id AS orderId, o.snapshot, c.official_no AS officialNo, c.local_no AS localNo,
  c.category_code AS categoryCode, c.region_code AS regionCode, c.content, c.urgency, c.confidential, c.created_at AS createdAt`;

type ActionRefusal = { code: string; zh: string; en: string };
const ORDER_CHANGED: ActionRefusal = {
  code: 'order_changed',
  zh: '工单已被他人处理，请刷新后重试。',
  en: 'The order has changed since you saw it: reload it and try again.',
};
const ORDER_NOT_FOUND: ActionRefusal = {
  code: 'order_not_found',
  zh: '本机没有该工单（可能尚未同步），请同步后重试。',
  en: 'This workstation does not hold that order (not synced yet?): sync and try again.',
};

/** The centre's actor for an account (the desktop never signs in a unit). */
const actorOf = (user: { username: string; role: Role }): Actor => ({ username: user.username, role: user.role, unitId: null });

export type DeskQueueInput = z.output<typeof DeskQueueInputSchema>;

export interface OrdersOptions {
  now: () => number;
  calendar?: WorkingCalendar;
  /** for the repeat-call proposal's number lookup (default 0537) */
  defaultAreaCode?: string;
}

/** 重复件: the link was refused (the order is not here, or the table refuses link_call on it). */
export class LinkRefusedError extends Error {
  constructor(readonly refusal: ActionRefusal) {
    super(refusal.en);
  }
}

export function createOrders(db: Db, opts: OrdersOptions) {
  const { now } = opts;
  const calendar = opts.calendar ?? defaultWorkingCalendar;
  const outbox = createOutbox(db);
  const repeats = createRepeats(db, {
    now,
    defaultAreaCode: opts.defaultAreaCode ?? DEFAULT_AREA_CODE,
    unitName: (code) => readCache(db).byCode.get(code)?.name ?? null,
  });

  const selectLocal = db.prepare<[], LocalAction>(
    `SELECT client_id AS clientId, mutation_id AS mutationId, order_id AS orderId, args, created_at AS createdAt, acked FROM (
       SELECT 0 AS k, id AS seq, client_id, mutation_id, order_id, args, created_at, 1 AS acked FROM order_acked
       UNION ALL
       SELECT 1, seq, client_id, mutation_id, json_extract(args, '$.orderId'), args, created_at, 0 FROM outbox
       WHERE name = 'order.action' AND client_id IS NOT NULL)
     ORDER BY k, seq`,
  );
  const selectAccounts = db.prepare<[], { clientId: string; username: string; role: Role }>(
    'SELECT client_id AS clientId, username, role FROM sync_accounts',
  );
  const selectByOrder = db.prepare<[string], CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM orders o JOIN cases c ON c.id = o.case_id WHERE o.order_id = ?`,
  );
  const selectByCase = db.prepare<[number], CaseRow>(`SELECT ${CASE_COLUMNS} FROM orders o JOIN cases c ON c.id = o.case_id WHERE o.case_id = ?`);
  // a 转办 case logged here and not yet pulled back with its order: the order the server will
  // create for it (待派单, version 0), so it can be dispatched at once, offline too; the outbox
  // sends its 'case.create' before the action
  const UNPULLED = `SELECT c.id AS caseId, c.uuid AS orderId, NULL AS snapshot, c.official_no AS officialNo, c.local_no AS localNo,
    c.category_code AS categoryCode, c.region_code AS regionCode, c.content, c.urgency, c.confidential, c.created_at AS createdAt
    FROM cases c WHERE c.handling_mode = 'dispatch' AND c.origin = 'local' AND c.repeat_of IS NULL
      AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.case_id = c.id)`;
  const selectUnpulledByUuid = db.prepare<[string], CaseRow & { snapshot: string | null }>(`${UNPULLED} AND c.uuid = ?`);
  const selectUnpulledById = db.prepare<[number], CaseRow & { snapshot: string | null }>(`${UNPULLED} AND c.id = ?`);
  const unpulled = (row: (CaseRow & { snapshot: string | null }) | undefined): CaseRow | undefined =>
    row && {
      ...row,
      snapshot: JSON.stringify(
        newWorkOrder({ id: row.orderId, urgency: row.urgency as WorkOrder['urgency'], categoryCode: row.categoryCode }),
      ),
    };
  const rowByOrder = (orderId: string): CaseRow | undefined => selectByOrder.get(orderId) ?? unpulled(selectUnpulledByUuid.get(orderId));
  const rowByCase = (caseId: number): CaseRow | undefined => selectByCase.get(caseId) ?? unpulled(selectUnpulledById.get(caseId));
  const selectCaseDetail = db.prepare<[number], { phone: string; callerName: string; channel: string; requestType: string; address: string }>(
    'SELECT phone, caller_name AS callerName, channel, request_type AS requestType, address FROM cases WHERE id = ?',
  );
  const selectHistory = db.prepare<[string], { entry: string }>('SELECT entry FROM order_history WHERE order_id = ? ORDER BY seq');
  const lastMutation = db.prepare<[string], { id: number }>('SELECT last_mutation_id AS id FROM sync_accounts WHERE client_id = ?');

  const ctxAt = (at: number): ActionContext => {
    const c = readCache(db);
    return {
      now: at,
      calendar,
      rules: c.workflow.rules,
      units: c.byCode,
      settings: { operatorMayDispatch: c.workflow.operatorMayDispatch, followUp: c.workflow.followUp },
    };
  };

  /** Local actions (acknowledged first, then pending), by order. */
  function localActions(): Map<string, LocalAction[]> {
    const byOrder = new Map<string, LocalAction[]>();
    for (const a of selectLocal.all()) {
      const list = byOrder.get(a.orderId);
      if (list) list.push(a);
      else byOrder.set(a.orderId, [a]);
    }
    return byOrder;
  }

  interface View {
    order: WorkOrder;
    pending: PendingAction[];
  }

  function rebase(base: WorkOrder, actions: readonly LocalAction[], accounts: Map<string, { username: string; role: Role }>): View {
    let order = base;
    const pending: View['pending'] = [];
    for (const a of actions) {
      let parsed: { action?: string; args?: unknown; at?: number };
      try {
        parsed = JSON.parse(a.args) as typeof parsed;
      } catch {
        continue;
      }
      const account = accounts.get(a.clientId);
      const action = String(parsed.action ?? '');
      const at = typeof parsed.at === 'number' ? parsed.at : a.createdAt;
      const args = (parsed.args ?? {}) as Record<string, unknown>;
      const item = {
        mutationId: a.mutationId,
        action: action as PendingAction['action'],
        at,
        username: account?.username ?? '',
        note: typeof args.note === 'string' ? args.note : typeof args.reason === 'string' ? args.reason : '',
      };
      if (!account) {
        pending.push({ ...item, acknowledged: a.acked === 1, refused: { code: 'unknown_account', zh: '操作的账号已不在本机。', en: 'The account that took it is gone.' } });
        continue;
      }
      const r = applyAction(order, action as PendingAction['action'], actorOf(account), args, ctxAt(at));
      if (r.ok) {
        order = r.order;
        pending.push({ ...item, acknowledged: a.acked === 1, refused: null });
      } else {
        pending.push({ ...item, acknowledged: a.acked === 1, refused: { code: r.code, zh: r.message.zh, en: r.message.en } });
      }
    }
    return { order, pending };
  }

  const accountsMap = () => new Map(selectAccounts.all().map((a) => [a.clientId, a]));

  function viewOf(row: CaseRow, local: Map<string, LocalAction[]>, accounts = accountsMap()): View {
    return rebase(JSON.parse(row.snapshot) as WorkOrder, local.get(row.orderId) ?? [], accounts);
  }

  function statusAt(d: Derived, at: number): DeskOrderSummary['deadlineStatus'] {
    if (!OPEN.includes(d.state) || d.deadline === null) return null;
    if (at > d.deadline) return 'overdue';
    if (d.warnAt !== null && at > d.warnAt) return 'due_soon';
    return 'normal';
  }

  function summaryOf(row: CaseRow, order: WorkOrder, pendingSync: boolean, at: number): DeskOrderSummary {
    const c = readCache(db);
    const d = deriveColumns(order, c.workflow.rules, calendar);
    const suggested = suggestUnit(c.rules, row.categoryCode, row.regionCode);
    return {
      id: row.orderId,
      officialNo: row.officialNo ?? row.localNo,
      state: order.state,
      categoryCode: row.categoryCode,
      regionCode: row.regionCode,
      summary: Array.from(row.content).slice(0, 120).join(''),
      urgency: row.urgency,
      unitCode: d.unitCode,
      unitName: d.unitCode === null ? null : (c.byCode.get(d.unitCode)?.name ?? null),
      receivedAt: row.createdAt,
      dispatchedAt: currentAssignment(order)?.dispatchedAt ?? null,
      signBy: d.signBy,
      deadline: d.deadline,
      deadlineStatus: statusAt(d, at),
      extensionRequested: d.extensionRequested,
      confidential: row.confidential === 1,
      version: order.version,
      caseId: row.caseId,
      suggestedUnitCode: suggested,
      suggestedUnitName: suggested === null ? null : (c.byCode.get(suggested)?.name ?? null),
      pendingSync,
      followUpDue: followUpDueOf(order, row.createdAt),
      supervision: order.supervision?.level ?? null,
      reminders: order.reminders?.count ?? 0,
    };
  }

  /** A queue's predicate twice: as SQL over the pulled columns, and over a view's derived columns. */
  function predicate(input: DeskQueueInput, at: number): { sql: string; params: unknown[]; test: (d: Derived) => boolean } {
    const parts: string[] = [];
    const params: unknown[] = [];
    const tests: ((d: Derived) => boolean)[] = [];
    const open = (d: Derived) => OPEN.includes(d.state);
    switch (input.queue) {
      case 'extension_requested':
        parts.push(`o.extension_requested = 1 AND ${OPEN_SQL}`);
        tests.push((d) => d.extensionRequested && open(d));
        break;
      case 'overdue':
        parts.push(`${OPEN_SQL} AND o.warn_at < ?`);
        params.push(at);
        tests.push((d) => open(d) && d.warnAt !== null && d.warnAt < at);
        break;
      default: {
        const state = input.queue;
        parts.push('o.state = ?');
        params.push(state);
        tests.push((d) => d.state === state);
      }
    }
    if (input.unitCode !== undefined) {
      const unit = input.unitCode;
      parts.push('o.unit_code = ?');
      params.push(unit);
      tests.push((d) => d.unitCode === unit);
    }
    switch (input.deadlineStatus) {
      case 'overdue':
        parts.push(`${OPEN_SQL} AND o.deadline < ?`);
        params.push(at);
        tests.push((d) => open(d) && d.deadline !== null && d.deadline < at);
        break;
      case 'due_soon':
        parts.push(`${OPEN_SQL} AND o.warn_at < ? AND o.deadline >= ?`);
        params.push(at, at);
        tests.push((d) => open(d) && d.warnAt !== null && d.warnAt < at && d.deadline !== null && d.deadline >= at);
        break;
      case 'normal':
        parts.push(`${OPEN_SQL} AND o.warn_at >= ?`);
        params.push(at);
        tests.push((d) => open(d) && d.warnAt !== null && d.warnAt >= at);
        break;
      case undefined:
        break;
    }
    return { sql: parts.join(' AND '), params, test: (d) => tests.every((t) => t(d)) };
  }

  const byFollowUpDue = (a: DeskOrderSummary, b: DeskOrderSummary) => (a.followUpDue ?? 0) - (b.followUpDue ?? 0) || a.caseId - b.caseId;
  const byDeadline = (a: DeskOrderSummary, b: DeskOrderSummary) =>
    (a.deadline ?? Infinity) - (b.deadline ?? Infinity) || a.receivedAt - b.receivedAt || a.caseId - b.caseId;

  return {
    /** The account may dispatch here: supervisor and admin; an operator when the server allows it. */
    mayDispatch(user: { role: Role } | null): boolean {
      if (!user) return false;
      if (user.role === 'supervisor' || user.role === 'admin') return true;
      return user.role === 'operator' && readCache(db).workflow.operatorMayDispatch;
    },

    units(user: { role: Role } | null): DeskUnits {
      const c = readCache(db);
      return {
        units: c.units,
        fetchedAt: c.fetchedAt,
        mayDispatch: this.mayDispatch(user),
        followUp: { ...c.workflow.followUp, satisfiedLevels: [...c.workflow.followUp.satisfiedLevels] },
      };
    },

    unitsEtag: (): string | null => readCache(db).etag,

    /** A fresh GET /api/units: the cache replaced whole, one transaction; the 临期 instants follow new rules. */
    saveUnits(res: UnitsResponse, etag: string | null): void {
      const at = now();
      const before = readCache(db).workflow.rules;
      db.transaction(() => {
        db.prepare('DELETE FROM units_cache').run();
        db.prepare('DELETE FROM dispatch_rules_cache').run();
        const unit = db.prepare('INSERT INTO units_cache (code, name, kind, parent_code, phone, active) VALUES (?, ?, ?, ?, ?, ?)');
        for (const u of res.units) unit.run(u.code, u.name, u.kind, u.parentCode, u.phone, u.active ? 1 : 0);
        const rule = db.prepare('INSERT OR REPLACE INTO dispatch_rules_cache (category_code, region_code, unit_code) VALUES (?, ?, ?)');
        for (const r of res.rules) rule.run(r.categoryCode, r.regionCode, r.unitCode);
        const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
        meta.run(META_FETCHED, String(at));
        if (etag) meta.run(META_ETAG, etag);
        else db.prepare('DELETE FROM meta WHERE key = ?').run(META_ETAG);
        if (res.workflow) meta.run(META_WORKFLOW, JSON.stringify(res.workflow));
        else db.prepare('DELETE FROM meta WHERE key = ?').run(META_WORKFLOW);
        caches.delete(db);
        const rules = readCache(db).workflow.rules;
        if (JSON.stringify(rules) !== JSON.stringify(before)) {
          const update = db.prepare('UPDATE orders SET warn_at = ? WHERE case_id = ?');
          const open = db.prepare<[], { caseId: number; snapshot: string }>(
            `SELECT case_id AS caseId, snapshot FROM orders o WHERE ${OPEN_SQL}`,
          );
          for (const o of open.all()) update.run(deriveColumns(JSON.parse(o.snapshot) as WorkOrder, rules, calendar).warnAt, o.caseId);
        }
      }).immediate();
      caches.delete(db);
    },

    /** GET /api/units answered 304: the cache is current as of now. */
    unitsUnchanged(): void {
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
        META_FETCHED,
        String(now()),
      );
      caches.delete(db);
    },

    queue(input: DeskQueueInput): DeskQueueResponse {
      const at = now();
      const local = localActions();
      const localIds = JSON.stringify([...local.keys()]);
      const p = predicate(input, at);
      const notLocal = 'o.order_id NOT IN (SELECT value FROM json_each(?))';
      const followUp = input.queue === 'pending_follow_up';
      const rows = db
        .prepare<unknown[], CaseRow>(
          `SELECT ${CASE_COLUMNS} FROM orders o JOIN cases c ON c.id = o.case_id
           WHERE ${p.sql} AND ${notLocal}
           ORDER BY ${followUp ? `${FOLLOW_UP_DUE_SQL}, o.case_id` : 'o.deadline IS NULL, o.deadline, c.created_at, o.case_id'} LIMIT ?`,
        )
        .all(...p.params, localIds, input.limit);
      const count = db
        .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM orders o WHERE ${p.sql} AND ${notLocal}`)
        .get(...p.params, localIds)!.n;
      const orders = rows.map((r) => summaryOf(r, JSON.parse(r.snapshot) as WorkOrder, false, at));
      const accounts = accountsMap();
      let localMatches = 0;
      for (const orderId of local.keys()) {
        const row = rowByOrder(orderId);
        if (!row) continue;
        const v = viewOf(row, local, accounts);
        if (!p.test(deriveColumns(v.order, readCache(db).workflow.rules, calendar))) continue;
        localMatches++;
        orders.push(summaryOf(row, v.order, true, at));
      }
      orders.sort(followUp ? byFollowUpDue : byDeadline);
      return { queue: input.queue as OrderQueue, orders: orders.slice(0, input.limit), total: count + localMatches };
    },

    get(input: { caseId: number } | { orderId: string }, user: DeskUser | null): DeskOrderDetail | null {
      const row = 'caseId' in input ? rowByCase(input.caseId) : rowByOrder(input.orderId);
      if (!row) return null;
      const at = now();
      const local = localActions();
      const v = viewOf(row, local);
      const detail = selectCaseDetail.get(row.caseId)!;
      const history = selectHistory.all(row.orderId).map((h) => JSON.parse(h.entry) as HistoryEntry);
      const c = readCache(db);
      const mentioned = new Set<string>();
      for (const a of v.order.assignments) {
        mentioned.add(a.unitId);
        a.coUnitIds.forEach((u) => mentioned.add(u));
        if (a.dispatchedByUnitId) mentioned.add(a.dispatchedByUnitId);
      }
      for (const u of [v.order.returnedFrom?.unitId, v.order.reply?.unitId, v.order.extensionRequest?.unitId, v.order.completion?.unitId]) {
        if (u) mentioned.add(u);
      }
      for (const e of history) {
        if (e.actor.unitId) mentioned.add(e.actor.unitId);
        const d = e.details as Record<string, unknown>;
        if (typeof d.unitId === 'string') mentioned.add(d.unitId);
        if (typeof d.leadUnitId === 'string') mentioned.add(d.leadUnitId);
        if (Array.isArray(d.coUnitIds)) d.coUnitIds.forEach((u) => typeof u === 'string' && mentioned.add(u));
      }
      const summary = summaryOf(row, v.order, v.pending.length > 0, at);
      return {
        summary,
        caseId: row.caseId,
        case: {
          caller: { phone: detail.phone, name: detail.callerName, masked: false },
          channel: detail.channel,
          requestType: detail.requestType,
          address: detail.address,
          content: row.content,
          createdAt: row.createdAt,
        },
        order: v.order,
        history,
        available: user ? availableActions(v.order, actorOf(user), ctxAt(at)) : [],
        units: Object.fromEntries([...mentioned].filter((u) => c.byCode.has(u)).map((u) => [u, c.byCode.get(u)!.name])),
        pending: v.pending,
      };
    },

    board(): OverdueBoard {
      const at = now();
      const local = localActions();
      const counts = new Map<string, { dueSoon: number; overdue: number }>();
      const rows = db
        .prepare<[number, number, number, string], { unitCode: string; dueSoon: number; overdue: number }>(
          `SELECT o.unit_code AS unitCode, sum(o.deadline >= ?) AS dueSoon, sum(o.deadline < ?) AS overdue
           FROM orders o
           WHERE ${OPEN_SQL} AND o.warn_at < ? AND o.order_id NOT IN (SELECT value FROM json_each(?))
           GROUP BY o.unit_code`,
        )
        .all(at, at, at, JSON.stringify([...local.keys()]));
      for (const r of rows) counts.set(r.unitCode, { dueSoon: r.dueSoon, overdue: r.overdue });
      const accounts = accountsMap();
      const rules = readCache(db).workflow.rules;
      for (const orderId of local.keys()) {
        const row = rowByOrder(orderId);
        if (!row) continue;
        const d = deriveColumns(viewOf(row, local, accounts).order, rules, calendar);
        const status = statusAt(d, at);
        if (d.unitCode === null || (status !== 'overdue' && status !== 'due_soon')) continue;
        const c = counts.get(d.unitCode) ?? { dueSoon: 0, overdue: 0 };
        c[status === 'overdue' ? 'overdue' : 'dueSoon']++;
        counts.set(d.unitCode, c);
      }
      const names = readCache(db).byCode;
      const out = [...counts.entries()]
        .map(([unitCode, c]) => ({ unitCode, unitName: names.get(unitCode)?.name ?? unitCode, ...c }))
        .filter((r) => r.dueSoon + r.overdue > 0)
        .sort((a, b) => b.overdue - a.overdue || b.dueSoon - a.dueSoon || a.unitCode.localeCompare(b.unitCode));
      return {
        rows: out,
        totals: { dueSoon: out.reduce((n, r) => n + r.dueSoon, 0), overdue: out.reduce((n, r) => n + r.overdue, 0) },
        at,
      };
    },

    /** 可能重复: the open order this call may repeat (store/repeats.ts), or null */
    propose: (q: RepeatQuery, windowDays?: number) => repeats.propose(q, windowDays),

    /**
     * 重复件: the link of a call being saved to an open order, for saveIntake (types.ts RepeatLink).
     * Checked now (the order here, link_call allowed for this account on its view) so a refusal
     * comes before anything is written; `link` checks again inside the intake's transaction and
     * queues the 'order.action' link_call right after the case's 'case.create' row.
     */
    linkFor(orderId: string, user: DeskUser): RepeatLink {
      const check = (caseId: string, at: number): ActionArgsInput<'link_call'> => {
        const row = rowByOrder(orderId);
        if (!row) throw new LinkRefusedError(ORDER_NOT_FOUND);
        const v = viewOf(row, localActions());
        const args = { caseId, note: '' };
        const r = applyAction(v.order, 'link_call', actorOf(user), args, ctxAt(at));
        if (!r.ok) throw new LinkRefusedError({ code: r.code, zh: r.message.zh, en: r.message.en });
        return args;
      };
      // a placeholder uuid: the table's checks (role, state) do not depend on which call
      check('00000000-0000-4000-8000-000000000000', now());
      return {
        orderId,
        link: (caseUuid, at) => {
          const args = check(caseUuid, at);
          outbox.append(user.clientId, 'order.action', { orderId, action: 'link_call', args, at }, at);
        },
      };
    },

    /**
     * An action by the signed-in account: the table on this workstation's view; refused →
     * nothing queued; else the 'order.action' outbox row (one transaction) and the intended result.
     */
    act(input: z.output<typeof DeskActInput>, user: DeskUser): DeskActResult {
      const row = rowByOrder(input.orderId);
      if (!row) return { ok: false, refusal: ORDER_NOT_FOUND };
      const at = now();
      const v = viewOf(row, localActions());
      const r = applyAction(v.order, input.action, actorOf(user), input.args, ctxAt(at));
      if (input.expectedVersion !== v.order.version) {
        // as the server does: a refusal on the current state says what happened; an action that
        // would still pass is not taken on a state the person never saw
        return { ok: false, refusal: r.ok ? ORDER_CHANGED : { code: r.code, zh: r.message.zh, en: r.message.en } };
      }
      if (!r.ok) return { ok: false, refusal: { code: r.code, zh: r.message.zh, en: r.message.en } };
      const mutationId = db
        .transaction(() => {
          outbox.append(user.clientId, 'order.action', { orderId: row.orderId, action: input.action, args: input.args, at }, at);
          return lastMutation.get(user.clientId)!.id;
        })
        .immediate();
      return { ok: true, order: r.order, entry: r.entry, mutationId };
    },
  };
}

export type Orders = ReturnType<typeof createOrders>;
