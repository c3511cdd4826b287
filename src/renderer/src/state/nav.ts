/**
 * Which screen of the workstation is shown: 受理登记 (the intake form) or 工单 (the centre's
 * work-order screens). Both stay mounted; the hidden one keeps its state, so switching never
 * loses the intake draft or a half-filled dialog.
 */
import { create } from 'zustand';

export type Screen = 'intake' | 'orders' | 'follow_up' | 'leader' | 'reports' | 'admin';

interface NavState {
  screen: Screen;
  show: (screen: Screen) => void;
}

export const useNav = create<NavState>((set) => ({
  screen: 'intake',
  show: (screen) => set({ screen }),
}));

/** Runs `then` after the screen switch has rendered (the element to focus is visible). */
export function showScreen(screen: Screen, then?: () => void): void {
  const already = useNav.getState().screen === screen;
  useNav.getState().show(screen);
  if (!then) return;
  if (already) then();
  else requestAnimationFrame(() => then());
}
