/**
 * What the 工单 screens share: the units directory (units.list, which also says whether this
 * account may dispatch), the dialog open on one order, and a tick that makes every queue ask
 * again after an action or a sync.
 */
import { create } from 'zustand';
import { backend } from '../../api/backend';
import type { DeskOrderSummary, DeskUnits } from '../../../../shared/desk-orders';

export type OrderDialog =
  | { kind: 'dispatch'; order: DeskOrderSummary }
  | { kind: 'review'; order: DeskOrderSummary }
  | { kind: 'extension'; order: DeskOrderSummary }
  | { kind: 'drill'; unitCode: string; unitName: string; status: 'due_soon' | 'overdue' };

interface OrdersState {
  units: DeskUnits | null;
  loadUnits: () => Promise<void>;
  dialog: OrderDialog | null;
  open: (dialog: OrderDialog) => void;
  close: () => void;
  tick: number;
  changed: () => void;
}

export const useOrders = create<OrdersState>((set) => ({
  units: null,
  loadUnits: async () => {
    const res = await backend.invoke('units.list', {});
    if (res.ok) set({ units: res.data });
  },
  dialog: null,
  open: (dialog) => set({ dialog }),
  close: () => set({ dialog: null }),
  tick: 0,
  changed: () => set((s) => ({ tick: s.tick + 1 })),
}));
