/**
 * One queue of the 工单 screen as a plain table: each row takes focus (Tab reaches the first,
 * ↑ ↓ move), Enter or a double-click opens it, and its buttons name the order they act on.
 */
import { Tag } from 'antd';
import { useMemo, type KeyboardEvent, type ReactNode } from 'react';
import type { DeskOrderSummary } from '../../../../shared/desk-orders';
import { DEADLINE_STATUS_LABELS, type DeadlineStatus } from '../../../../shared/workorders/deadlines';
import { formatDateTime, useLang, useT } from '../../i18n';
import { useReference } from '../../state/reference';

export interface Column {
  key: string;
  title: string;
  render: (o: DeskOrderSummary) => ReactNode;
  className?: string;
}

export function DeadlineTag({ status }: { status: DeadlineStatus | null }) {
  const lang = useLang((s) => s.lang);
  if (status === null || status === 'normal') return null;
  // text, not colour alone: 临期 on yellow, 超期 on red
  return <span className={`deadline-tag deadline-tag--${status}`}>{DEADLINE_STATUS_LABELS[status][lang === 'en' ? 'en' : 'zh']}</span>;
}

export function PendingSyncTag() {
  const t = useT();
  return (
    <Tag className="pending-sync-tag" title={t.orders.pendingSyncHint}>
      {t.orders.pendingSync}
    </Tag>
  );
}

/** 工单号 with 待同步 when a local action is not yet acknowledged. */
export function OrderNo({ order }: { order: DeskOrderSummary }) {
  return (
    <>
      <span className="order-no">{order.officialNo}</span>
      {order.pendingSync && <PendingSyncTag />}
    </>
  );
}

/** Category and region names from the reference data (the code when unknown). */
export function useNames(): { category: (code: string) => string; region: (code: string) => string } {
  const categories = useReference((s) => s.categories);
  const regions = useReference((s) => s.regions);
  return useMemo(() => {
    const c = new Map(categories.map((o) => [o.value, o.name]));
    const r = new Map(regions.map((o) => [o.value, o.name]));
    return { category: (code) => c.get(code) ?? code, region: (code) => r.get(code) ?? code };
  }, [categories, regions]);
}

/** The shared columns: 工单号, 受理时间, 问题分类, 所属区域, 摘要, 紧急程度. */
export function useBaseColumns(): Column[] {
  const t = useT();
  const names = useNames();
  return [
    { key: 'no', title: t.orders.col.no, render: (o) => <OrderNo order={o} /> },
    { key: 'received', title: t.orders.col.received, render: (o) => formatDateTime(o.receivedAt), className: 'nowrap' },
    { key: 'category', title: t.orders.col.category, render: (o) => names.category(o.categoryCode) },
    { key: 'region', title: t.orders.col.region, render: (o) => names.region(o.regionCode) },
    { key: 'summary', title: t.orders.col.summary, render: (o) => <span className="order-summary">{o.summary}</span> },
    {
      key: 'urgency',
      title: t.orders.col.urgency,
      render: (o) => (t.labels.urgency as Record<string, string>)[o.urgency] ?? o.urgency,
      className: 'nowrap',
    },
  ];
}

function moveRows(e: KeyboardEvent<HTMLTableSectionElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const rows = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('tr[tabindex]'));
  const at = rows.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  e.preventDefault();
  rows[e.key === 'ArrowDown' ? Math.min(at + 1, rows.length - 1) : Math.max(at - 1, 0)]?.focus();
}

interface OrderTableProps {
  caption: string;
  orders: DeskOrderSummary[];
  columns: Column[];
  onOpen: (o: DeskOrderSummary) => void;
  /** the row's own buttons (each named after the order) */
  actions: (o: DeskOrderSummary) => ReactNode;
}

export function OrderTable({ caption, orders, columns, onOpen, actions }: OrderTableProps) {
  const t = useT();
  return (
    <table className="order-table">
      <caption className="visually-hidden">
        {caption} · {t.orders.rowHint}
      </caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} scope="col">
              {c.title}
            </th>
          ))}
          <th scope="col">{t.orders.col.actions}</th>
        </tr>
      </thead>
      <tbody onKeyDown={moveRows}>
        {orders.map((o) => (
          <tr
            key={o.id}
            tabIndex={0}
            data-order-id={o.id}
            className={o.deadlineStatus ? `order-row order-row--${o.deadlineStatus}` : 'order-row'}
            onDoubleClick={() => onOpen(o)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && e.target === e.currentTarget) {
                e.preventDefault();
                onOpen(o);
              }
            }}
          >
            {columns.map((c) => (
              <td key={c.key} className={c.className}>
                {c.render(o)}
              </td>
            ))}
            <td className="nowrap order-row__actions">{actions(o)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Deadline({ order }: { order: DeskOrderSummary }) {
  if (order.deadline === null) return <>—</>;
  return (
    <>
      {formatDateTime(order.deadline)} <DeadlineTag status={order.deadlineStatus} />
    </>
  );
}

