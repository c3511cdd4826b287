/**
 * Who is signed in (登录状态), as main reports it. In standalone mode (no central server)
 * nobody signs in and the configured operator logs the cases; with a server the workstation
 * shows the login screen until someone signs in, and again when a session ends by itself.
 */
import { create } from 'zustand';
import { backend } from '../api/backend';
import type { SessionState } from '../../../shared/contract';

interface SessionStore {
  state: 'loading' | 'ready' | 'failed';
  session: SessionState | null;
  /** asks main again; a failure keeps the last known session (polling must not sign anyone out) */
  load: () => Promise<void>;
  apply: (session: SessionState) => void;
  logout: () => Promise<boolean>;
}

export const useSession = create<SessionStore>((set, get) => ({
  state: 'loading',
  session: null,
  load: async () => {
    const res = await backend.invoke('auth.session', {});
    if (res.ok) set({ state: 'ready', session: res.data });
    else if (get().session === null) set({ state: 'failed' });
  },
  apply: (session) => set({ state: 'ready', session }),
  logout: async () => {
    const res = await backend.invoke('auth.logout', {});
    if (!res.ok) return false;
    set({ state: 'ready', session: res.data });
    return true;
  },
}));

/** The login screen is due: a server is configured and nobody is signed in. */
export const needsLogin = (s: SessionState | null): boolean => s !== null && s.loginRequired && s.user === null;
