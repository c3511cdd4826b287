/**
 * 软件更新 in the status bar: an update being downloaded, or ready and waiting for a quiet moment
 * (no call open, no intake being typed). Shown only where IT configured an update server; when the
 * server refused this version (update_required), it tells the operator the update is coming
 * instead of leaving only "call IT".
 */
import { useEffect, useState } from 'react';
import type { SyncStatus, UpdateStatus } from '../../../../shared/contract';
import { backend } from '../../api/backend';
import { useT } from '../../i18n';

const POLL_MS = 60_000;

export function UpdateNotice({ syncState }: { syncState: SyncStatus['state'] }) {
  const t = useT();
  const [update, setUpdate] = useState<UpdateStatus | null>(null);
  useEffect(() => {
    let alive = true;
    const poll = () =>
      void backend.invoke('app.update', {}).then((res) => {
        if (alive && res.ok) setUpdate(res.data);
      });
    poll();
    const timer = window.setInterval(poll, POLL_MS);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
    // a sync refused with update_required asks main to look for the update at once
  }, [syncState]);

  if (!update?.configured) return null;
  const v = update.version ?? '';
  let text: string | null = null;
  if (update.state === 'downloading') text = t.sync.update.downloading(v, update.percent);
  else if (update.state === 'downloaded') text = t.sync.update.ready(v);
  else if (update.state === 'installing') text = t.sync.update.installing(v);
  else if (syncState === 'update_required') text = t.sync.update.required;
  return text === null ? null : <span className="sync__item sync__item--muted">{text}</span>;
}
