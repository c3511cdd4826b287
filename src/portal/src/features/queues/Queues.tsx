/**
 * The unit's queues as two regions, 待签收 and 办理中: each order a link (Tab reaches it, Enter
 * opens it) with its number, summary, the deadline that matters in its state in Shanghai time,
 * and a 临期 (yellow) or 超期 (red) mark. Reloaded every 30 s and after each action.
 */
import { Alert, Button } from 'antd';
import { useEffect } from 'react';
import type { OrderSummary } from '../../../../shared/portal';
import { formatShanghai, isoShanghai } from '../../format';
import { SUPERVISION_LEVEL_LABELS } from '../../../../shared/workorders/model';
import { errorMessage, label, useLang, useT } from '../../i18n';
import { POLL_MS, UNIT_QUEUES, useQueues, type UnitQueue } from '../../state/queues';
import { orderHref, useRoute } from '../../state/route';
import { DeadlineMark } from './DeadlineMark';

export function usePolling(): void {
  const load = useQueues((s) => s.load);
  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [load]);
}

function OrderRow({ order, queue }: { order: OrderSummary; queue: UnitQueue }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const open = useRoute((s) => s.open);
  const selected = useRoute((s) => s.orderId === order.id);
  const due = queue === 'pending_sign' ? order.signBy : order.deadline;
  const dueLabel = queue === 'pending_sign' ? t.queues.signBy : t.queues.deadline;
  return (
    <li className={`order-row${selected ? ' order-row--selected' : ''}`}>
      <a
        className="order-row__link"
        href={orderHref(order.id)}
        aria-current={selected ? 'page' : undefined}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          open(order.id);
        }}
      >
        <span className="order-row__head">
          <span className="order-row__no">{order.officialNo}</span>
          <DeadlineMark status={order.deadlineStatus} lang={lang} />
          {order.confidential && <span className="mark mark--plain">{t.queues.confidential}</span>}
          {order.extensionRequested && <span className="mark mark--plain">{t.queues.extension}</span>}
          {order.supervision && (
            <span className={`mark mark--supervised-${order.supervision}`}>{t.queues.supervised(label(SUPERVISION_LEVEL_LABELS[order.supervision], lang))}</span>
          )}
          {(order.reminders ?? 0) > 0 && <span className="mark mark--plain">{t.queues.reminded(order.reminders ?? 0)}</span>}
        </span>
        <span className="order-row__summary">{order.summary}</span>
        {due !== null && (
          <span className="order-row__due">
            {dueLabel} <time dateTime={isoShanghai(due)}>{formatShanghai(due, lang)}</time>
          </span>
        )}
      </a>
    </li>
  );
}

function QueueRegion({ queue }: { queue: UnitQueue }) {
  const t = useT();
  const rows = useQueues((s) => s.rows[queue]);
  const more = useQueues((s) => s.more[queue]);
  const loaded = useQueues((s) => s.loaded);
  const titleId = `queue-${queue}-title`;
  return (
    <section className="queue" aria-labelledby={titleId}>
      {/* the region's name is the queue's alone (待签收, 办理中); the count follows it in the heading */}
      <h2 className="queue__title">
        <span id={titleId}>{t.queues[queue]}</span> <span className="queue__count">({rows.length})</span>
      </h2>
      {!loaded ? (
        <p className="queue__empty">{t.queues.loading}</p>
      ) : rows.length === 0 ? (
        <p className="queue__empty">{t.queues.empty}</p>
      ) : (
        <ul className="queue__list">
          {rows.map((o) => (
            <OrderRow key={o.id} order={o} queue={queue} />
          ))}
        </ul>
      )}
      {more && <p className="queue__more">{t.queues.more}</p>}
    </section>
  );
}

export function Queues() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const { load, updatedAt, error } = useQueues();
  return (
    <div className="queues">
      <div className="queues__bar">
        <span className="queues__updated" role="status">
          {updatedAt !== null ? t.queues.updated(formatShanghai(updatedAt, lang)) : ''}
        </span>
        <Button size="small" onClick={() => void load()}>
          {t.queues.refresh}
        </Button>
      </div>
      {error !== null && <Alert type="error" showIcon title={errorMessage(error, lang)} />}
      {UNIT_QUEUES.map((q) => (
        <QueueRegion key={q} queue={q} />
      ))}
    </div>
  );
}
