/**
 * The centre's category tree and region list, loaded once per sign-in (GET /api/taxonomy), so
 * an order reads 城乡建设 › 市政设施 and 任城区 › 古槐街道 instead of C0102 and 370811001. While
 * it loads, or if it cannot, the code itself is shown: the page never waits on it.
 */
import { create } from 'zustand';
import { namePaths } from '../../../shared/taxonomy';
import { client } from './session';

interface TaxonomyState {
  categories: Map<string, string[]>;
  regions: Map<string, string[]>;
  loaded: boolean;
  load: () => Promise<void>;
}

export const useTaxonomy = create<TaxonomyState>((set, get) => ({
  categories: new Map(),
  regions: new Map(),
  loaded: false,
  load: async () => {
    if (get().loaded) return;
    try {
      const t = await client.taxonomy();
      set({ categories: namePaths(t.categories), regions: namePaths(t.regions), loaded: true });
    } catch {
      // codes stay shown; the next order opened tries again
    }
  },
}));

/** "城乡建设 › 市政设施", or the code when it is unknown (or not loaded yet), or '' for none */
export function pathName(map: Map<string, string[]>, code: string): string {
  if (code === '') return '';
  return map.get(code)?.join(' › ') ?? code;
}
