/**
 * Reference data loaded once at start: the category tree, the region list (as picker options)
 * and who and where we are (app.info).
 */
import { create } from 'zustand';
import { backend } from '../api/backend';
import type { MethodOutput } from '../../../shared/contract';
import { flattenTaxonomy, type PickOption } from '../ui/pickOptions';

type AppInfo = MethodOutput<'app.info'>;

interface ReferenceState {
  state: 'loading' | 'ready' | 'failed';
  categories: PickOption[];
  regions: PickOption[];
  info: AppInfo | null;
  load: () => Promise<void>;
}

export const useReference = create<ReferenceState>((set) => ({
  state: 'loading',
  categories: [],
  regions: [],
  info: null,
  load: async () => {
    set({ state: 'loading' });
    const [taxonomy, info] = await Promise.all([backend.invoke('taxonomy.get', {}), backend.invoke('app.info', {})]);
    if (!taxonomy.ok) {
      set({ state: 'failed' });
      return;
    }
    set({
      state: 'ready',
      categories: flattenTaxonomy(taxonomy.data.categories, 'leaves'),
      regions: flattenTaxonomy(taxonomy.data.regions, 'all'),
      info: info.ok ? info.data : null,
    });
  },
}));
