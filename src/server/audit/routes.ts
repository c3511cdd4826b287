/** 操作日志 for admins: search (GET /api/audit) and export (GET /api/audit/export, csv or xlsx). */
import type { FastifyInstance } from 'fastify';
import { API } from '../api';
import type { AuthService } from '../auth/service';
import type { Db } from '../db/adapter';
import { RawBody, route } from '../http';
import { auditCsv, auditSource, auditXlsx, recordAudit, searchAudit } from './service';

export function registerAuditRoutes(app: FastifyInstance, deps: { db: Db; auth: AuthService; now: () => number }): void {
  route(app, API.audit, deps.auth, async (_body, { query }) => {
    const { limit, ...filters } = query;
    return searchAudit(deps.db, filters, limit);
  });

  route(app, API.auditExport, deps.auth, async (_body, { caller, query, req }) => {
    const { limit, format, ...filters } = query;
    const { entries } = await searchAudit(deps.db, filters, limit);
    await recordAudit(
      deps.db,
      {
        actor: { id: caller.id, username: caller.username, role: caller.role },
        action: 'audit.export',
        targetType: 'audit',
        target: 'audit_log',
        source: auditSource(req),
        details: { format, filters, entries: entries.length },
      },
      deps.now(),
    );
    const stamp = new Date(deps.now()).toISOString().slice(0, 10);
    const disposition = { 'content-disposition': `attachment; filename="audit-${stamp}.${format}"` };
    return format === 'csv'
      ? new RawBody(auditCsv(entries), 'text/csv; charset=utf-8', disposition)
      : new RawBody(await auditXlsx(entries), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', disposition);
  });
}
