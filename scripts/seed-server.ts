/**
 * The generator's cases (src/main/seed, the same model and vocabulary as a workstation store)
 * written into a central server database (src/server/seed). Used by `npm run seed -- --server-data
 * DIR` / `--server`, by `npm run demo` and by the tests.
 */
import { CaseModel } from '../src/main/seed/model';
import { DEFAULT_TAXONOMY_DIR } from '../src/main/seed/generate';
import { Rng } from '../src/main/seed/random';
import { readTaxonomyFiles } from '../src/main/store/taxonomy-file';
import type { ServerConfigOverrides } from '../src/server/config';
import type { Db } from '../src/server/db/adapter';
import { DEMO_CENTRE_ACCOUNTS, seedServer, type SeedSummary } from '../src/server/seed/load';
import { DEFAULT_LIFECYCLE, lateQuota, type LifecycleProfile } from '../src/server/seed/lifecycle';
import { jining2019Plan, JINING_2019 } from '../src/main/seed/jining-2019';

/** Calibrated profiles (`npm run seed -- --profile NAME`). */
export const SEED_PROFILES = ['jining-2019'] as const;
export type SeedProfileName = (typeof SEED_PROFILES)[number];

/** The demo password of every seeded account unless --password gives another. */
export const DEMO_PASSWORD = 'hotline-demo';
/** The generator's operators: op001 … op040 (src/main/seed/model.ts). */
export const SEED_OPERATORS = Array.from({ length: 40 }, (_, i) => `op${String(i + 1).padStart(3, '0')}`);

export interface SeedCentralOptions {
  db: Db;
  cases: number;
  seed?: number;
  now?: number;
  /** contacts on an average day (default the calibrated 2,100) */
  perDay?: number;
  password?: string;
  config?: ServerConfigOverrides;
  profile?: LifecycleProfile;
  taxonomyDir?: string;
  /** a calibrated profile: its own span, volumes and quotas (cases, now and perDay are then ignored) */
  named?: SeedProfileName;
}

export interface SeedCentralResult extends SeedSummary {
  seconds: number;
  now: number;
}

export async function seedCentral(opts: SeedCentralOptions): Promise<SeedCentralResult> {
  const plan = opts.named === 'jining-2019' ? jining2019Plan(opts.seed ?? 12345) : undefined;
  if (!plan && (!Number.isInteger(opts.cases) || opts.cases < 1)) throw new Error(`--cases must be a positive integer, got ${opts.cases}`);
  const started = performance.now();
  const now = plan?.now ?? opts.now ?? Date.now();
  const { categories, regions } = readTaxonomyFiles(opts.taxonomyDir ?? DEFAULT_TAXONOMY_DIR);
  const rng = new Rng(opts.seed ?? 12345);
  const model = new CaseModel({ total: plan?.total ?? opts.cases, now, workstation: 'W001', categories, regions, rng, contactsPerDay: opts.perDay, plan });
  const profile = plan ? { ...DEFAULT_LIFECYCLE, showcasePerQueue: 0, ...lateQuota(JINING_2019.lateShare), ...opts.profile } : opts.profile;
  const summary = await seedServer(opts.db, {
    cases: model.cases(),
    now,
    // the lifecycle draws from its own stream, so the cases are the same as a workstation store's
    rng: new Rng(((opts.seed ?? 12345) ^ 0x5eed) >>> 0),
    regions,
    operators: SEED_OPERATORS,
    password: opts.password ?? DEMO_PASSWORD,
    config: opts.config,
    profile,
  });
  return { ...summary, now, seconds: (performance.now() - started) / 1000 };
}

/** Who to sign in as, for the JSON output and the demo's banner. */
export function demoAccounts(password: string) {
  return {
    password,
    admin: 'admin',
    supervisors: DEMO_CENTRE_ACCOUNTS.filter((a) => a.role === 'supervisor').map((a) => a.username),
    operators: `${SEED_OPERATORS[0]} … ${SEED_OPERATORS.at(-1)}`,
    units: 'the unit code in lower case, e.g. rc (任城区人民政府), rc-001 (古槐街道办事处), cgj (市城市管理局), gdgs (国网济宁供电公司)',
  };
}
