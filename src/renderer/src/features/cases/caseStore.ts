/** Which case is open in the detail dialog; opened from 来电历史 and from search results. */
import { create } from 'zustand';

interface CaseState {
  openId: number | null;
  open: (id: number) => void;
  close: () => void;
}

export const useOpenCase = create<CaseState>((set) => ({
  openId: null,
  open: (id) => set({ openId: id }),
  close: () => set({ openId: null }),
}));
