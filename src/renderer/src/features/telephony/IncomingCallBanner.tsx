/**
 * 来电提醒: a call that rang while the operator was typing waits here instead of touching the
 * form. 接听 (F2, from anywhere outside a dialog) takes it; see callStore.ts for what happens to
 * the draft. Also where main's telephony events are received: the banner is always mounted with
 * the workstation.
 */
import { Button } from 'antd';
import { useEffect } from 'react';
import { formatPhone } from '../../../../shared/phone';
import { backend } from '../../api/backend';
import { useT } from '../../i18n';
import { isComposing, isInDialog } from '../../ui/focus';
import { showScreen } from '../../state/nav';
import { useCall } from './callStore';

export function IncomingCallBanner() {
  const t = useT();
  const waiting = useCall((s) => s.waiting);
  const accept = useCall((s) => s.accept);

  useEffect(() => backend.on('telephony', (push) => useCall.getState().receive(push)), []);

  useEffect(() => {
    if (!waiting) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'F2' || e.ctrlKey || e.altKey || e.metaKey || e.shiftKey || isComposing(e) || isInDialog(e.target)) return;
      e.preventDefault();
      e.stopPropagation();
      // taken from 工单 too: the call is logged on 受理登记
      showScreen('intake');
      useCall.getState().accept();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [waiting]);

  const call = waiting?.call;
  const history = waiting?.history;
  return (
    // the live wrapper exists before the banner does, so screen readers announce the call
    <div aria-live="polite" className="call-banner-slot">
      {call && (
        <section role="region" aria-label={t.call.banner} className="call-banner" title={t.call.hint}>
          <span className="call-banner__title">{t.call.incoming(formatPhone(call.callerNumber))}</span>
          <span className="call-banner__who">
            {history?.known ? t.call.known(history.callerName ?? '', history.totalCalls) : t.call.unknown}
          </span>
          {call.endAt !== null ? (
            <span className="call-banner__state">{t.call.ended}</span>
          ) : (
            call.answerAt !== null && <span className="call-banner__state">{t.call.answered}</span>
          )}
          {/* named by its text alone (the key is aria-hidden): the name 接听 is part of what is seen */}
          <Button type="primary" size="small" aria-keyshortcuts={t.call.acceptKey} onClick={accept}>
            {t.call.accept} <kbd aria-hidden="true">{t.call.acceptKey}</kbd>
          </Button>
        </section>
      )}
    </div>
  );
}
