/**
 * When an update may be installed on a call-floor workstation (pure; the service applies it):
 *
 * - never in the middle of a call: a call that rang or was answered and has not ended;
 * - never while an intake is being typed: a draft saved in the last few minutes (the form saves
 *   its draft as the operator types and clears it when the case is saved). An older draft is
 *   not lost by a restart (it is in the store and comes back), so it does not block;
 * - never a downgrade, not even one the update server offers: the version must be greater than
 *   the running one (semver), whatever the feed says.
 */
import semver from 'semver';

export type InstallBlocker = 'active_call' | 'unsaved_draft';

export interface Activity {
  /** calls that rang or were answered and have not ended */
  activeCalls: number;
  /** intake drafts saved recently (any account): someone is typing a call */
  drafts: number;
}

/** how recent a draft must be to count as an intake being typed */
export const DRAFT_QUIET_MS = 10 * 60_000;

export function installBlockers(a: Activity): InstallBlocker[] {
  const out: InstallBlocker[] = [];
  if (a.activeCalls > 0) out.push('active_call');
  if (a.drafts > 0) out.push('unsaved_draft');
  return out;
}

/** true only for a valid version strictly greater than the running one */
export function isUpgrade(candidate: string, current: string): boolean {
  const c = semver.valid(candidate);
  const r = semver.valid(current);
  return c !== null && r !== null && semver.gt(c, r);
}
