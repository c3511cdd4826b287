/**
 * Keeps 同步状态 and the session fresh while a central server is configured: every POLL_MS,
 * and 来电历史 is asked again whenever a sync succeeded, so an official number or another
 * workstation's call about this number shows up without retyping it.
 */
import { useEffect } from 'react';
import { useSession } from '../../state/session';
import { useHistory } from '../history/historyStore';
import { POLL_MS, useSync } from './syncStore';

export function useSyncPolling(): void {
  useEffect(() => {
    void useSync.getState().refresh();
    const timer = setInterval(() => {
      // standalone: nothing to sync and nobody signs in or out by themselves
      if (useSync.getState().status?.enabled === false) return;
      void useSync.getState().refresh();
      if (useSession.getState().session?.loginRequired) void useSession.getState().load();
    }, POLL_MS);
    const unsubscribe = useSync.subscribe((now, before) => {
      const at = now.status?.lastSuccessAt ?? null;
      if (at !== null && at !== (before.status?.lastSuccessAt ?? null)) useHistory.getState().refresh();
    });
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, []);
}
