/**
 * The audit trail (操作日志): one row per administrative action and per opening of a case's
 * personal data, in `audit_log`, which a database trigger keeps append-only (migration 6).
 *
 * Who acted is the account of the access token (never a body field); where from is the
 * workstation code and client id the request names in its headers (x-hotline-workstation,
 * x-hotline-client: what the workstation says about itself) and the client IP (behind a proxy,
 * with --trust-proxy, from X-Forwarded-For).
 */
import type { FastifyRequest } from 'fastify';
import ExcelJS from 'exceljs';
import { CLIENT_ID_HEADER, WORKSTATION_HEADER, type AuditAction, type AuditEntry, type AuditQuery } from '../../shared/admin';
import type { Queryable } from '../db/adapter';

export interface AuditActor {
  id: number | null;
  username: string;
  role: string;
}

export interface AuditSource {
  workstation: string;
  clientId: string;
  ip: string;
}

export interface AuditRecord {
  actor: AuditActor;
  action: AuditAction;
  targetType: string;
  target: string;
  source: AuditSource;
  details?: Record<string, unknown>;
}

const header = (req: FastifyRequest, name: string): string => {
  const v = req.headers[name];
  const text = Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  // a header is the client's word: keep it short and printable
  return text.replace(/[^\x20-\x7e]/g, '').slice(0, 64);
};

export function auditSource(req: FastifyRequest): AuditSource {
  return { workstation: header(req, WORKSTATION_HEADER), clientId: header(req, CLIENT_ID_HEADER), ip: req.ip ?? '' };
}

export async function recordAudit(db: Queryable, r: AuditRecord, at: number): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (at, actor_id, actor_username, actor_role, action, target_type, target, workstation, client_id, ip, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      at,
      r.actor.id,
      r.actor.username,
      r.actor.role,
      r.action,
      r.targetType,
      r.target,
      r.source.workstation,
      r.source.clientId,
      r.source.ip,
      JSON.stringify(r.details ?? {}),
    ],
  );
}

const COLUMNS = `id, at, actor_id AS "actorId", actor_username AS "actorUsername", actor_role AS "actorRole", action,
  target_type AS "targetType", target, workstation, client_id AS "clientId", ip, details`;

type Filters = Omit<AuditQuery, 'limit' | 'before'> & { before?: number };

function where(f: Filters): { sql: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, value: unknown) => {
    params.push(value);
    conds.push(cond.replace('?', `$${params.length}`));
  };
  if (f.actor) add('actor_username = ?', f.actor.trim().toLowerCase());
  if (f.action) add('action = ?', f.action);
  if (f.target) add('target = ?', f.target);
  if (f.workstation) add('workstation = ?', f.workstation);
  if (f.from !== undefined) add('at >= ?', f.from);
  if (f.to !== undefined) add('at < ?', f.to);
  if (f.before !== undefined) add('id < ?', f.before);
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

const parseDetails = (e: AuditEntry): AuditEntry => ({
  ...e,
  details: typeof e.details === 'string' ? (JSON.parse(e.details) as Record<string, unknown>) : e.details,
});

/** Newest first; `limit` entries at most. */
export async function searchAudit(db: Queryable, f: Filters, limit: number): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
  const w = where(f);
  const rows = await db.query<AuditEntry>(`SELECT ${COLUMNS} FROM audit_log ${w.sql} ORDER BY id DESC LIMIT ${limit + 1}`, w.params);
  const entries = rows.slice(0, limit).map(parseDetails);
  return { entries, nextBefore: rows.length > limit ? entries.at(-1)!.id : null };
}

const HEADERS: [keyof AuditEntry, string][] = [
  ['id', '序号 id'],
  ['at', '时间 time (UTC)'],
  ['actorUsername', '操作人 actor'],
  ['actorRole', '角色 role'],
  ['action', '操作 action'],
  ['targetType', '对象类型 target type'],
  ['target', '对象 target'],
  ['workstation', '工作站 workstation'],
  ['clientId', '客户端 client id'],
  ['ip', 'IP'],
  ['details', '详情 details'],
];

const cell = (e: AuditEntry, key: keyof AuditEntry): string =>
  key === 'at' ? new Date(e.at).toISOString() : key === 'details' ? JSON.stringify(e.details) : String(e[key] ?? '');

/** RFC 4180 quoting; a cell starting with = + - @ is prefixed with ' so a spreadsheet does not run it as a formula. */
function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsv(entries: AuditEntry[]): string {
  const lines = [HEADERS.map(([, h]) => csvCell(h)).join(',')];
  for (const e of entries) lines.push(HEADERS.map(([k]) => csvCell(cell(e, k))).join(','));
  // the BOM lets Excel open UTF-8 Chinese correctly
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export async function auditXlsx(entries: AuditEntry[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('操作日志');
  sheet.addRow(HEADERS.map(([, h]) => h));
  for (const e of entries) sheet.addRow(HEADERS.map(([k]) => (k === 'id' ? e.id : cell(e, k))));
  return Buffer.from(await book.xlsx.writeBuffer());
}
