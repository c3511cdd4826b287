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
}

const SUMMARY_COLUMNS = `w.case_id AS "caseId", c.uuid::text AS id, c.official_no AS "officialNo", w.state,
  c.category_code AS "categoryCode", c.region_code AS "regionCode", left(c.content, 120) AS summary, c.urgency,
  w.unit_code AS "unitCode", u.name AS "unitName", c.created_at AS "receivedAt",
  w.snapshot #>> '{assignments,-1,dispatchedAt}' AS "dispatchedAt", w.sign_by AS "signBy", w.deadline,
  w.snapshot #>> '{assignments,-1,deadline,basis}' AS basis, w.extension_requested AS "extensionRequested",
  c.confidential, w.version, c.phone, c.caller_name AS "callerName"`;
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
  };
}

/** Queues a unit may ask for; the others are the centre's. */
export const UNIT_QUEUES: readonly OrderQueue[] = ['pending_sign', 'in_progress', 'pending_review', 'overdue'];

/** The WHERE clause of a queue for the viewer, with its parameters from $2 on ($1 is the limit). */
function queueFilter(queue: OrderQueue, viewer: Actor, now: number): { where: string; params: unknown[] } {
  const open = `w.state IN ('pending_sign', 'in_progress')`;
  if (viewer.role !== 'unit') {
    switch (queue) {
      case 'extension_requested':
        return { where: `w.extension_requested AND ${open}`, params: [] };
      case 'overdue':
        return { where: `${open} AND w.warn_at < $2`, params: [now] };
      default:
        return { where: 'w.state = $2', params: [queue] };
    }
  }
  const unit = viewer.unitId;
  switch (queue) {
    case 'pending_sign':
      return { where: `w.state = 'pending_sign' AND w.unit_code = $2`, params: [unit] };
    case 'in_progress':
      // what it holds, and what it passed on to a sub-unit (it stays answerable for it)
      return {
        where: `((w.unit_code = $2 AND w.state = 'in_progress') OR (w.lead_unit_code = $2 AND w.unit_code <> $2 AND ${open}))`,
        params: [unit],
      };
    case 'pending_review':
      return { where: `w.lead_unit_code = $2 AND w.state = 'pending_review'`, params: [unit] };
    case 'overdue':
      return { where: `(w.unit_code = $2 OR w.lead_unit_code = $2) AND ${open} AND w.warn_at < $3`, params: [unit, now] };
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
  const f = queueFilter(queue, viewer, now);
  const rows = await db.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM}
     WHERE ${f.where}
     ORDER BY w.deadline NULLS LAST, w.case_id
     LIMIT $1`,
    [limit + 1, ...f.params],
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
