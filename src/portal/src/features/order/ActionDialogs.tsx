/**
 * The unit's three actions that need words: 退回 (退回理由), 申请延期 (延期天数, 延期理由) and
 * 办理反馈 (办理结果, 办理情况, 是否已联系来电人). Each posts to /api/orders/:id/actions with the
 * version the person saw. A refusal shows the table's Chinese reason inside the dialog and keeps
 * everything typed; order_changed reloads the order and says so (the typed text stays, and the
 * next submit carries the new version).
 */
import { Alert, Button, Form, Input, InputNumber, Modal, Radio } from 'antd';
import { useEffect, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { ACTION_LABELS, LIMITS } from '../../../../shared/workorders/actions';
import { REPLY_RESULTS, REPLY_RESULT_LABELS, type ReplyResult } from '../../../../shared/workorders/model';
import { ApiError } from '../../api/client';
import { errorMessage, label, useLang, useT } from '../../i18n';
import { useOrder } from '../../state/order';
import { useQueues } from '../../state/queues';
import { client } from '../../state/session';

export type DialogAction = 'return' | 'request_extension' | 'reply';

interface Values {
  reason: string;
  days: number | null;
  result: ReplyResult | '';
  content: string;
  contacted: 'yes' | 'no' | '';
}

const EMPTY: Values = { reason: '', days: null, result: '', content: '', contacted: '' };

/** The args of each action as src/shared/workorders/actions.ts defines them. */
export function argsFor(action: DialogAction, v: Values): Record<string, unknown> {
  if (action === 'return') return { reason: v.reason.trim() };
  if (action === 'request_extension') return { days: v.days, reason: v.reason.trim() };
  return { content: v.content.trim(), result: v.result, contactedCaller: v.contacted === 'yes' };
}

export function ActionDialog(props: {
  action: DialogAction | null;
  onClose: () => void;
  /** after a success: reload what shows the order */
  onDone: (action: DialogAction) => Promise<void>;
}) {
  const { action, onClose, onDone } = props;
  const t = useT();
  const lang = useLang((s) => s.lang);
  const detail = useOrder((s) => s.detail);
  const reload = useOrder((s) => s.load);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { control, handleSubmit, reset, formState } = useForm<Values>({ defaultValues: EMPTY });

  useEffect(() => {
    if (action !== null) {
      reset(EMPTY);
      setFailure(null);
    }
  }, [action, reset]);

  if (action === null || detail === null) return null;
  const title = label(ACTION_LABELS[action], lang);
  const stillAvailable = detail.available.includes(action);

  const submit = async (values: Values) => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    try {
      await client.act(detail.summary.id, action, argsFor(action, values), detail.order.version);
      setBusy(false);
      await onDone(action);
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.code === 'order_changed') {
        setFailure(t.dialogs.changed);
        void useQueues.getState().load();
        await reload(detail.summary.id);
      } else {
        setFailure(errorMessage(e, lang));
      }
    }
  };

  const err = formState.errors;
  const fieldError = (id: string, message: string | undefined) =>
    message ? { validateStatus: 'error' as const, help: <span id={`${id}-error`}>{message}</span> } : {};
  const described = (id: string, message: string | undefined) =>
    message ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};

  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      destroyOnHidden
      mask={{ closable: false }}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t.dialogs.cancel}
        </Button>,
        <Button key="submit" type="primary" htmlType="submit" form="action-form">
          {busy ? t.dialogs.submitting : t.dialogs.submit}
        </Button>,
      ]}
    >
      <Form id="action-form" layout="vertical" requiredMark onFinish={() => void handleSubmit(submit)()} aria-label={title}>
        {action === 'return' && (
          <Controller
            name="reason"
            control={control}
            rules={{
              validate: (v) =>
                v.trim() === '' ? t.dialogs.required(t.dialogs.returnReason) : v.trim().length < 2 ? t.dialogs.minLength(t.dialogs.returnReason, 2) : true,
            }}
            render={({ field }) => (
              <Form.Item label={t.dialogs.returnReason} htmlFor="return-reason" required {...fieldError('return-reason', err.reason?.message)}>
                <Input.TextArea
                  id="return-reason"
                  {...field}
                  autoFocus
                  rows={4}
                  maxLength={LIMITS.reason}
                  aria-required
                  {...described('return-reason', err.reason?.message)}
                />
              </Form.Item>
            )}
          />
        )}
        {action === 'request_extension' && (
          <>
            <Controller
              name="days"
              control={control}
              rules={{
                validate: (v) =>
                  v === null ? t.dialogs.required(t.dialogs.extensionDays) : !Number.isInteger(v) || v < 1 || v > 60 ? t.dialogs.daysRange : true,
              }}
              render={({ field }) => (
                <Form.Item label={t.dialogs.extensionDays} htmlFor="extension-days" required {...fieldError('extension-days', err.days?.message)}>
                  <InputNumber
                    id="extension-days"
                    value={field.value}
                    onChange={(v) => field.onChange(typeof v === 'number' ? v : null)}
                    onBlur={field.onBlur}
                    ref={field.ref}
                    autoFocus
                    min={1}
                    max={60}
                    precision={0}
                    aria-required
                    {...described('extension-days', err.days?.message)}
                  />
                </Form.Item>
              )}
            />
            <Controller
              name="reason"
              control={control}
              rules={{
                validate: (v) =>
                  v.trim() === ''
                    ? t.dialogs.required(t.dialogs.extensionReason)
                    : v.trim().length < 2
                      ? t.dialogs.minLength(t.dialogs.extensionReason, 2)
                      : true,
              }}
              render={({ field }) => (
                <Form.Item label={t.dialogs.extensionReason} htmlFor="extension-reason" required {...fieldError('extension-reason', err.reason?.message)}>
                  <Input.TextArea
                    id="extension-reason"
                    {...field}
                    rows={4}
                    maxLength={LIMITS.reason}
                    aria-required
                    {...described('extension-reason', err.reason?.message)}
                  />
                </Form.Item>
              )}
            />
          </>
        )}
        {action === 'reply' && (
          <>
            <Controller
              name="result"
              control={control}
              rules={{ validate: (v) => (v === '' ? t.dialogs.requiredChoice(t.dialogs.replyResult) : true) }}
              render={({ field }) => (
                <Form.Item
                  label={<span id="reply-result-label">{t.dialogs.replyResult}</span>}
                  required
                  {...fieldError('reply-result', err.result?.message)}
                >
                  <Radio.Group
                    value={field.value}
                    onChange={(e) => field.onChange(e.target.value as ReplyResult)}
                    aria-labelledby="reply-result-label"
                    aria-required
                    {...described('reply-result', err.result?.message)}
                    options={REPLY_RESULTS.map((r) => ({ value: r, label: label(REPLY_RESULT_LABELS[r], lang) }))}
                  />
                </Form.Item>
              )}
            />
            <Controller
              name="content"
              control={control}
              rules={{
                validate: (v) =>
                  v.trim() === '' ? t.dialogs.required(t.dialogs.replyContent) : v.trim().length < 5 ? t.dialogs.minLength(t.dialogs.replyContent, 5) : true,
              }}
              render={({ field }) => (
                <Form.Item label={t.dialogs.replyContent} htmlFor="reply-content" required {...fieldError('reply-content', err.content?.message)}>
                  <Input.TextArea
                    id="reply-content"
                    {...field}
                    rows={5}
                    maxLength={LIMITS.reply}
                    aria-required
                    {...described('reply-content', err.content?.message)}
                  />
                </Form.Item>
              )}
            />
            <Controller
              name="contacted"
              control={control}
              rules={{ validate: (v) => (v === '' ? t.dialogs.requiredChoice(t.dialogs.contacted) : true) }}
              render={({ field }) => (
                <Form.Item label={<span id="reply-contacted-label">{t.dialogs.contacted}</span>} required {...fieldError('reply-contacted', err.contacted?.message)}>
                  <Radio.Group
                    value={field.value}
                    onChange={(e) => field.onChange(e.target.value as 'yes' | 'no')}
                    aria-labelledby="reply-contacted-label"
                    aria-required
                    {...described('reply-contacted', err.contacted?.message)}
                    options={[
                      { value: 'yes', label: t.dialogs.yes },
                      { value: 'no', label: t.dialogs.no },
                    ]}
                  />
                </Form.Item>
              )}
            />
          </>
        )}
        <div className="dialog__failure">
          {failure !== null && <Alert type="error" showIcon title={failure} />}
          {failure === null && !stillAvailable && <Alert type="warning" showIcon title={t.dialogs.notAvailable} />}
        </div>
      </Form>
    </Modal>
  );
}
