/**
 * Several real server processes on one PostgreSQL database behind a round-robin balancer, as a
 * centre runs them (docs/deploy.md): used by the scale-out fault-injection test
 * (tests/unit/sync/scale-out.test.ts) and `npm run bench -- load`.
 *
 * - `spawnServer` starts `src/server/cli.ts` in a child process of its own (node + tsx), on a
 *   random port, and resolves once it logged its address. The database (and an optional schema
 *   through PGOPTIONS' search_path) and the token signing key come from the caller, so every
 *   process signs and accepts the same tokens.
 * - `startBalancer` forwards each request to the next live backend in turn (like nginx's
 *   default upstream). A backend that refuses or drops a connection is marked down and the
 *   client gets 502 (a POST is not retried on another backend: it may have been applied, the
 *   client must decide); `setBackends` puts a restarted process in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'src/server/cli.ts');

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** its standard output and error so far */
  log(): string;
  /** SIGKILL: no shutdown, requests in flight are cut */
  kill(): Promise<void>;
  /** SIGTERM: the server's graceful shutdown */
  stop(): Promise<number | null>;
}

export interface SpawnServerOptions {
  databaseUrl: string;
  /** base64 of 32+ bytes, the same for every process of one centre */
  tokenSecret: string;
  /** a schema to put first on the search_path (tests); default the database's own */
  schema?: string;
  args?: string[];
  env?: Record<string, string>;
  /** ms to wait for GET /health; default 60 s */
  startTimeoutMs?: number;
}

async function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const srv = createNetServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => done(port));
    });
    srv.on('error', reject);
  });
}

export async function spawnServer(opts: SpawnServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', String(port), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      HOTLINE_TOKEN_SECRET: opts.tokenSecret,
      // one line per request at info: only warnings and errors here
      LOG_LEVEL: 'warn',
      ...(opts.schema ? { PGOPTIONS: `-c search_path=${opts.schema}` } : {}),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (chunk: Buffer) => {
    out += String(chunk);
    if (out.length > 1_000_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const state: { ended: { code: number | null; signal: NodeJS.Signals | null } | null } = { ended: null };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done((state.ended = { code, signal }))),
  );
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (state.ended) throw new Error(`server exited (${state.ended.code ?? state.ended.signal}) before it started:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /health within ${opts.startTimeoutMs ?? 60_000} ms:\n${out}`);
    }
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    url,
    pid: child.pid!,
    child,
    log: () => out,
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (running()) child.kill('SIGTERM');
      return (await exited).code;
    },
  };
}

export interface Balancer {
  url: string;
  /** requests forwarded to each backend url */
  forwarded: Map<string, number>;
  /** answers the balancer made itself: 502 (backend failed) or 503 (no backend) */
  failed: number;
  setBackends(urls: string[]): void;
  /** backends currently taking requests */
  live(): string[];
  /**
   * Called when a request has been sent in full to a backend, before its answer; the scale-out
   * test kills the process there ("mid-push").
   */
  onForwarded?: (backend: string, method: string, path: string) => void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startBalancer(backends: string[]): Promise<Balancer> {
  let pool = [...backends];
  const down = new Set<string>();
  let next = 0;
  const sockets = new Set<Socket>();
  // keep-alive towards the backends, as nginx's upstream keepalive
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });

  const balancer: Balancer = {
    url: '',
    forwarded: new Map(),
    failed: 0,
    setBackends(urls) {
      pool = [...urls];
      down.clear();
    },
    live: () => pool.filter((b) => !down.has(b)),
    async close() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const live = balancer.live();
      if (live.length === 0) {
        balancer.failed++;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"no_backend"}');
        return;
      }
      const backend = live[next++ % live.length]!;
      const target = new URL(backend);
      balancer.forwarded.set(backend, (balancer.forwarded.get(backend) ?? 0) + 1);
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host };
      delete headers.connection;
      delete headers['keep-alive'];
      const up = httpRequest(
        { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const h = { ...answer.headers };
            delete h['transfer-encoding'];
            delete h.connection;
            const buf = Buffer.concat(chunks);
            h['content-length'] = String(buf.length);
            res.writeHead(answer.statusCode ?? 502, h).end(buf);
          });
          answer.on('error', () => fail());
        },
      );
      let failedOnce = false;
      const fail = () => {
        if (failedOnce) return;
        failedOnce = true;
        down.add(backend);
        balancer.failed++;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad_gateway"}');
        else res.destroy();
      };
      up.on('error', fail);
      up.end(body, () => balancer.onForwarded?.(backend, req.method ?? 'GET', req.url ?? '/'));
    })();
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  balancer.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return balancer;
}
