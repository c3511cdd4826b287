/**
 * 同步状态 as main's sync job reports it: polled every couple of seconds while a central server
 * is configured, right after a save, and answered at once by 立即同步 (F5). The job itself runs
 * in main and never waits for the screen; this store only reads its state.
 */
import { create } from 'zustand';
import { backend } from '../../api/backend';
import type { SyncStatus } from '../../../../shared/contract';

interface SyncState {
  status: SyncStatus | null;
  /** the last poll got no answer from main */
  unavailable: boolean;
  /** 立即同步 is running */
  syncing: boolean;
  refresh: () => Promise<void>;
  syncNow: () => Promise<void>;
}

let inFlight: Promise<void> | null = null;

export const useSync = create<SyncState>((set, get) => ({
  status: null,
  unavailable: false,
  syncing: false,
  refresh: () => {
    // a slow answer must not pile polls up behind it
    inFlight ??= backend.invoke('sync.status', {}).then((res) => {
      inFlight = null;
      if (res.ok) set({ status: res.data, unavailable: false });
      else set({ unavailable: true });
    });
    return inFlight;
  },
  syncNow: async () => {
    if (get().syncing || get().status?.enabled === false) return;
    set({ syncing: true });
    const res = await backend.invoke('sync.now', {});
    set(res.ok ? { status: res.data, unavailable: false, syncing: false } : { unavailable: true, syncing: false });
  },
}));

/** Poll period while a server is configured; standalone workstations have nothing to poll. */
export const POLL_MS = 2_000;
