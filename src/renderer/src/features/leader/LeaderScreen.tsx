/**
 * 领导接听 (Alt+B): the sessions (接听安排), scheduling one and generating the weekly rota by
 * keyboard (supervisors and admins), and a session's page — its items with their state and the
 * two figures the article reports, 办结率 and 回访满意率 — with 结束接听 and 转督办. Supervisors
 * also see the region 面对面. Everything is asked from the server (online only).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { CreateLeaderSessionRequest, type LeaderSession, type LeaderSessionDetail } from '../../../../shared/leader';
import { shanghaiDate } from '../../../../shared/workorders/calendar';
import { useT } from '../../i18n';
import { useReference } from '../../state/reference';
import { useSession } from '../../state/session';
import { FaceToFaceRegion } from './FaceToFaceRegion';
import { leaderCall, pct, useLeader } from './leaderStore';

type Fields = { date: string; startTime: string; endTime: string; leaderName: string; leaderTitle: string; department: string; seat: string };
const hhmm = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(11, 16);

/** 领导接听 shows for the centre's signed-in staff (operators read; supervisors and admins manage). */
export function useLeaderVisible(): boolean {
  return useSession((s) => s.session?.loginRequired === true && ['operator', 'supervisor', 'admin'].includes(s.session.user?.role ?? ''));
}
export function useLeaderManager(): boolean {
  return useSession((s) => ['supervisor', 'admin'].includes(s.session?.user?.role ?? ''));
}

export const who = (s: LeaderSession, tbd: string) => [s.leaderName, s.leaderTitle].filter(Boolean).join(' ') || tbd;

export function LeaderScreen({ active }: { active: boolean }) {
  const t = useT();
  const manager = useLeaderManager();
  const tick = useLeader((s) => s.tick);
  const [sessions, setSessions] = useState<LeaderSession[] | null>(null);
  const [status, setStatus] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await leaderCall('leader.list', {}, t);
    if (r.ok) setSessions(r.data.sessions);
    else setStatus({ kind: 'error', text: r.message });
  }, [t]);
  useEffect(() => {
    if (active) void load();
  }, [active, load, tick]);

  return (
    <div className="leader" tabIndex={-1} aria-label={t.leader.title}>
      <div className="orders__head">
        <h2 className="panel-title">{t.leader.title}</h2>
        <p className={`leader__status leader__status--${status?.kind ?? 'info'}`} role="status" aria-live="polite">
          {status?.text ?? ''}
        </p>
      </div>
      {openId ? (
        <SessionPage id={openId} onBack={() => setOpenId(null)} setStatus={setStatus} />
      ) : (
        <>
          <section className="admin__region" aria-labelledby="leader-sessions-title">
            <h3 id="leader-sessions-title" className="orders__title">
              {t.leader.sessions}
            </h3>
            {sessions && sessions.length === 0 && <p>{t.leader.none}</p>}
            {sessions && sessions.length > 0 && (
              <table className="order-table">
                <thead>
                  <tr>
                    <th scope="col">{t.leader.date}</th>
                    <th scope="col">{t.leader.time}</th>
                    <th scope="col">{t.leader.leaderName}</th>
                    <th scope="col">{t.leader.department}</th>
                    <th scope="col">{t.leader.seat}</th>
                    <th scope="col">{t.leader.state}</th>
                  </tr>
                </thead>
                <tbody>
                  {sessions.map((s) => (
                    <tr key={s.id} data-session={s.id}>
                      <td>
                        <button type="button" className="link-button" aria-label={t.leader.open(s.date, who(s, t.leader.tbd))} onClick={() => setOpenId(s.id)}>
                          {s.date}
                        </button>
                        {s.movedFrom && <div className="leader__moved">{t.leader.movedFrom(s.movedFrom)}</div>}
                      </td>
                      <td>
                        {s.startTime}–{s.endTime}
                      </td>
                      <td>{who(s, t.leader.tbd)}</td>
                      <td>{s.department}</td>
                      <td>{s.seat}</td>
                      <td>{t.leader.states[s.state]}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {manager && <ScheduleForm setStatus={setStatus} />}
          {manager && <RotaForm setStatus={setStatus} />}
        </>
      )}
      {manager && <FaceToFaceRegion active={active} />}
    </div>
  );
}

type SetStatus = (s: { kind: 'info' | 'error'; text: string } | null) => void;

function TextField(props: { id: string; label: string; value: string; onChange: (v: string) => void; error?: string; placeholder?: string; type?: string }) {
  return (
    <div className="leader__field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error && (
        <span id={`${props.id}-error`} className="field-error">
          {props.error}
        </span>
      )}
    </div>
  );
}

function ScheduleForm({ setStatus }: { setStatus: SetStatus }) {
  const t = useT();
  const seat = useReference((s) => s.info?.workstation ?? '');
  const now = Date.now();
  const [f, setF] = useState<Fields>(() => ({
    date: shanghaiDate(now),
    startTime: '09:00',
    endTime: '10:30',
    leaderName: '',
    leaderTitle: '',
    department: '',
    seat: '',
  }));
  const [errors, setErrors] = useState<Partial<Record<keyof Fields, string>>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Fields) => (v: string) => setF((p) => ({ ...p, [k]: v }));
  const value = { ...f, seat: f.seat || seat };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const parsed = CreateLeaderSessionRequest.safeParse(value);
    if (!parsed.success) {
      const errs: Partial<Record<keyof Fields, string>> = {};
      for (const i of parsed.error.issues) {
        const k = i.path[0] as keyof Fields;
        if (errs[k]) continue;
        errs[k] =
          k === 'endTime' && /after/.test(i.message)
            ? t.leader.endBeforeStart
            : k === 'date'
              ? t.leader.badDate
              : k === 'startTime' || k === 'endTime'
                ? t.leader.badTime
                : t.leader.required;
      }
      setErrors(errs);
      document.getElementById(`leader-${Object.keys(errs)[0]}`)?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    const r = await leaderCall('leader.create', parsed.data, t);
    setBusy(false);
    if (!r.ok) {
      setStatus({ kind: 'error', text: r.message });
      if (r.code === 'server_error' && /session_overlap|已安排/.test(r.message)) setErrors({ startTime: r.message });
      return;
    }
    setStatus({ kind: 'info', text: t.leader.scheduled(r.data.session.date) });
    setF((p) => ({ ...p, leaderName: '', leaderTitle: '', department: '' }));
    useLeader.getState().changed();
  };

  return (
    <form className="admin__region leader__form" aria-labelledby="leader-schedule-title" onSubmit={(e) => void submit(e)} noValidate>
      <h3 id="leader-schedule-title" className="orders__title">
        {t.leader.schedule}
      </h3>
      <div className="leader__fields">
        <TextField id="leader-date" label={t.leader.date} value={f.date} onChange={set('date')} error={errors.date} placeholder="YYYY-MM-DD" />
        <TextField id="leader-startTime" label={t.leader.startTime} value={f.startTime} onChange={set('startTime')} error={errors.startTime} placeholder="HH:MM" />
        <TextField id="leader-endTime" label={t.leader.endTime} value={f.endTime} onChange={set('endTime')} error={errors.endTime} placeholder="HH:MM" />
        <TextField id="leader-leaderName" label={t.leader.leaderName} value={f.leaderName} onChange={set('leaderName')} error={errors.leaderName} />
        <TextField id="leader-leaderTitle" label={t.leader.leaderTitle} value={f.leaderTitle} onChange={set('leaderTitle')} error={errors.leaderTitle} />
        <TextField id="leader-department" label={t.leader.department} value={f.department} onChange={set('department')} error={errors.department} />
        <TextField id="leader-seat" label={t.leader.seat} value={value.seat} onChange={set('seat')} error={errors.seat} />
      </div>
      <button type="submit" className="leader__submit" disabled={busy}>
        {t.leader.scheduleButton}
      </button>
    </form>
  );
}

function RotaForm({ setStatus }: { setStatus: SetStatus }) {
  const t = useT();
  const seat = useReference((s) => s.info?.workstation ?? '');
  const [weeks, setWeeks] = useState('8');
  const [weekday, setWeekday] = useState('3');
  const [seatValue, setSeat] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(weeks);
    if (!Number.isInteger(n) || n < 1 || n > 52) {
      setError('1–52');
      document.getElementById('rota-weeks')?.focus();
      return;
    }
    setError(undefined);
    const r = await leaderCall('leader.rota', { weeks: n, weekday: Number(weekday), seat: seatValue || seat }, t);
    if (!r.ok) return setStatus({ kind: 'error', text: r.message });
    setStatus({ kind: 'info', text: t.leader.rotaDone(r.data.created.length, r.data.skipped.length) });
    useLeader.getState().changed();
  };
  return (
    <form className="admin__region leader__form" aria-labelledby="leader-rota-title" onSubmit={(e) => void submit(e)} noValidate>
      <h3 id="leader-rota-title" className="orders__title">
        {t.leader.rota}
      </h3>
      <div className="leader__fields">
        <TextField id="rota-weeks" label={t.leader.weeks} value={weeks} onChange={setWeeks} error={error} />
        <div className="leader__field">
          <label htmlFor="rota-weekday">{t.leader.weekday}</label>
          <select id="rota-weekday" value={weekday} onChange={(e) => setWeekday(e.target.value)}>
            {[1, 2, 3, 4, 5, 6, 7].map((d) => (
              <option key={d} value={String(d)}>
                {t.leader.weekdays[d]}
              </option>
            ))}
          </select>
        </div>
        <TextField id="rota-seat" label={t.leader.seat} value={seatValue || seat} onChange={setSeat} />
      </div>
      <button type="submit" className="leader__submit">
        {t.leader.rotaButton}
      </button>
    </form>
  );
}

function SessionPage({ id, onBack, setStatus }: { id: string; onBack: () => void; setStatus: SetStatus }) {
  const t = useT();
  const manager = useLeaderManager();
  const tick = useLeader((s) => s.tick);
  const [detail, setDetail] = useState<LeaderSessionDetail | null>(null);
  const [limit, setLimit] = useState('5');
  const load = useCallback(async () => {
    const r = await leaderCall('leader.get', { id }, t);
    if (r.ok) setDetail(r.data);
    else setStatus({ kind: 'error', text: r.message });
  }, [id, t, setStatus]);
  useEffect(() => {
    void load();
  }, [load, tick]);
  useEffect(() => {
    document.getElementById('leader-page-title')?.focus();
  }, [id]);

  const end = async () => {
    const r = await leaderCall('leader.end', { id }, t);
    setStatus(r.ok ? { kind: 'info', text: t.leader.ended } : { kind: 'error', text: r.message });
    useLeader.getState().changed();
  };
  const dispatch = async () => {
    const days = Number(limit);
    const r = await leaderCall('leader.dispatch', { id, limitDays: Number.isInteger(days) && days >= 1 && days <= 60 ? days : 5 }, t);
    if (!r.ok) return setStatus({ kind: 'error', text: r.message });
    const failed = r.data.orders.filter((o) => !o.ok).length;
    setStatus({ kind: failed ? 'error' : 'info', text: t.leader.dispatched(r.data.orders.length - failed, failed) });
    useLeader.getState().changed();
  };

  if (!detail) return null;
  const s = detail.session;
  const f = detail.figures;
  return (
    <section className="admin__region leader__page" aria-labelledby="leader-page-title">
      <button type="button" onClick={onBack}>
        {t.leader.back}
      </button>
      <h3 id="leader-page-title" className="orders__title" tabIndex={-1}>
        {t.leader.page(s.date, who(s, t.leader.tbd))}
      </h3>
      <p>
        {s.startTime}–{s.endTime} · {s.department} · {t.leader.seat} {s.seat} · <span data-testid="leader-state">{t.leader.states[s.state]}</span>
      </p>
      <section aria-labelledby="leader-figures-title">
        <h4 id="leader-figures-title">{t.leader.figures}</h4>
        <dl className="leader__figures">
          <div>
            <dt>{t.leader.completion}</dt>
            <dd data-testid="leader-completion">{f.completion === null ? t.leader.noFigure : t.leader.figure(pct(f.completion), f.closed, f.items)}</dd>
          </div>
          <div>
            <dt>{t.leader.satisfaction}</dt>
            <dd data-testid="leader-satisfaction">{f.satisfaction === null ? t.leader.noFigure : t.leader.figure(pct(f.satisfaction), f.satisfied, f.reached)}</dd>
          </div>
        </dl>
      </section>
      {manager && (s.state === 'scheduled' || s.state === 'running') && (
        <button type="button" onClick={() => void end()}>
          {t.leader.end}
        </button>
      )}
      {manager && s.state === 'ended' && (
        <div className="leader__fields">
          <div className="leader__field">
            <label htmlFor="leader-limit">{t.leader.dispatchLimit}</label>
            <input id="leader-limit" value={limit} onChange={(e) => setLimit(e.target.value)} inputMode="numeric" />
          </div>
          <button type="button" onClick={() => void dispatch()}>
            {t.leader.dispatch}
          </button>
        </div>
      )}
      <section aria-labelledby="leader-items-title">
        <h4 id="leader-items-title">{t.leader.items}</h4>
        {detail.items.length === 0 ? (
          <p>{t.leader.noItems}</p>
        ) : (
          <table className="order-table">
            <thead>
              <tr>
                <th scope="col">{t.leader.caseNo}</th>
                <th scope="col">{t.leader.caller}</th>
                <th scope="col">{t.leader.content}</th>
                <th scope="col">{t.leader.orderState}</th>
                <th scope="col">{t.leader.unit}</th>
              </tr>
            </thead>
            <tbody>
              {detail.items.map((i) => (
                <tr key={i.caseId} data-case={i.caseId}>
                  <td>{i.officialNo ?? i.localNo}</td>
                  <td>{i.callerName}</td>
                  <td>{i.content}</td>
                  <td>
                    {(t.labels.status as Record<string, string>)[i.status] ?? i.status}
                    {i.supervision === 'key' && ` · ${t.leader.supervised}`}
                  </td>
                  <td>{i.unitCode ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}

/** The intake's notice while a session runs at this seat. */
export function LeaderNotice() {
  const t = useT();
  const current = useLeader((s) => s.current);
  if (!current) return null;
  return (
    <p className="leader__notice" role="status">
      {t.leader.running(who(current, t.leader.tbd), current.department, current.endTime)}
    </p>
  );
}
export { hhmm };
