/**
 * 工单: the centre's screen. Five regions, each named by its heading: 待派单 (with the
 * suggested unit; Enter opens 派单), 待审核 (the unit's reply to accept or send back), 已退回
 * (the unit's reason; dispatch again), 延期申请 (approve with days, or refuse with a reason) and
 * 超期预警 (临期 / 超期 by unit; each count opens the orders behind it).
 */
import { Alert, Button } from 'antd';
import { useEffect, type ReactNode } from 'react';
import type { DeskOrderSummary } from '../../../../shared/desk-orders';
import { useT } from '../../i18n';
import { useSession } from '../../state/session';
import { StatusLine } from '../../ui/StatusLine';
import { useOpenCase } from '../cases/caseStore';
import { BoardRegion } from './BoardRegion';
import { Deadline, OrderTable, useBaseColumns, type Column } from './OrderTable';
import { useOrders } from './ordersStore';
import { useDetails, useQueue, type Loadable } from './useQueue';
import type { DeskQueueResponse } from '../../../../shared/desk-orders';

export function OrdersScreen({ active }: { active: boolean }) {
  const t = useT();
  const standalone = useSession((s) => s.session?.loginRequired === false);
  const loadUnits = useOrders((s) => s.loadUnits);
  const changed = useOrders((s) => s.changed);
  useEffect(() => {
    if (active && !standalone) void loadUnits();
  }, [active, standalone, loadUnits]);

  return (
    <div
      className="orders"
      tabIndex={-1}
      aria-label={t.orders.title}
      onKeyDown={(e) => {
        // ↓ from anywhere on the screen outside a list or field: the first row
        if (e.key !== 'ArrowDown' || e.defaultPrevented) return;
        const target = e.target as HTMLElement;
        if (target.closest('tbody, input, textarea, [role="combobox"], .ant-modal')) return;
        const first = e.currentTarget.querySelector<HTMLElement>('tr[tabindex]');
        if (!first) return;
        e.preventDefault();
        first.focus();
      }}
    >
      <div className="orders__head">
        <h2 className="panel-title">{t.orders.title}</h2>
        {/* the intake screen's line is hidden here: the same messages (已派单 …) show on this one */}
        {active && <StatusLine />}
        {!standalone && (
          <Button size="small" onClick={changed}>
            {t.orders.refresh}
          </Button>
        )}
      </div>
      {standalone ? (
        <Alert type="info" showIcon title={t.orders.standalone} />
      ) : (
        <div className="orders__grid">
          <div className="orders__queues">
            <PendingDispatch enabled={active} />
            <PendingReview enabled={active} />
            <Returned enabled={active} />
            <Extensions enabled={active} />
          </div>
          <BoardRegion enabled={active} />
        </div>
      )}
    </div>
  );
}

/** A named region with its heading, count and the queue's table (or why there is none). */
export function QueueRegion({ id, title, loaded, children }: { id: string; title: string; loaded: Loadable<DeskQueueResponse>; children: (orders: DeskOrderSummary[]) => ReactNode }) {
  const t = useT();
  return (
    <section className="orders__region" aria-labelledby={`${id}-title`} id={id}>
      <h3 id={`${id}-title`} className="orders__title">
        {title}
      </h3>
      {loaded.state === 'ready' && <span className="orders__count">{t.orders.count(loaded.data.total)}</span>}
      {loaded.state === 'loading' && <p className="muted">{t.orders.loading}</p>}
      {loaded.state === 'failed' && <p className="field-error">{t.orders.failed}</p>}
      {loaded.state === 'ready' && loaded.data.orders.length === 0 && <p className="muted">{t.orders.empty}</p>}
      {loaded.state === 'ready' && loaded.data.orders.length > 0 && (
        <>
          {children(loaded.data.orders)}
          {loaded.data.total > loaded.data.orders.length && <p className="muted">{t.orders.more(loaded.data.orders.length, loaded.data.total)}</p>}
        </>
      )}
    </section>
  );
}

function DetailButton({ order }: { order: DeskOrderSummary }) {
  const t = useT();
  const openCase = useOpenCase((s) => s.open);
  return (
    <Button size="small" aria-label={t.orders.detailLabel(order.officialNo)} onClick={() => openCase(order.caseId)}>
      {t.orders.detail}
    </Button>
  );
}

function PendingDispatch({ enabled }: { enabled: boolean }) {
  const t = useT();
  const loaded = useQueue({ queue: 'pending_dispatch' }, enabled);
  const open = useOrders((s) => s.open);
  const base = useBaseColumns();
  const columns: Column[] = [
    ...base,
    {
      key: 'suggested',
      title: t.orders.col.suggested,
      render: (o) => o.suggestedUnitName ?? o.suggestedUnitCode ?? <span className="muted">{t.orders.noSuggestion}</span>,
    },
  ];
  const dispatch = (o: DeskOrderSummary) => open({ kind: 'dispatch', order: o });
  return (
    <QueueRegion id="orders-pending-dispatch" title={t.orders.pendingDispatch} loaded={loaded}>
      {(orders) => (
        <OrderTable
          caption={t.orders.pendingDispatch}
          orders={orders}
          columns={columns}
          onOpen={dispatch}
          actions={(o) => (
            <>
              <Button size="small" type="primary" aria-label={t.orders.dispatchRow(o.officialNo)} onClick={() => dispatch(o)}>
                {t.dispatch.title}
              </Button>
              <DetailButton order={o} />
            </>
          )}
        />
      )}
    </QueueRegion>
  );
}

function PendingReview({ enabled }: { enabled: boolean }) {
  const t = useT();
  const loaded = useQueue({ queue: 'pending_review' }, enabled);
  const open = useOrders((s) => s.open);
  const base = useBaseColumns();
  const columns: Column[] = [
    ...base.filter((c) => c.key !== 'region'),
    { key: 'unit', title: t.orders.col.unit, render: (o) => o.unitName ?? o.unitCode ?? '—' },
    { key: 'deadline', title: t.orders.col.deadline, render: (o) => <Deadline order={o} />, className: 'nowrap' },
  ];
  const review = (o: DeskOrderSummary) => open({ kind: 'review', order: o });
  return (
    <QueueRegion id="orders-pending-review" title={t.orders.pendingReview} loaded={loaded}>
      {(orders) => (
        <OrderTable
          caption={t.orders.pendingReview}
          orders={orders}
          columns={columns}
          onOpen={review}
          actions={(o) => (
            <>
              <Button size="small" type="primary" aria-label={t.orders.reviewRow(o.officialNo)} onClick={() => review(o)}>
                {t.orders.review}
              </Button>
              <DetailButton order={o} />
            </>
          )}
        />
      )}
    </QueueRegion>
  );
}

function Returned({ enabled }: { enabled: boolean }) {
  const t = useT();
  const loaded = useQueue({ queue: 'returned' }, enabled);
  const details = useDetails(loaded.state === 'ready' ? loaded.data.orders : []);
  const open = useOrders((s) => s.open);
  const base = useBaseColumns();
  const columns: Column[] = [
    ...base.filter((c) => c.key !== 'urgency'),
    {
      key: 'reason',
      title: t.orders.col.reason,
      render: (o) => {
        const d = details.get(o.id);
        const from = d?.order.returnedFrom;
        if (!from || !d) return '…';
        return (
          <span>
            <span className="muted">{t.orders.returnedBy(d.units[from.unitId] ?? from.unitId)}：</span>
            {from.reason}
          </span>
        );
      },
    },
  ];
  const redispatch = (o: DeskOrderSummary) => open({ kind: 'dispatch', order: o });
  return (
    <QueueRegion id="orders-returned" title={t.orders.returned} loaded={loaded}>
      {(orders) => (
        <OrderTable
          caption={t.orders.returned}
          orders={orders}
          columns={columns}
          onOpen={redispatch}
          actions={(o) => (
            <>
              <Button size="small" type="primary" aria-label={t.orders.redispatchRow(o.officialNo)} onClick={() => redispatch(o)}>
                {t.orders.redispatch}
              </Button>
              <DetailButton order={o} />
            </>
          )}
        />
      )}
    </QueueRegion>
  );
}

function Extensions({ enabled }: { enabled: boolean }) {
  const t = useT();
  const loaded = useQueue({ queue: 'extension_requested' }, enabled);
  const details = useDetails(loaded.state === 'ready' ? loaded.data.orders : []);
  const open = useOrders((s) => s.open);
  const base = useBaseColumns();
  const columns: Column[] = [
    ...base.filter((c) => c.key === 'no' || c.key === 'summary'),
    { key: 'unit', title: t.orders.col.unit, render: (o) => o.unitName ?? o.unitCode ?? '—' },
    { key: 'deadline', title: t.orders.col.deadline, render: (o) => <Deadline order={o} />, className: 'nowrap' },
    { key: 'days', title: t.orders.col.days, render: (o) => (details.get(o.id)?.order.extensionRequest ? t.orders.days(details.get(o.id)!.order.extensionRequest!.days) : '…'), className: 'nowrap' },
    { key: 'reason', title: t.orders.col.reason, render: (o) => details.get(o.id)?.order.extensionRequest?.reason ?? '…' },
  ];
  const decide = (o: DeskOrderSummary) => open({ kind: 'extension', order: o });
  return (
    <QueueRegion id="orders-extensions" title={t.orders.extensions} loaded={loaded}>
      {(orders) => (
        <OrderTable
          caption={t.orders.extensions}
          orders={orders}
          columns={columns}
          onOpen={decide}
          actions={(o) => (
            <>
              <Button size="small" type="primary" aria-label={t.orders.extensionRow(o.officialNo)} onClick={() => decide(o)}>
                {t.orders.decide}
              </Button>
              <DetailButton order={o} />
            </>
          )}
        />
      )}
    </QueueRegion>
  );
}
