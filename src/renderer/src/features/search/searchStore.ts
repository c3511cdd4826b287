/**
 * 搜索: one query at a time; a newer query's answer replaces an older one, never the reverse.
 * What the operator reads is always a result list or a plain message, never an error's text.
 */
import { create } from 'zustand';
import { backend } from '../../api/backend';
import type { CaseSummary } from '../../../../shared/schemas';
import type { Messages } from '../../i18n';

/** the contract's bound on the query; longer input is refused here with a plain message */
const MAX_QUERY = 20_000;

export type SearchView =
  | { state: 'loading' }
  | { state: 'results'; results: CaseSummary[]; note: ((t: Messages) => string) | null }
  | { state: 'message'; message: (t: Messages) => string };

interface SearchState {
  open: boolean;
  query: string;
  view: SearchView;
  run: (query: string) => void;
  close: () => void;
}

const MESSAGE_BY_KEY: Record<string, (t: Messages) => string> = {
  'search.empty': (t) => t.search.empty,
  'search.tooShort': (t) => t.search.tooShort,
  'search.noResults': (t) => t.search.noResults,
  'search.tooLong': (t) => t.search.tooLong,
  'search.queryTruncated': (t) => t.search.queryTruncated,
};

let latest = 0;

export const useSearch = create<SearchState>((set) => ({
  open: false,
  query: '',
  view: { state: 'loading' },
  close: () => set({ open: false }),
  run: (query) => {
    const request = ++latest;
    const done = (view: SearchView) => {
      if (request === latest) set({ view });
    };
    set({ open: true, query, view: { state: 'loading' } });
    if (query.trim() === '') return done({ state: 'message', message: (t) => t.search.empty });
    if (query.length > MAX_QUERY) return done({ state: 'message', message: (t) => t.search.tooLong });
    void backend.invoke('search.query', { q: query, limit: 50 }).then((res) => {
      if (!res.ok) {
        done({ state: 'message', message: (t) => (res.error.code === 'invalid_input' ? t.search.tooLong : t.search.failed) });
        return;
      }
      const { kind, results, message } = res.data;
      const fromKey = message ? MESSAGE_BY_KEY[message] : undefined;
      if (results.length > 0) return done({ state: 'results', results, note: fromKey ?? null });
      if (fromKey) return done({ state: 'message', message: fromKey });
      if (kind === 'empty') return done({ state: 'message', message: (t) => t.search.empty });
      if (kind === 'too_short') return done({ state: 'message', message: (t) => t.search.tooShort });
      done({ state: 'message', message: (t) => t.search.noResults });
    });
  },
}));
