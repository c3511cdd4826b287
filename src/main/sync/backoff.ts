/**
 * Retry delays: exponential, capped, with jitter. Jitter matters on a call floor: after a
 * network outage every workstation comes back at the same second, and without it they would
 * all retry in lockstep against a server that is itself just restarting.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

/**
 * The wait before retry number `failures` (1 = after the first failure): base·2^(failures−1),
 * at most the cap, then a random point in its upper half ("equal jitter": never 0, so a broken
 * server is not hammered; never above the cap).
 */
export function backoffDelay(failures: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exp = policy.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(policy.capMs, exp);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
