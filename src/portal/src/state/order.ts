/** The order open on the right: its case, snapshot, history and the actions the server allows now. */
import { create } from 'zustand';
import type { OrderDetailResponse } from '../../../shared/portal';
import { client } from './session';

interface OrderState {
  id: string | null;
  detail: OrderDetailResponse | null;
  loading: boolean;
  error: unknown;
  /** loads `id`; resolves with the error (null when loaded) so callers can react to order_not_found */
  load: (id: string) => Promise<unknown>;
  clear: () => void;
}

export const useOrder = create<OrderState>((set, get) => ({
  id: null,
  detail: null,
  loading: false,
  error: null,
  load: async (id) => {
    // a different order: never show the previous one's buttons meanwhile
    if (get().id !== id) set({ id, detail: null, error: null });
    set({ loading: true });
    try {
      const detail = await client.order(id);
      if (get().id === id) set({ detail, loading: false, error: null });
      return null;
    } catch (error) {
      // a failed reload keeps the order shown (a network blip); only a vanished order goes
      const gone = typeof error === 'object' && error !== null && 'status' in error && (error.status === 404 || error.status === 403);
      if (get().id === id) set((s) => ({ loading: false, error, detail: gone ? null : s.detail }));
      return error;
    }
  },
  clear: () => set({ id: null, detail: null, loading: false, error: null }),
}));
