/**
 * Deterministic randomness for the seed generator: the same --seed gives the same store.
 * sfc32 is small, fast and passes PractRand; Math.random cannot be seeded.
 */

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next32();
  }

  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** uniform in [0, 1) */
  float(): number {
    return this.next32() / 4294967296;
  }

  /** uniform integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /**
   * A time-ordered (version 7) UUID for the given moment: ids of cases generated oldest first
   * sort in insertion order, so their unique indexes grow at the end like a log.
   */
  uuidV7(epochMs: number): string {
    const hi = Math.floor(epochMs / 0x10000);
    const lo = epochMs % 0x10000;
    const b = this.next32();
    const c = this.next32();
    const d = this.next32();
    return (
      hex8(hi) + '-' + hex4(lo) + '-' + hex4(((b >>> 16) & 0x0fff) | 0x7000) + '-' +
      hex4((b & 0x3fff) | 0x8000) + '-' + hex4(c >>> 16) + hex8(d)
    );
  }

  /** a random (version 4) UUID, deterministic for the seed */
  uuid(): string {
    const a = this.next32();
    const b = this.next32();
    const c = this.next32();
    const d = this.next32();
    return (
      hex8(a) + '-' + hex4(b >>> 16) + '-' + hex4((b & 0x0fff) | 0x4000) + '-' +
      hex4(((c >>> 16) & 0x3fff) | 0x8000) + '-' + hex4(c & 0xffff) + hex8(d)
    );
  }
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex4 = (n: number): string => HEX2[(n >>> 8) & 0xff]! + HEX2[n & 0xff]!;
const hex8 = (n: number): string => hex4(n >>> 16) + hex4(n & 0xffff);

/** A stateless 32-bit mix of an integer, for properties fixed per caller (phone, name). */
export function hash32(x: number): number {
  let h = Math.imul(x ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Picks items by weight in O(log n): cumulative weights and a binary search. */
export class Weighted<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length === 0 || items.length !== weights.length) throw new Error('Weighted needs one weight per item');
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  pick(rng: Rng): T {
    const x = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }

  static fromRecord<K extends string>(record: Readonly<Record<K, number>>): Weighted<K> {
    const keys = Object.keys(record) as K[];
    return new Weighted(
      keys,
      keys.map((k) => record[k]),
    );
  }

  /** Zipf-like weights 1/rank^s: a few items are common, the long tail is rare. */
  static zipf<T>(items: readonly T[], s = 1): Weighted<T> {
    return new Weighted(
      items,
      items.map((_, i) => 1 / Math.pow(i + 1, s)),
    );
  }
}
