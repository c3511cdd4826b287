/**
 * A first sync in progress (SyncStatus.initialLoad): its progress in 同步状态, and a note in
 * 来电历史 that the centre's history is still arriving, so an operator does not take a short
 * history for the whole one.
 */
import type { SyncStatus } from '../../../../shared/contract';
import { useLang, useT } from '../../i18n';
import { initialLoadText } from './initialLoadText';
import { useSync } from './syncStore';

type InitialLoad = NonNullable<SyncStatus['initialLoad']>;

/** In 同步状态: a progressbar whose text says cases loaded of the total and the time left. */
export function InitialLoadProgress({ progress }: { progress: InitialLoad }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const text = initialLoadText(t, lang, progress);
  return (
    <span
      className="sync__item sync__progress"
      role="progressbar"
      aria-label={t.sync.initialLoadLabel}
      aria-valuemin={0}
      aria-valuemax={progress.total}
      aria-valuenow={progress.loaded}
      aria-valuetext={text}
    >
      <span className="sync__progress-bar" aria-hidden="true">
        <span style={{ width: `${progress.total > 0 ? Math.min(100, (progress.loaded / progress.total) * 100) : 0}%` }} />
      </span>
      {text}
    </span>
  );
}

/** In 来电历史, while a first sync runs. */
export function HistoryArrivingNotice() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const progress = useSync((s) => s.status?.initialLoad ?? null);
  if (!progress) return null;
  return (
    <p className="history__note history__note--arriving" role="status">
      {t.history.stillArriving(progress.loaded.toLocaleString(lang), progress.total.toLocaleString(lang))}
    </p>
  );
}
