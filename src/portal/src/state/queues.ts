/**
 * The unit's two queues, 待签收 and 办理中, reloaded every 30 s (usePolling) and after each
 * action. A failed reload keeps the rows shown and says why.
 */
import { create } from 'zustand';
import type { OrderSummary } from '../../../shared/portal';
import { client } from './session';

export const UNIT_QUEUES = ['pending_sign', 'in_progress'] as const;
export type UnitQueue = (typeof UNIT_QUEUES)[number];
export const POLL_MS = 30_000;

interface QueuesState {
  rows: Record<UnitQueue, OrderSummary[]>;
  more: Record<UnitQueue, boolean>;
  loaded: boolean;
  updatedAt: number | null;
  error: unknown;
  load: () => Promise<void>;
  /** on sign-out: nothing of one account stays for the next one in this tab */
  reset: () => void;
}

const EMPTY = {
  rows: { pending_sign: [], in_progress: [] },
  more: { pending_sign: false, in_progress: false },
  loaded: false,
  updatedAt: null,
  error: null,
};

export const useQueues = create<QueuesState>((set) => ({
  ...EMPTY,
  reset: () => set(EMPTY),
  load: async () => {
    try {
      const [sign, progress] = await Promise.all(UNIT_QUEUES.map((q) => client.queue(q)));
      set({
        rows: { pending_sign: sign!.orders, in_progress: progress!.orders },
        more: { pending_sign: sign!.more, in_progress: progress!.more },
        loaded: true,
        updatedAt: Date.now(),
        error: null,
      });
    } catch (error) {
      set({ error, loaded: true });
    }
  },
}));
