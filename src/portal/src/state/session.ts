/**
 * Who is signed in, and the one client every screen uses. 'restoring' while a reloaded tab
 * renews its access token from sessionStorage (see api/client.ts for the token choices).
 */
import { create } from 'zustand';
import type { Account } from '../../../shared/sync';
import { PortalClient } from '../api/client';

export const client = new PortalClient({ store: window.sessionStorage });

interface SessionState {
  status: 'restoring' | 'signed_out' | 'signed_in';
  account: Account | null;
  /** the session ended on its own (refresh refused), not by 退出登录 */
  ended: boolean;
  restore: () => Promise<void>;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

export const useSession = create<SessionState>((set) => ({
  status: client.hasRefreshToken() ? 'restoring' : 'signed_out',
  account: null,
  ended: false,
  restore: async () => {
    try {
      const account = await client.restore();
      set(account ? { status: 'signed_in', account, ended: false } : { status: 'signed_out', account: null });
    } catch {
      // the server cannot be reached: sign in again once it can
      set({ status: 'signed_out', account: null });
    }
  },
  signIn: async (username, password) => {
    const account = await client.login(username, password);
    set({ status: 'signed_in', account, ended: false });
  },
  signOut: async () => {
    await client.logout();
    set({ status: 'signed_out', account: null, ended: false });
  },
}));

client.onSignedOut = () => useSession.setState({ status: 'signed_out', account: null, ended: true });
