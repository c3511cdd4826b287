/**
 * A fault-injecting HTTP proxy between workstations and the server, on 127.0.0.1. Each request
 * takes the next fault of a schedule (then 'none'):
 *
 * - drop_request   the connection is cut before anything reaches the server
 * - drop_response  the server handles the request (and commits), the answer is thrown away and
 *                  the connection cut: the classic "lost acknowledgement"
 * - cut_response   the answer's head and half its body are sent, then the connection is cut
 * - duplicate      the request reaches the server twice at once; the client gets the first answer
 * - replay_later   forwarded normally, and a stale copy reaches the server again before the next
 *                  request (an old push arriving after newer ones: reordering)
 * - delay          held 5–60 ms before it is forwarded
 *
 * `down` refuses everything (a network outage). `injected` counts each fault that happened.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export const FAULTS = ['none', 'drop_request', 'drop_response', 'cut_response', 'duplicate', 'replay_later', 'delay'] as const;
export type Fault = (typeof FAULTS)[number];

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

interface Held {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface FaultProxy {
  url: string;
  down: boolean;
  /** faults for the next requests, in order; 'none' once used up */
  schedule(faults: Fault[]): void;
  injected: Record<Exclude<Fault, 'none'>, number>;
  totalInjected(): number;
  requests: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startFaultProxy(target: string, random: () => number = Math.random): Promise<FaultProxy> {
  const upstream = new URL(target);
  let plan: Fault[] = [];
  let stale: Held[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const forward = (held: Held): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | string[] | undefined> = { ...held.headers, host: upstream.host, connection: 'close' };
      delete headers['keep-alive'];
      const req = httpRequest(
        { hostname: upstream.hostname, port: upstream.port, method: held.method, path: held.path, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(held.body);
    });

  const proxy: FaultProxy = {
    url: '',
    down: false,
    schedule(faults) {
      plan = [...faults];
    },
    injected: { drop_request: 0, drop_response: 0, cut_response: 0, duplicate: 0, replay_later: 0, delay: 0 },
    totalInjected: () => Object.values(proxy.injected).reduce((a, b) => a + b, 0),
    requests: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const send = (res: ServerResponse, answer: Upstream) => {
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      proxy.requests++;
      const held: Held = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
      if (proxy.down) {
        req.socket.destroy();
        return;
      }
      // stale copies held back by replay_later reach the server before this newer request
      for (const old of stale.splice(0)) await forward(old).catch(() => undefined);
      const fault = plan.shift() ?? 'none';
      if (fault !== 'none') proxy.injected[fault]++;
      try {
        switch (fault) {
          case 'drop_request':
            req.socket.destroy();
            return;
          case 'drop_response':
            await forward(held);
            req.socket.destroy();
            return;
          case 'cut_response': {
            const answer = await forward(held);
            res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(answer.body.length) });
            res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
            setTimeout(() => req.socket.destroy(), 5);
            return;
          }
          case 'duplicate': {
            const [first] = await Promise.all([forward(held), forward(held).catch(() => null)]);
            send(res, first);
            return;
          }
          case 'replay_later':
            stale.push(held);
            send(res, await forward(held));
            return;
          case 'delay':
            await new Promise((r) => setTimeout(r, 5 + Math.floor(random() * 55)));
            send(res, await forward(held));
            return;
          default:
            send(res, await forward(held));
        }
      } catch {
        req.socket.destroy();
      }
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // drop any stale copies when the proxy is closed
  server.on('close', () => {
    stale = [];
  });
  return proxy;
}
