/**
 * A case with every contact about it (one order, many calls: 重复件), opened from any list; for a
 * 转办 case with a work order, its state, deadline and 流转记录 too.
 */
import { Descriptions, Modal, Tag, Button } from 'antd';
import { useEffect, useState } from 'react';
import { formatPhone } from '../../../../shared/phone';
import type { CaseDetail } from '../../../../shared/schemas';
import { backend } from '../../api/backend';
import { formatDateTime, formatTimeSeconds, useT, type Messages } from '../../i18n';
import { useSession } from '../../state/session';
import { OrderHistory } from '../orders/OrderHistory';
import { StatusTag } from './CaseRow';
import { useOpenCase } from './caseStore';

type Loaded = { state: 'loading' } | { state: 'ready'; detail: CaseDetail } | { state: 'message'; message: (t: Messages) => string };

export function CaseDetailDialog() {
  const t = useT();
  const { openId, close } = useOpenCase();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  useEffect(() => {
    if (openId === null) return;
    let current = true;
    setLoaded({ state: 'loading' });
    void backend.invoke('case.get', { id: openId }).then((res) => {
      if (!current) return;
      if (!res.ok) setLoaded({ state: 'message', message: (m) => m.caseDetail.failed });
      else if (res.data === null) setLoaded({ state: 'message', message: (m) => m.caseDetail.notFound });
      else setLoaded({ state: 'ready', detail: res.data });
    });
    return () => {
      current = false;
    };
  }, [openId]);

  const detail = loaded.state === 'ready' ? loaded.detail : null;
  return (
    <Modal
      open={openId !== null}
      onCancel={close}
      title={detail ? t.caseDetail.title(detail.officialNo ?? detail.localNo) : t.caseDetail.loading}
      footer={
        <Button type="primary" onClick={close}>
          {t.caseDetail.close}
        </Button>
      }
      width={820}
      // opened from the search drawer too: it must sit above it
      zIndex={1100}
      destroyOnHidden
    >
      {loaded.state === 'loading' && <p>{t.caseDetail.loading}</p>}
      {loaded.state === 'message' && <p role="status">{loaded.message(t)}</p>}
      {detail && <CaseBody detail={detail} />}
    </Modal>
  );
}

function CaseBody({ detail: d }: { detail: CaseDetail }) {
  const t = useT();
  const none = t.caseDetail.none;
  // a standalone workstation never gets an official number: its own is the case number
  const synced = useSession((s) => s.session?.loginRequired ?? false) || d.officialNo !== null;
  const numbers = synced
    ? [
        {
          key: 'official',
          label: t.caseDetail.officialNo,
          children: d.officialNo ?? <span className="muted">{t.caseDetail.officialPending}</span>,
        },
        { key: 'no', label: t.caseDetail.localNo, children: d.localNo },
      ]
    : [{ key: 'no', label: t.caseDetail.caseNo, children: d.localNo }];
  return (
    <>
      <Descriptions
        size="small"
        bordered
        column={2}
        items={[
          ...numbers,
          { key: 'status', label: t.caseDetail.status, children: <StatusTag status={d.status} /> },
          {
            key: 'phone',
            label: t.intake.phone,
            children: (
              <>
                {formatPhone(d.phone)}
                {d.confidential && <Tag className="case-row__tag">{t.caseDetail.confidentialTag}</Tag>}
              </>
            ),
          },
          { key: 'name', label: t.intake.callerName, children: d.callerName || none },
          { key: 'created', label: t.caseDetail.createdAt, children: formatDateTime(d.createdAt) },
          ...callItems(d, t),
          { key: 'operator', label: t.caseDetail.operator, children: d.operator || none },
          { key: 'channel', label: t.intake.channel, children: t.labels.channel[d.channel] },
          { key: 'type', label: t.intake.requestType, children: t.labels.requestType[d.requestType] },
          { key: 'category', label: t.intake.category, children: d.categoryName || none },
          { key: 'region', label: t.intake.regionCode, children: d.regionName || none },
          { key: 'address', label: t.intake.address, children: d.address || none, span: 2 },
          { key: 'urgency', label: t.intake.urgency, children: t.labels.urgency[d.urgency] },
          { key: 'mode', label: t.intake.handlingMode, children: t.labels.handlingMode[d.handlingMode] },
          { key: 'content', label: t.intake.content, children: <span className="pre">{d.content}</span>, span: 2 },
          ...(d.answer ? [{ key: 'answer', label: t.intake.answer, children: <span className="pre">{d.answer}</span>, span: 2 }] : []),
          {
            key: 'followup',
            label: t.caseDetail.lastFollowUp,
            children: d.lastFollowUp ? t.labels.satisfaction[d.lastFollowUp] : none,
          },
        ]}
      />
      <OrderHistory caseId={d.id} />
      <h3 className="detail__section">{t.caseDetail.contacts(d.contacts.length)}</h3>
      <ol className="contact-list">
        {d.contacts.map((c) => (
          <li key={c.id} className="contact">
            <div className="contact__head">
              <span>{formatDateTime(c.createdAt)}</span>
              <span>{t.labels.channel[c.channel]}</span>
              <span>{t.labels.requestType[c.requestType]}</span>
              <span>
                {formatPhone(c.phone)}
                {c.callerName && ` · ${c.callerName}`}
              </span>
              {c.operator && <span className="contact__operator">{c.operator}</span>}
            </div>
            <div className="pre">{c.content}</div>
          </li>
        ))}
      </ol>
    </>
  );
}

/** 来电时间 and 通话时长, for a case logged during a call the phone system reported; none otherwise. */
function callItems(d: CaseDetail, t: Messages) {
  const call = d.call;
  if (!call) return [];
  const at = (ms: number | null) => (ms === null ? t.caseDetail.none : formatTimeSeconds(ms));
  const ringAt = call.ringAt ?? call.answerAt;
  return [
    { key: 'ringAt', label: t.caseDetail.ringAt, children: ringAt === null ? t.caseDetail.none : `${formatDateTime(ringAt)}:${formatTimeSeconds(ringAt).slice(-2)}` },
    {
      key: 'talk',
      label: t.caseDetail.talkTime,
      children: (
        <>
          {call.talkSeconds !== null ? t.caseDetail.duration(call.talkSeconds) : call.answerAt !== null ? t.caseDetail.talkOngoing : t.caseDetail.none}
          {call.answerAt !== null && <span className="muted"> · {t.caseDetail.callTimes(at(call.answerAt), at(call.endAt))}</span>}
        </>
      ),
    },
  ];
}
