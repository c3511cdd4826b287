/**
 * One order: the case (a 保密 caller arrives masked from the server and reads 保密), the
 * deadlines of the current level, the actions the server allows now (签收, 退回, 申请延期,
 * 办理反馈 — shown when `available` includes them), and 流转记录, oldest first.
 */
import { Alert, App as AntApp, Button, Descriptions } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { OrderDetailResponse } from '../../../../shared/portal';
import { ACTION_LABELS, type ActionName } from '../../../../shared/workorders/actions';
import { entryDetail } from '../../../../shared/workorders/describe';
import { STATE_LABELS, type WorkOrderState } from '../../../../shared/workorders/states';
import { ApiError } from '../../api/client';
import { formatShanghai, isoShanghai } from '../../format';
import { errorMessage, label, useLang, useT, type Lang } from '../../i18n';
import { useOrder } from '../../state/order';
import { useQueues } from '../../state/queues';
import { useRoute } from '../../state/route';
import { pathName, useTaxonomy } from '../../state/taxonomy';
import { client } from '../../state/session';
import { DeadlineMark } from '../queues/DeadlineMark';
import { ActionDialog, type DialogAction } from './ActionDialogs';

/** The portal's actions, in the order the buttons show them. */
const UNIT_ACTIONS = ['sign', 'return', 'request_extension', 'reply'] as const satisfies readonly ActionName[];

function When({ ms, lang }: { ms: number; lang: Lang }) {
  return <time dateTime={isoShanghai(ms)}>{formatShanghai(ms, lang)}</time>;
}

function stateLabel(s: string, lang: Lang): string {
  const l = STATE_LABELS[s as WorkOrderState];
  return l ? label(l, lang) : s;
}

function History({ detail }: { detail: OrderDetailResponse }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const unitName = (id: string | null) => (id ? (detail.units[id] ?? id) : null);
  return (
    <section className="history" aria-labelledby="history-title">
      <h3 id="history-title" className="section-title">
        {t.detail.history}
      </h3>
      {detail.history.length === 0 ? (
        <p className="muted">{t.detail.historyEmpty}</p>
      ) : (
        <ol className="timeline">
          {detail.history.map((h) => {
            const actionLabel = ACTION_LABELS[h.action as ActionName];
            const unit = unitName(h.actor.unitId);
            return (
              <li key={h.seq} className="timeline__item">
                <div className="timeline__head">
                  <strong>{actionLabel ? label(actionLabel, lang) : h.action}</strong>
                  <When ms={h.at} lang={lang} />
                </div>
                <div className="timeline__meta">
                  {[unit, t.detail.by(h.actor.username)].filter(Boolean).join(' · ')} · {stateLabel(h.fromState, lang)} → {stateLabel(h.toState, lang)}
                </div>
                {entryDetail(h, lang === 'en' ? 'en' : 'zh') && <p className="timeline__detail">{entryDetail(h, lang === 'en' ? 'en' : 'zh')}</p>}
                {h.note && <p className="timeline__note">{h.note}</p>}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

export function OrderDetail() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const { message } = AntApp.useApp();
  const orderId = useRoute((s) => s.orderId);
  const open = useRoute((s) => s.open);
  const { detail, error, load, loading } = useOrder();
  const reloadQueues = useQueues((s) => s.load);
  const [dialog, setDialog] = useState<DialogAction | null>(null);
  const [signing, setSigning] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const taxonomy = useTaxonomy();

  useEffect(() => {
    setActionError(null);
    if (orderId) {
      void load(orderId);
      void taxonomy.load();
    }
    else useOrder.getState().clear();
  }, [orderId, load]);

  useEffect(() => {
    // a newly opened order: its heading takes focus, so a screen reader starts there
    if (detail) headingRef.current?.focus();
  }, [detail?.summary.id]);

  if (!orderId) {
    return (
      <section className="detail detail--empty" aria-label={t.detail.region}>
        <p className="muted">{t.detail.none}</p>
      </section>
    );
  }
  if (!detail) {
    return (
      <section className="detail" aria-label={t.detail.region}>
        {error ? <Alert type="error" showIcon title={errorMessage(error, lang)} /> : <p className="muted">{loading ? t.detail.loading : ''}</p>}
        <Button onClick={() => open(null)}>{t.detail.back}</Button>
      </section>
    );
  }

  const { summary, order } = detail;
  const current = order.assignments[order.assignments.length - 1];
  const caller = detail.case.caller;

  /** after an action: the queues and the order again; an order that left the unit closes */
  const afterAction = async (action: ActionName) => {
    setDialog(null);
    void message.success(t.dialogs.done(label(ACTION_LABELS[action], lang)));
    void reloadQueues();
    const failed = await load(summary.id);
    if (failed instanceof ApiError && failed.code === 'order_not_found') open(null);
  };

  const sign = async () => {
    if (signing) return;
    setSigning(true);
    setActionError(null);
    try {
      await client.act(summary.id, 'sign', {}, order.version);
      await afterAction('sign');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'order_changed') {
        setActionError(t.errors.order_changed);
        void reloadQueues();
        await load(summary.id);
      } else setActionError(errorMessage(e, lang));
    } finally {
      setSigning(false);
    }
  };

  const available = UNIT_ACTIONS.filter((a) => detail.available.includes(a));
  const items = [
    { key: 'state', label: t.detail.state, children: stateLabel(summary.state, lang) },
    {
      key: 'caller',
      label: t.detail.caller,
      children: caller.masked ? t.detail.masked : [caller.name, caller.phone].filter(Boolean).join(' ') || '—',
    },
    { key: 'received', label: t.detail.receivedAt, children: <When ms={summary.receivedAt} lang={lang} /> },
    { key: 'channel', label: t.detail.channel, children: t.labels.channel[detail.case.channel] ?? detail.case.channel },
    { key: 'type', label: t.detail.requestType, children: t.labels.requestType[detail.case.requestType] ?? detail.case.requestType },
    { key: 'urgency', label: t.detail.urgency, children: t.labels.urgency[summary.urgency] ?? summary.urgency },
    { key: 'category', label: t.detail.category, children: pathName(taxonomy.categories, summary.categoryCode) || '—' },
    { key: 'region', label: t.detail.regionCode, children: pathName(taxonomy.regions, summary.regionCode) || '—' },
    { key: 'unit', label: t.detail.unit, children: summary.unitName ?? summary.unitCode ?? '—' },
    { key: 'address', label: t.detail.address, children: detail.case.address || '—', span: 2 },
    { key: 'content', label: t.detail.content, children: <span className="pre">{detail.case.content}</span>, span: 2 },
  ];

  return (
    <section className="detail" aria-labelledby="detail-title">
      <div className="detail__head">
        <h2 id="detail-title" className="detail__title" tabIndex={-1} ref={headingRef}>
          {t.detail.officialNo} {summary.officialNo}
        </h2>
        <DeadlineMark status={summary.deadlineStatus} lang={lang} />
        <Button size="small" className="detail__back" onClick={() => open(null)}>
          {t.detail.back}
        </Button>
      </div>
      {error !== null && <Alert type="warning" showIcon title={errorMessage(error, lang)} />}
      <Descriptions size="small" bordered column={2} items={items} />

      <section className="deadlines" aria-labelledby="deadlines-title">
        <h3 id="deadlines-title" className="section-title">
          {t.detail.deadlines}
        </h3>
        {current ? (
          <dl className="deadlines__list">
            <dt>{t.detail.signBy}</dt>
            <dd>
              <When ms={current.signBy} lang={lang} />
            </dd>
            <dt>{t.detail.returnBy}</dt>
            <dd>
              <When ms={current.returnBy} lang={lang} />
            </dd>
            <dt>{t.detail.deadline}</dt>
            <dd>
              <When ms={current.deadline.at} lang={lang} />
            </dd>
          </dl>
        ) : (
          <p className="muted">—</p>
        )}
        {order.extensionRequest && <p className="deadlines__ext">{t.detail.extensionPending(order.extensionRequest.days)}</p>}
      </section>

      <section className="actions" aria-labelledby="actions-title">
        <h3 id="actions-title" className="section-title">
          {t.detail.actions}
        </h3>
        {available.length === 0 ? (
          <p className="muted">{t.detail.noActions}</p>
        ) : (
          <div className="actions__buttons">
            {available.map((a) =>
              a === 'sign' ? (
                <Button key={a} type="primary" onClick={() => void sign()}>
                  {label(ACTION_LABELS.sign, lang)}
                </Button>
              ) : (
                <Button key={a} type={a === 'reply' ? 'primary' : 'default'} onClick={() => setDialog(a)}>
                  {label(ACTION_LABELS[a], lang)}
                </Button>
              ),
            )}
          </div>
        )}
        <div>{actionError && <Alert type="error" showIcon title={actionError} />}</div>
      </section>

      <History detail={detail} />
      <ActionDialog action={dialog} onClose={() => setDialog(null)} onDone={afterAction} />
    </section>
  );
}
