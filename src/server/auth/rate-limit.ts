import type { Db } from '../db/adapter';

/**
 * Counts login attempts per key (a username, an IP address) in a sliding window. Once a key has
 * `max` attempts within the window, further attempts are refused — even with the right
 * password, or the limit would not slow guessing — until the oldest leaves the window.
 *
 * An attempt is counted BEFORE its password is checked (`begin`), not after it failed: 25
 * requests sent at once for one account would otherwise all pass the check while none had
 * failed yet, and all 25 passwords would be tried. A successful attempt is taken back
 * (`succeed`), so only failures (and checks still running) use up the allowance.
 *
 * The attempts live in the database (`login_attempts`, migration 7), not in process memory, so
 * several server processes behind one load balancer count together: an attacker spreading
 * guesses over them gets no more tries. `begin` counts and inserts under a transaction-scoped
 * advisory lock on the key, so concurrent attempts on any process are serialised per key.
 * Rows older than the window are swept (at most once per window per process).
 */
export class DbFailureLimiter {
  private lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  private since(): number {
    return this.now() - this.windowMs;
  }

  /** milliseconds until the key may try again, or 0 */
  async retryAfterMs(key: string): Promise<number> {
    // the max-th most recent attempt in the window decides when one slot frees up
    const [row] = await this.db.query<{ at: number }>(
      'SELECT at FROM login_attempts WHERE key = $1 AND at > $2 ORDER BY at DESC OFFSET $3 LIMIT 1',
      [key, this.since(), this.max - 1],
    );
    return row ? Math.max(1, row.at + this.windowMs - this.now()) : 0;
  }

  /**
   * Counts one attempt now. Returns its id (for `succeed`), or null when the key has used up
   * its attempts: then the caller must refuse without checking the password.
   */
  async begin(key: string): Promise<number | null> {
    await this.sweep();
    const since = this.since();
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LIMITER_LOCK, key]);
      const [count] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM login_attempts WHERE key = $1 AND at > $2', [key, since]);
      if (count!.n >= this.max) return null;
      const [row] = await tx.query<{ id: number }>('INSERT INTO login_attempts (key, at) VALUES ($1, $2) RETURNING id', [key, this.now()]);
      return row!.id;
    });
  }

  /** The attempt `id` succeeded: it no longer counts. */
  async succeed(_key: string, id: number): Promise<void> {
    await this.db.query('DELETE FROM login_attempts WHERE id = $1', [id]);
  }

  /** Forgets every attempt of the key (a successful login clears its username's failures). */
  async reset(key: string): Promise<void> {
    await this.db.query('DELETE FROM login_attempts WHERE key = $1', [key]);
  }

  private async sweep(): Promise<void> {
    const now = this.now();
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    await this.db.query('DELETE FROM login_attempts WHERE at <= $1', [this.since()]);
  }
}

/** first key of the limiter's advisory locks (the second is the hash of the attempt key) */
const LIMITER_LOCK = 0x1091;

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
