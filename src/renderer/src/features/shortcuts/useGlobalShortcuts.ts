/**
 * Shortcuts that work from anywhere: F1 help, Ctrl+K / F3 search (previous query selected), Alt+H history, Alt+N back to
 * the number, F5 立即同步, Alt+S 受理登记, Alt+G 工单, Alt+V 回访, Alt+B 领导接听, Alt+T 统计分析 and Alt+M 系统管理 (the screens; Alt+H and Alt+N go back to 受理登记 first). Intake's own keys (Ctrl+Enter, Esc) live with the form. Capture
 * phase, so a focused control cannot swallow them; the browser's own meaning of F1/F3/F5/Ctrl+K
 * is suppressed (F5 "reload" in the harness would only cost the operator a few seconds).
 */
import { focusFollowUp } from '../follow-up/FollowUpScreen';
import { useEffect } from 'react';
import { IDS, focusById, isComposing } from '../../ui/focus';
import { showScreen } from '../../state/nav';
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

/** Back on 受理登记: focus where the operator was typing, else 来电号码. */
function focusIntake(): void {
  const active = document.activeElement;
  if (active && active !== document.body && active.closest('.intake')) return;
  focusById(IDS.phone);
}

/** On 工单: the first row of the first queue that has one, else the screen itself (↓ then reaches the first row). */
function focusOrders(): void {
  const screen = document.querySelector<HTMLElement>('.orders');
  const target = screen?.querySelector<HTMLElement>('tr[tabindex]') ?? screen;
  target?.focus();
}

/** 系统管理's screen (统计分析 borrows the `admin` layout class, so it is told apart) */
const ADMIN_SCREEN = '.admin:not(.reports)';

/** On 系统管理: the first field of the new-account form (Tab and Shift+Tab reach the rest). */
function focusAdmin(): void {
  const screen = document.querySelector<HTMLElement>(ADMIN_SCREEN);
  (screen?.querySelector<HTMLElement>('#admin-new-username') ?? screen)?.focus();
}

/** 工单 is in the navigation (the nav renders it only for those who may see it). */
function ordersShown(): boolean {
  return document.querySelector('.orders') !== null;
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
      else if (e.altKey && !e.ctrlKey && e.code === 'KeyH') action = () => showScreen('intake', focusHistory);
      else if (e.altKey && !e.ctrlKey && e.code === 'KeyN') action = () => showScreen('intake', () => focusById(IDS.phone));
      else if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyS') action = () => showScreen('intake', focusIntake);
      else if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyG') {
        if (!ordersShown()) return;
        action = () => showScreen('orders', focusOrders);
      }
      else if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyB') {
        // 领导接听 (B: 值班领导; Alt+L links a repeat call in 受理登记) is mounted for the centre's signed-in staff only
        if (document.querySelector('.leader') === null) return;
        action = () => showScreen('leader', () => (document.querySelector('.leader') as HTMLElement | null)?.focus());
      }
      else if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyM') {
        // 系统管理 is mounted for a signed-in admin only
        if (document.querySelector(ADMIN_SCREEN) === null) return;
        action = () => showScreen('admin', focusAdmin);
      }
      else if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyT') {
        // 统计分析 is mounted for a signed-in supervisor or admin only
        if (document.querySelector('.reports') === null) return;
        action = () => showScreen('reports', () => document.querySelector<HTMLElement>('#reports-kind')?.focus());
      }
      else if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyV') {
        // 回访 is mounted for the centre's accounts signed in to a server
        if (document.querySelector('.follow-up') === null) return;
        action = () => showScreen('follow_up', focusFollowUp);
      }
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
