/**
 * The work-order routes of src/shared/portal.ts: the caller's queue, one order, an action.
 * The acting account is the one of the access token (its unit read from the accounts table),
 * never anything in the body.
 */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../shared/workorders';
import { API } from '../api';
import type { AuthService, Caller } from '../auth/service';
import type { ServerConfig } from '../config';
import type { Db } from '../db/adapter';
import { HttpError } from '../errors';
import { route } from '../http';
import { lockHead } from '../sync/versions';
import { actOnOrder, actorFor } from './service';
import { overdueBoard, readDetail, readQueue, UNIT_QUEUES } from './views';

export interface WorkOrderDeps {
  db: Db;
  config: ServerConfig;
  now: () => number;
  auth: AuthService;
}

const notFound = (id: string) => new HttpError(404, 'order_not_found', `no work order ${id.slice(0, 64)} that this account may see`);

async function viewer(db: Db, caller: Caller): Promise<Actor> {
  const actor = await actorFor(db, caller);
  if (!actor) throw new HttpError(403, 'account_disabled', 'this account is disabled');
  return actor;
}

export function registerWorkOrderRoutes(app: FastifyInstance, deps: WorkOrderDeps): void {
  const { db, config } = deps;

  route(app, API.orderQueue, deps.auth, async (_body, { caller, query }) => {
    const actor = await viewer(db, caller);
    if (actor.role === 'unit' && !UNIT_QUEUES.includes(query.queue)) {
      throw new HttpError(403, 'forbidden', `the queue ${query.queue} is the centre's; a unit asks for ${UNIT_QUEUES.join(', ')}`);
    }
    return readQueue(db, actor, query.queue, query.limit, config.workOrders, deps.now());
  });

  // registered before /api/orders/:id (Fastify prefers the static path anyway)
  route(app, API.orderBoard, deps.auth, async () => {
    const at = deps.now();
    const rows = await overdueBoard(db, at);
    const names = new Map(
      (await db.query<{ code: string; name: string }>('SELECT code, name FROM units WHERE code = ANY($1::text[])', [rows.map((r) => r.unitCode)])).map(
        (u) => [u.code, u.name],
      ),
    );
    return {
      rows: rows.map((r) => ({ ...r, unitName: names.get(r.unitCode) ?? r.unitCode })),
      totals: { dueSoon: rows.reduce((n, r) => n + r.dueSoon, 0), overdue: rows.reduce((n, r) => n + r.overdue, 0) },
      at,
    };
  });

  route(app, API.orderDetail, deps.auth, async (_body, { caller, params }) => {
    const actor = await viewer(db, caller);
    const id = params.id ?? '';
    const detail = await readDetail(db, actor, id.toLowerCase(), config.workOrders, deps.now());
    if (!detail) throw notFound(id);
    return detail;
  });

  route(app, API.orderAction, deps.auth, async (body, { caller, params, req }) => {
    const id = (params.id ?? '').toLowerCase();
    const r = await db.transaction(async (tx) => {
      // the version head first, then the order row: the push takes them in the same order
      const versions = await lockHead(tx);
      const result = await actOnOrder(tx, caller, id, body.action, body.args, {
        now: deps.now(),
        config: config.workOrders,
        versions,
        expectedVersion: body.expectedVersion,
      });
      await versions.save();
      return result;
    });
    if (r.ok) {
      req.log.info({ by: caller.username, order: id, action: body.action, seq: r.entry.seq }, 'work order action');
      return { order: r.order, entry: r.entry };
    }
    switch (r.reason) {
      case 'not_found':
        throw notFound(id);
      case 'forbidden':
        throw new HttpError(403, 'account_disabled', 'this account is disabled');
      case 'changed':
        throw new HttpError(
          409,
          'order_changed',
          `the order changed since you saw it (version ${body.expectedVersion}, now ${r.current.version}): reload it and try again`,
        );
      case 'refused':
        throw new HttpError(409, 'action_refused', r.message.en, { refusal: { code: r.code, zh: r.message.zh, en: r.message.en } });
    }
  });
}
