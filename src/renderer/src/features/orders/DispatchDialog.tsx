/**
 * 派单: 承办单位 (the active units, searchable, the 派单目录's suggestion first and marked
 * 推荐), 办理时限 (the rules' limit by default, or a number of working days or hours) and
 * 派单意见. Enter (outside an open list and the note) or Ctrl+Enter dispatches. A returned order
 * is dispatched again from here too, with the unit's reason shown above the fields.
 */
import { Alert, Button, Form, Input, Modal, Select, Tag } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DeskOrderSummary } from '../../../../shared/desk-orders';
import { LIMITS } from '../../../../shared/workorders/actions';
import { useT, type Messages } from '../../i18n';
import { useOrders } from './ordersStore';
import { dispatchArgs, limitChoices, parseLimit, submitsOnEnter, unitOptions } from './orderText';
import { useAct } from './useAct';
import { useDetails } from './useQueue';

const IDS = { unit: 'dispatch-unit', limit: 'dispatch-limit', note: 'dispatch-note', problem: 'dispatch-problem' } as const;

export function limitLabel(t: Messages, choice: string): string {
  const limit = parseLimit(choice);
  if (!limit) return t.dispatch.limitDefault;
  return limit.unit === 'working_days' ? t.dispatch.limitDays(limit.value) : t.dispatch.limitHours(limit.value);
}

export function DispatchDialog() {
  const t = useT();
  const dialog = useOrders((s) => s.dialog);
  const close = useOrders((s) => s.close);
  const order = dialog?.kind === 'dispatch' ? dialog.order : null;
  return (
    <Modal
      open={order !== null}
      onCancel={close}
      title={t.dispatch.title}
      width={640}
      destroyOnHidden
      footer={null}
      // the modal focuses its own frame when it opens: 承办单位 comes first
      afterOpenChange={(open) => open && document.getElementById(IDS.unit)?.focus()}
    >
      {order && <DispatchForm key={order.id} order={order} />}
    </Modal>
  );
}

function DispatchForm({ order }: { order: DeskOrderSummary }) {
  const t = useT();
  const units = useOrders((s) => s.units);
  const close = useOrders((s) => s.close);
  const { act, busy, problem } = useAct(order);
  const [unitCode, setUnitCode] = useState<string | undefined>(order.suggestedUnitCode ?? undefined);
  const [limit, setLimit] = useState('');
  const [note, setNote] = useState('');
  const [unitMissing, setUnitMissing] = useState(false);
  const detail = useDetails(order.state === 'returned' ? [order] : []).get(order.id);
  const returned = detail?.order.returnedFrom ?? null;

  const options = useMemo(
    () =>
      unitOptions(units?.units ?? [], order.suggestedUnitCode).map((u) => ({
        value: u.code,
        label: u.code === order.suggestedUnitCode ? t.dispatch.suggestedOption(u.name) : u.name,
        search: `${u.name} ${u.code}`.toLowerCase(),
      })),
    [units, order.suggestedUnitCode, t],
  );
  const limitOptions = useMemo(() => limitChoices().map((c) => ({ value: c, label: limitLabel(t, c) })), [t]);
  const noteTooLong = note.length > LIMITS.note;

  const submit = () => {
    if (!unitCode) {
      setUnitMissing(true);
      document.getElementById(IDS.unit)?.focus();
      return;
    }
    if (noteTooLong) {
      document.getElementById(IDS.note)?.focus();
      return;
    }
    void act(order.state === 'returned' || order.state === 'pending_dispatch' ? 'dispatch' : 'reassign', dispatchArgs({ unitCode, limit, note }));
  };

  // Ctrl+Enter dispatches from the moment the dialog shows, before focus has moved into it
  const submitRef = useRef(submit);
  submitRef.current = submit;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.isComposing) return;
      e.preventDefault();
      e.stopPropagation();
      submitRef.current();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);

  const unitError = unitMissing && !unitCode ? t.dispatch.unitRequired : problem?.field === 'unit' ? problem.text : null;
  const limitError = problem?.field === 'limit' ? problem.text : null;
  const generalError = problem && problem.field === null ? problem.text || t.orders.failedAct : null;
  const returnedName = returned ? (detail?.units[returned.unitId] ?? returned.unitId) : null;

  return (
    <div
      onKeyDown={(e) => {
        // Ctrl+Enter: the window listener above
        if (e.ctrlKey || e.metaKey || !submitsOnEnter(e)) return;
        e.preventDefault();
        e.stopPropagation();
        submit();
      }}
    >
      <p className="dialog__case">
        <span className="muted">{t.dispatch.case}</span> <strong>{order.officialNo}</strong> · {order.summary}
      </p>
      {returned && (
        <Alert type="warning" className="dialog__returned" title={`${t.dispatch.returnedReason}（${returnedName}）：${returned.reason}`} />
      )}
      {generalError && (
        <Alert id={IDS.problem} type="error" showIcon role="alert" className="dialog__problem" title={t.orders.refusedTitle} description={generalError} />
      )}
      {units && units.units.length === 0 && <Alert type="warning" title={t.dispatch.noUnits} />}
      <Form layout="vertical" component="div" className="dialog-form">
        <Form.Item
          label={t.dispatch.unit}
          htmlFor={IDS.unit}
          required
          validateStatus={unitError ? 'error' : undefined}
          help={unitError ? <span id={`${IDS.unit}-error`}>{unitError}</span> : undefined}
          extra={
            order.suggestedUnitName ? (
              <span>
                <Tag className="suggested-tag">{t.dispatch.suggestedTag}</Tag>
                {order.suggestedUnitName}
              </span>
            ) : undefined
          }
        >
          <Select
            id={IDS.unit}
            showSearch={{ filterOption: (input, option) => (option?.search ?? '').includes(input.trim().toLowerCase()) }}
            value={unitCode}
            onChange={(v: string) => {
              setUnitCode(v);
              setUnitMissing(false);
            }}
            options={options}
            placeholder={t.dispatch.unitPlaceholder}
            aria-required
            aria-invalid={unitError ? true : undefined}
            aria-describedby={unitError ? `${IDS.unit}-error` : undefined}
          />
        </Form.Item>
        <Form.Item
          label={t.dispatch.limit}
          htmlFor={IDS.limit}
          validateStatus={limitError ? 'error' : undefined}
          help={limitError ? <span id={`${IDS.limit}-error`}>{limitError}</span> : undefined}
        >
          <Select
            id={IDS.limit}
            showSearch={{ optionFilterProp: 'label' }}
            value={limit}
            onChange={(v: string) => setLimit(v)}
            options={limitOptions}
            aria-invalid={limitError ? true : undefined}
            aria-describedby={limitError ? `${IDS.limit}-error` : undefined}
          />
        </Form.Item>
        <Form.Item
          label={t.dispatch.note}
          htmlFor={IDS.note}
          validateStatus={noteTooLong ? 'error' : undefined}
          help={noteTooLong ? <span id={`${IDS.note}-error`}>{t.dispatch.noteTooLong}</span> : undefined}
        >
          <Input.TextArea
            id={IDS.note}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t.dispatch.notePlaceholder}
            autoSize={{ minRows: 2, maxRows: 6 }}
            aria-invalid={noteTooLong ? true : undefined}
            aria-describedby={noteTooLong ? `${IDS.note}-error` : undefined}
          />
        </Form.Item>
      </Form>
      <div className="dialog__actions">
        <span className="muted dialog__keys">{t.dispatch.keys}</span>
        <Button onClick={close}>{t.dispatch.cancel}</Button>
        <Button type="primary" loading={busy} onClick={submit}>
          {busy ? t.dispatch.submitting : t.dispatch.submit}
        </Button>
      </div>
    </div>
  );
}
