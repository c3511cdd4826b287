import { useT } from '../i18n';
import { useStatus } from '../state/status';

/** role="status": screen readers announce the saved case number without moving focus. */
export function StatusLine() {
  const t = useT();
  const { tone, message } = useStatus();
  return (
    <div role="status" aria-live="polite" className={`status-line status-line--${tone}`}>
      {message ? message(t) : ''}
    </div>
  );
}
