/**
 * 面对面 (supervisors): callers who stayed unsatisfied on `faceToFaceAfter` follow-ups of one
 * matter, and the meetings. Pick a flagged order, type who, where, when and the unit (default: the
 * order's lead unit), 安排面对面; a scheduled meeting takes its outcome (已面谈 / 已取消).
 * Online only: offline the region says so in Chinese and keeps what was typed.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { FaceToFaceResponse, FlaggedOrder } from '../../../../shared/leader';
import { useT } from '../../i18n';
import { leaderCall, useLeader } from './leaderStore';

const SHANGHAI = 8 * 3_600_000;
const showAt = (at: number) => new Date(at + SHANGHAI).toISOString().slice(0, 16).replace('T', ' ');
/** "2026-11-30 14:00" (Shanghai) → epoch ms, null when not that shape */
export function parseAt(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const at = Date.parse(`${m[1]}T${m[2]}:${m[3]}:00Z`) - SHANGHAI;
  return Number.isFinite(at) ? at : null;
}

export function FaceToFaceRegion({ active }: { active: boolean }) {
  const t = useT();
  const tick = useLeader((s) => s.tick);
  const [data, setData] = useState<FaceToFaceResponse | null>(null);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [picked, setPicked] = useState<FlaggedOrder | null>(null);
  const load = useCallback(async () => {
    const r = await leaderCall('meetings.faceToFace', {}, t);
    if (r.ok) setData(r.data);
    else setMessage({ kind: 'error', text: r.message });
  }, [t]);
  useEffect(() => {
    if (active) void load();
  }, [active, load, tick]);

  return (
    <section className="admin__region" aria-labelledby="f2f-title" role="region">
      <h3 id="f2f-title" className="orders__title">
        {t.faceToFace.title}
      </h3>
      <p role="status" className={`leader__status leader__status--${message?.kind ?? 'info'}`}>
        {message?.text ?? ''}
      </p>
      {data && (
        <>
          <h4>{t.faceToFace.flagged(data.faceToFaceAfter)}</h4>
          {data.flagged.length === 0 ? (
            <p>{t.faceToFace.noFlagged}</p>
          ) : (
            <table className="order-table">
              <thead>
                <tr>
                  <th scope="col">{t.leader.caseNo}</th>
                  <th scope="col">{t.leader.caller}</th>
                  <th scope="col">{t.leader.content}</th>
                  <th scope="col">{t.faceToFace.unit}</th>
                  <th scope="col">{t.faceToFace.unsatisfied}</th>
                </tr>
              </thead>
              <tbody>
                {data.flagged.map((o) => (
                  <tr key={o.orderId}>
                    <td>
                      {o.meetingId ? (
                        `${o.officialNo ?? ''} · ${t.faceToFace.hasMeeting}`
                      ) : (
                        <button type="button" className="link-button" onClick={() => setPicked(o)} aria-label={t.faceToFace.plan(`${o.callerName || o.phone} ${o.officialNo ?? ''}`)}>
                          {o.officialNo ?? o.orderId.slice(0, 8)}
                        </button>
                      )}
                    </td>
                    <td>{o.callerName || o.phone}</td>
                    <td>{o.content}</td>
                    <td>{o.unitName ?? o.unitCode ?? ''}</td>
                    <td>{o.unsatisfiedCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {picked && <MeetingForm order={picked} onDone={(text) => (setPicked(null), setMessage({ kind: 'info', text }), useLeader.getState().changed())} onError={(text) => setMessage({ kind: 'error', text })} />}
          <h4>{t.faceToFace.meetings}</h4>
          {data.meetings.length === 0 ? (
            <p>{t.faceToFace.noMeetings}</p>
          ) : (
            <ul className="leader__meetings">
              {data.meetings.map((m) => (
                <li key={m.id}>
                  {showAt(m.at)} · {m.callerName || m.phone} · {m.place} · {m.unitName} · {m.attendees} · {t.faceToFace.states[m.state]}
                  {m.outcome && ` · ${t.faceToFace.outcome}：${m.outcome}`}
                  {m.state === 'scheduled' && (
                    <OutcomeForm id={m.id} onDone={(text) => (setMessage({ kind: 'info', text }), useLeader.getState().changed())} onError={(text) => setMessage({ kind: 'error', text })} />
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function MeetingForm({ order, onDone, onError }: { order: FlaggedOrder; onDone: (text: string) => void; onError: (text: string) => void }) {
  const t = useT();
  const [attendees, setAttendees] = useState('');
  const [place, setPlace] = useState('');
  const [at, setAt] = useState('');
  const [unitCode, setUnit] = useState(order.unitCode ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    document.getElementById('f2f-attendees')?.focus();
  }, [order.orderId]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const when = parseAt(at);
    const errs: Record<string, string> = {};
    if (!attendees.trim()) errs.attendees = t.leader.required;
    if (!place.trim()) errs.place = t.leader.required;
    if (when === null) errs.at = 'YYYY-MM-DD HH:MM';
    if (!unitCode.trim()) errs.unit = t.leader.required;
    setErrors(errs);
    if (Object.keys(errs).length) {
      document.getElementById(`f2f-${Object.keys(errs)[0]}`)?.focus();
      return;
    }
    const r = await leaderCall('meetings.create', { orderId: order.orderId, attendees, place, at: when!, unitCode: unitCode.trim() }, t);
    if (!r.ok) return onError(r.message);
    onDone(t.faceToFace.scheduled);
  };
  const field = (id: string, label: string, value: string, set: (v: string) => void, placeholder?: string) => (
    <div className="leader__field">
      <label htmlFor={`f2f-${id}`}>{label}</label>
      <input
        id={`f2f-${id}`}
        value={value}
        placeholder={placeholder}
        onChange={(e) => set(e.target.value)}
        aria-invalid={errors[id] ? true : undefined}
        aria-describedby={errors[id] ? `f2f-${id}-error` : undefined}
      />
      {errors[id] && (
        <span id={`f2f-${id}-error`} className="field-error">
          {errors[id]}
        </span>
      )}
    </div>
  );
  return (
    <form className="leader__form" aria-label={t.faceToFace.plan(order.callerName || order.phone)} onSubmit={(e) => void submit(e)} noValidate>
      <div className="leader__fields">
        {field('attendees', t.faceToFace.attendees, attendees, setAttendees)}
        {field('place', t.faceToFace.place, place, setPlace)}
        {field('at', t.faceToFace.at, at, setAt, 'YYYY-MM-DD HH:MM')}
        {field('unit', t.faceToFace.unit, unitCode, setUnit)}
      </div>
      <button type="submit">{t.faceToFace.planButton}</button>
    </form>
  );
}

function OutcomeForm({ id, onDone, onError }: { id: string; onDone: (text: string) => void; onError: (text: string) => void }) {
  const t = useT();
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState<string | undefined>();
  const record = async (state: 'held' | 'cancelled') => {
    if (outcome.trim().length < 2) {
      setError(t.leader.required);
      document.getElementById(`outcome-${id}`)?.focus();
      return;
    }
    const r = await leaderCall('meetings.outcome', { id, state, outcome }, t);
    if (!r.ok) return onError(r.message);
    onDone(t.faceToFace.recorded);
  };
  return (
    <div className="leader__fields">
      <div className="leader__field">
        <label htmlFor={`outcome-${id}`}>{t.faceToFace.outcome}</label>
        <input
          id={`outcome-${id}`}
          value={outcome}
          onChange={(e) => setOutcome(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `outcome-${id}-error` : undefined}
        />
        {error && (
          <span id={`outcome-${id}-error`} className="field-error">
            {error}
          </span>
        )}
      </div>
      <button type="button" onClick={() => void record('held')}>
        {t.faceToFace.recordHeld}
      </button>
      <button type="button" onClick={() => void record('cancelled')}>
        {t.faceToFace.recordCancelled}
      </button>
    </div>
  );
}
