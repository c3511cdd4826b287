/**
 * repeat_proposal (issue 7 §4, §8), part of `npm run bench -- store`: from the last digit of the
 * caller's number (the query the renderer triggers, `repeat.propose`) to the proposal 可能重复,
 * on the store of N cases: store/repeats.ts by number, then by address and category, over open
 * pulled orders of the last 30 days. Target p95 ≤ 5 ms.
 *
 * The generated store has no pulled orders: every 转办 case of the last 90 days gets an `orders`
 * row once (open unless its case is closed), as a pull would have written it. Inputs: numbers
 * of recent 转办 cases (found by number), unknown numbers with a recent case's address and
 * category (found by address), and unknown numbers with nothing to find (both lookups miss).
 * Baseline in the same run: the same two queries with the case indexes disabled (NOT INDEXED),
 * i.e. a scan of the cases table, on a subset of the inputs.
 */
import { createOrders } from '../src/main/store/orders';
import { REPEAT_SQL, DAY_MS, DEFAULT_REPEAT_WINDOW_DAYS } from '../src/main/store/repeats';
import type { SqliteStore } from '../src/main/store/store';
import type { Rng } from '../src/main/seed/random';
import { percentiles, printLine, timeEach } from './stats';

export function measureRepeatProposal(store: SqliteStore, n: number, rng: Rng): void {
  const db = store.db;
  const now = db.prepare<[], { t: number }>('SELECT max(created_at) AS t FROM cases').get()!.t + 60_000;
  const since90 = now - 90 * DAY_MS;
  const prepared = performance.now();
  const added = db
    .prepare(
      `INSERT INTO orders (case_id, order_id, state, version, unit_code, lead_unit_code, deadline, sign_by, warn_at, extension_requested, snapshot, updated_at)
       SELECT c.id, c.uuid, CASE WHEN c.status = 'closed' THEN 'closed' ELSE 'in_progress' END, 2, 'U0001', 'U0001', NULL, NULL, NULL, 0,
         json_object('id', c.uuid, 'version', 2, 'state', CASE WHEN c.status = 'closed' THEN 'closed' ELSE 'in_progress' END, 'linkedCaseIds', json('[]')), ?
       FROM cases c WHERE c.handling_mode = 'dispatch' AND c.created_at >= ? AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.case_id = c.id)`,
    )
    .run(now, since90).changes;
  const orders = createOrders(db, { now: () => now });
  const open = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM orders WHERE state <> 'closed'`).get()!.n;

  const since = now - DEFAULT_REPEAT_WINDOW_DAYS * DAY_MS;
  const recent = db
    .prepare<[number], { phone: string; address: string; categoryCode: string }>(
      `SELECT c.phone, c.address, c.category_code AS categoryCode FROM orders o JOIN cases c ON c.id = o.case_id
       WHERE o.state <> 'closed' AND c.created_at >= ? AND c.address <> '' ORDER BY random() LIMIT 400`,
    )
    .all(since);
  if (recent.length === 0) throw new Error('repeat_proposal: the store has no open 转办 case in the last 30 days');
  const unknownPhone = () => `137${String(rng.int(100_000_000)).padStart(8, '0')}`;
  const inputs = [
    ...recent.slice(0, 200).map((c) => ({ phone: c.phone, address: c.address, categoryCode: c.categoryCode })),
    ...recent.slice(200).map((c) => ({ phone: unknownPhone(), address: c.address, categoryCode: c.categoryCode })),
    ...recent.slice(0, 200).map((c) => ({ phone: unknownPhone(), address: `${c.address}附近`, categoryCode: c.categoryCode })),
  ];
  // warm-up, then the timed rounds
  timeEach(inputs.slice(0, 100), (q) => orders.propose(q));
  const found = { phone: 0, address: 0, none: 0 };
  const times = timeEach([...inputs, ...inputs], (q) => {
    const p = orders.propose(q);
    found[p?.match ?? 'none']++;
  });
  printLine({
    name: 'repeat_proposal',
    n,
    ...percentiles(times),
    iterations: times.length,
    open_orders: open,
    orders_added: added,
    setup_ms: Math.round(performance.now() - prepared),
    matched_phone: found.phone / 2,
    matched_address: found.address / 2,
    matched_none: found.none / 2,
  });

  // baseline: the same queries, the cases table scanned (its indexes disabled for them)
  const scanPhone = db.prepare(REPEAT_SQL.byPhone.replace('FROM cases c JOIN', 'FROM cases c NOT INDEXED JOIN'));
  const scanAddress = db.prepare(REPEAT_SQL.byAddress.replace('FROM cases c JOIN', 'FROM cases c NOT INDEXED JOIN'));
  const subset = inputs.filter((_, i) => i % 20 === 0);
  const scans = timeEach(subset, (q) => {
    if (!scanPhone.get(q.phone, since)) scanAddress.get(q.categoryCode, q.address, since);
  });
  const indexed = percentiles(timeEach(subset, (q) => orders.propose(q)));
  const base = percentiles(scans);
  printLine({
    name: 'repeat_proposal_scan_baseline',
    n,
    ...base,
    iterations: scans.length,
    speedup_p95: Math.round(base.p95_ms / Math.max(indexed.p95_ms, 0.001)),
  });
}
