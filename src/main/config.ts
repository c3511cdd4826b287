/**
 * Workstation configuration, merged from (lowest to highest precedence):
 *   1. resources/config.default.json — the embedded defaults shipped with the app;
 *   2. <data dir>/config.json — this user's settings;
 *   3. explicit overrides (command-line flags of the harness, tests);
 *   4. the machine policy file deployed by IT — it always wins, so a user cannot undo what the
 *      centre configured (as Element/Mattermost do with HKLM policies):
 *      Linux /etc/hotline-desk/policy.json, Windows %ProgramData%\HotlineDesk\policy.json,
 *      or the path in HOTLINE_POLICY_FILE.
 * Every source is validated; a bad file is reported with its path and the offending key rather
 * than silently ignored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

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
    /** telephony sources for the screen pop (来电弹屏); see README "Screen pop from the phone system" */
    telephony: TelephonyConfig.optional(),
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

export function defaultPolicyFile(): string {
  if (process.env.HOTLINE_POLICY_FILE) return process.env.HOTLINE_POLICY_FILE;
  if (process.platform === 'win32') {
    return join(process.env.ProgramData ?? 'C:\\ProgramData', 'HotlineDesk', 'policy.json');
  }
  return '/etc/hotline-desk/policy.json';
}

export interface LoadConfigOptions {
  resourcesDir: string;
  dataDir: string;
  overrides?: Partial<AppConfig>;
  policyFile?: string;
}

export function loadConfig(opts: LoadConfigOptions): AppConfig {
  const defaultsFile = join(opts.resourcesDir, 'config.default.json');
  const userFile = join(opts.dataDir, 'config.json');
  const policyFile = opts.policyFile ?? defaultPolicyFile();
  const layers: Partial<AppConfig>[] = [checkPartial(defaultsFile, readJson(defaultsFile))];
  if (existsSync(userFile)) layers.push(checkPartial(userFile, readJson(userFile)));
  if (opts.overrides) layers.push(checkPartial('overrides', opts.overrides));
  if (existsSync(policyFile)) layers.push(checkPartial(policyFile, readJson(policyFile)));
  const merged = Object.assign({}, ...layers) as unknown;
  const parsed = AppConfig.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(`incomplete configuration: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  }
  return parsed.data;
}
