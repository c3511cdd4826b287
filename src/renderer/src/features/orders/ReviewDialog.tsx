/**
 * 审核: the unit's reply (办理情况, 办理结果, whether the caller was contacted) and the
 * centre's decision: 通过, or 退回重办 with 审核意见 (required, checked beside the field).
 */
import { Alert, Button, Descriptions, Form, Input, InputNumber, Modal } from 'antd';
import { useState } from 'react';
import type { DeskOrderSummary } from '../../../../shared/desk-orders';
import { LIMITS } from '../../../../shared/workorders/actions';
import { REPLY_RESULT_LABELS } from '../../../../shared/workorders/model';
import { formatDateTime, useLang, useT } from '../../i18n';
import { useOrders } from './ordersStore';
import { useAct } from './useAct';
import { useDetails } from './useQueue';

export function ReviewDialog() {
  const t = useT();
  const dialog = useOrders((s) => s.dialog);
  const close = useOrders((s) => s.close);
  const order = dialog?.kind === 'review' ? dialog.order : null;
  return (
    <Modal open={order !== null} onCancel={close} title={t.review.title} width={720} destroyOnHidden footer={null} afterOpenChange={(open) => open && document.getElementById('review-note')?.focus()}>
      {order && <ReviewForm key={order.id} order={order} />}
    </Modal>
  );
}

function ReviewForm({ order }: { order: DeskOrderSummary }) {
  const t = useT();
  const lang = useLang((s) => (s.lang === 'en' ? 'en' : 'zh'));
  const close = useOrders((s) => s.close);
  const detail = useDetails([order]).get(order.id);
  const { act, busy, problem } = useAct(order);
  const [note, setNote] = useState('');
  const [noteMissing, setNoteMissing] = useState(false);
  const reply = detail?.order.reply ?? null;

  const sendBack = () => {
    if (note.trim().length < 2) {
      setNoteMissing(true);
      document.getElementById('review-note')?.focus();
      return;
    }
    void act('review', { decision: 'send_back', note: note.trim() });
  };
  const noteError = noteMissing && note.trim().length < 2 ? t.review.noteRequired : note.length > LIMITS.note ? t.dispatch.noteTooLong : null;

  return (
    <div
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          e.stopPropagation();
          void act('review', { decision: 'accept', note: note.trim() });
        }
      }}
    >
      <p className="dialog__case">
        <span className="muted">{t.dispatch.case}</span> <strong>{order.officialNo}</strong> · {order.summary}
      </p>
      {problem && (
        <Alert type="error" showIcon role="alert" className="dialog__problem" title={t.orders.refusedTitle} description={problem.text || t.orders.failedAct} />
      )}
      {!detail && <p className="muted">{t.orders.loading}</p>}
      {detail && !reply && <p>{t.review.noReply}</p>}
      {detail && reply && (
        <Descriptions
          size="small"
          bordered
          column={2}
          items={[
            { key: 'unit', label: t.review.replyBy, children: detail.units[reply.unitId] ?? reply.unitId },
            { key: 'at', label: t.review.repliedAt, children: `${formatDateTime(reply.at)} · ${reply.by}` },
            { key: 'result', label: t.review.result, children: REPLY_RESULT_LABELS[reply.result][lang] },
            { key: 'contacted', label: t.review.contacted, children: reply.contactedCaller ? t.review.yes : t.review.no },
            { key: 'content', label: t.review.content, children: <span className="pre">{reply.content}</span>, span: 2 },
          ]}
        />
      )}
      <Form layout="vertical" component="div" className="dialog-form">
        <Form.Item
          label={t.review.note}
          htmlFor="review-note"
          validateStatus={noteError ? 'error' : undefined}
          help={noteError ? <span id="review-note-error">{noteError}</span> : undefined}
        >
          <Input.TextArea
            id="review-note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t.review.notePlaceholder}
            autoSize={{ minRows: 2, maxRows: 5 }}
            aria-invalid={noteError ? true : undefined}
            aria-describedby={noteError ? 'review-note-error' : undefined}
          />
        </Form.Item>
      </Form>
      <div className="dialog__actions">
        <Button onClick={close}>{t.review.cancel}</Button>
        <Button danger loading={busy} disabled={!reply} onClick={sendBack}>
          {t.review.sendBack}
        </Button>
        <Button type="primary" loading={busy} disabled={!reply} onClick={() => void act('review', { decision: 'accept', note: note.trim() })}>
          {t.review.accept}
        </Button>
      </div>
    </div>
  );
}

export function ExtensionDialog() {
  const t = useT();
  const dialog = useOrders((s) => s.dialog);
  const close = useOrders((s) => s.close);
  const order = dialog?.kind === 'extension' ? dialog.order : null;
  return (
    <Modal open={order !== null} onCancel={close} title={t.extension.title} width={640} destroyOnHidden footer={null} afterOpenChange={(open) => open && document.getElementById('extension-days')?.focus()}>
      {order && <ExtensionForm key={order.id} order={order} />}
    </Modal>
  );
}

function ExtensionForm({ order }: { order: DeskOrderSummary }) {
  const t = useT();
  const close = useOrders((s) => s.close);
  const detail = useDetails([order]).get(order.id);
  const { act, busy, problem } = useAct(order);
  const request = detail?.order.extensionRequest ?? null;
  const [days, setDays] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [reasonMissing, setReasonMissing] = useState(false);
  const shownDays = days ?? request?.days ?? null;
  const daysInvalid = shownDays === null || !Number.isInteger(shownDays) || shownDays < 1 || shownDays > 60;
  const daysError = problem?.field === 'days' ? problem.text : daysInvalid && days !== null ? t.extension.daysInvalid : null;
  const reasonError = reasonMissing && reason.trim().length < 2 ? t.extension.refuseReasonRequired : null;
  const general = problem && problem.field !== 'days' ? problem.text || t.orders.failedAct : null;

  const approve = () => {
    if (daysInvalid) {
      document.getElementById('extension-days')?.focus();
      return;
    }
    void act('approve_extension', { days: shownDays });
  };
  const refuse = () => {
    if (reason.trim().length < 2) {
      setReasonMissing(true);
      document.getElementById('extension-reason')?.focus();
      return;
    }
    void act('refuse_extension', { reason: reason.trim() });
  };

  return (
    <div>
      <p className="dialog__case">
        <span className="muted">{t.dispatch.case}</span> <strong>{order.officialNo}</strong> · {order.summary}
      </p>
      {general && <Alert type="error" showIcon role="alert" className="dialog__problem" title={t.orders.refusedTitle} description={general} />}
      {!detail && <p className="muted">{t.orders.loading}</p>}
      {detail && !request && <p>{t.extension.none}</p>}
      {detail && request && (
        <Descriptions
          size="small"
          bordered
          column={2}
          items={[
            { key: 'unit', label: t.extension.unit, children: detail.units[request.unitId] ?? request.unitId },
            { key: 'days', label: t.extension.requested, children: t.orders.days(request.days) },
            { key: 'reason', label: t.extension.reason, children: <span className="pre">{request.reason}</span>, span: 2 },
          ]}
        />
      )}
      <Form layout="vertical" component="div" className="dialog-form">
        <Form.Item
          label={t.extension.days}
          htmlFor="extension-days"
          validateStatus={daysError ? 'error' : undefined}
          help={daysError ? <span id="extension-days-error">{daysError}</span> : undefined}
        >
          <InputNumber
            id="extension-days"
            min={1}
            max={60}
            precision={0}
            value={shownDays}
            onChange={(v) => setDays(typeof v === 'number' ? v : null)}
            onPressEnter={approve}
            aria-invalid={daysError ? true : undefined}
            aria-describedby={daysError ? 'extension-days-error' : undefined}
          />
        </Form.Item>
        <Form.Item
          label={t.extension.refuseReason}
          htmlFor="extension-reason"
          validateStatus={reasonError ? 'error' : undefined}
          help={reasonError ? <span id="extension-reason-error">{reasonError}</span> : undefined}
        >
          <Input.TextArea
            id="extension-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 5 }}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? 'extension-reason-error' : undefined}
          />
        </Form.Item>
      </Form>
      <div className="dialog__actions">
        <Button onClick={close}>{t.extension.cancel}</Button>
        <Button danger loading={busy} disabled={!request} onClick={refuse}>
          {t.extension.refuse}
        </Button>
        <Button type="primary" loading={busy} disabled={!request} onClick={approve}>
          {t.extension.approve}
        </Button>
      </div>
    </div>
  );
}
