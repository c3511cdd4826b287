/**
 * The pure half of the 工单 screens: who sees them, the 办理时限 choices, the 流转记录 lines,
 * and the arguments an action sends. No React, no backend: tests/unit/renderer covers it.
 */
import type { SessionState } from '../../../../shared/contract';
import type { DeskOrderDetail, DeskUnits } from '../../../../shared/desk-orders';
import { ACTION_LABELS, type ActionName } from '../../../../shared/workorders/actions';
import type { TimeLimit } from '../../../../shared/workorders/deadlines';
import { entryDetail } from '../../../../shared/workorders/describe';
import type { Unit } from '../../../../shared/units';

export type LangKey = 'zh' | 'en';

/**
 * Whether the 工单 entry shows in the navigation: supervisors and admins always; an operator
 * when the server lets operators dispatch (units.list mayDispatch). Standalone (no server, no
 * sign-in) it shows too, and the screen says that work orders need the central server.
 */
export function ordersVisible(session: SessionState | null, units: Pick<DeskUnits, 'mayDispatch'> | null): boolean {
  if (!session) return false;
  if (!session.loginRequired) return true;
  const role = session.user?.role;
  if (role === 'supervisor' || role === 'admin') return true;
  return role === 'operator' && units?.mayDispatch === true;
}

/** '' = the rules' limit (the action is sent without `limit`); else `d:5` or `h:24`. */
export const LIMIT_DEFAULT = '';
const DAY_CHOICES = [1, 2, 3, 5, 7, 10, 15, 20, 30] as const;
const HOUR_CHOICES = [1, 2, 4, 8, 12, 24, 48, 72] as const;

export function limitChoices(): string[] {
  return [LIMIT_DEFAULT, ...DAY_CHOICES.map((d) => `d:${d}`), ...HOUR_CHOICES.map((h) => `h:${h}`)];
}

/** The TimeLimit a choice stands for; undefined for the rules' default (or anything unknown). */
export function parseLimit(choice: string): TimeLimit | undefined {
  const m = /^([dh]):(\d{1,3})$/.exec(choice);
  if (!m) return undefined;
  const value = Number(m[2]);
  if (m[1] === 'd') return value >= 1 && value <= 60 ? { unit: 'working_days', value } : undefined;
  return value >= 1 && value <= 720 ? { unit: 'hours', value } : undefined;
}

/** 派单 / 改派 arguments as DispatchArgs wants them (no `limit` key = the rules decide). */
export function dispatchArgs(form: { unitCode: string; limit: string; note: string }): Record<string, unknown> {
  const limit = parseLimit(form.limit);
  return { leadUnitId: form.unitCode, ...(limit ? { limit } : {}), note: form.note.trim() };
}

/** The active units for 承办单位, the suggested one first. */
export function unitOptions(units: readonly Unit[], suggested: string | null): Unit[] {
  const active = units.filter((u) => u.active);
  const first = active.filter((u) => u.code === suggested);
  return [...first, ...active.filter((u) => u.code !== suggested)];
}

/** One line of 流转记录. */
export interface TimelineLine {
  key: string;
  action: string;
  label: string;
  who: string;
  unitName: string | null;
  at: number;
  note: string;
  /** taken here, not yet acknowledged by the server (待同步) */
  pending: boolean;
  /** taken here, but the table refuses it over newer pulled state: why (it will not apply) */
  refused: string | null;
  /** 重复件: the repeat call's case (uuid) a link_call / unlink_call entry concerns */
  caseId?: string;
}

const labelOf = (action: string, lang: LangKey): string =>
  action in ACTION_LABELS ? ACTION_LABELS[action as ActionName][lang] : action;

/** The unit an entry concerns: the acting unit, else the unit the action sent the order to. */
function entryUnit(details: Record<string, unknown>, actorUnit: string | null): string | null {
  if (actorUnit) return actorUnit;
  for (const key of ['leadUnitId', 'unitId']) {
    const v = details[key];
    if (typeof v === 'string') return v;
  }
  return null;
}

/**
 * The history as the timeline shows it, oldest first: the server's entries, then the local
 * actions not yet pulled back: 待同步 while in the outbox, unmarked once the server acknowledged
 * them, and with the table's reason when they no longer apply. A review says which way it went.
 */
export function timelineLines(detail: Pick<DeskOrderDetail, 'history' | 'pending' | 'units'>, lang: LangKey): TimelineLine[] {
  const name = (code: string | null) => (code === null ? null : (detail.units[code] ?? code));
  const lines: TimelineLine[] = detail.history.map((h) => {
    let label = labelOf(h.action, lang);
    if (h.action === 'review' && (h.details.decision === 'accept' || h.details.decision === 'send_back')) {
      label += lang === 'zh' ? (h.details.decision === 'accept' ? '（通过）' : '（退回重办）') : h.details.decision === 'accept' ? ' (accepted)' : ' (sent back)';
    }
    // 回访: outcome, solved, satisfaction → what came of it; 催办: which one; 督办: level, deadline
    const more = entryDetail(h, lang);
    if (more) label += lang === 'zh' ? `（${more}）` : ` (${more})`;
    return {
      key: `h${h.seq}`,
      action: h.action,
      label,
      who: h.actor.username,
      unitName: name(entryUnit(h.details, h.actor.unitId)),
      at: h.at,
      note: h.note,
      pending: false,
      refused: null,
      ...(typeof h.details.caseId === 'string' ? { caseId: h.details.caseId } : {}),
    };
  });
  for (const p of detail.pending) {
    lines.push({
      key: `p${p.mutationId}`,
      action: p.action,
      label: labelOf(p.action, lang),
      who: p.username,
      unitName: null,
      at: p.at,
      note: p.note,
      // acknowledged: the server took it, its entry comes with the next pull
      pending: !p.acknowledged,
      refused: p.refused ? p.refused[lang] : null,
    });
  }
  return lines;
}

/** The field a refusal is about, so its text shows beside that field; null = the whole action. */
export type RefusalField = 'unit' | 'limit' | 'days' | null;
export function refusalField(code: string): RefusalField {
  if (code === 'unknown_unit' || code === 'inactive_unit' || code === 'same_unit' || code === 'invalid_co_units') return 'unit';
  if (code === 'calendar_year_not_covered') return 'limit';
  if (code === 'extension_cap_exceeded' || code === 'approve_more_than_requested') return 'days';
  return null;
}

/** Enter submits unless it belongs to an open list (it picks) or to the note (a new line). */
export function submitsOnEnter(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean; target: unknown }): boolean {
  if (e.key !== 'Enter' || e.altKey || e.shiftKey) return false;
  if (e.ctrlKey || e.metaKey) return true;
  const target = e.target as Pick<Element, 'closest' | 'getAttribute'> | null;
  if (!target || typeof target.closest !== 'function') return false;
  if (target.closest('textarea')) return false;
  if (target.getAttribute('aria-expanded') === 'true') return false;
  if (target.closest('button')) return false;
  return true;
}
