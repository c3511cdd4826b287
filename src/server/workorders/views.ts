/**
 * What the work-order routes read: a queue (OrderSummary rows) and one order in detail, for the
 * viewer's role. A unit sees only its own orders, and never the number or name of a caller who
 * asked for confidentiality (保密): maskedCaller() blanks them, and every other text that leaves
 * the server for that unit (the matter's summary, content and address, the history's notes,
 * the reply …) has the number and the name cut out, in case someone typed them there.
 */
import { maskedCaller, type OrderDetailResponse, type OrderQueue, type OrderSummary } from '../../shared/portal';
import { availableActions, type Actor, type DeadlineStatus, type HistoryEntry, type WorkOrder } from '../../shared/workorders';
import type { WorkOrderConfig } from '../config';
import type { Queryable } from '../db/adapter';
import { actionContext, loadUnitDirectory, statusOf, visibleTo } from './service';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that removes a 保密 caller's number and name from a text: the number's digits
 * also when written with spaces, dashes or dots between them; the name when it has 2+ characters
 * (a one-character name would cut the matter itself to pieces).
 */
export function scrubber(phone: string, name: string): (text: string) => string {
  const patterns: RegExp[] = [];
  for (const p of [phone]) {
    const digits = p.replace(/\D/g, '');
    if (digits.length >= 5) patterns.push(new RegExp(digits.split('').join('[\\s.\\-]?'), 'g'));
  }
  if (name.trim().length >= 2) patterns.push(new RegExp(escapeRe(name.trim()), 'g'));
  return (text) => patterns.reduce((t, re) => t.replace(re, '***'), text);
}

/** Every string of a JSON value through `fn` (ids left alone). */
function deepMap<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => deepMap(v, fn)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'id' || k === 'orderId' ? v : deepMap(v, fn)]),
    ) as T;
  }
  return value;
}

interface SummaryRow {
  caseId: number;
  id: string;
  officialNo: string;
  state: WorkOrder['state'];
  categoryCode: string;
  regionCode: string;
  summary: string;
  urgency: string;
  unitCode: string | null;
  unitName: string | null;
  receivedAt: number;
  dispatchedAt: string | null;
  signBy: number | null;
  deadline: number | null;
  basis: 'working_days' | 'hours' | null;
  extensionRequested: boolean;
  confidential: boolean;
  version: number;
  phone: string;
  callerName: string;
  followUpDue: number | null;
  supervision: number;
  reminders: number | null;
}

const SUMMARY_COLUMNS = `w.case_id AS "caseId", c.uuid::text AS id, c.official_no AS "officialNo", w.state,
  c.category_code AS "categoryCode", c.region_code AS "regionCode", left(c.content, 120) AS summary, c.urgency,
  w.unit_code AS "unitCode", u.name AS "unitName", c.created_at AS "receivedAt",
  w.snapshot #>> '{assignments,-1,dispatchedAt}' AS "dispatchedAt", w.sign_by AS "signBy", w.deadline,
  w.snapshot #>> '{assignments,-1,deadline,basis}' AS basis, w.extension_requested AS "extensionRequested",
  c.confidential, w.version, c.phone, c.caller_name AS "callerName", w.follow_up_due AS "followUpDue", w.supervision,
  (w.snapshot #>> '{reminders,count}')::int AS reminders`;
const SUMMARY_FROM = 'work_orders w JOIN cases c ON c.id = w.case_id LEFT JOIN units u ON u.code = w.unit_code';

function toSummary(r: SummaryRow, viewer: Actor, cfg: WorkOrderConfig, now: number): OrderSummary {
  let status: DeadlineStatus | null = null;
  if ((r.state === 'pending_sign' || r.state === 'in_progress') && r.deadline !== null) {
    status = statusOf(
      {
        state: r.state,
        assignments: [{ deadline: { at: r.deadline, basis: r.basis ?? 'working_days' } }],
      } as unknown as WorkOrder,
      cfg,
      now,
    );
  }
  const masked = r.confidential && viewer.role === 'unit';
  return {
    id: r.id,
    officialNo: r.officialNo,
    state: r.state,
    categoryCode: r.categoryCode,
    regionCode: r.regionCode,
    summary: masked ? scrubber(r.phone, r.callerName)(r.summary) : r.summary,
    urgency: r.urgency,
    unitCode: r.unitCode,
    unitName: r.unitName,
    receivedAt: r.receivedAt,
    dispatchedAt: r.dispatchedAt === null ? null : Number(r.dispatchedAt),
    signBy: r.signBy,
    deadline: r.deadline,
    deadlineStatus: status,
    extensionRequested: r.extensionRequested,
    confidential: r.confidential,
    version: r.version,
    followUpDue: r.followUpDue === null ? null : Number(r.followUpDue),
    supervision: r.supervision === 2 ? 'key' : r.supervision === 1 ? 'normal' : null,
    reminders: r.reminders ?? 0,
  };
}

/** Queues a unit may ask for; the others are the centre's. */
export const UNIT_QUEUES: readonly OrderQueue[] = ['pending_sign', 'in_progress', 'pending_review', 'overdue'];

const OPEN = `w.state IN ('pending_sign', 'in_progress')`;
/**
 * A page is (case_id, r, k) ordered by r DESC, k, case_id: r is the 督办 rank for a unit's queues
 * (supervised orders first, 重点 before 一般) and 0 for the centre's; k the deadline, or for
 * 待回访 when the call is due.
 */
const CENTRE_KEY = { r: '0', k: 'w.deadline' };
const FOLLOW_UP_KEY = { r: '0', k: 'w.follow_up_due' };
type Key = typeof CENTRE_KEY;
const ORDER = 'ORDER BY r DESC, k NULLS LAST, case_id';
/** One page from the rows matching `where`: index-only on the covering indexes. */
const page = (where: string, key: Key = CENTRE_KEY) =>
  `SELECT w.case_id, ${key.r} AS r, ${key.k} AS k FROM work_orders w WHERE ${where} ${ORDER} LIMIT $1`;
/**
 * A unit's page: its supervised orders (a small partial index) before the rest by deadline (the
 * covering index, as before 督办 existed), one row per order.
 */
const unitPage = (where: string) =>
  `SELECT case_id, max(r) AS r, min(k) AS k FROM (
     (SELECT w.case_id, w.supervision AS r, w.deadline AS k FROM work_orders w WHERE ${where} AND w.supervision > 0
      ORDER BY w.supervision DESC, w.deadline NULLS LAST, w.case_id LIMIT $1)
     UNION ALL (${page(where)})
   ) x GROUP BY case_id ${ORDER} LIMIT $1`;
/** Two disjoint sets, each paged from its own index, merged (an OR would read every row's heap page). */
const either = (a: string, b: string) => `SELECT * FROM ((${unitPage(a)}) UNION ALL (${unitPage(b)})) w ${ORDER} LIMIT $1`;

/** The SQL choosing a queue's page for the viewer ($1 = the limit), and its parameters from $2 on. */
function queuePage(queue: OrderQueue, viewer: Actor, now: number): { sql: string; params: unknown[] } {
  if (viewer.role !== 'unit') {
    switch (queue) {
      case 'extension_requested':
        return { sql: page(`w.extension_requested AND ${OPEN}`), params: [] };
      case 'overdue':
        return { sql: page(`${OPEN} AND w.warn_at < $2`), params: [now] };
      case 'pending_follow_up':
        // due now first (the retry time passed, or never tried), longest waiting first; the
        // retries not yet due follow, soonest first: one ordered walk of the partial index
        return { sql: page(`w.state = 'pending_follow_up'`, FOLLOW_UP_KEY), params: [] };
      default:
        return { sql: page('w.state = $2'), params: [queue] };
    }
  }
  const unit = viewer.unitId;
  switch (queue) {
    case 'pending_sign':
      return { sql: unitPage(`w.unit_code = $2 AND w.state = 'pending_sign'`), params: [unit] };
    case 'in_progress':
      // what it holds, and what it passed on to a sub-unit (it stays answerable for it)
      return {
        sql: either(`w.unit_code = $2 AND w.state = 'in_progress'`, `w.lead_unit_code = $2 AND ${OPEN} AND w.unit_code <> $2`),
        params: [unit],
      };
    case 'pending_review':
      return { sql: unitPage(`w.lead_unit_code = $2 AND w.state = 'pending_review'`), params: [unit] };
    case 'overdue':
      return {
        sql: either(
          `w.unit_code = $2 AND ${OPEN} AND w.warn_at < $3`,
          `w.lead_unit_code = $2 AND ${OPEN} AND w.unit_code <> $2 AND w.warn_at < $3`,
        ),
        params: [unit, now],
      };
    default:
      throw new Error(`queue ${queue} is not a unit's`);
  }
}

export async function readQueue(
  db: Queryable,
  viewer: Actor,
  queue: OrderQueue,
  limit: number,
  cfg: WorkOrderConfig,
  now: number,
): Promise<{ queue: OrderQueue; orders: OrderSummary[]; more: boolean }> {
  const q = queuePage(queue, viewer, now);
  const rows = await db.query<SummaryRow>(
    // the page is chosen on work_orders' indexes alone, then only its rows are read and joined
    `SELECT ${SUMMARY_COLUMNS}
     FROM (${q.sql}) p
       JOIN work_orders w ON w.case_id = p.case_id
       JOIN cases c ON c.id = w.case_id LEFT JOIN units u ON u.code = w.unit_code
     ORDER BY p.r DESC, p.k NULLS LAST, p.case_id`,
    [limit + 1, ...q.params],
    { generic: true },
  );
  const more = rows.length > limit;
  return { queue, orders: rows.slice(0, limit).map((r) => toSummary(r, viewer, cfg, now)), more };
}

/** Every unit an order and its history mention. */
function unitsMentioned(order: WorkOrder, history: HistoryEntry[]): string[] {
  const ids = new Set<string>();
  for (const a of order.assignments) {
    ids.add(a.unitId);
    a.coUnitIds.forEach((u) => ids.add(u));
    if (a.dispatchedByUnitId) ids.add(a.dispatchedByUnitId);
  }
  if (order.returnedFrom) ids.add(order.returnedFrom.unitId);
  if (order.reply) ids.add(order.reply.unitId);
  if (order.extensionRequest) ids.add(order.extensionRequest.unitId);
  if (order.completion) ids.add(order.completion.unitId);
  for (const e of history) {
    if (e.actor.unitId) ids.add(e.actor.unitId);
    const d = e.details as Record<string, unknown>;
    if (typeof d.unitId === 'string') ids.add(d.unitId);
    if (Array.isArray(d.coUnitIds)) d.coUnitIds.forEach((u) => typeof u === 'string' && ids.add(u));
  }
  return [...ids];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One order as the viewer may see it; null when it does not exist or is not the viewer's. */
export async function readDetail(
  db: Queryable,
  viewer: Actor,
  orderId: string,
  cfg: WorkOrderConfig,
  now: number,
): Promise<OrderDetailResponse | null> {
  if (!UUID_RE.test(orderId)) return null;
  const [row] = await db.query<
    SummaryRow & { snapshot: WorkOrder; channel: string; requestType: string; address: string; content: string }
  >(
    `SELECT ${SUMMARY_COLUMNS}, w.snapshot, c.channel, c.request_type AS "requestType", c.address, c.content
     FROM ${SUMMARY_FROM} WHERE c.uuid = $1`,
    [orderId],
  );
  if (!row || !visibleTo(row.snapshot, viewer)) return null;
  const history = (
    await db.query<{ entry: HistoryEntry }>('SELECT entry FROM order_history WHERE case_id = $1 ORDER BY seq', [row.caseId])
  ).map((r) => r.entry);
  const mentioned = unitsMentioned(row.snapshot, history);
  const unitRows = mentioned.length
    ? await db.query<{ code: string; name: string }>('SELECT code, name FROM units WHERE code = ANY($1::text[])', [mentioned])
    : [];
  const units = await loadUnitDirectory(db);
  const detail: OrderDetailResponse = {
    summary: toSummary(row, viewer, cfg, now),
    case: {
      caller: maskedCaller({ phone: row.phone, name: row.callerName, confidential: row.confidential }, viewer.role),
      channel: row.channel,
      requestType: row.requestType,
      address: row.address,
      content: row.content,
      createdAt: row.receivedAt,
    },
    order: row.snapshot,
    history,
    available: availableActions(row.snapshot, viewer, actionContext(cfg, now, units)),
    units: Object.fromEntries(unitRows.map((u) => [u.code, u.name])),
  };
  if (row.confidential && viewer.role === 'unit') {
    const scrub = scrubber(row.phone, row.callerName);
    const { caller, ...rest } = detail.case;
    return { ...deepMap({ ...detail, case: rest }, scrub), case: { caller, ...deepMap(rest, scrub) } } as OrderDetailResponse;
  }
  return detail;
}

export interface BoardRow {
  unitCode: string;
  /** 临期: past the warning point, not yet past the deadline */
  dueSoon: number;
  /** 超期 */
  overdue: number;
}

/**
 * The overdue board (超期预警): per unit holding orders now, how many open orders (待签收,
 * 办理中) are 临期 and 超期 at `now`, from the derived columns (warn_at, deadline) and their
 * partial index — no snapshot is read.
 */
export async function overdueBoard(db: Queryable, now: number): Promise<BoardRow[]> {
  return db.query<BoardRow>(
    `SELECT unit_code AS "unitCode",
            count(*) FILTER (WHERE deadline >= $1)::int AS "dueSoon",
            count(*) FILTER (WHERE deadline < $1)::int AS overdue
     FROM work_orders
     WHERE state IN ('pending_sign', 'in_progress') AND warn_at < $1
     GROUP BY unit_code
     ORDER BY overdue DESC, "dueSoon" DESC, unit_code`,
    [now],
    { prepared: true },
  );
}
