/**
 * The central server for the sync e2e test: the real one (src/server/cli.ts on embedded
 * PGlite), started and stopped as IT would, with its accounts made through its own API.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { ROOT } from './paths';
import { signalGroup, stopGroup } from './process-group';

export interface RunningServer {
  url: string;
  /** SIGTERM: the server finishes the requests in flight and closes its database */
  stop: () => Promise<void>;
}

export interface AccountSpec {
  username: string;
  password: string;
  displayName: string;
  role: 'operator' | 'supervisor' | 'admin';
}

/** A port nobody listens on now; the server restarts on the same one, as a real server would. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The server's environment: embedded PGlite in the test's own folder even where CI exports
 * DATABASE_URL for the PostgreSQL variants of the server's unit tests.
 */
function embeddedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  return env;
}

/** `npm run server -- create-admin`, the password passed the way a script would. */
export function createAdmin(dataDir: string, username: string, password: string): void {
  const run = spawnSync('npx', ['tsx', 'src/server/cli.ts', 'create-admin', '--data', dataDir, '--username', username], {
    cwd: ROOT,
    env: embeddedEnv({ HOTLINE_ADMIN_PASSWORD: password }),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`create-admin failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
}


async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`)).ok;
  } catch {
    return false;
  }
}

export async function startServer(dataDir: string, port: number, timeoutMs = 60_000): Promise<RunningServer> {
  const child = spawn('npx', ['tsx', 'src/server/cli.ts', '--data', dataDir, '--port', String(port)], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: embeddedEnv({ LOG_LEVEL: 'warn' }),
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      signalGroup(child, 'SIGKILL');
      throw new Error(`server not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: async () => {
      // the whole group: the server closes its database after npx has already gone
      await stopGroup(child, 10_000);
    },
  };
}

async function post(url: string, body: unknown, token?: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The admin signs in and creates an account, as the server README shows with curl. */
export async function createAccount(serverUrl: string, admin: { username: string; password: string }, account: AccountSpec): Promise<void> {
  const login = (await post(`${serverUrl}/api/login`, admin)) as { accessToken: string };
  await post(`${serverUrl}/api/accounts`, account, login.accessToken);
}
