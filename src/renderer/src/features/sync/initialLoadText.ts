/** The words of a first sync's progress (InitialLoad.tsx shows them). */
import type { SyncStatus } from '../../../../shared/contract';
import type { Messages } from '../../i18n';

export type InitialLoad = NonNullable<SyncStatus['initialLoad']>;

export function durationText(t: Messages, ms: number): string {
  const total = Math.max(1, Math.round(ms / 1000));
  return t.sync.duration(Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60);
}

export function initialLoadText(t: Messages, lang: string, p: InitialLoad): string {
  const count = (n: number) => n.toLocaleString(lang);
  const percent = p.total > 0 ? Math.floor((p.loaded / p.total) * 100) : 0;
  const left = p.etaMs === null ? t.sync.estimating : t.sync.timeLeft(durationText(t, p.etaMs));
  return `${t.sync.initialLoad(count(p.loaded), count(p.total), percent)} · ${left}`;
}
