/**
 * The work order inside the case detail: its state, unit and deadline, and 流转记录 as a
 * timeline (action, who, which unit, when, note), local actions not yet acknowledged marked
 * 待同步. Nothing shows for a case without an order (直接答复) or on a standalone workstation.
 */
import { Descriptions, Timeline } from 'antd';
import { useEffect, useState } from 'react';
import { backend } from '../../api/backend';
import type { DeskOrderDetail } from '../../../../shared/desk-orders';
import { STATE_LABELS } from '../../../../shared/workorders/states';
import { formatDateTime, useLang, useT } from '../../i18n';
import { useSession } from '../../state/session';
import { DeadlineTag, PendingSyncTag } from './OrderTable';
import { timelineLines } from './orderText';

type Loaded = { state: 'loading' } | { state: 'none' } | { state: 'failed' } | { state: 'ready'; detail: DeskOrderDetail };

export function OrderHistory({ caseId }: { caseId: number }) {
  const t = useT();
  const lang = useLang((s) => (s.lang === 'en' ? 'en' : 'zh'));
  const withServer = useSession((s) => s.session?.loginRequired ?? false);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
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
  }, [caseId, withServer]);

  if (!withServer || loaded.state === 'none' || loaded.state === 'loading') return null;
  if (loaded.state === 'failed') return <p className="muted">{t.orderHistory.failed}</p>;
  const d = loaded.detail;
  const s = d.summary;
  const lines = timelineLines(d, lang);
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
