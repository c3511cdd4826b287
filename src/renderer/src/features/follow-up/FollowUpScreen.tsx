/**
 * 回访 (Alt+V): the region 待回访 shows one due order after the other — the number to call (复制号码;
 * the telephony layer has no dial hook yet), the matter and the unit's reply — and three radio
 * groups chosen with digit keys: 回访结果 (1 接通, 2 未接通, 3 拒绝回访), 是否解决 (1 是, 2 否) and
 * 满意度 (1–5 or 1–3, the server's scale). A digit picks within the focused group and moves on to
 * the next one; Ctrl+Enter saves, and the next order appears. A reached, solved, satisfied caller
 * is Alt+V, 1, 1, 1, Ctrl+Enter. The action goes through orders.act (the outbox: offline too,
 * synced once); the local view applies it at once, so the saved order leaves the queue.
 */
import { Alert, Button, Input } from 'antd';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { DeskOrderDetail, DeskOrderSummary } from '../../../../shared/desk-orders';
import type { Satisfaction } from '../../../../shared/domain';
import { LIMITS } from '../../../../shared/workorders/actions';
import { FOLLOW_UP_OUTCOMES, REPLY_RESULT_LABELS, type FollowUpOutcome } from '../../../../shared/workorders/model';
import { SATISFACTION_SCALES } from '../../../../shared/workorders/table';
import { backend } from '../../api/backend';
import { formatDateTime, useLang, useT } from '../../i18n';
import { useStatus } from '../../state/status';
import { StatusLine } from '../../ui/StatusLine';
import { useOrders } from '../orders/ordersStore';
import { useSync } from '../sync/syncStore';

const OUTCOME_LABELS: Record<FollowUpOutcome, { zh: string; en: string }> = {
  reached: { zh: '接通', en: 'Reached' },
  not_reached: { zh: '未接通', en: 'Not reached' },
  refused: { zh: '拒绝回访', en: 'Refused' },
};

const ID = {
  outcome: 'follow-up-outcome',
  solved: 'follow-up-solved',
  satisfaction: 'follow-up-satisfaction',
  note: 'follow-up-note',
} as const;

/** Focuses a radio group: its checked radio, else its first. */
export function focusGroup(id: string): void {
  const group = document.getElementById(id);
  (group?.querySelector<HTMLElement>('[role="radio"][aria-checked="true"]') ?? group?.querySelector<HTMLElement>('[role="radio"]'))?.focus();
}

/** Alt+V before the queue has loaded: the first group takes the focus when its order shows. */
let focusWhenShown = false;

/** On 回访: the first group of the order shown, else the region (and the group once it shows). */
export function focusFollowUp(): void {
  if (document.getElementById(ID.outcome)) {
    focusWhenShown = false;
    focusGroup(ID.outcome);
  } else {
    focusWhenShown = true;
    document.getElementById('follow-up-title')?.closest<HTMLElement>('section')?.focus();
  }
}

interface Choice<V> {
  value: V;
  label: string;
}

/**
 * A radio group: digit n picks the n-th choice and calls onPicked (the caller moves focus on);
 * arrows move the choice as radios do; Tab leaves the group.
 */
function ChoiceGroup<V extends string | boolean>(props: {
  id: string;
  label: string;
  choices: Choice<V>[];
  value: V | null;
  onChange: (v: V) => void;
  onPicked: (v: V) => void;
  error: string | null;
  disabled?: boolean;
}) {
  const { id, label, choices, value, onChange, onPicked, error, disabled } = props;
  const checked = choices.findIndex((c) => c.value === value);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    const n = /^[1-9]$/.test(e.key) ? Number(e.key) : 0;
    if (n >= 1 && n <= choices.length) {
      e.preventDefault();
      onChange(choices[n - 1]!.value);
      onPicked(choices[n - 1]!.value);
      return;
    }
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (step !== 0) {
      e.preventDefault();
      const next = (Math.max(checked, 0) + step + choices.length) % choices.length;
      onChange(choices[next]!.value);
      requestAnimationFrame(() => focusGroup(id));
    }
  };
  return (
    <div className="follow-up__group">
      <span className="follow-up__label" id={`${id}-label`}>
        {label}
      </span>
      <div
        id={id}
        role="radiogroup"
        aria-labelledby={`${id}-label`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        aria-disabled={disabled ? true : undefined}
        className="follow-up__choices"
        onKeyDown={(e) => {
          if (!disabled) onKeyDown(e);
        }}
      >
        {choices.map((c, i) => (
          <button
            key={String(c.value)}
            type="button"
            role="radio"
            aria-checked={i === checked}
            aria-disabled={disabled ? true : undefined}
            tabIndex={!disabled && (i === checked || (checked < 0 && i === 0)) ? 0 : -1}
            className={`follow-up__choice${i === checked ? ' follow-up__choice--on' : ''}`}
            onClick={() => {
              if (!disabled) onChange(c.value);
            }}
          >
            <kbd aria-hidden="true">{i + 1}</kbd> {c.label}
          </button>
        ))}
      </div>
      {error && (
        <div className="follow-up__error" id={`${id}-error`} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

type Problem = { field: 'outcome' | 'solved' | 'satisfaction' | 'note' | null; text: string };

function FollowUpForm({ order, detail, onSaved }: { order: DeskOrderSummary; detail: DeskOrderDetail | null; onSaved: () => void }) {
  const t = useT();
  const lang = useLang((s) => (s.lang === 'en' ? 'en' : 'zh'));
  const followUpSettings = useOrders((s) => s.units?.followUp ?? null);
  const scale = SATISFACTION_SCALES[followUpSettings?.scale ?? 5];
  const [outcome, setOutcome] = useState<FollowUpOutcome | null>(null);
  const [solved, setSolved] = useState<boolean | null>(null);
  const [satisfaction, setSatisfaction] = useState<Satisfaction | null>(null);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const reached = outcome === 'reached';
  const labels = t.labels.satisfaction;

  const save = async () => {
    if (busy) return;
    const missing: Problem | null =
      outcome === null
        ? { field: 'outcome', text: t.followUp.outcomeRequired }
        : reached && solved === null
          ? { field: 'solved', text: t.followUp.solvedRequired }
          : reached && satisfaction === null
            ? { field: 'satisfaction', text: t.followUp.satisfactionRequired }
            : note.length > LIMITS.note
              ? { field: 'note', text: t.followUp.noteTooLong }
              : null;
    if (missing) {
      setProblem(missing);
      if (missing.field === 'note') document.getElementById(ID.note)?.focus();
      else focusGroup(ID[missing.field!]);
      return;
    }
    const args = reached ? { outcome: outcome!, solved: solved!, satisfaction: satisfaction!, note: note.trim() } : { outcome: outcome!, note: note.trim() };
    setBusy(true);
    setProblem(null);
    const res = await backend.invoke('orders.act', { orderId: order.id, action: 'follow_up', args, expectedVersion: order.version });
    setBusy(false);
    if (!res.ok) {
      setProblem({ field: null, text: t.followUp.failed });
      return;
    }
    if (!res.data.ok) {
      const r = res.data.refusal;
      setProblem({ field: r.code === 'satisfaction_not_on_scale' ? 'satisfaction' : null, text: lang === 'en' ? r.en : r.zh });
      return;
    }
    const result = String(res.data.entry.details.result ?? '');
    useStatus.getState().show('success', (m) => m.followUp.saved(order.officialNo, m.followUp.result[result] ?? result));
    onSaved();
  };

  const errorOf = (field: Problem['field']) => (problem && problem.field === field ? problem.text : null);
  const reply = detail?.order.reply ?? null;
  const phone = detail?.case.caller.phone ?? '';

  return (
    <div
      className="follow-up__order"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          e.stopPropagation();
          void save();
        }
      }}
    >
      <dl className="follow-up__facts">
        <div>
          <dt>{t.followUp.phone}</dt>
          <dd>
            <strong className="follow-up__phone">{phone || '—'}</strong>{' '}
            {detail?.case.caller.name && <span className="muted">{detail.case.caller.name}</span>}{' '}
            <Button
              size="small"
              disabled={!phone}
              onClick={() => {
                void navigator.clipboard.writeText(phone).then(
                  () => useStatus.getState().show('success', (m) => m.followUp.copied(phone)),
                  () => useStatus.getState().show('error', (m) => m.followUp.copyFailed),
                );
              }}
            >
              {t.followUp.copy}
            </Button>
          </dd>
        </div>
        <div>
          <dt>{t.dispatch.case}</dt>
          <dd>
            {order.officialNo} · {formatDateTime(order.receivedAt)}
            {detail?.order.followUp && detail.order.followUp.attempts > 0 && <> · {t.followUp.attempts(detail.order.followUp.attempts)}</>}
          </dd>
        </div>
        <div>
          <dt>{t.followUp.summary}</dt>
          <dd className="pre">{detail?.case.content ?? order.summary}</dd>
        </div>
        <div>
          <dt>{t.followUp.reply}</dt>
          <dd className="pre">
            {reply ? (
              <>
                {(detail?.units[reply.unitId] ?? reply.unitId) + ' · ' + REPLY_RESULT_LABELS[reply.result][lang] + ' · '}
                {reply.content}
              </>
            ) : (
              t.followUp.noReply
            )}
          </dd>
        </div>
      </dl>
      {problem && problem.field === null && (
        <Alert type="error" showIcon role="alert" className="dialog__problem" title={t.followUp.refused} description={problem.text} />
      )}
      <ChoiceGroup<FollowUpOutcome>
        id={ID.outcome}
        label={t.followUp.outcome}
        choices={FOLLOW_UP_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o][lang] }))}
        value={outcome}
        onChange={(v) => {
          setOutcome(v);
          if (v !== 'reached') {
            setSolved(null);
            setSatisfaction(null);
          }
        }}
        onPicked={(v) => (v === 'reached' ? focusGroup(ID.solved) : document.getElementById(ID.note)?.focus())}
        error={errorOf('outcome')}
      />
      <ChoiceGroup<boolean>
        id={ID.solved}
        label={t.followUp.solved}
        choices={[
          { value: true, label: t.followUp.yes },
          { value: false, label: t.followUp.no },
        ]}
        value={solved}
        onChange={setSolved}
        onPicked={() => focusGroup(ID.satisfaction)}
        error={errorOf('solved')}
        disabled={!reached}
      />
      <ChoiceGroup<Satisfaction>
        id={ID.satisfaction}
        label={t.followUp.satisfaction}
        choices={scale.map((s) => ({ value: s, label: labels[s] }))}
        value={satisfaction}
        onChange={setSatisfaction}
        onPicked={() => document.getElementById(ID.note)?.focus()}
        error={errorOf('satisfaction')}
        disabled={!reached}
      />
      <div className="follow-up__group">
        <label className="follow-up__label" htmlFor={ID.note}>
          {t.followUp.note}
        </label>
        <Input.TextArea
          id={ID.note}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t.followUp.notePlaceholder}
          autoSize={{ minRows: 2, maxRows: 5 }}
          aria-invalid={errorOf('note') ? true : undefined}
          aria-describedby={errorOf('note') ? `${ID.note}-error` : undefined}
        />
        {errorOf('note') && (
          <div className="follow-up__error" id={`${ID.note}-error`} role="alert">
            {errorOf('note')}
          </div>
        )}
      </div>
      <div className="dialog__actions">
        <span className="muted">{t.followUp.keys}</span>
        <Button type="primary" loading={busy} onClick={() => void save()}>
          {t.followUp.save}
        </Button>
      </div>
    </div>
  );
}

export function FollowUpScreen({ active }: { active: boolean }) {
  const t = useT();
  const tick = useOrders((s) => s.tick);
  // a pull brings orders accepted meanwhile: the queue asks again after every sync
  const lastSync = useSync((s) => s.status?.lastSuccessAt ?? null);
  const changed = useOrders((s) => s.changed);
  const [queue, setQueue] = useState<{ due: DeskOrderSummary[]; later: number } | null>(null);
  const [detail, setDetail] = useState<DeskOrderDetail | null>(null);
  const [failed, setFailed] = useState(false);
  const current = queue?.due[0] ?? null;
  const focusNext = useRef(false);

  const load = useCallback(async () => {
    const res = await backend.invoke('orders.queue', { queue: 'pending_follow_up', limit: 500 });
    if (!res.ok) {
      setFailed(true);
      return;
    }
    setFailed(false);
    const now = Date.now();
    const due = res.data.orders.filter((o) => (o.followUpDue ?? 0) <= now);
    setQueue({ due, later: res.data.orders.length - due.length });
  }, []);

  useEffect(() => {
    if (active) void load();
  }, [active, tick, lastSync, load]);

  const currentId = current?.id ?? null;
  const currentVersion = current?.version ?? null;
  useEffect(() => {
    setDetail(null);
    if (currentId === null) return;
    let live = true;
    void backend.invoke('orders.get', { orderId: currentId }).then((res) => {
      if (live && res.ok) setDetail(res.data);
    });
    return () => {
      live = false;
    };
  }, [currentId, currentVersion]);

  useEffect(() => {
    if ((focusNext.current || focusWhenShown) && active && currentId !== null) {
      focusNext.current = false;
      focusWhenShown = false;
      requestAnimationFrame(() => focusFollowUp());
    }
  }, [currentId, active]);

  return (
    <section className="follow-up" aria-labelledby="follow-up-title" tabIndex={-1}>
      <div className="orders__head">
        <h2 id="follow-up-title" className="panel-title">
          {t.followUp.region}
        </h2>
        {queue && current && <span className="muted">{t.followUp.position(1, queue.due.length)}</span>}
        {active && <StatusLine />}
      </div>
      {failed && <Alert type="error" showIcon title={t.followUp.failed} />}
      {!queue && !failed && <p className="muted">{t.followUp.loading}</p>}
      {queue && !current && <p>{t.followUp.empty}</p>}
      {queue && queue.later > 0 && <p className="muted">{t.followUp.later(queue.later)}</p>}
      {current && (
        <FollowUpForm
          key={`${current.id}:${current.version}`}
          order={current}
          detail={detail && detail.summary.id === current.id ? detail : null}
          onSaved={() => {
            focusNext.current = true;
            changed();
            void load();
            void useSync.getState().syncNow().then(() => useOrders.getState().changed());
          }}
        />
      )}
    </section>
  );
}
