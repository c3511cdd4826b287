/**
 * The region named 同步状态 at the foot of the screen: online or offline, changes waiting to go
 * to the centre, the last successful sync, the last error in plain words, 立即同步 (F5) and,
 * when the server refused something, the way into 同步异常. Standalone workstations say so.
 */
import { Badge, Button } from 'antd';
import type { SyncStatus } from '../../../../shared/contract';
import { formatTimeSeconds, useT, type Messages } from '../../i18n';
import { InitialLoadProgress } from './InitialLoad';
import { useRejections } from './RejectionsDialog';
import { useSync } from './syncStore';
import { UpdateNotice } from './UpdateNotice';

export function errorText(t: Messages, error: NonNullable<SyncStatus['lastError']>): string {
  return t.sync.errors[error.code] ?? t.sync.otherError(error.code);
}

export function SyncStatusBar() {
  const t = useT();
  const { status, unavailable } = useSync();
  return (
    <footer className="statusbar">
      <section role="region" aria-label={t.sync.region} className="sync">
        {status === null ? (
          <span className="sync__item">{unavailable ? t.sync.unavailable : t.sync.connecting}</span>
        ) : status.enabled ? (
          <Connected status={status} />
        ) : (
          <span className="sync__item sync__item--muted">{t.sync.standalone}</span>
        )}
      </section>
    </footer>
  );
}

function Connected({ status }: { status: SyncStatus }) {
  const t = useT();
  const syncing = useSync((s) => s.syncing) || status.state === 'syncing';
  const syncNow = useSync((s) => s.syncNow);
  const unavailable = useSync((s) => s.unavailable);
  const openRejections = useRejections((s) => s.setOpen);
  const connection = status.online === null ? 'unknown' : status.online ? 'online' : 'offline';
  const connectionText = { unknown: t.sync.connecting, online: t.sync.online, offline: t.sync.offline }[connection];
  const error = status.lastError;
  return (
    <>
      {/* only the connection is live: times and counts change too often to be read out */}
      <span className={`sync__item sync__conn sync__conn--${connection}`} aria-live="polite">
        <span className="sync__dot" aria-hidden="true" />
        {connectionText}
      </span>
      <span className={`sync__item${status.pending > 0 ? ' sync__item--pending' : ''}`}>{t.sync.pending(status.pending)}</span>
      <span className="sync__item">{status.lastSuccessAt ? t.sync.lastSuccess(formatTimeSeconds(status.lastSuccessAt)) : t.sync.never}</span>
      {syncing && !status.initialLoad && <span className="sync__item sync__item--muted">{t.sync.syncing}</span>}
      {status.initialLoad && <InitialLoadProgress progress={status.initialLoad} />}
      {unavailable && <span className="sync__item sync__item--error">{t.sync.unavailable}</span>}
      <UpdateNotice syncState={status.state} />
      {error && (
        // the server's own words stay at hand for IT in the tooltip
        <span className="sync__item sync__item--error sync__error" title={error.message}>
          {errorText(t, error)}
          {status.state === 'retrying' && status.nextAttemptAt && ` · ${t.sync.nextAttempt(formatTimeSeconds(status.nextAttemptAt))}`}
        </span>
      )}
      <span className="sync__actions">
        {status.rejections > 0 && (
          <Badge count={status.unseenRejections} size="small" title={t.sync.rejectionsNew(status.unseenRejections)}>
            <Button size="small" danger onClick={() => openRejections(true)}>
              {t.sync.rejections(status.rejections)}
            </Button>
          </Badge>
        )}
        {/* no loading spinner: its icon would change the button's accessible name mid-sync */}
        <Button size="small" onClick={() => void syncNow()}>
          {t.sync.syncNow}
        </Button>
      </span>
    </>
  );
}
