/**
 * The statistical model of a Jining 12345 call floor, calibrated to the figures of the seed
 * article (../../../../shared/docs/domain.md): about 2,100 contacts a day, 97 % by phone,
 * 0.6 % through the mayor's mailbox, 95 % valid work orders, 40 % of them forwarded to a unit
 * (转办) and the rest answered by the centre; regions by population; seasonal categories;
 * a heavy tail of repeat callers.
 */
import type { CaseStatus, Channel, HandlingMode, RequestType, Satisfaction, Urgency } from '../../shared/domain';
import type { TaxonomyNode } from '../../shared/domain';
import type { BulkCase } from '../store/bulk';
import { hash32, Rng, Weighted } from './random';
import {
  ASKS, COMMUNITIES, DEMANDS, DIRECT_ANSWERS, IMPACTS, INVALID_CONTENTS, ISSUES, OPENERS_PHONE, OPENERS_WRITTEN, PLEAS,
  ROADS, RURAL_CATEGORIES, SUGGESTIONS, SURNAMES, VILLAGE_STEMS,
} from './vocabulary';

export const CONTACTS_PER_DAY = 2100;
export const VALID_SHARE = 0.95;
export const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3600_000;

/** 来源渠道 shares: hotline 591,482 and mailbox 3,885 of 607,907 in the seed's period. */
export const CHANNEL_SHARES: Readonly<Record<Channel, number>> = {
  hotline: 0.97,
  mayor_mailbox: 0.006,
  website: 0.006,
  wechat: 0.007,
  sms: 0.002,
  letter: 0.001,
  visit: 0.001,
  leader_session: 0.0005,
  province_platform: 0.004,
  police_110: 0.0025,
};

/** 诉求类型 shares and how often each is forwarded to a unit (转办): about 40 % overall. */
const REQUEST_TYPES: Readonly<Record<RequestType, { share: number; dispatch: number }>> = {
  consult: { share: 0.42, dispatch: 0.12 },
  help: { share: 0.14, dispatch: 0.6 },
  complaint: { share: 0.28, dispatch: 0.7 },
  report: { share: 0.05, dispatch: 0.75 },
  suggestion: { share: 0.05, dispatch: 0.4 },
  praise: { share: 0.02, dispatch: 0.1 },
  other: { share: 0.04, dispatch: 0.2 },
};

/** Resident population by county-level division, in thousands (2020 census, rounded). */
const POPULATION: Readonly<Record<string, number>> = {
  '370811': 1300, '370812': 600, '370881': 600, '370883': 1100, '370826': 600, '370827': 400, '370828': 600,
  '370829': 800, '370830': 650, '370831': 500, '370832': 700, '370871': 300, '370872': 200, '370873': 200,
};

/** Share of all contacts per first-level category (hot topics: property, traffic, consumers). */
const CATEGORY_WEIGHT: Readonly<Record<string, number>> = {
  C01: 8, C02: 12, C03: 10, C04: 10, C05: 6, C06: 8, C07: 9, C08: 4, C09: 5, C10: 5, C11: 5, C12: 7, C13: 4, C14: 3,
  C15: 2, C16: 2,
};

/** Seasonal factor of a leaf category in a month (1–12): heating in winter, water and power in summer. */
function seasonal(code: string, month: number): number {
  const winter = month >= 11 || month <= 3;
  const summer = month >= 6 && month <= 8;
  switch (code) {
    case 'C0704': // 供暖
      return winter ? 8 : 0.15;
    case 'C0701': // 供水
    case 'C0702': // 供电
    case 'C0705': // 停水停电
      return summer ? 2.5 : 1;
    case 'C0503': // 噪音污染: windows open
    case 'C0504':
      return summer ? 1.6 : 1;
    case 'C1001': // 入学招生
      return month === 7 || month === 8 ? 3 : 0.7;
    default:
      return 1;
  }
}

/** Calls by China hour of day: a morning and an afternoon peak, quiet nights. */
const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 16, 10, 10, 15, 17, 16, 14, 10, 9, 8, 6, 4, 3];
/** Monday … Sunday relative volume (averages to 1). */
const WEEKDAY_FACTOR = [1.1, 1.07, 1.05, 1.03, 1.0, 0.87, 0.88];

const MOBILE_PREFIXES = [
  '134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '182', '183', '187', '188', '130',
  '131', '132', '155', '156', '185', '186', '133', '153', '180', '181', '189', '177', '199', '166', '178', '198',
];

/** Who calls: a few very heavy callers, a pool of occasional repeat callers, and first-timers. */
export const CALLERS = {
  /** 20 callers share 0.3 % of all calls, Zipf-like: at 1,000,000 cases the heaviest calls ~800 times */
  heavy: 20,
  heavyShare: 0.003,
  repeatShare: 0.3,
  /** repeat pool size as a share of the number of cases */
  repeatPool: 0.05,
  landlineShare: 0.18,
  anonymousShare: 0.1,
} as const;

/**
 * Caller k's phone number, a bijection of k: distinct callers never share a number. Fixed
 * independently of the seed so fixtures (heavy callers) are stable across stores.
 */
export function callerPhone(k: number): string {
  if (hash32(k) % 100 < CALLERS.landlineShare * 100) {
    return `0537${2000000 + ((k * 7919 + 31) % 7000000)}`;
  }
  const prefix = MOBILE_PREFIXES[hash32(k ^ 0x9e3779b9) % MOBILE_PREFIXES.length]!;
  return prefix + String((k * 48271 + 12345) % 100_000_000).padStart(8, '0');
}

const SURNAME_PICK = Weighted.zipf(SURNAMES, 0.9);

export function callerName(k: number): string {
  const h = hash32(k * 31 + 7);
  if (h % 100 < CALLERS.anonymousShare * 100) return '';
  const r = new Rng(h);
  const surname = SURNAME_PICK.pick(r);
  const elderly = (h >>> 8) % 100 < 5;
  const male = (h >>> 16) % 2 === 0;
  return surname + (elderly ? (male ? '大爷' : '阿姨') : male ? '先生' : '女士');
}

/** The heavy callers' numbers, heaviest first (the test fixtures). */
export function heavyCallerPhones(): string[] {
  return Array.from({ length: CALLERS.heavy }, (_, k) => callerPhone(k));
}

/** A generated case, as the bulk loader takes it. */
export type GeneratedCase = BulkCase;

interface Leaf {
  code: string;
  parent: string;
}

function leaves(nodes: TaxonomyNode[], parent = ''): Leaf[] {
  return nodes.flatMap((n) => (n.children?.length ? leaves(n.children, n.code) : [{ code: n.code, parent: parent || n.code }]));
}

/** Inverse CDF of the hour-of-day distribution: p in [0,1) → ms after midnight. */
function timeOfDay(p: number): number {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  let x = p * total;
  for (let h = 0; h < 24; h++) {
    const w = HOUR_WEIGHTS[h]!;
    if (x < w) return (h + x / w) * 3600_000;
    x -= w;
  }
  return DAY_MS - 1;
}

function fractionOfDayBefore(msOfDay: number): number {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  const hour = Math.floor(msOfDay / 3600_000);
  let sum = 0;
  for (let h = 0; h < hour; h++) sum += HOUR_WEIGHTS[h]!;
  sum += (HOUR_WEIGHTS[hour] ?? 0) * ((msOfDay % 3600_000) / 3600_000);
  return sum / total;
}

export interface DayPlan {
  /** China midnight, epoch ms */
  start: number;
  count: number;
  /** share of the day's call volume that falls before `now` (1 except today) */
  upTo: number;
}

/**
 * How many contacts each China calendar day gets, oldest day first, ending with today up to
 * `now`: N cases cover about N / 2,100 days (N / perDay with another daily volume).
 */
export function planDays(total: number, now: number, rng: Rng, perDay: number = CONTACTS_PER_DAY): DayPlan[] {
  const days: DayPlan[] = [];
  const todayStart = Math.floor((now + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  let remaining = total;
  for (let d = 0; remaining > 0; d++) {
    const start = todayStart - d * DAY_MS;
    const weekday = (new Date(start + CHINA_OFFSET_MS).getUTCDay() + 6) % 7;
    const upTo = d === 0 ? fractionOfDayBefore(now - todayStart) : 1;
    const volume = perDay * WEEKDAY_FACTOR[weekday]! * (0.93 + 0.14 * rng.float()) * upTo;
    const count = Math.min(remaining, Math.max(d === 0 ? 0 : 1, Math.round(volume)));
    if (count > 0) days.push({ start, count, upTo });
    remaining -= count;
  }
  return days.reverse();
}

const pad = (n: number, len: number) => String(n).padStart(len, '0');

export interface CaseModelOptions {
  total: number;
  now: number;
  workstation: string;
  categories: TaxonomyNode[];
  regions: TaxonomyNode[];
  rng: Rng;
  /** contacts on an average day (default CONTACTS_PER_DAY): fewer spread a small demo over more days */
  contactsPerDay?: number;
  /**
   * A fixed plan (a calibrated profile such as jining-2019): the days with their counts, and
   * per case, in order, its channel, validity and 转办 decision instead of the random draws.
   */
  plan?: CasePlan;
}

export interface PlannedCase {
  channel: Channel;
  valid: boolean;
  /** 转办 (valid cases only) */
  dispatch: boolean;
}

export interface CasePlan {
  days: DayPlan[];
  next(): PlannedCase;
}

/** Produces the cases of one day after another, oldest first, without holding them. */
export class CaseModel {
  private readonly rng: Rng;
  private readonly channel = Weighted.fromRecord(CHANNEL_SHARES);
  private readonly requestType = new Weighted(
    Object.keys(REQUEST_TYPES) as RequestType[],
    Object.values(REQUEST_TYPES).map((t) => t.share),
  );
  private readonly categoryByMonth: Weighted<string>[];
  private readonly region: Weighted<string>;
  private readonly regionName = new Map<string, string>();
  private readonly community = Weighted.zipf(COMMUNITIES, 1.1);
  private readonly road = Weighted.zipf(ROADS, 0.8);
  private readonly heavyCaller = Weighted.zipf(Array.from({ length: CALLERS.heavy }, (_, k) => k), 1);
  private readonly satisfaction = new Weighted<Satisfaction>(
    ['very_satisfied', 'satisfied', 'basically_satisfied', 'unsatisfied', 'very_unsatisfied'],
    [40, 44, 10, 5, 1],
  );
  private readonly repeatPoolSize: number;
  private nextFreshCaller: number;
  private currentDay = '';
  /** daily sequences: the centre's official numbers, and each workstation's provisional ones */
  private officialSeq = 0;
  private readonly localSeq = new Map<string, number>();

  constructor(private readonly opts: CaseModelOptions) {
    this.rng = opts.rng;
    const leafList = leaves(opts.categories).filter((l) => ISSUES[l.code]);
    this.categoryByMonth = Array.from({ length: 12 }, (_, m) => {
      const perParent = new Map<string, number>();
      for (const l of leafList) perParent.set(l.parent, (perParent.get(l.parent) ?? 0) + 1);
      return new Weighted(
        leafList.map((l) => l.code),
        leafList.map((l) => ((CATEGORY_WEIGHT[l.parent] ?? 1) / perParent.get(l.parent)!) * seasonal(l.code, m + 1)),
      );
    });
    const streets: string[] = [];
    const weights: number[] = [];
    for (const county of opts.regions) {
      const children = county.children?.length ? county.children : [county];
      for (const street of children) {
        streets.push(street.code);
        weights.push((POPULATION[county.code] ?? 300) / children.length);
        this.regionName.set(street.code, county.name + (street === county ? '' : street.name));
      }
    }
    this.region = new Weighted(streets, weights);
    this.repeatPoolSize = Math.max(10, Math.round(opts.total * CALLERS.repeatPool));
    this.nextFreshCaller = CALLERS.heavy + this.repeatPoolSize;
  }

  /** All cases, oldest first. */
  *cases(): Generator<GeneratedCase> {
    const days = this.opts.plan?.days ?? planDays(this.opts.total, this.opts.now, this.rng, this.opts.contactsPerDay);
    for (const day of days) {
      const dayNo = new Date(day.start + CHINA_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
      const month = new Date(day.start + CHINA_OFFSET_MS).getUTCMonth();
      for (let j = 0; j < day.count; j++) {
        const createdAt = Math.floor(day.start + timeOfDay(((j + this.rng.float()) / day.count) * day.upTo));
        yield this.makeCase(createdAt, dayNo, month);
      }
    }
  }

  private callerIndex(): number {
    const r = this.rng.float();
    if (r < CALLERS.heavyShare) return this.heavyCaller.pick(this.rng);
    if (r < CALLERS.heavyShare + CALLERS.repeatShare) {
      // skewed towards the low end of the pool: a few call dozens of times, most two or three
      return CALLERS.heavy + Math.floor(this.repeatPoolSize * Math.pow(this.rng.float(), 1.3));
    }
    return this.nextFreshCaller++;
  }

  private place(categoryCode: string, regionCode: string): { address: string; mention: string } {
    const r = this.rng;
    const area = this.regionName.get(regionCode) ?? '';
    if (RURAL_CATEGORIES.has(categoryCode)) {
      const village = r.pick(VILLAGE_STEMS) + '村';
      return { address: area + village, mention: village };
    }
    if (r.chance(0.35)) {
      const road = this.road.pick(r);
      return { address: `${area}${road}${1 + r.int(300)}号`, mention: road + '附近' };
    }
    const community = this.community.pick(r);
    return { address: `${area}${community}${1 + r.int(30)}号楼${1 + r.int(4)}单元`, mention: community };
  }

  private content(type: RequestType, issue: string, mention: string, written: boolean): string {
    const r = this.rng;
    const opener = r.pick(written ? OPENERS_WRITTEN : OPENERS_PHONE);
    switch (type) {
      case 'consult':
        return `${opener}咨询${issue}，${r.pick(ASKS)}。`;
      case 'help':
        return `${opener}${mention}${issue}，${r.pick(PLEAS)}。`;
      case 'complaint':
        return `${opener}${mention}${issue}，${r.pick(IMPACTS)}，${r.pick(DEMANDS)}。`;
      case 'report':
        return `${opener}举报${mention}${issue}，${r.pick(DEMANDS)}。`;
      case 'suggestion':
        return `${opener}${mention}${issue}，${r.pick(SUGGESTIONS)}。`;
      case 'praise':
        return `${opener}表扬${mention}${issue}，特此致谢。`;
      case 'other':
        return `${opener}${issue}。`;
    }
  }

  private status(handlingMode: HandlingMode, ageDays: number): CaseStatus {
    if (handlingMode === 'direct') return 'closed';
    const r = this.rng.float();
    if (ageDays < 1) return r < 0.4 ? 'pending_dispatch' : r < 0.8 ? 'dispatched' : 'signed';
    if (ageDays < 3) return r < 0.15 ? 'dispatched' : r < 0.4 ? 'signed' : r < 0.8 ? 'in_progress' : r < 0.85 ? 'returned' : 'replied';
    if (ageDays < 7) return r < 0.25 ? 'in_progress' : r < 0.5 ? 'replied' : r < 0.7 ? 'follow_up' : r < 0.95 ? 'closed' : 'rehandle';
    if (ageDays < 30) return r < 0.8 ? 'closed' : r < 0.9 ? 'follow_up' : r < 0.95 ? 'replied' : r < 0.98 ? 'rehandle' : 'in_progress';
    return r < 0.985 ? 'closed' : r < 0.99 ? 'rehandle' : r < 0.995 ? 'in_progress' : 'follow_up';
  }

  private makeCase(createdAt: number, day: string, month: number): GeneratedCase {
    const r = this.rng;
    const k = this.callerIndex();
    const phone = callerPhone(k);
    const name = r.chance(0.15) ? '' : callerName(k);
    const planned = this.opts.plan?.next();
    const channel = planned ? planned.channel : this.channel.pick(r);
    const valid = planned ? planned.valid : r.chance(VALID_SHARE);
    const regionCode = this.region.pick(r);
    const operatorNo = 1 + r.int(40);
    const workstation = operatorNo === 1 ? this.opts.workstation : `W${pad(operatorNo, 3)}`;
    if (day !== this.currentDay) {
      this.currentDay = day;
      this.officialSeq = 0;
      this.localSeq.clear();
    }
    const seq = (this.localSeq.get(workstation) ?? 0) + 1;
    this.localSeq.set(workstation, seq);
    const localNo = `${workstation}-${day}-${pad(seq, 4)}`;
    const officialNo = `JN-${day}-${pad(++this.officialSeq, 6)}`;
    const ageDays = (this.opts.now - createdAt) / DAY_MS;
    const written = channel !== 'hotline' && channel !== 'police_110' && channel !== 'leader_session' && channel !== 'visit';

    let requestType: RequestType;
    let categoryCode: string;
    let content: string;
    let address = '';
    let handlingMode: HandlingMode;
    if (valid) {
      categoryCode = this.categoryByMonth[month]!.pick(r);
      requestType = categoryCode === 'C1602' ? 'praise' : categoryCode === 'C1601' ? 'consult' : this.requestType.pick(r);
      const place = this.place(categoryCode, regionCode);
      address = place.address;
      content = this.content(requestType, r.pick(ISSUES[categoryCode]!), requestType === 'consult' ? '' : place.mention, written);
      handlingMode = (planned ? planned.dispatch : r.chance(REQUEST_TYPES[requestType].dispatch)) ? 'dispatch' : 'direct';
    } else {
      categoryCode = 'C1603';
      requestType = 'other';
      content = r.pick(INVALID_CONTENTS);
      handlingMode = 'direct';
    }
    const status = this.status(handlingMode, ageDays);
    const outage = categoryCode.startsWith('C07');
    const u = r.float();
    const urgency: Urgency = u < (outage ? 0.05 : 0.01) ? 'critical' : u < (outage ? 0.3 : 0.06) ? 'urgent' : 'normal';
    const followedUp = valid && status === 'closed' && (handlingMode === 'dispatch' ? r.chance(0.9) : r.chance(0.05));
    // a forwarded order changes as the unit works on it, over a few days at most
    const updatedAt = handlingMode === 'dispatch' ? createdAt + r.int(Math.min(ageDays, 10) * DAY_MS + 1) : createdAt;
    return {
      uuid: r.uuidV7(createdAt),
      contactUuid: r.uuidV7(createdAt),
      localNo,
      officialNo,
      phone,
      callerName: name,
      channel,
      requestType,
      categoryCode,
      regionCode,
      address,
      content,
      answer: handlingMode === 'direct' && valid ? r.pick(DIRECT_ANSWERS) : '',
      urgency,
      handlingMode,
      status,
      valid,
      confidential: r.chance(0.03),
      operator: `op${pad(operatorNo, 3)}`,
      createdAt,
      updatedAt: Math.min(updatedAt, this.opts.now),
      lastFollowUp: followedUp ? this.satisfaction.pick(r) : null,
      origin: workstation === this.opts.workstation ? 'local' : 'server',
    };
  }
}
