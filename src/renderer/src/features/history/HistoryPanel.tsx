/**
 * 来电历史: how often this number called, what is still open, how recent cases ended.
 *
 * For the e2e latency measurement the region carries data-phone (the normalised number the
 * shown history belongs to) and data-rendered-at (performance.now() when that history reached
 * the DOM). They are written in a layout effect, i.e. after React committed the rows, so a test
 * can time "last keystroke → panel rendered" inside the page without a round trip.
 */
import { Tag } from 'antd';
import { useLayoutEffect, useRef } from 'react';
import { formatPhone, normalizePhone } from '../../../../shared/phone';
import type { CallerHistory } from '../../../../shared/schemas';
import { useT } from '../../i18n';
import { tagTextStyle } from '../../ui/tagColours';
import { IDS, moveAmongRows } from '../../ui/focus';
import { CaseRow } from '../cases/CaseRow';
import { useOpenCase } from '../cases/caseStore';
import { HistoryArrivingNotice } from '../sync/InitialLoad';
import { useHistory, type HistoryView } from './historyStore';
import { CallerMeetings } from '../leader/CallerMeetings';

export function HistoryPanel() {
  const t = useT();
  const view = useHistory((s) => s.view);
  const regionRef = useRef<HTMLElement>(null);

  useLayoutEffect(() => {
    const el = regionRef.current;
    if (!el) return;
    el.dataset.phone = view.state === 'ready' ? (view.history.phone ?? '') : '';
    el.dataset.renderedAt = String(performance.now());
  }, [view]);

  return (
    <section
      ref={regionRef}
      id={IDS.history}
      role="region"
      aria-label={t.history.title}
      className="history"
      tabIndex={-1}
      onKeyDown={moveAmongRows}
    >
      <h2 className="panel-title">{t.history.title}</h2>
      <HistoryArrivingNotice />
      <HistoryBody view={view} />
    </section>
  );
}

function HistoryBody({ view }: { view: HistoryView }) {
  const t = useT();
  if (view.state === 'idle') return <p className="history__note">{t.history.empty}</p>;
  if (view.state === 'failed') return <p className="history__note history__note--error">{t.history.failed}</p>;
  const h = view.history;
  if (h.phone === null) {
    const parsed = normalizePhone(view.text);
    // letters or too many digits will not become a number by typing on
    const hopeless = !parsed.ok && (parsed.reason === 'invalid_chars' || parsed.reason === 'too_long');
    return <p className="history__note">{hopeless ? t.history.notAPhone : t.history.incomplete}</p>;
  }
  if (!h.known) {
    return (
      <>
        <CallerLine history={h} />
        <p className="history__note history__note--new">{t.history.unknown}</p>
      </>
    );
  }
  return <KnownCaller history={h} />;
}

function CallerLine({ history }: { history: CallerHistory }) {
  const t = useT();
  return (
    <div className="history__caller">
      <span className="history__phone">{formatPhone(history.phone ?? '')}</span>
      {history.callerName && <span className="history__name">{history.callerName}</span>}
      {history.labels.map((label) => (
        <Tag key={label} color="gold" style={tagTextStyle('gold')}>
          {t.labels.callerLabel[label] ?? label}
        </Tag>
      ))}
    </div>
  );
}

function KnownCaller({ history }: { history: CallerHistory }) {
  const t = useT();
  const openCase = useOpenCase((s) => s.open);
  const openIds = new Set(history.openCases.map((c) => c.id));
  const recent = history.recentCases.filter((c) => !openIds.has(c.id));
  return (
    <>
      <CallerLine history={history} />
      <p className="history__totals">{t.history.totals(history.totalCalls, history.callsLast30Days)}</p>
      <h3 className="history__section">{t.history.open(history.openCases.length)}</h3>
      {history.openCases.length === 0 ? (
        <p className="history__note">{t.history.noOpen}</p>
      ) : (
        <ul className="case-list" aria-label={t.history.open(history.openCases.length)}>
          {history.openCases.map((c) => (
            <li key={c.id}>
              <CaseRow item={c} onOpen={openCase} />
            </li>
          ))}
        </ul>
      )}
      {recent.length > 0 && (
        <>
          <h3 className="history__section">{t.history.recent}</h3>
          <ul className="case-list" aria-label={t.history.recent}>
            {recent.map((c) => (
              <li key={c.id}>
                <CaseRow item={c} onOpen={openCase} />
              </li>
            ))}
          </ul>
        </>
      )}
      <CallerMeetings phone={history.phone} />
    </>
  );
}
