/**
 * Issue 10, item 8 (harness half): property-based tests that throw arbitrary request targets,
 * methods, headers and WebSocket messages at the browser harness, running in its own process.
 * Whatever arrives, the process survives (a valid request afterwards still works), every HTTP
 * answer is a 4xx with a reason or the expected 200 (the page or its asset, only with the
 * token), and every message gets a contract answer or, when it is too big or not UTF-8, a
 * close with a code.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../src/shared/contract';
import { exchange, openSocket, rawGet, rawRequest, startChildHarness, type ChildHarness, type RawAnswer } from './child';

const INDEX = '<!doctype html><title>t</title><script src="./assets/app.js"></script>';
const ASSET = 'console.log(1);';

let h: ChildHarness;
beforeAll(async () => {
  h = await startChildHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function expectAlive(): Promise<void> {
  expect(h.alive(), h.stderr()).toBe(true);
  const page = await rawGet(h.port, `/?token=${h.token}`);
  expect(page.status, h.stderr()).toBe(200);
}

/** A 4xx with a reason in its body, or a 200 carrying one of the two files, only if `authorised`. */
function expectSaneAnswer(res: RawAnswer, authorised: boolean, what: string, head = false): void {
  if (res.status === 200) {
    expect(authorised, `200 without the token: ${what}`).toBe(true);
    // HEAD has no body
    if (res.body !== '') expect([INDEX, ASSET], what).toContain(res.body);
    return;
  }
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  // a HEAD answer has no body: its reason is the status line's
  expect((head ? res.reason : res.body).trim().length, `no reason: ${what}`).toBeGreaterThan(0);
}

// ─── request targets ─────────────────────────────────────────────────────────────────────
const hex = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, '0'));
const fragment = fc.oneof(
  fc.constantFrom('/', '//', '\\', '..', '.', '%', '%%', '%2', '%G1', '%2e%2e', '%2f', '%5c', '%00', '?', '#', '&', '=', ';', 'index.html', 'assets', 'app.js', 'ws', 'token='),
  // overlong and broken UTF-8: 2- and 3-byte encodings of '.' and '/', lone continuation bytes
  fc.constantFrom('%c0%ae', '%c0%af', '%e0%80%ae', '%e0%80%af', '%c1%9c', '%80', '%ff%fe', '%ed%a0%80', '%f4%90%80%80'),
  hex.map((x) => `%${x}`),
  fc.string({ maxLength: 6 }),
  // raw bytes, control characters and bytes over 0x7f included
  fc.uint8Array({ maxLength: 6 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const rawTarget = fc.tuple(fc.constantFrom('/', '', '*', 'http://127.0.0.1/', '//'), fc.array(fragment, { maxLength: 8 })).map(([start, parts]) => start + parts.join(''));
const credential = fc.constantFrom('none', 'query', 'cookie', 'wrong') as fc.Arbitrary<'none' | 'query' | 'cookie' | 'wrong'>;

function request(method: string, target: string, headers: string): Buffer {
  return Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`, 'latin1');
}

describe('harness fuzz: HTTP', () => {
  it('answers any request target with a 4xx and a reason, or the page/asset with the token', async () => {
    await fc.assert(
      fc.asyncProperty(rawTarget, credential, async (target, cred) => {
        const withQuery = cred === 'query' ? `${target}${target.includes('?') ? '&' : '?'}token=${h.token}` : target;
        const cookie =
          cred === 'cookie' ? `Cookie: hotline_harness_${h.port}=${h.token}\r\n` : cred === 'wrong' ? `Cookie: hotline_harness_${h.port}=x\r\n` : '';
        let res = await rawRequest(h.port, request('GET', withQuery, cookie));
        if (res.status === 0) res = await rawRequest(h.port, request('GET', withQuery, cookie)); // see below: a reset under load
        expectSaneAnswer(res, cred === 'query' || cred === 'cookie', JSON.stringify({ target: withQuery, cred }));
        expect(h.alive(), h.stderr()).toBe(true);
      }),
      { numRuns: 300 },
    );
    await expectAlive();
  });

  it('answers any method and any headers with a 4xx and a reason, or the page with the token', async () => {
    const method = fc.oneof(
      fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'PRI', 'get', 'G\u00e9T', ''),
      fc.string({ minLength: 1, maxLength: 12 }),
    );
    const headerName = fc.oneof(
      fc.constantFrom('Cookie', 'Origin', 'Upgrade', 'Connection', 'Accept', 'Range', 'If-None-Match', 'Expect', 'X-Forwarded-For', 'Content-Type'),
      fc.string({ minLength: 1, maxLength: 20 }),
    );
    const headerValue = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constantFrom('websocket', '100-continue', 'bytes=0-1', `hotline_harness_0=${'a'.repeat(32)}`, ';;;==', '\u0000'),
    );
    const headers = fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }).map((pairs) => pairs.map(([n, v]) => `${n}: ${v}\r\n`).join(''));
    const path = fc.constantFrom('/', '/index.html', '/assets/app.js', '/ws', '/nope');
    await fc.assert(
      fc.asyncProperty(method, path, fc.boolean(), headers, async (m, p, withToken, hs) => {
        const target = withToken ? `${p}?token=${h.token}` : p;
        let res = await rawRequest(h.port, request(m, target, hs));
        // under load a TCP reset can swallow an answer the server did send (the kernel drops the
        // received bytes on RST): ask once more; a server that really answers nothing fails again
        if (res.status === 0) res = await rawRequest(h.port, request(m, target, hs));
        const what = JSON.stringify({ m, target, hs });
        // an Upgrade header can make a valid socket handshake out of GET /ws?token: 101
        if (res.status === 101) {
          expect(withToken && p === '/ws', what).toBe(true);
        } else {
          expectSaneAnswer(res, withToken, what, m === 'HEAD');
        }
        expect(h.alive(), h.stderr()).toBe(true);
      }),
      { numRuns: 200 },
    );
    await expectAlive();
  });

  it('answers a request with a header block over Node’s limit with 431 and a reason', async () => {
    const res = await rawRequest(h.port, request('GET', '/', `X-Big: ${'a'.repeat(20_000)}\r\n`));
    expect(res.status).toBe(431);
    expect(res.body).toMatch(/too large/i);
    await expectAlive();
  });
});

// ─── WebSocket messages ──────────────────────────────────────────────────────────────────
const METHODS = Object.keys(contract);

function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const anyJson = fc.jsonValue({ maxDepth: 6 });
const envelopeLike = fc.record(
  {
    id: fc.oneof(fc.integer(), fc.double(), anyJson, fc.constant(undefined)),
    method: fc.oneof(fc.constantFrom(...METHODS), fc.string(), anyJson),
    input: anyJson,
  },
  { requiredKeys: [] },
);
const deep = fc.tuple(fc.integer({ min: 1, max: 150_000 }), fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>, fc.constantFrom('id', 'method', 'input')).map(
  ([depth, kind, field]) => `{"id":1,"${field}":${nested(depth, kind)}}`,
);
const message: fc.Arbitrary<{ data: string | Buffer; binary: boolean }> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((data) => ({ data, binary: false })),
  anyJson.map((v) => ({ data: JSON.stringify(v), binary: false })),
  envelopeLike.map((v) => ({ data: JSON.stringify(v), binary: false })),
  deep.map((data) => ({ data, binary: false })),
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ data: Buffer.from(b), binary: true })),
  envelopeLike.map((v) => ({ data: Buffer.from(JSON.stringify(v)), binary: true })),
);

describe('harness fuzz: WebSocket', () => {
  it('answers any message with the token with a contract envelope, and the process survives', async () => {
    let ws = await openSocket(h.port, h.token);
    await fc.assert(
      fc.asyncProperty(message, async ({ data, binary }) => {
        if (ws.readyState !== ws.OPEN) ws = await openSocket(h.port, h.token);
        const what = String(data).slice(0, 200);
        const { answer, closed } = await exchange(ws, data, { binary });
        expect(closed, `socket closed on ${what}`).toBeUndefined();
        const env = answer as { id: unknown; ok: unknown; error?: { code?: unknown; message?: unknown } };
        expect(typeof env.ok, what).toBe('boolean');
        if (env.ok === false) {
          expect(typeof env.error?.code, what).toBe('string');
          expect(String(env.error?.message).length, what).toBeGreaterThan(0);
        }
        expect(h.alive(), h.stderr()).toBe(true);
      }),
      { numRuns: 200 },
    );
    ws.close();
    await expectAlive();
  });

  it('closes a socket with a code for a message over 1 MiB or text that is not UTF-8, and serves the next one', async () => {
    const cases: { data: string | Buffer; binary: boolean; code: number }[] = [
      { data: 'x'.repeat(1024 * 1024 + 1), binary: false, code: 1009 },
      { data: Buffer.alloc(3 * 1024 * 1024, 0x5b), binary: true, code: 1009 },
      { data: `{"id":1,"method":"draft.clear","input":{"s":"${'y'.repeat(1024 * 1024)}"}}`, binary: false, code: 1009 },
      { data: Buffer.from([0x7b, 0xc0, 0xae, 0xff, 0x7d]), binary: false, code: 1007 },
    ];
    for (const c of cases) {
      const ws = await openSocket(h.port, h.token);
      const { closed } = await exchange(ws, c.data, { binary: c.binary });
      expect(closed).toBe(c.code);
      await expectAlive();
    }
    const ws = await openSocket(h.port, h.token);
    expect((await exchange(ws, JSON.stringify({ id: 9, method: 'draft.clear', input: {} }))).answer).toEqual({ id: 9, ok: true, data: { cleared: true } });
    ws.close();
  });
});
