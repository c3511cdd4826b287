/**
 * The one status line (a role="status" live region): case saved, draft restored, errors. It
 * stores a function of the dictionary so that switching language re-renders the message.
 */
import { create } from 'zustand';
import type { Messages } from '../i18n';

export type Tone = 'success' | 'info' | 'error';

interface StatusState {
  tone: Tone;
  message: ((t: Messages) => string) | null;
  show: (tone: Tone, message: (t: Messages) => string) => void;
  clear: () => void;
}

export const useStatus = create<StatusState>((set) => ({
  tone: 'info',
  message: null,
  show: (tone, message) => set({ tone, message }),
  clear: () => set({ message: null }),
}));
