/**
 * Counts login attempts per key (a username, an IP address) in a sliding window. Once a key has
 * `max` attempts within the window, further attempts are refused — even with the right
 * password, or the limit would not slow guessing — until the oldest leaves the window.
 *
 * An attempt is counted BEFORE its password is checked (`begin`), not after it failed: 25
 * requests sent at once for one account would otherwise all pass the check while none had
 * failed yet, and all 25 passwords would be tried. A successful attempt is taken back
 * (`succeed`), so only failures (and checks still running) use up the allowance.
 * In memory, per process: a restart forgets, which only ever helps the legitimate user.
 */
export class FailureLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.attempts.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.attempts.delete(key);
    else this.attempts.set(key, list);
    return list;
  }

  /** milliseconds until the key may try again, or 0 */
  retryAfterMs(key: string): number {
    const list = this.recent(key);
    if (list.length < this.max) return 0;
    return Math.max(1, list[list.length - this.max]! + this.windowMs - this.now());
  }

  /**
   * Counts one attempt now. Returns its stamp (for `succeed`), or null when the key has used up
   * its attempts: then the caller must refuse without checking the password.
   */
  begin(key: string): number | null {
    if (this.retryAfterMs(key) > 0) return null;
    // bound the memory an attacker spraying random usernames can make us hold
    if (this.attempts.size > 10_000) for (const k of [...this.attempts.keys()]) this.recent(k);
    const stamp = this.now();
    this.attempts.set(key, [...(this.attempts.get(key) ?? []), stamp]);
    return stamp;
  }

  /** The attempt begun at `stamp` succeeded: it no longer counts. */
  succeed(key: string, stamp: number): void {
    const list = this.attempts.get(key);
    if (!list) return;
    const i = list.indexOf(stamp);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.attempts.delete(key);
  }

  /** Forgets every attempt of the key (a successful login clears its username's failures). */
  reset(key: string): void {
    this.attempts.delete(key);
  }
}

/**
 * At most `size` tasks at once; the rest wait in order. Password hashing at scrypt N=2^17 takes
 * 128 MiB and a core per hash: without a cap, a burst of logins from many addresses would
 * exhaust the server's memory.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
