/**
 * 由管理员锁定: beside a setting that IT's policy file sets. A lock icon (decorative) and the
 * words, always visible; the setting's control points at it with aria-describedby, so a screen
 * reader says why the control does not change.
 */
import { useT } from '../i18n';

export function LockedNote({ id }: { id: string }) {
  const t = useT();
  return (
    <span id={id} className="locked-note" title={t.app.lockedHint} data-testid="locked-note">
      <svg aria-hidden="true" focusable="false" width="12" height="12" viewBox="0 0 16 16" className="locked-note__icon">
        <path
          fill="currentColor"
          d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 6V4.5a2 2 0 1 1 4 0V7H6Z"
        />
      </svg>
      {t.app.locked}
    </span>
  );
}
