/**
 * 超期预警: open orders by the unit holding them, 临期 (yellow) and 超期 (red) counted, the
 * words always beside the colour. Each count is a button that lists the orders behind it
 * (orders.queue overdue with unitCode and deadlineStatus); a row there opens the case.
 */
import { Button, Modal } from 'antd';
import { backend } from '../../api/backend';
import type { OverdueBoard } from '../../../../shared/desk-orders';
import { DEADLINE_STATUS_LABELS } from '../../../../shared/workorders/deadlines';
import { STATE_LABELS } from '../../../../shared/workorders/states';
import { formatTimeSeconds, useLang, useT } from '../../i18n';
import { useOpenCase } from '../cases/caseStore';
import { Deadline, OrderTable, useBaseColumns, type Column } from './OrderTable';
import { useOrders } from './ordersStore';
import { useQueue, useRefreshing } from './useQueue';

type Status = 'due_soon' | 'overdue';

export function BoardRegion({ enabled }: { enabled: boolean }) {
  const t = useT();
  const lang = useLang((s) => (s.lang === 'en' ? 'en' : 'zh'));
  const open = useOrders((s) => s.open);
  const loaded = useRefreshing<OverdueBoard>(
    async () => {
      const res = await backend.invoke('orders.board', {});
      return res.ok ? res.data : null;
    },
    'board',
    enabled,
  );
  const label = (s: Status) => DEADLINE_STATUS_LABELS[s][lang];
  const count = (unitCode: string, unitName: string, status: Status, n: number) =>
    n === 0 ? (
      <span className="board__zero">0</span>
    ) : (
      <Button
        size="small"
        className={`board__count board__count--${status}`}
        aria-label={t.orders.boardCount(unitName, label(status), n)}
        onClick={() => open({ kind: 'drill', unitCode, unitName, status })}
      >
        {label(status)} {n}
      </Button>
    );
  return (
    <section className="orders__region orders__region--board" aria-labelledby="orders-board-title" id="orders-board">
      <h3 id="orders-board-title" className="orders__title">
        {t.orders.board}
      </h3>
      {loaded.state === 'loading' && <p className="muted">{t.orders.loading}</p>}
      {loaded.state === 'failed' && <p className="field-error">{t.orders.failed}</p>}
      {loaded.state === 'ready' && (
        <>
          <p className="board__totals">
            {t.orders.boardTotals(loaded.data.totals.dueSoon, loaded.data.totals.overdue)}
            <span className="muted"> · {t.orders.updatedAt(formatTimeSeconds(loaded.data.at))}</span>
          </p>
          {loaded.data.rows.length === 0 ? (
            <p className="muted">{t.orders.boardEmpty}</p>
          ) : (
            <table className="order-table board">
              <caption className="visually-hidden">{t.orders.board}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.orders.col.unit}</th>
                  <th scope="col">{t.orders.col.dueSoon}</th>
                  <th scope="col">{t.orders.col.overdue}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.rows.map((r) => (
                  <tr key={r.unitCode}>
                    <th scope="row">{r.unitName}</th>
                    <td>{count(r.unitCode, r.unitName, 'due_soon', r.dueSoon)}</td>
                    <td>{count(r.unitCode, r.unitName, 'overdue', r.overdue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** The orders behind one count of the board. */
export function BoardDrillDialog() {
  const t = useT();
  const lang = useLang((s) => (s.lang === 'en' ? 'en' : 'zh'));
  const dialog = useOrders((s) => s.dialog);
  const close = useOrders((s) => s.close);
  const drill = dialog?.kind === 'drill' ? dialog : null;
  const title = drill ? t.orders.drillTitle(drill.unitName, DEADLINE_STATUS_LABELS[drill.status][lang]) : '';
  return (
    <Modal open={drill !== null} onCancel={close} title={title} width={980} destroyOnHidden footer={<Button onClick={close}>{t.orders.close}</Button>}>
      {drill && <DrillBody key={`${drill.unitCode}/${drill.status}`} unitCode={drill.unitCode} status={drill.status} caption={title} />}
    </Modal>
  );
}

function DrillBody({ unitCode, status, caption }: { unitCode: string; status: Status; caption: string }) {
  const t = useT();
  const lang = useLang((s) => (s.lang === 'en' ? 'en' : 'zh'));
  const loaded = useQueue({ queue: 'overdue', unitCode, deadlineStatus: status });
  const openCase = useOpenCase((s) => s.open);
  const base = useBaseColumns();
  const columns: Column[] = [
    ...base.filter((c) => c.key !== 'region'),
    { key: 'state', title: t.orders.col.state, render: (o) => STATE_LABELS[o.state][lang] },
    { key: 'deadline', title: t.orders.col.deadline, render: (o) => <Deadline order={o} />, className: 'nowrap' },
  ];
  if (loaded.state === 'loading') return <p className="muted">{t.orders.loading}</p>;
  if (loaded.state === 'failed') return <p className="field-error">{t.orders.failed}</p>;
  if (loaded.data.orders.length === 0) return <p className="muted">{t.orders.empty}</p>;
  return (
    <OrderTable
      caption={caption}
      orders={loaded.data.orders}
      columns={columns}
      onOpen={(o) => openCase(o.caseId)}
      actions={(o) => (
        <Button size="small" aria-label={t.orders.detailLabel(o.officialNo)} onClick={() => openCase(o.caseId)}>
          {t.orders.detail}
        </Button>
      )}
    />
  );
}
