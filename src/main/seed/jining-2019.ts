/**
 * The jining-2019 profile: the seed article's centre, 2019-01-01 … 2019-10-15, generated so that
 * the report COUNTS exactly the article's figures (the generator is tuned, the report only counts):
 *   - 607,907 contacts received, 591,482 by the hotline, 3,885 through the mayor's mailbox,
 *     575,033 valid orders over the span;
 *   - September: 69,345 received, 66,111 valid, 26,338 forwarded to units (转办), and an on-time
 *     completion rate of 99.30 % (the lifecycle's late quota per due month, lateQuota()).
 * Days get volumes by weekday and a little noise, scaled so each stretch sums exactly; each
 * stretch's channels and (valid, 转办) decisions are exact multisets, shuffled.
 */
import type { Channel } from '../../shared/domain';
import { CHANNEL_SHARES, DAY_MS, type CasePlan, type DayPlan, type PlannedCase } from './model';
import { Rng } from './random';

export const JINING_2019 = {
  from: '2019-01-01',
  to: '2019-10-15',
  received: 607_907,
  hotline: 591_482,
  mayorMailbox: 3_885,
  valid: 575_033,
  september: { received: 69_345, valid: 66_111, dispatched: 26_338, onTimePct: 99.3 },
  /** share of due orders replied late in every month: ⌊0.00699 × due⌋ late gives 99.30 % at September's volume */
  lateShare: 0.00699,
  /** forwarded share of valid orders outside September */
  dispatchShare: 0.4,
} as const;

const CHINA_OFFSET_MS = 8 * 3600_000;
const WEEKDAY_FACTOR = [1.1, 1.07, 1.05, 1.03, 1.0, 0.87, 0.88];

const midnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

/** Integers proportional to weights that sum exactly to total (largest remainder). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length]![1]]!++;
  return out;
}

function shuffle(a: Uint8Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

interface Stretch {
  days: DayPlan[];
  channels: Uint8Array;
  /** 0 invalid, 1 valid direct, 2 valid 转办 */
  kinds: Uint8Array;
}

const CHANNEL_LIST = Object.keys(CHANNEL_SHARES) as Channel[];

function stretch(days: DayPlan[], channelCounts: number[], invalid: number, direct: number, dispatch: number, rng: Rng): Stretch {
  const n = days.reduce((a, d) => a + d.count, 0);
  const channels = new Uint8Array(n);
  let i = 0;
  channelCounts.forEach((count, c) => {
    channels.fill(c, i, i + count);
    i += count;
  });
  if (i !== n || invalid + direct + dispatch !== n) throw new Error(`jining-2019: a stretch's quotas do not add up (${i}, ${invalid + direct + dispatch}, ${n})`);
  const kinds = new Uint8Array(n);
  kinds.fill(1, invalid, invalid + direct);
  kinds.fill(2, invalid + direct);
  shuffle(channels, rng);
  shuffle(kinds, rng);
  return { days, channels, kinds };
}

/** The plan: days with their counts, and each case's channel, validity and 转办 decision. */
export function jining2019Plan(seed: number): CasePlan & { now: number; total: number } {
  const J = JINING_2019;
  const rng = new Rng((seed ^ 0x2019) >>> 0);
  const first = midnight(J.from);
  const last = midnight(J.to);
  const sepFrom = midnight('2019-09-01');
  const sepTo = midnight('2019-09-30');
  const all: { start: number; weight: number }[] = [];
  for (let t = first; t <= last; t += DAY_MS) {
    const weekday = (new Date(t + CHINA_OFFSET_MS).getUTCDay() + 6) % 7;
    all.push({ start: t, weight: WEEKDAY_FACTOR[weekday]! * (0.93 + 0.14 * rng.float()) });
  }
  const sepDays = all.filter((d) => d.start >= sepFrom && d.start <= sepTo);
  const restDays = all.filter((d) => d.start < sepFrom || d.start > sepTo);
  const toPlan = (ds: typeof all, total: number): DayPlan[] => {
    const counts = apportion(total, ds.map((d) => d.weight));
    return ds.map((d, i) => ({ start: d.start, count: counts[i]!, upTo: 1 }));
  };
  const sep = toPlan(sepDays, J.september.received);
  const rest = toPlan(restDays, J.received - J.september.received);

  // channels: hotline and mailbox fixed over the span, the other channels by the usual shares;
  // September gets its proportional part of each
  const others = CHANNEL_LIST.filter((c) => c !== 'hotline' && c !== 'mayor_mailbox');
  const otherTotal = J.received - J.hotline - J.mayorMailbox;
  const otherCounts = apportion(otherTotal, others.map((c) => CHANNEL_SHARES[c]));
  const spanCounts = CHANNEL_LIST.map((c) => (c === 'hotline' ? J.hotline : c === 'mayor_mailbox' ? J.mayorMailbox : otherCounts[others.indexOf(c)]!));
  const sepCounts = apportion(J.september.received, spanCounts);
  // apportion by shares may give a channel more than it has; never here (September is 11 %)
  const restCounts = spanCounts.map((n, i) => n - sepCounts[i]!);

  const sepValid = J.september.valid;
  const restValid = J.valid - sepValid;
  const restDispatch = Math.round(restValid * J.dispatchShare);
  const stretches = [
    { from: first, to: sepFrom - 1, days: rest.filter((d) => d.start < sepFrom) },
    { from: sepFrom, to: sepTo, days: sep },
    { from: sepTo + 1, to: last, days: rest.filter((d) => d.start > sepTo) },
  ];
  // the stretches before and after September share the rest's quotas by their size
  const beforeN = stretches[0]!.days.reduce((a, d) => a + d.count, 0);
  const afterN = stretches[2]!.days.reduce((a, d) => a + d.count, 0);
  const split = (n: number) => apportion(n, [beforeN, afterN]) as [number, number];
  const beforeChannels = apportion(beforeN, restCounts);
  const afterChannels = restCounts.map((n, i) => n - beforeChannels[i]!);
  const [validB, validA] = split(restValid);
  const [dispB, dispA] = split(restDispatch);
  const built: Stretch[] = [
    stretch(stretches[0]!.days, beforeChannels, beforeN - validB, validB - dispB, dispB, rng),
    stretch(sep, sepCounts, J.september.received - sepValid, sepValid - J.september.dispatched, J.september.dispatched, rng),
    stretch(stretches[2]!.days, afterChannels, afterN - validA, validA - dispA, dispA, rng),
  ];
  let s = 0;
  let i = 0;
  return {
    days: built.flatMap((b) => b.days),
    total: J.received,
    now: last + DAY_MS - 1,
    next(): PlannedCase {
      while (i >= built[s]!.channels.length) {
        s++;
        i = 0;
      }
      const b = built[s]!;
      const kind = b.kinds[i]!;
      const channel = CHANNEL_LIST[b.channels[i]!]!;
      i++;
      return { channel, valid: kind > 0, dispatch: kind === 2 };
    },
  };
}
