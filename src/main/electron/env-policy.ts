/**
 * Which environment variables may steer the Electron app, decided without Electron so that it
 * runs under plain Node in tests (tests/unit/electron/env-policy.test.ts).
 *
 * In development (`app.isPackaged` false: `electron-vite dev`, the smoke test) three variables
 * help: ELECTRON_RENDERER_URL (the Vite dev server to load), HOTLINE_DATA_DIR (another data
 * folder), HOTLINE_POLICY_FILE (another policy file). In a packaged build every one of them
 * would get around the hardening: the first loads any page and lets it call the contract, the
 * second moves citizens' data, the third swaps IT's policy (one without `serverUrl` makes the
 * workstation standalone, with no sign-in). A packaged build therefore ignores them: the
 * renderer comes from the app's own files, the data from the OS user-data folder, the policy
 * from its fixed machine-wide place.
 */
import { pathToFileURL } from 'node:url';
import { policyFileFor, type LaunchEnvironment } from '../config';

export const DEV_ONLY_VARIABLES = ['ELECTRON_RENDERER_URL', 'HOTLINE_DATA_DIR', 'HOTLINE_POLICY_FILE'] as const;

export interface LaunchInputs extends LaunchEnvironment {
  /** Electron's app.getPath('userData') */
  userDataDir: string;
}

export interface LaunchSettings {
  /** the dev server to load instead of the built files; null: the built files */
  rendererUrl: string | null;
  dataDir: string;
  policyFile: string;
  /** development variables that were set but ignored (packaged build), for the log */
  ignored: string[];
}

export function launchSettings(inputs: LaunchInputs): LaunchSettings {
  const { env, isPackaged } = inputs;
  const dev = (name: (typeof DEV_ONLY_VARIABLES)[number]) => (isPackaged ? undefined : env[name] || undefined);
  return {
    rendererUrl: dev('ELECTRON_RENDERER_URL') ?? null,
    dataDir: dev('HOTLINE_DATA_DIR') ?? inputs.userDataDir,
    policyFile: policyFileFor(inputs),
    ignored: isPackaged ? DEV_ONLY_VARIABLES.filter((name) => env[name]) : [],
  };
}

/**
 * True when a URL belongs to the app's own renderer: the built files under `rendererDir`, or
 * (development only, `rendererUrl` non-null) a page of the dev server's origin. Origins are
 * compared, not string prefixes: `http://localhost:5173.evil.example` is not the dev server.
 */
export function isAppUrl(url: string, rendererDir: string, rendererUrl: string | null): boolean {
  if (rendererUrl) {
    try {
      if (new URL(url).origin === new URL(rendererUrl).origin) return true;
    } catch {
      return false;
    }
  }
  return url.startsWith(pathToFileURL(rendererDir).href + '/');
}
