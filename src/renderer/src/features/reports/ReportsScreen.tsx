/**
 * 统计分析 (supervisors and admins, Alt+T): the central server's report of a period — regions
 * 核心指标 (indicators with 环比/同比, channels, the trend with last year's line), 热点问题 (top
 * and rising categories, category and county charts, streets, rising words) and 单位考核 (the
 * sortable unit ranking). Every count opens the orders behind it. 导出Excel saves the server's
 * workbook; 打印月报 prints the monthly report page (Electron: printToPDF through main; a
 * browser: its own print, to PDF in the harness).
 */
import { Button, Modal } from 'antd';
import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { ReportOrders, ReportSummary } from '../../../../shared/reports/api';
import type { DRILL_COUNTERS } from '../../../../shared/reports/api';
import { INDICATORS, type Indicators } from '../../../../shared/reports/indicators';
import { backend } from '../../api/backend';
import { formatDateTime, useLang, useT } from '../../i18n';
import { useSession } from '../../state/session';
import { useStatus } from '../../state/status';
import { StatusLine } from '../../ui/StatusLine';
import { Field } from '../admin/AccountsRegion';
import { Chart } from './Chart';

type Counter = (typeof DRILL_COUNTERS)[number];
type Kind = 'month' | 'quarter' | 'year' | 'custom';

/** 统计分析 shows for a signed-in supervisor or admin. */
export function useReportsVisible(): boolean {
  return useSession((s) => s.session?.loginRequired === true && (s.session.user?.role === 'supervisor' || s.session.user?.role === 'admin'));
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function rangeOf(kind: Kind, year: number, index: number, from: string, to: string): { from: string; to: string } {
  if (kind === 'year') return { from: `${year}-01-01`, to: `${year}-12-31` };
  if (kind === 'quarter') {
    const m = (index - 1) * 3 + 1;
    return { from: `${year}-${pad(m)}-01`, to: `${year}-${pad(m + 2)}-${pad(lastDay(year, m + 2))}` };
  }
  if (kind === 'month') return { from: `${year}-${pad(index)}-01`, to: `${year}-${pad(index)}-${pad(lastDay(year, index))}` };
  return { from, to };
}

/** Indicator keys that are counts and the drill counter behind them. */
const DRILL_OF: Partial<Record<string, Counter>> = {
  received: 'received',
  valid_orders: 'valid',
  direct: 'direct',
  dispatched: 'dispatched',
  due: 'due',
  overdue: 'overdue',
  completed: 'completed',
  returned: 'returned',
};

interface Drill {
  title: string;
  counter: Counter;
  filter: { channel?: string; category?: string; region?: string; street?: string; unit?: string };
}

const fmt = (v: number | null | undefined, t: ReturnType<typeof useT>, unit?: string) =>
  v === null || v === undefined ? t.reports.none : unit === 'pct' ? `${v.toFixed(2)}%` : v.toLocaleString('zh-CN');
const fmtChange = (v: number | null, t: ReturnType<typeof useT>) => (v === null ? t.reports.none : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`);

function NumberButton({ n, label, onOpen }: { n: number; label: string; onOpen: () => void }) {
  const t = useT();
  if (n === 0) return <>0</>;
  return (
    <button type="button" className="reports__num" aria-label={t.reports.open(label, n)} onClick={onOpen}>
      {n.toLocaleString('zh-CN')}
    </button>
  );
}

function Region({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="admin__region reports__region" aria-labelledby={`${id}-title`} id={id}>
      <h3 id={`${id}-title`} className="orders__title">
        {title}
      </h3>
      {children}
    </section>
  );
}

type SortKey = 'dispatched' | 'signed_on_time' | 'on_time' | 'on_time_pct' | 'overdue' | 'returned' | 'rehandled' | 'satisfaction_pct';

export function ReportsScreen({ active }: { active: boolean }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const show = useStatus((s) => s.show);
  const today = new Date();
  const [kind, setKind] = useState<Kind>('month');
  const [year, setYear] = useState(today.getFullYear());
  const [index, setIndex] = useState(today.getMonth() + 1);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<ReportSummary | null>(null);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [drill, setDrill] = useState<Drill | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'dispatched', desc: true });

  const load = useCallback(
    async (range: { from: string; to: string }) => {
      setLoading(true);
      const res = await backend.invoke('reports.summary', range);
      setLoading(false);
      if (!res.ok) return setFailure(res.error.message);
      if (!res.data.ok) return setFailure(res.data.message);
      setFailure(null);
      setSummary(res.data.summary);
    },
    [],
  );

  const range = (): { from: string; to: string } | null => {
    const r = rangeOf(kind, year, index, from, to);
    const e: Record<string, string> = {};
    if (kind === 'custom') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(r.from)) e.from = t.reports.badDate;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(r.to)) e.to = t.reports.badDate;
      if (!e.from && !e.to && r.to < r.from) e.to = t.reports.badRange;
    }
    setErrors(e);
    return Object.keys(e).length ? null : r;
  };

  useEffect(() => {
    if (active && summary === null && !loading) void load(rangeOf('month', year, index, '', ''));
    // the first visit shows this month; later visits keep what was asked
  }, [active]);

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const r = range();
    if (r) void load(r);
  };

  const exportExcel = async () => {
    if (!summary) return;
    const res = await backend.invoke('reports.export', summary.period);
    if (!res.ok) return setFailure(res.error.message);
    if (!res.data.ok) return setFailure(res.data.message);
    download(res.data.base64, res.data.contentType, res.data.filename);
    show('success', (m) => m.reports.exported(res.data.ok ? res.data.filename : ''));
  };

  const print = async () => {
    if (!summary) return;
    const filename = `月报-${summary.period.from}-${summary.period.to}.pdf`;
    document.body.classList.add('printing-report');
    try {
      const res = await backend.invoke('reports.printPdf', { filename });
      if (res.ok && res.data.printed) {
        download(res.data.base64, 'application/pdf', filename);
        show('success', (m) => m.reports.printed(filename));
      } else {
        window.print();
      }
    } finally {
      document.body.classList.remove('printing-report');
    }
  };

  const name = (code: string) => summary?.names[code] ?? code;
  const periodLabel = summary ? `${summary.period.from} — ${summary.period.to}` : '';
  const units = useMemo(() => {
    if (!summary) return [];
    const v = (u: ReportSummary['units'][number]) => u[sort.key] ?? -1;
    return [...summary.units].sort((a, b) => (sort.desc ? v(b) - v(a) : v(a) - v(b)) || a.unit.localeCompare(b.unit));
  }, [summary, sort]);

  const trendOption = useMemo(
    () =>
      summary && {
        tooltip: { trigger: 'axis' as const },
        legend: { data: [t.reports.thisYearLine, t.reports.lastYearLine] },
        grid: { left: 48, right: 16, top: 32, bottom: 28 },
        xAxis: { type: 'category' as const, data: summary.series.map((s) => s.label) },
        yAxis: { type: 'value' as const },
        series: [
          { name: t.reports.thisYearLine, type: 'line' as const, data: summary.series.map((s) => s.received), color: '#1d5fa8' },
          { name: t.reports.lastYearLine, type: 'line' as const, data: summary.series.map((s) => s.last_year), color: '#8c8c8c', lineStyle: { type: 'dashed' as const } },
        ],
      },
    [summary, t],
  );
  const categoryOption = useMemo(
    () =>
      summary && {
        grid: { left: 160, right: 16, top: 8, bottom: 24 },
        xAxis: { type: 'value' as const },
        yAxis: { type: 'category' as const, inverse: true, data: summary.top_categories.map((c) => name(c.key).split(' / ').at(-1)!) },
        series: [{ type: 'bar' as const, data: summary.top_categories.map((c) => c.now), color: '#1d5fa8' }],
      },
    [summary],
  );
  const regionOption = useMemo(
    () =>
      summary && {
        grid: { left: 48, right: 16, top: 8, bottom: 48 },
        xAxis: { type: 'category' as const, data: summary.by_region.map((r) => name(r.key)), axisLabel: { rotate: 30 } },
        yAxis: { type: 'value' as const },
        series: [{ type: 'bar' as const, data: summary.by_region.map((r) => r.valid), color: '#2f7d32' }],
      },
    [summary],
  );

  const ind = summary?.indicators;
  const val = (i: Indicators | undefined, k: string) => (i ? ((i as unknown as Record<string, number | null>)[k] ?? null) : null);
  const sortHeader = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="reports__sort" aria-label={t.reports.sortBy(label)} onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : true }))}>
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>
  );

  return (
    <div className="admin reports" tabIndex={-1} aria-label={t.reports.title}>
      <div className="orders__head">
        <h2 className="panel-title">{t.reports.title}</h2>
        {active && <StatusLine />}
      </div>
      <form className="admin__fields reports__picker" onSubmit={submit} noValidate aria-label={t.reports.period}>
        <Field id="reports-kind" label={t.reports.kind}>
          {(p) => (
            <select {...p} className="admin__select" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {(['month', 'quarter', 'year', 'custom'] as const).map((k) => (
                <option key={k} value={k}>
                  {t.reports.kinds[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {kind !== 'custom' && (
          <Field id="reports-year" label={t.reports.year}>
            {(p) => (
              <select {...p} className="admin__select" value={year} onChange={(e) => setYear(Number(e.target.value))}>
                {Array.from({ length: 10 }, (_, i) => today.getFullYear() - i).map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {(kind === 'month' || kind === 'quarter') && (
          <Field id="reports-index" label={kind === 'month' ? t.reports.month : t.reports.quarter}>
            {(p) => (
              <select {...p} className="admin__select" value={index} onChange={(e) => setIndex(Number(e.target.value))}>
                {Array.from({ length: kind === 'month' ? 12 : 4 }, (_, i) => i + 1).map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {kind === 'custom' && (
          <>
            <Field id="reports-from" label={t.reports.from} error={errors.from}>
              {(p) => <input {...p} type="date" className="admin__input" value={from} onChange={(e) => setFrom(e.target.value)} />}
            </Field>
            <Field id="reports-to" label={t.reports.to} error={errors.to}>
              {(p) => <input {...p} type="date" className="admin__input" value={to} onChange={(e) => setTo(e.target.value)} />}
            </Field>
          </>
        )}
        <Button type="primary" htmlType="submit" loading={loading}>
          {t.reports.query}
        </Button>
        <Button onClick={() => void exportExcel()} disabled={!summary}>
          {t.reports.exportExcel}
        </Button>
        <Button onClick={() => void print()} disabled={!summary}>
          {t.reports.printReport}
        </Button>
      </form>
      {failure && (
        <p role="alert" className="admin__error">
          {failure}
        </p>
      )}
      {loading && !summary && <p className="muted">{t.reports.loading}</p>}
      {summary && ind && (
        <>
          <p className="muted reports__meta">
            {periodLabel} · {t.reports.computedIn(summary.ms)}
          </p>
          <Region id="reports-core" title={t.reports.core}>
            <div className="reports__grid">
              <table className="admin__table reports__table">
                <caption className="visually-hidden">{t.reports.core}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.reports.indicator}</th>
                    <th scope="col">{t.reports.thisPeriod}</th>
                    <th scope="col">{t.reports.previous}</th>
                    <th scope="col">{t.reports.lastYear}</th>
                  </tr>
                </thead>
                <tbody>
                  {INDICATORS.map((d) => {
                    const v = val(ind, d.key);
                    const counter = DRILL_OF[d.key];
                    const label = lang === 'en' ? d.en : d.zh;
                    return (
                      <tr key={d.key}>
                        <th scope="row" title={lang === 'en' ? d.formula.en : d.formula.zh}>
                          {label}
                        </th>
                        <td>
                          {counter && typeof v === 'number' ? (
                            <NumberButton n={v} label={label} onOpen={() => setDrill({ title: label, counter, filter: {} })} />
                          ) : (
                            fmt(v, t, d.unit)
                          )}
                        </td>
                        <td>{fmt(val(summary.previous_indicators, d.key), t, d.unit)}</td>
                        <td>{fmt(val(summary.last_year_indicators, d.key), t, d.unit)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <div>
                <table className="admin__table reports__table">
                  <caption className="reports__caption">{t.reports.channels}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t.reports.channel}</th>
                      <th scope="col">{t.reports.received}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(ind.by_channel)
                      .filter(([, n]) => n > 0)
                      .map(([c, n]) => (
                        <tr key={c}>
                          <th scope="row">{(t.labels.channel as Record<string, string>)[c] ?? c}</th>
                          <td>
                            <NumberButton n={n} label={`${(t.labels.channel as Record<string, string>)[c] ?? c} ${t.reports.received}`} onOpen={() => setDrill({ title: `${(t.labels.channel as Record<string, string>)[c] ?? c}`, counter: 'received', filter: { channel: c } })} />
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
                <p className="muted">
                  {t.reports.mom} {fmtChange(summary.valid.mom_pct, t)} · {t.reports.yoy} {fmtChange(summary.valid.yoy_pct, t)}
                </p>
                <p className="muted">{t.reports.followUpNote}</p>
              </div>
            </div>
            {trendOption && (
              <Chart
                option={trendOption}
                label={t.reports.trendChart(periodLabel, summary.series.map((s) => `${s.label} ${s.received}/${s.last_year}`).join('，'))}
              />
            )}
          </Region>

          <Region id="reports-hot" title={t.reports.hot}>
            <div className="reports__grid">
              <table className="admin__table reports__table">
                <caption className="reports__caption">{t.reports.topCategories}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.reports.category}</th>
                    <th scope="col">{t.reports.thisPeriod}</th>
                    <th scope="col">{t.reports.mom}</th>
                    <th scope="col">{t.reports.yoy}</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.top_categories.map((c) => (
                    <tr key={c.key}>
                      <th scope="row">{name(c.key)}</th>
                      <td>
                        <NumberButton n={c.now} label={name(c.key)} onOpen={() => setDrill({ title: name(c.key), counter: 'valid', filter: { category: c.key } })} />
                      </td>
                      <td>{fmtChange(c.mom_pct, t)}</td>
                      <td>{fmtChange(c.yoy_pct, t)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {categoryOption && <Chart option={categoryOption} label={t.reports.categoryChart(summary.top_categories.map((c) => `${name(c.key)} ${c.now}`).join('，'))} height={300} />}
            </div>
            <div className="reports__grid">
              <table className="admin__table reports__table">
                <caption className="reports__caption">{t.reports.risers}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.reports.category}</th>
                    <th scope="col">{t.reports.thisPeriod}</th>
                    <th scope="col">{t.reports.previous}</th>
                    <th scope="col">{t.reports.growth}</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.risers.map((c) => (
                    <tr key={c.key}>
                      <th scope="row">{name(c.key)}</th>
                      <td>
                        <NumberButton n={c.now} label={`${name(c.key)} ${t.reports.risers}`} onOpen={() => setDrill({ title: name(c.key), counter: 'valid', filter: { category: c.key } })} />
                      </td>
                      <td>{c.previous}</td>
                      <td>+{c.growth}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <table className="admin__table reports__table">
                <caption className="reports__caption">{t.reports.hotspots}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.reports.street}</th>
                    <th scope="col">{t.reports.valid}</th>
                    <th scope="col">{t.reports.complaints}</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.hotspots.map((h) => (
                    <tr key={h.region}>
                      <th scope="row">{name(h.region)}</th>
                      <td>
                        <NumberButton n={h.valid} label={`${name(h.region)} ${t.reports.valid}`} onOpen={() => setDrill({ title: `${name(h.region)} ${t.reports.valid}`, counter: 'valid', filter: { street: h.region } })} />
                      </td>
                      <td>{h.complaints}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <table className="admin__table reports__table">
                <caption className="reports__caption">{t.reports.words}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.reports.word}</th>
                    <th scope="col">{t.reports.thisPeriod}</th>
                    <th scope="col">{t.reports.previous}</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.words.map((w) => (
                    <tr key={w.word}>
                      <th scope="row">{w.word}</th>
                      <td>{w.now}</td>
                      <td>{w.previous}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <table className="admin__table reports__table">
              <caption className="reports__caption">{t.reports.byRegion}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.reports.region}</th>
                  <th scope="col">{t.reports.received}</th>
                  <th scope="col">{t.reports.valid}</th>
                  <th scope="col">{t.reports.dispatched}</th>
                  <th scope="col">{t.reports.due}</th>
                  <th scope="col">{t.reports.onTimePct}</th>
                </tr>
              </thead>
              <tbody>
                {summary.by_region.map((r) => (
                  <tr key={r.key}>
                    <th scope="row">{name(r.key)}</th>
                    <td>{r.received}</td>
                    <td>
                      <NumberButton n={r.valid} label={`${name(r.key)} ${t.reports.valid}`} onOpen={() => setDrill({ title: `${name(r.key)} ${t.reports.valid}`, counter: 'valid', filter: { region: r.key } })} />
                    </td>
                    <td>
                      <NumberButton n={r.dispatched} label={`${name(r.key)} ${t.reports.dispatched}`} onOpen={() => setDrill({ title: `${name(r.key)} ${t.reports.dispatched}`, counter: 'dispatched', filter: { region: r.key } })} />
                    </td>
                    <td>{r.due}</td>
                    <td>{fmt(r.on_time_pct, t, 'pct')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {regionOption && <Chart option={regionOption} label={t.reports.regionChart(summary.by_region.map((r) => `${name(r.key)} ${r.valid}`).join('，'))} />}
          </Region>

          <Region id="reports-units" title={t.reports.units}>
            <table className="admin__table reports__table">
              <caption className="visually-hidden">{t.reports.units}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.reports.unit}</th>
                  {sortHeader('dispatched', t.reports.dispatched)}
                  {sortHeader('signed_on_time', t.reports.signedOnTime)}
                  {sortHeader('on_time', t.reports.onTime)}
                  {sortHeader('on_time_pct', t.reports.onTimePct)}
                  {sortHeader('overdue', t.reports.overdue)}
                  {sortHeader('returned', t.reports.returned)}
                  {sortHeader('rehandled', t.reports.rehandled)}
                  {sortHeader('satisfaction_pct', t.reports.satisfaction)}
                </tr>
              </thead>
              <tbody>
                {units.map((u) => {
                  const open = (counter: Counter, what: string) => () => setDrill({ title: `${u.name} ${what}`, counter, filter: { unit: u.unit } });
                  return (
                    <tr key={u.unit}>
                      <th scope="row">{u.name}</th>
                      <td><NumberButton n={u.dispatched} label={`${u.name} ${t.reports.dispatched}`} onOpen={open('dispatched', t.reports.dispatched)} /></td>
                      <td><NumberButton n={u.signed_on_time} label={`${u.name} ${t.reports.signedOnTime}`} onOpen={open('signed_on_time', t.reports.signedOnTime)} /></td>
                      <td><NumberButton n={u.on_time} label={`${u.name} ${t.reports.onTime}`} onOpen={open('on_time', t.reports.onTime)} /></td>
                      <td>{fmt(u.on_time_pct, t, 'pct')}</td>
                      <td><NumberButton n={u.overdue} label={`${u.name} ${t.reports.overdue}`} onOpen={open('overdue', t.reports.overdue)} /></td>
                      <td><NumberButton n={u.returned} label={`${u.name} ${t.reports.returned}`} onOpen={open('returned', t.reports.returned)} /></td>
                      <td><NumberButton n={u.rehandled} label={`${u.name} ${t.reports.rehandled}`} onOpen={open('rehandled', t.reports.rehandled)} /></td>
                      <td>{fmt(u.satisfaction_pct, t, 'pct')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Region>
          <PrintedReport summary={summary} />
        </>
      )}
      {drill && summary && <OrdersDialog drill={drill} period={summary.period} names={summary.names} onClose={() => setDrill(null)} />}
    </div>
  );
}

function download(base64: string, type: string, filename: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function OrdersDialog({ drill, period, names, onClose }: { drill: Drill; period: { from: string; to: string }; names: Record<string, string>; onClose: () => void }) {
  const t = useT();
  const [orders, setOrders] = useState<ReportOrders | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void backend.invoke('reports.orders', { ...period, counter: drill.counter, ...drill.filter, limit: 200 }).then((res) => {
      if (!live) return;
      if (!res.ok) return setFailure(res.error.message);
      if (!res.data.ok) return setFailure(res.data.message);
      setOrders(res.data.orders);
    });
    return () => {
      live = false;
    };
  }, [drill, period]);
  const title = t.reports.ordersTitle(drill.title, orders?.total ?? 0);
  return (
    <Modal open title={title} onCancel={onClose} width={960} footer={<Button onClick={onClose}>{t.reports.close}</Button>}>
      {failure && <p role="alert" className="admin__error">{failure}</p>}
      {!orders && !failure && <p className="muted">{t.reports.loading}</p>}
      {orders && (
        <>
          <p className="muted">{t.reports.ordersShown(orders.rows.length, orders.total)}</p>
          <div className="reports__orders">
            <table className="admin__table">
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.reports.officialNo}</th>
                  <th scope="col">{t.reports.createdAt}</th>
                  <th scope="col">{t.reports.category}</th>
                  <th scope="col">{t.reports.region}</th>
                  <th scope="col">{t.reports.unit}</th>
                  <th scope="col">{t.reports.state}</th>
                  <th scope="col">{t.reports.content}</th>
                </tr>
              </thead>
              <tbody>
                {orders.rows.map((o) => (
                  <tr key={o.id}>
                    <th scope="row">{o.official_no}</th>
                    <td>{formatDateTime(o.created_at)}</td>
                    <td>{names[o.category] ?? o.category}</td>
                    <td>{names[o.region] ?? o.region}</td>
                    <td>{o.unit || t.reports.none}</td>
                    <td>{o.state ?? t.reports.none}</td>
                    <td>{o.content}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Modal>
  );
}

/** The monthly report as a city publishes it: shown only when printing (打印月报). */
function PrintedReport({ summary }: { summary: ReportSummary }) {
  const t = useT();
  const i = summary.indicators;
  const p = `${summary.period.from} 至 ${summary.period.to}`;
  const name = (c: string) => summary.names[c] ?? c;
  return (
    <article className="report-print" aria-hidden="true">
      <h1>{t.reports.printTitle(t.reports.city, p)}</h1>
      <h2>{t.reports.printSections.one}</h2>
      <p>{t.reports.printIntro(p, i.received, i.valid_orders, i.dispatched, i.on_time_pct === null ? '—' : `${i.on_time_pct.toFixed(2)}%`)}</p>
      <table>
        <thead>
          <tr>
            <th>{t.reports.indicator}</th>
            <th>{t.reports.thisPeriod}</th>
            <th>{t.reports.mom}</th>
            <th>{t.reports.yoy}</th>
          </tr>
        </thead>
        <tbody>
          {INDICATORS.map((d) => {
            const v = (summary.indicators as unknown as Record<string, number | null>)[d.key] ?? null;
            return (
              <tr key={d.key}>
                <td>{d.zh}</td>
                <td>{fmt(v, t, d.unit)}</td>
                <td>{fmt((summary.previous_indicators as unknown as Record<string, number | null>)[d.key] ?? null, t, d.unit)}</td>
                <td>{fmt((summary.last_year_indicators as unknown as Record<string, number | null>)[d.key] ?? null, t, d.unit)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>{t.reports.printSections.two}</h2>
      <ol>
        {summary.top_categories.slice(0, 10).map((c) => (
          <li key={c.key}>
            {name(c.key)}：{c.now} 件，{t.reports.mom} {fmtChange(c.mom_pct, t)}，{t.reports.yoy} {fmtChange(c.yoy_pct, t)}
          </li>
        ))}
      </ol>
      <h2>{t.reports.printSections.three}</h2>
      <table>
        <thead>
          <tr>
            <th>{t.reports.unit}</th>
            <th>{t.reports.dispatched}</th>
            <th>{t.reports.due}</th>
            <th>{t.reports.onTimePct}</th>
            <th>{t.reports.overdue}</th>
            <th>{t.reports.returned}</th>
          </tr>
        </thead>
        <tbody>
          {summary.units.slice(0, 30).map((u) => (
            <tr key={u.unit}>
              <td>{u.name}</td>
              <td>{u.dispatched}</td>
              <td>{u.due}</td>
              <td>{fmt(u.on_time_pct, t, 'pct')}</td>
              <td>{u.overdue}</td>
              <td>{u.returned}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t.reports.printSections.four}</h2>
      <dl>
        {INDICATORS.map((d) => (
          <div key={d.key}>
            <dt>{d.zh}</dt>
            <dd>{d.formula.zh}</dd>
          </div>
        ))}
      </dl>
      <p className="report-print__footer">{t.reports.printFooter(new Date().toISOString().slice(0, 10))}</p>
    </article>
  );
}
