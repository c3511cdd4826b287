/** Element ids that shortcuts jump to, and the one way to move focus there. */
export const IDS = {
  phone: 'intake-phone',
  search: 'global-search',
  history: 'caller-history',
} as const;

export function focusById(id: string): void {
  document.getElementById(id)?.focus();
}

/** Keys pressed while an IME composes Chinese text belong to the IME, never to a shortcut. */
export function isComposing(e: KeyboardEvent): boolean {
  return e.isComposing || e.keyCode === 229;
}

/** True when the key event happens inside a dialog or drawer, which handles its own keys. */
export function isInDialog(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('[role="dialog"], .ant-drawer') !== null;
}

/** ↑/↓ move between the case rows of a list (Tab still leaves the list). */
export function moveAmongRows(e: { key: string; preventDefault: () => void; currentTarget: Element }): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const rows = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('.case-row'));
  if (rows.length === 0) return;
  e.preventDefault();
  const at = rows.indexOf(document.activeElement as HTMLElement);
  const next = e.key === 'ArrowDown' ? Math.min(at + 1, rows.length - 1) : Math.max(at - 1, 0);
  rows[next]?.focus();
}

const TABBABLE = 'input, select, textarea, button, a[href], [tabindex]';

/**
 * Moves focus to the next (or previous) element in tab order, as Tab would. Needed where a
 * control consumes Tab itself: antd's Select picks the active option on Tab and keeps focus,
 * but an operator who typed "wy" and pressed Tab expects 物业管理 picked AND the next field.
 * Radio groups count once (their checked radio, or the first/last one when none is checked).
 */
export function focusNextTabbable(from: Element, backwards: boolean): void {
  const all = Array.from(document.querySelectorAll<HTMLElement>(TABBABLE)).filter((el) => {
    if (el.tabIndex < 0 || (el as HTMLInputElement).disabled) return false;
    if (el.closest('[aria-hidden="true"], [inert]')) return false;
    return el.getClientRects().length > 0;
  });
  const candidates = all.filter((el) => {
    if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || !el.name) return true;
    const group = all.filter((o) => o instanceof HTMLInputElement && o.type === 'radio' && o.name === el.name) as HTMLInputElement[];
    const checked = group.find((r) => r.checked);
    if (checked) return el === checked;
    return el === (backwards ? group[group.length - 1] : group[0]);
  });
  const here = candidates.findIndex((el) => el === from || el.contains(from));
  const next = candidates[here + (backwards ? -1 : 1)];
  next?.focus();
}
