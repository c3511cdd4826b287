/**
 * 来电历史 follows the number as it is typed. Every change asks the store at once (no debounce:
 * the lookup is an index seek and the target is < 50 ms from the last digit to the panel), and
 * only the answer to the newest request is shown, whatever order the answers arrive in.
 */
import { create } from 'zustand';
import { backend } from '../../api/backend';
import type { CallerHistory } from '../../../../shared/schemas';

export type HistoryView =
  | { state: 'idle' }
  | { state: 'ready'; text: string; history: CallerHistory }
  | { state: 'failed'; text: string };

interface HistoryState {
  view: HistoryView;
  lookup: (text: string) => void;
  /** asks again for the number shown (a sync may have brought official numbers or new calls) */
  refresh: () => void;
  /** shows a history main already looked up (screen pop): newer than any lookup in flight */
  show: (text: string, history: CallerHistory) => void;
}

/** the contract's limit on caller.history input; longer text cannot be a number anyway */
const MAX_PHONE_TEXT = 64;
let latest = 0;

export const useHistory = create<HistoryState>((set, get) => ({
  view: { state: 'idle' },
  show: (text, history) => {
    ++latest;
    set({ view: { state: 'ready', text, history } });
  },
  refresh: () => {
    const view = get().view;
    if (view.state !== 'idle') get().lookup(view.text);
  },
  lookup: (text) => {
    const request = ++latest;
    if (text.trim() === '') {
      set({ view: { state: 'idle' } });
      return;
    }
    void backend.invoke('caller.history', { phone: text.slice(0, MAX_PHONE_TEXT) }).then((res) => {
      if (request !== latest) return;
      set({ view: res.ok ? { state: 'ready', text, history: res.data } : { state: 'failed', text } });
    });
  },
}));
