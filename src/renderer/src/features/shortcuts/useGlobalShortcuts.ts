/**
 * Shortcuts that work from anywhere: F1 help, Ctrl+K / F3 search (previous query selected), Alt+H history, Alt+N back to
 * the number, F5 立即同步. Intake's own keys (Ctrl+Enter, Esc) live with the form. Capture
 * phase, so a focused control cannot swallow them; the browser's own meaning of F1/F3/F5/Ctrl+K
 * is suppressed (F5 "reload" in the harness would only cost the operator a few seconds).
 */
import { useEffect } from 'react';
import { IDS, focusById, isComposing } from '../../ui/focus';
import { useSync } from '../sync/syncStore';
import { useHelp } from './HelpDialog';

/** 搜索 with the previous query selected, so what is typed next replaces it (→ or End keeps it). */
function focusSearch(): void {
  const field = document.getElementById(IDS.search);
  field?.focus();
  if (field instanceof HTMLInputElement) field.select();
}

function focusHistory(): void {
  const region = document.getElementById(IDS.history);
  const firstCase = region?.querySelector<HTMLElement>('.case-row');
  (firstCase ?? region)?.focus();
}

export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (isComposing(e)) return;
      const plain = !e.ctrlKey && !e.altKey && !e.metaKey && !e.shiftKey;
      let action: (() => void) | null = null;
      if (e.key === 'F1' && plain) action = () => useHelp.getState().setOpen(true);
      else if ((e.key === 'F3' && plain) || ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k'))
        action = focusSearch;
      else if (e.altKey && !e.ctrlKey && e.code === 'KeyH') action = focusHistory;
      else if (e.altKey && !e.ctrlKey && e.code === 'KeyN') action = () => focusById(IDS.phone);
      else if (e.key === 'F5' && plain) action = () => void useSync.getState().syncNow();
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      action();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);
}
