/**
 * 领导接听 on the workstation: the session running now at this seat (asked from the server
 * every 30 s while someone is signed in, and at once after a change on the 领导接听 screen), and
 * one call helper that turns every refusal into a sentence for the screen (offline: Chinese, says
 * that these screens work online only).
 */
import { create } from 'zustand';
import { backend } from '../../api/backend';
import type { Method, MethodInput, MethodOutput } from '../../../../shared/contract';
import { sessionState, type LeaderSession } from '../../../../shared/leader';
import type { Messages } from '../../i18n/zh-CN';

type Ok<M extends Method> = Extract<MethodOutput<M>, { ok: true }>;

/** One 'leader.*' / 'meetings.*' call: its answer, or the reason in the operator's language. */
export async function leaderCall<M extends Method>(
  method: M,
  input: MethodInput<M>,
  t: Messages,
): Promise<{ ok: true; data: Ok<M> } | { ok: false; message: string; code: string }> {
  const res = await backend.invoke(method, input);
  if (!res.ok) return { ok: false, code: res.error.code, message: t.leader.failed(res.error.message) };
  const out = res.data as { ok: boolean; code?: string; message?: string };
  if (out.ok) return { ok: true, data: res.data as Ok<M> };
  const code = out.code ?? 'server_error';
  if (code === 'offline') return { ok: false, code, message: t.leader.offline };
  if (code === 'standalone') return { ok: false, code, message: t.leader.standalone };
  // the server's own reasons (session_overlap, session_not_ended …) carry Chinese first
  return { ok: false, code, message: t.leader.failed((out.message ?? code).replace(/^\/api\/[^:]*: /, '')) };
}

interface LeaderState {
  current: LeaderSession | null;
  refreshCurrent: () => Promise<void>;
  /** bumped after a change, so the screen's lists ask again */
  tick: number;
  changed: () => void;
}

export const useLeader = create<LeaderState>((set, get) => ({
  current: null,
  refreshCurrent: async () => {
    const res = await backend.invoke('leader.current', {});
    const known = get().current;
    // the server unreachable: the session known last goes on until its end time (the calls logged
    // meanwhile carry it and sync later); standalone or signed out: none
    const offline = res.ok && !res.data.ok && res.data.code === 'offline';
    const next = res.ok && res.data.ok ? res.data.session : offline && known && sessionState(known, Date.now()) === 'running' ? known : null;
    if (next?.id !== get().current?.id || next?.state !== get().current?.state) set({ current: next });
  },
  tick: 0,
  changed: () => {
    set((s) => ({ tick: s.tick + 1 }));
    void get().refreshCurrent();
  },
}));

export const pct = (v: number | null): string => (v === null ? '—' : `${Math.round(v * 1000) / 10} %`);
