/**
 * Workstation configuration, merged from (lowest to highest precedence):
 *   1. resources/config.default.json — the embedded defaults shipped with the app;
 *   2. <data dir>/config.json — this user's settings;
 *   3. explicit overrides (command-line flags of the harness, tests);
 *   4. the machine policy file deployed by IT — it always wins, so a user cannot undo what the
 *      centre configured (as Element/Mattermost do with HKLM policies):
 *      Linux /etc/hotline-desk/policy.json, Windows C:\ProgramData\HotlineDesk\policy.json;
 *      HOTLINE_POLICY_FILE replaces that path only in development (the harness, tests, an
 *      unpackaged Electron): a packaged build reads the machine-wide place and nothing else.
 * Every source is validated; a bad file is reported with its path and the offending key rather
 * than silently ignored.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, win32 } from 'node:path';
import { z } from 'zod';
import { readCaFile } from './sync/ca-fetch';

const Extension = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'extension must be 1–32 letters, digits, "_", "." or "-"');
const Host = z.string().min(1).max(255);
const Port = z.number().int().min(1).max(65535);

/**
 * Where telephony events come from (src/main/telephony). Each source is optional; the loopback
 * endpoint (for `npm run phone` and phone systems that call a webhook) is on unless disabled.
 */
export const TelephonyConfig = z
  .object({
    http: z.object({ enabled: z.boolean() }).strict().optional(),
    /** hotline:// URLs (Electron); any program or web page of this user can open one, so IT may turn it off */
    url: z.object({ enabled: z.boolean() }).strict().optional(),
    /** Asterisk manager interface: a manager.conf user with `read = call,agent` */
    ami: z
      .object({ host: Host, port: Port.default(5038), username: z.string().min(1).max(80), secret: z.string().min(1).max(256), extension: Extension })
      .strict()
      .optional(),
    /** FreeSWITCH mod_event_socket (event_socket.conf.xml) */
    esl: z
      .object({ host: Host, port: Port.default(8021), password: z.string().min(1).max(256), extension: Extension })
      .strict()
      .optional(),
  })
  .strict();
export type TelephonyConfig = z.infer<typeof TelephonyConfig>;

export const AppConfig = z
  .object({
    /** workstation code, part of provisional case numbers */
    workstation: z.string().regex(/^[A-Z0-9]{2,8}$/, 'workstation must be 2–8 capital letters or digits'),
    /** operator name recorded on each case in standalone mode (with a server, the signed-in account's) */
    operator: z.string().min(1).max(50),
    defaultAreaCode: z.string().regex(/^0\d{2,3}$/, 'defaultAreaCode must look like 0537'),
    locale: z.enum(['zh-CN', 'en']),
    /** a folder with categories.json / regions.json replacing the shipped Jining taxonomy */
    taxonomyDir: z.string().min(1).optional(),
    /**
     * the central hotline server (src/server); when set, operators sign in and cases sync.
     * Absent: standalone, cases stay on this workstation and carry `operator`.
     */
    serverUrl: z
      .url({ protocol: /^https?$/, message: 'serverUrl must be an http:// or https:// URL' })
      .optional(),
    /**
     * lets `serverUrl` be plain http:// to a host that is not this machine (passwords, tokens
     * and citizens' data then cross the network unencrypted). Honoured only from IT's policy
     * file; anywhere else it is refused.
     */
    allowInsecureHttp: z.boolean().optional(),
    /**
     * lets the workstation keep its store unencrypted where the OS key store (Electron
     * safeStorage) cannot seal the store key (Linux without a keyring). Honoured only from IT's
     * policy file; without it such a workstation refuses to start (store/key.ts).
     */
    allowPlainStore: z.boolean().optional(),
    /**
     * a PEM file of the CA that signed the server's certificate (a server started with
     * --tls-cert/--tls-key and a certificate from the centre's own CA): trusted, besides the
     * public roots, for requests to `serverUrl` only (src/main/sync/ca-fetch.ts). Honoured only
     * from IT's policy file: whoever names a CA can read the traffic.
     */
    serverCaFile: z.string().min(1).optional(),
    /** telephony sources for the screen pop (来电弹屏); see README "Screen pop from the phone system" */
    telephony: TelephonyConfig.optional(),
    /**
     * IT's update server (an electron-updater "generic" feed: latest.yml and the installers).
     * Honoured only from IT's policy file: whoever names the feed chooses the code that runs.
     */
    updates: z
      .object({
        url: z.url({ protocol: /^https?$/, message: 'updates.url must be an http:// or https:// URL' }),
        checkIntervalMinutes: z.number().int().min(5).max(1440).default(60),
      })
      .strict()
      .optional(),
    /** 可能重复 (重复件): open orders of cases created in the last this many days are proposed (default 30) */
    repeatWindowDays: z.number().int().min(1).max(365).optional(),
    /**
     * scheduled online backups of the store (src/main/store/backup.ts): every intervalHours
     * (default 4), the newest `keep` (default 7) kept in `dir` (default <data dir>/backups);
     * enabled: false turns them off (e.g. where IT backs the whole disk up)
     */
    backup: z
      .object({
        enabled: z.boolean().optional(),
        intervalHours: z.number().min(0.25).max(24 * 7).optional(),
        keep: z.number().int().min(1).max(365).optional(),
        dir: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type AppConfig = z.infer<typeof AppConfig>;

const Partial = AppConfig.partial();

export class ConfigError extends Error {}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`cannot read configuration ${file}: ${(e as Error).message}`);
  }
}

function checkPartial(source: string, value: unknown): Partial<AppConfig> {
  const parsed = Partial.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration in ${source}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** How the process was launched: what decides which environment variables may steer it. */
export interface LaunchEnvironment {
  /** Electron's app.isPackaged: an installed build, as opposed to development */
  isPackaged: boolean;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
}

/**
 * IT's machine-wide policy file. Its place is fixed: not read from the environment (not even
 * %ProgramData%), which any user can set for a process they start.
 */
export function machinePolicyFile(platform: NodeJS.Platform): string {
  return platform === 'win32' ? win32.join('C:\\ProgramData', 'HotlineDesk', 'policy.json') : '/etc/hotline-desk/policy.json';
}

/**
 * The policy file to read: the machine-wide one, or in development (not packaged) the path in
 * HOTLINE_POLICY_FILE. A packaged build ignores HOTLINE_POLICY_FILE: a file without
 * `serverUrl` there would turn the workstation standalone, with no sign-in.
 */
export function policyFileFor(launch: LaunchEnvironment): string {
  if (!launch.isPackaged && launch.env.HOTLINE_POLICY_FILE) return launch.env.HOTLINE_POLICY_FILE;
  return machinePolicyFile(launch.platform);
}

/** The policy file for this Node process (browser harness, tests): never a packaged build. */
export function defaultPolicyFile(): string {
  return policyFileFor({ isPackaged: false, env: process.env, platform: process.platform });
}

export interface LoadConfigOptions {
  resourcesDir: string;
  dataDir: string;
  overrides?: Partial<AppConfig>;
  /** what the overrides are called in error messages (default 'overrides'; the harness: its flags) */
  overridesSource?: string;
  policyFile?: string;
}

/** 127.0.0.0/8, ::1 and localhost: plain HTTP to these never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `<data dir>/workstation-id`: this installation's random id, made once, source of its default code. */
export const WORKSTATION_ID_FILE = 'workstation-id';

/**
 * The workstation code when no configuration names one: `W` + 6 base-36 characters derived from a
 * random id kept in the data folder (`workstation-id`, made on first use), so every install
 * gets its own code and keeps it (two offline workstations no longer hand out the same
 * provisional numbers, as every install did with the old default W001). 36^6 ≈ 2.2 billion
 * codes: two of a floor's 500 workstations share one with a chance of about 1 in 17,000;
 * IT names codes in the policy file where that must be zero. A code set in any configuration
 * file, flag or policy always wins, so configured codes are never touched.
 */
export function defaultWorkstationCode(dataDir: string): string {
  const file = join(dataDir, WORKSTATION_ID_FILE);
  if (!existsSync(file)) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${randomBytes(16).toString('hex')}\n`);
      closeSync(fd);
    } catch (e) {
      // made at this moment by another process starting on the same folder: read theirs
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`cannot create ${file}: ${(e as Error).message}`);
    }
  }
  const id = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{16,}$/.test(id)) {
    throw new ConfigError(`${file} is damaged (expected a hex id): delete it to get a new workstation code, or set "workstation" in config.json`);
  }
  const n = BigInt(`0x${id.slice(0, 16)}`) % 36n ** 6n;
  return `W${n.toString(36).toUpperCase().padStart(6, '0')}`;
}

/** The keys each loaded configuration took from IT's policy file (see lockedSettings). */
const FROM_POLICY = new WeakMap<AppConfig, readonly (keyof AppConfig)[]>();

/**
 * The settings of `config` that IT's policy file sets: they win over anything the user sets,
 * so the desktop shows them locked (由管理员锁定). Empty for a configuration not made by loadConfig.
 */
export function lockedSettings(config: AppConfig): readonly (keyof AppConfig)[] {
  return FROM_POLICY.get(config) ?? [];
}

export function loadConfig(opts: LoadConfigOptions): AppConfig {
  const defaultsFile = join(opts.resourcesDir, 'config.default.json');
  const userFile = join(opts.dataDir, 'config.json');
  const policyFile = opts.policyFile ?? defaultPolicyFile();
  const layers: { source: string; values: Partial<AppConfig> }[] = [
    { source: defaultsFile, values: checkPartial(defaultsFile, readJson(defaultsFile)) },
  ];
  if (existsSync(userFile)) layers.push({ source: userFile, values: checkPartial(userFile, readJson(userFile)) });
  if (opts.overrides) {
    const source = opts.overridesSource ?? 'overrides';
    layers.push({ source, values: checkPartial(source, opts.overrides) });
  }
  for (const { source, values } of layers) {
    if (values.allowInsecureHttp !== undefined) {
      throw new ConfigError(
        `invalid configuration in ${source}: allowInsecureHttp: only IT's policy file (${policyFile}) may allow plain HTTP`,
      );
    }
    if (values.allowPlainStore !== undefined) {
      throw new ConfigError(`invalid configuration in ${source}: allowPlainStore: only IT's policy file (${policyFile}) may allow an unencrypted store`);
    }
    if (values.updates !== undefined) {
      throw new ConfigError(`invalid configuration in ${source}: updates: only IT's policy file (${policyFile}) may name an update server`);
    }
    if (values.serverCaFile !== undefined) {
      throw new ConfigError(`invalid configuration in ${source}: serverCaFile: only IT's policy file (${policyFile}) may name a CA to trust`);
    }
  }
  const policy = existsSync(policyFile) ? checkPartial(policyFile, readJson(policyFile)) : null;
  if (policy) layers.push({ source: policyFile, values: policy });
  const merged = Object.assign({}, ...layers.map((l) => l.values)) as Partial<AppConfig>;
  if (merged.workstation === undefined) merged.workstation = defaultWorkstationCode(opts.dataDir);
  const parsed = AppConfig.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(`incomplete configuration: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  }
  const config = parsed.data;
  if (config.serverUrl) {
    const url = new URL(config.serverUrl);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && config.allowInsecureHttp !== true) {
      const source = layers.findLast((l) => l.values.serverUrl !== undefined)?.source ?? 'configuration';
      throw new ConfigError(
        `invalid configuration in ${source}: serverUrl: ${config.serverUrl} is plain http:// to another machine ` +
          '(passwords and citizens\' data would cross the network unencrypted): use https://, ' +
          `or IT allows plain HTTP with "allowInsecureHttp": true in the policy file ${policyFile}`,
      );
    }
  }
  if (config.serverCaFile) {
    try {
      readCaFile(config.serverCaFile);
    } catch (e) {
      throw new ConfigError(`invalid configuration in ${policyFile}: ${(e as Error).message}`);
    }
  }
  if (config.updates) {
    const url = new URL(config.updates.url);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && config.allowInsecureHttp !== true) {
      throw new ConfigError(
        `invalid configuration in ${policyFile}: updates.url: ${config.updates.url} is plain http:// to another machine: ` +
          'use https://, or allow plain HTTP with "allowInsecureHttp": true',
      );
    }
  }
  if (policy) FROM_POLICY.set(config, Object.keys(policy) as (keyof AppConfig)[]);
  return config;
}
