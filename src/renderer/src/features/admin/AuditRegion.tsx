/**
 * 操作日志: the server's audit trail, newest first, filtered by 操作人, 操作类型 and a date
 * range (local days: from the start of 开始日期 to the end of 结束日期); 更早的记录 pages back;
 * 导出 saves the server's csv or xlsx of the same filters as a download.
 */
import { Button } from 'antd';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../../../../shared/admin';
import type { AdminRefusal } from '../../../../shared/desk-admin';
import { formatDateTime, useT } from '../../i18n';
import { useStatus } from '../../state/status';
import { adminCall, refusalText } from './adminApi';
import { Field } from './AccountsRegion';

/** 'yyyy-mm-dd' → epoch ms of that local midnight (plus `days`), or undefined. */
function dayStart(value: string, days = 0): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).getTime();
}

interface Filters {
  actor?: string;
  action?: AuditAction;
  from?: number;
  to?: number;
}

export function AuditRegion({ active }: { active: boolean }) {
  const t = useT();
  const show = useStatus((s) => s.show);
  const [actor, setActor] = useState('');
  const [action, setAction] = useState<AuditAction | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [format, setFormat] = useState<'csv' | 'xlsx'>('xlsx');
  const [dateError, setDateError] = useState<string | null>(null);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [failure, setFailure] = useState<AdminRefusal | null>(null);

  const filters = (): Filters | null => {
    const f = dayStart(from);
    const tEnd = dayStart(to, 1);
    if (f !== undefined && tEnd !== undefined && tEnd <= f) {
      setDateError(t.admin.dateOrder);
      return null;
    }
    setDateError(null);
    return { actor: actor.trim() || undefined, action: action || undefined, from: f, to: tEnd };
  };

  const search = useCallback(async (query: Filters, before?: number) => {
    const res = await adminCall('admin.audit', { ...query, before, limit: 100 });
    if (!res.ok) {
      setFailure(res);
      return;
    }
    setFailure(null);
    setEntries((prev) => (before && prev ? [...prev, ...res.entries] : res.entries));
    setNextBefore(res.nextBefore);
  }, []);

  useEffect(() => {
    if (active) void search({});
  }, [active, search]);

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const query = filters();
    if (query) void search(query);
  };

  const exportFile = async () => {
    const query = filters();
    if (!query) return;
    const res = await adminCall('admin.auditExport', { ...query, format });
    if (!res.ok) {
      setFailure(res);
      return;
    }
    setFailure(null);
    const bytes = Uint8Array.from(atob(res.base64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: res.contentType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = res.filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    show('success', (m) => m.admin.exported(res.filename));
  };

  return (
    <section className="admin__region" aria-labelledby="admin-audit-title">
      <h3 id="admin-audit-title" className="orders__title">
        {t.admin.audit}
      </h3>
      <form className="admin__fields" onSubmit={submit} noValidate>
        <Field id="audit-actor" label={t.admin.actor}>
          {(p) => <input {...p} className="admin__input" value={actor} onChange={(e) => setActor(e.target.value)} />}
        </Field>
        <Field id="audit-action" label={t.admin.action}>
          {(p) => (
            <select {...p} className="admin__select" value={action} onChange={(e) => setAction(e.target.value as AuditAction | '')}>
              <option value="">{t.admin.allActions}</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t.admin.actionNames[a] ?? a}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="audit-from" label={t.admin.from}>
          {(p) => <input {...p} type="date" className="admin__input" value={from} onChange={(e) => setFrom(e.target.value)} />}
        </Field>
        <Field id="audit-to" label={t.admin.to} error={dateError ?? undefined}>
          {(p) => <input {...p} type="date" className="admin__input" value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <Button type="primary" htmlType="submit">
          {t.admin.search}
        </Button>
        <Field id="audit-format" label={t.admin.format}>
          {(p) => (
            <select {...p} className="admin__select" value={format} onChange={(e) => setFormat(e.target.value as 'csv' | 'xlsx')}>
              <option value="xlsx">xlsx</option>
              <option value="csv">csv</option>
            </select>
          )}
        </Field>
        <Button onClick={() => void exportFile()}>{t.admin.export}</Button>
      </form>
      {failure && (
        <div className="admin__error" role="alert" title={failure.message}>
          {refusalText(t, failure)}
        </div>
      )}
      {entries && entries.length === 0 && <p>{t.admin.empty}</p>}
      {entries && entries.length > 0 && (
        <table className="admin__table">
          <thead>
            <tr>
              <th scope="col">{t.admin.time}</th>
              <th scope="col">{t.admin.actor}</th>
              <th scope="col">{t.admin.action}</th>
              <th scope="col">{t.admin.target}</th>
              <th scope="col">{t.admin.workstation}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td>{formatDateTime(e.at)}</td>
                <td>{e.actorUsername}</td>
                <td>{t.admin.actionNames[e.action] ?? e.action}</td>
                <td>{e.target}</td>
                <td>{[e.workstation, e.ip].filter(Boolean).join(' · ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore !== null && (
        <Button
          onClick={() => {
            const query = filters();
            if (query) void search(query, nextBefore);
          }}
        >
          {t.admin.more}
        </Button>
      )}
    </section>
  );
}
