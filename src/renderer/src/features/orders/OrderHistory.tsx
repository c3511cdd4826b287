/**
 * The work order inside the case detail: its state, unit and deadline, and 流转记录 as a
 * timeline (action, who, which unit, when, note), local actions not yet acknowledged marked
 * 待同步. Nothing shows for a case without an order (直接答复) or on a standalone workstation.
 * A supervisor sees 取消关联 beside each repeat call still linked (重复件): unlink_call, after
 * which the server makes that call an ordinary 转办 case in 待派单.
 */
import { Alert, Button, Descriptions, Input, InputNumber, Radio, Timeline } from 'antd';
import { useEffect, useState } from 'react';
import { useOrders } from './ordersStore';
import { useAct } from './useAct';
import { backend } from '../../api/backend';
import type { DeskOrderDetail } from '../../../../shared/desk-orders';
import { STATE_LABELS } from '../../../../shared/workorders/states';
import { formatDateTime, useLang, useT } from '../../i18n';
import { useSession } from '../../state/session';
import { useStatus } from '../../state/status';
import { useSync } from '../sync/syncStore';
import { DeadlineTag, PendingSyncTag } from './OrderTable';
import { timelineLines } from './orderText';

type Loaded = { state: 'loading' } | { state: 'none' } | { state: 'failed' } | { state: 'ready'; detail: DeskOrderDetail };

export function OrderHistory({ caseId }: { caseId: number }) {
  const t = useT();
  const lang = useLang((s) => (s.lang === 'en' ? 'en' : 'zh'));
  const withServer = useSession((s) => s.session?.loginRequired ?? false);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [reload, setReload] = useState(0);
  const [unlinkError, setUnlinkError] = useState<{ caseId: string; text: string } | null>(null);
  // an action taken here (催办, 督办) or a sync: read the order again
  const tick = useOrders((s) => s.tick);
  useEffect(() => {
    if (!withServer) return;
    let current = true;
    void backend.invoke('orders.get', { caseId }).then((res) => {
      if (!current) return;
      if (!res.ok) setLoaded({ state: 'failed' });
      else setLoaded(res.data ? { state: 'ready', detail: res.data } : { state: 'none' });
    });
    return () => {
      current = false;
    };
  }, [caseId, withServer, reload, tick]);

  if (!withServer || loaded.state === 'none' || loaded.state === 'loading') return null;
  if (loaded.state === 'failed') return <p className="muted">{t.orderHistory.failed}</p>;
  const d = loaded.detail;
  const s = d.summary;
  const lines = timelineLines(d, lang);
  const mayUnlink = d.available.includes('unlink_call');
  const linked = new Set(d.order.linkedCaseIds ?? []);
  const unlink = async (repeatCaseId: string) => {
    setUnlinkError(null);
    const res = await backend.invoke('orders.act', {
      orderId: s.id,
      action: 'unlink_call',
      args: { caseId: repeatCaseId },
      expectedVersion: s.version,
    });
    if (res.ok && res.data.ok) {
      useStatus.getState().show('success', (m) => m.orderHistory.unlinked);
      setReload((n) => n + 1);
      void useSync.getState().syncNow();
      return;
    }
    const why = res.ok && !res.data.ok ? (lang === 'en' ? res.data.refusal.en : res.data.refusal.zh) : t.intake.saveFailed;
    setUnlinkError({ caseId: repeatCaseId, text: t.orderHistory.unlinkFailed(why) });
  };
  return (
    <>
      <Descriptions
        className="detail__order"
        size="small"
        bordered
        column={2}
        items={[
          {
            key: 'state',
            label: t.orderHistory.state,
            children: (
              <>
                {STATE_LABELS[s.state][lang]}
                {s.pendingSync && <PendingSyncTag />}
              </>
            ),
          },
          { key: 'unit', label: t.orderHistory.unit, children: s.unitName ?? s.unitCode ?? t.caseDetail.none },
          {
            key: 'deadline',
            label: t.orderHistory.deadline,
            children: s.deadline === null ? t.caseDetail.none : (
              <>
                {formatDateTime(s.deadline)} <DeadlineTag status={s.deadlineStatus} />
              </>
            ),
            span: 2,
          },
        ]}
      />
      {(d.available.includes('remind') || d.available.includes('supervise')) && <SuperviseActions detail={d} />}
      <section className="order-history" aria-labelledby="order-history-title">
        <h3 id="order-history-title" className="detail__section">
          {t.orderHistory.region}
        </h3>
        {lines.length === 0 ? (
          <p className="muted">{t.orderHistory.empty}</p>
        ) : (
          <Timeline
            items={lines.map((l) => ({
              key: l.key,
              color: l.refused ? 'red' : l.pending ? 'gray' : 'blue',
              content: (
                <div className="order-history__entry" data-action={l.action}>
                  <div>
                    <strong>{l.label}</strong>
                    {l.unitName && <span> · {l.unitName}</span>}
                    <span className="muted"> · {t.orderHistory.by(l.who)} · {formatDateTime(l.at)}</span>
                    {l.pending && <PendingSyncTag />}
                  </div>
                  {l.note && <div className="pre">{l.note}</div>}
                  {mayUnlink && l.action === 'link_call' && l.caseId && linked.has(l.caseId) && (
                    <div>
                      <Button size="small" onClick={() => void unlink(l.caseId!)}>
                        {t.orderHistory.unlink}
                      </Button>
                      {unlinkError?.caseId === l.caseId && (
                        <span role="alert" className="field-error">
                          {' '}
                          {unlinkError.text}
                        </span>
                      )}
                    </div>
                  )}
                  {l.refused && <div className="field-error">{t.orderHistory.refused(l.refused)}</div>}
                </div>
              ),
            }))}
          />
        )}
      </section>
    </>
  );
}

/**
 * 催办 (one click: the unit is reminded, counted) and 督办 (level 一般/重点, 督办时限 in working
 * days or the order's deadline, 督办意见) for the centre's accounts, when the table allows them.
 */
function SuperviseActions({ detail }: { detail: DeskOrderDetail }) {
  const t = useT();
  const { act, busy, problem } = useAct(detail.summary);
  const [open, setOpen] = useState(false);
  const [level, setLevel] = useState<'normal' | 'key'>('normal');
  const [days, setDays] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const daysInvalid = days !== null && (!Number.isInteger(days) || days < 1 || days > 60);
  const o = detail.order;
  return (
    <div className="supervise">
      <div className="dialog__actions">
        {o.supervision && <span className="muted">{t.supervise.supervised(o.supervision.level === 'key' ? t.supervise.key : t.supervise.normal)}</span>}
        {(o.reminders?.count ?? 0) > 0 && <span className="muted">{t.supervise.reminded(o.reminders!.count)}</span>}
        {detail.available.includes('remind') && (
          <Button loading={busy} onClick={() => void act('remind', { note: '' })}>
            {t.supervise.remind}
          </Button>
        )}
        {detail.available.includes('supervise') && (
          <Button aria-expanded={open} onClick={() => setOpen(!open)}>
            {t.supervise.title}
          </Button>
        )}
      </div>
      {problem && <Alert type="error" showIcon role="alert" title={t.orders.refusedTitle} description={problem.text || t.orders.failedAct} />}
      {open && (
        <div className="dialog-form" role="group" aria-label={t.supervise.title}>
          <div className="follow-up__group">
            <span className="follow-up__label" id="supervise-level-label">
              {t.supervise.level}
            </span>
            <Radio.Group aria-labelledby="supervise-level-label" value={level} onChange={(e) => setLevel(e.target.value as 'normal' | 'key')}>
              <Radio value="normal">{t.supervise.normal}</Radio>
              <Radio value="key">{t.supervise.key}</Radio>
            </Radio.Group>
          </div>
          <div className="follow-up__group">
            <label className="follow-up__label" htmlFor="supervise-days">
              {t.supervise.limit}
            </label>
            <InputNumber
              id="supervise-days"
              min={1}
              max={60}
              precision={0}
              value={days}
              onChange={(v) => setDays(typeof v === 'number' ? v : null)}
              aria-invalid={daysInvalid ? true : undefined}
              aria-describedby={daysInvalid ? 'supervise-days-error' : undefined}
            />
            {daysInvalid && (
              <div className="follow-up__error" id="supervise-days-error" role="alert">
                {t.supervise.limitInvalid}
              </div>
            )}
          </div>
          <div className="follow-up__group">
            <label className="follow-up__label" htmlFor="supervise-note">
              {t.supervise.note}
            </label>
            <Input.TextArea id="supervise-note" value={note} onChange={(e) => setNote(e.target.value)} autoSize={{ minRows: 2, maxRows: 4 }} />
          </div>
          <div className="dialog__actions">
            <Button onClick={() => setOpen(false)}>{t.supervise.cancel}</Button>
            <Button
              type="primary"
              loading={busy}
              onClick={() => {
                if (daysInvalid) {
                  document.getElementById('supervise-days')?.focus();
                  return;
                }
                void act('supervise', { level, note: note.trim(), ...(days !== null ? { limit: { unit: 'working_days', value: days } } : {}) }).then((ok) => {
                  if (ok) setOpen(false);
                });
              }}
            >
              {t.supervise.submit}
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
