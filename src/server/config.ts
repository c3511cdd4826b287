/**
 * The server's settings. Defaults suit a Jining-sized centre; the CLI maps flags and environment
 * variables onto them (src/server/README.md lists both).
 */
import {
  DEFAULT_DEADLINE_RULES,
  DEFAULT_WORKFLOW_SETTINGS,
  type CalendarOverrideFile,
  type DeadlineRules,
  type WorkflowSettings,
} from '../shared/workorders';

/** Work orders: deadline rules, workflow settings and the calendar override files (src/shared/workorders/README.md). */
export interface WorkOrderConfig {
  deadlineRules: DeadlineRules;
  settings: WorkflowSettings;
  /** parsed override files (--calendar-dir), layered over chinese-days' data */
  calendarOverrides: CalendarOverrideFile[];
}
export interface ServerConfig {
  /** official number prefix: JN → JN20261127-000123 */
  officialNoPrefix: string;
  /** IANA time zone of the centre: decides the day of an official number */
  timeZone: string;
  /** a workstation pulls the centre's cases created in the last windowDays days … */
  windowDays: number;
  /** how many days a workstation may sign in offline after its last online login (0: never) */
  offlineDays: number;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  login: {
    /** failed attempts per username within windowMs before 429 */
    maxFailuresPerUsername: number;
    /** failed attempts per client IP within windowMs before 429 (a whole call floor may share one NAT address) */
    maxFailuresPerIp: number;
    windowMs: number;
  };
  /** scrypt cost for stored password hashes and the workstation's offline verifier */
  scrypt: { N: number; r: number; p: number; keyLength: number };
  /** a case created further than this in the future is refused (a workstation clock gone wrong) */
  maxClockSkewMs: number;
  /** request body limits in bytes */
  bodyLimit: number;
  pushBodyLimit: number;
  workOrders: WorkOrderConfig;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const DEFAULT_CONFIG: ServerConfig = {
  officialNoPrefix: 'JN',
  timeZone: 'Asia/Shanghai',
  windowDays: 365,
  offlineDays: 7,
  accessTokenTtlMs: 15 * MINUTE,
  refreshTokenTtlMs: 30 * DAY,
  login: { maxFailuresPerUsername: 5, maxFailuresPerIp: 30, windowMs: MINUTE },
  // OWASP's current minimum for scrypt: N=2^17, r=8, p=1 (128 MiB per hash). Measured here on
  // the 2-core build machine: ~0.4 s per hash when quiet, ~0.9 s under load, once per sign-in
  // (a shift start) on the server and once more on the workstation for its offline verifier.
  // Hashes are checked at most availableParallelism() at a time (AuthService), and hashes
  // stored at an older cost are re-made on the next successful login.
  scrypt: { N: 2 ** 17, r: 8, p: 1, keyLength: 32 },
  maxClockSkewMs: DAY,
  bodyLimit: 64 * 1024,
  pushBodyLimit: 8 * 1024 * 1024,
  workOrders: { deadlineRules: DEFAULT_DEADLINE_RULES, settings: DEFAULT_WORKFLOW_SETTINGS, calendarOverrides: [] },
};

export type ServerConfigOverrides = Partial<Omit<ServerConfig, 'login' | 'scrypt' | 'workOrders'>> & {
  login?: Partial<ServerConfig['login']>;
  scrypt?: Partial<ServerConfig['scrypt']>;
  workOrders?: Partial<ServerConfig['workOrders']>;
};

export function resolveConfig(overrides: ServerConfigOverrides = {}): ServerConfig {
  const config: ServerConfig = {
    ...DEFAULT_CONFIG,
    ...overrides,
    login: { ...DEFAULT_CONFIG.login, ...overrides.login },
    scrypt: { ...DEFAULT_CONFIG.scrypt, ...overrides.scrypt },
    workOrders: { ...DEFAULT_CONFIG.workOrders, ...overrides.workOrders },
  };
  if (!/^[A-Z]{1,8}$/.test(config.officialNoPrefix)) {
    throw new Error(`official number prefix must be 1–8 capital letters, got "${config.officialNoPrefix}"`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: config.timeZone });
  } catch {
    throw new Error(`unknown time zone "${config.timeZone}"`);
  }
  if (!Number.isInteger(config.windowDays) || config.windowDays < 1) throw new Error('windowDays must be a positive integer');
  if (!Number.isInteger(config.offlineDays) || config.offlineDays < 0) throw new Error('offlineDays must be an integer ≥ 0');
  return config;
}
