/**
 * Counts failed logins per key (a username, an IP address) in a sliding window. Once a key has
 * `max` failures within the window, further attempts are refused — even with the right
 * password, or the limit would not slow guessing — until the oldest failure leaves the window.
 * In memory, per process: a restart forgets, which only ever helps the legitimate user.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** milliseconds until the key may try again, or 0 */
  retryAfterMs(key: string): number {
    const list = this.recent(key);
    if (list.length < this.max) return 0;
    return list[list.length - this.max]! + this.windowMs - this.now();
  }

  fail(key: string): void {
    // bound the memory an attacker spraying random usernames can make us hold
    if (this.failures.size > 10_000) for (const k of [...this.failures.keys()]) this.recent(k);
    this.recent(key);
    this.failures.set(key, [...(this.failures.get(key) ?? []), this.now()]);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}
