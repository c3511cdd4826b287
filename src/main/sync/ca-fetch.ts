/**
 * HTTPS to a centre whose certificate is signed by its own CA (a server started with
 * `--tls-cert/--tls-key` and a certificate from the city's internal CA), which the operating
 * system does not trust. IT names the CA in the policy file (`serverCaFile`, src/main/config.ts);
 * the workstation then trusts that CA — in addition to the usual public roots — for its
 * requests to the server, and only for those. Without it, requests use the global fetch.
 *
 * Node's global fetch cannot take a CA (its dispatcher lives in undici, which is not a
 * dependency), so this is a FetchFn over node:https with a keep-alive Agent holding the CA.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { FetchFn } from './http';

/** Statuses whose answer has no body: a Response refuses one for them. */
const NO_BODY = new Set([101, 204, 205, 304]);

export function readCaFile(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`serverCaFile ${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`serverCaFile ${file}: not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pem;
}

export function fetchTrusting(caPem: string): FetchFn {
  const agent = new Agent({ keepAlive: true, ca: [...rootCertificates, caPem] });
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        // a CA only means something over TLS; plain http (loopback, or allowed by policy) as usual
        fetch(url, init).then(resolve, reject);
        return;
      }
      const headers = new Headers(init.headers);
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
      if (body) headers.set('content-length', String(body.length));
      const req = request(
        target,
        { method: init.method ?? 'GET', headers: Object.fromEntries(headers), agent, signal: init.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const out = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
            }
            const status = res.statusCode ?? 502;
            resolve(new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), { status, headers: out }));
          });
        },
      );
      // the same shape as fetch's failures: the reason under `cause`
      req.on('error', (e) => reject(Object.assign(new TypeError('fetch failed'), { cause: e })));
      req.end(body);
    });
}

const byFile = new Map<string, FetchFn>();

/** The FetchFn for a configuration: trusting `serverCaFile` when IT named one, else undefined (global fetch). */
export function serverFetch(config: { serverCaFile?: string }): FetchFn | undefined {
  const file = config.serverCaFile;
  if (!file) return undefined;
  let fn = byFile.get(file);
  if (!fn) byFile.set(file, (fn = fetchTrusting(readCaFile(file))));
  return fn;
}
