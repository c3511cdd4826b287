/**
 * Issue 10, item 5: requests and messages that used to end the harness process, and the page
 * that used to be served without the token. The harness runs in a child process so that "the
 * process survives" is observed, not assumed.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { exchange, openSocket, rawGet, rawRequest, startChildHarness, type ChildHarness } from './child';

let h: ChildHarness;

beforeEach(async () => {
  // a probe that killed the child must not take the next probe's verdict with it
  if (!h?.alive()) h = await startChildHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** The process is still there and still answers a valid request (the page, with the token). */
async function expectAlive(): Promise<void> {
  const page = await rawGet(h.port, `/?token=${h.token}`);
  expect(page.status, h.stderr()).toBe(200);
  expect(h.alive(), h.stderr()).toBe(true);
}

describe('harness: hostile requests do not end the process', () => {
  for (const path of ['/%', '//', '/%c0%ae%c0%ae/etc/passwd']) {
    it(`GET ${path} without the token gets a 4xx with a reason`, async () => {
      const res = await rawGet(h.port, path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.length).toBeGreaterThan(0);
      await expectAlive();
    });
  }

  for (const path of ['/%', '//', '/%c0%ae%c0%ae/etc/passwd', '/assets/%E0%A4%A', '/..%5c..%5cetc%5cpasswd']) {
    it(`GET ${path} with the token gets a 4xx with a reason`, async () => {
      const res = await rawGet(h.port, `${path}?token=${h.token}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.length).toBeGreaterThan(0);
      await expectAlive();
    });
  }
});

describe('harness: requests Node does not route to the handler get an answer', () => {
  it('CONNECT gets a 405 with a reason instead of a dropped connection', async () => {
    const res = await rawRequest(h.port, `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`);
    expect(res.status).toBe(405);
    expect(res.body).toMatch(/only GET and HEAD/);
    await expectAlive();
  });

  it('a request line Node cannot parse gets a 400 with a reason', async () => {
    const res = await rawRequest(h.port, 'GET /a b c\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.body.length).toBeGreaterThan(0);
    await expectAlive();
  });
});

describe('harness: hostile WebSocket messages do not end the process', () => {
  it('the text `null` gets an invalid_input answer', async () => {
    const ws = await openSocket(h.port, h.token);
    const { answer } = await exchange(ws, 'null');
    expect(answer).toMatchObject({ id: null, ok: false, error: { code: 'invalid_input' } });
    // the same socket still serves calls
    expect((await exchange(ws, JSON.stringify({ id: 7, method: 'draft.clear', input: {} }))).answer).toEqual({
      id: 7,
      ok: true,
      data: { cleared: true },
    });
    ws.close();
    await expectAlive();
  });

  it('a message over 1 MiB closes that socket with 1009 (message too big)', async () => {
    const ws = await openSocket(h.port, h.token);
    const { closed } = await exchange(ws, 'x'.repeat(1024 * 1024 + 1));
    expect(closed).toBe(1009);
    await expectAlive();
    const again = await openSocket(h.port, h.token);
    expect((await exchange(again, JSON.stringify({ id: 1, method: 'draft.clear', input: {} }))).answer).toMatchObject({ ok: true });
    again.close();
  });

  it('a method that is an array nested 200,000 deep gets an answer', async () => {
    const deep = `{"id":3,"method":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const ws = await openSocket(h.port, h.token);
    const { answer } = await exchange(ws, deep);
    expect(answer).toMatchObject({ id: 3, ok: false, error: { code: 'unknown_method' } });
    ws.close();
    await expectAlive();
  });
});

describe('harness: the page and its assets need the token', () => {
  const cookieName = () => `hotline_harness_${h.port}`;

  it('refuses the page without the token, or with a wrong one', async () => {
    for (const path of ['/', '/index.html', '/?token=wrong', `/?token=${h.token}x`]) {
      const res = await rawGet(h.port, path);
      expect(res.status, path).toBe(403);
      expect(res.body, path).toMatch(/token/);
    }
  });

  it('serves the page with the token and sets an HttpOnly SameSite=Strict cookie for its assets', async () => {
    const page = await rawGet(h.port, `/?token=${h.token}`);
    expect(page.status).toBe(200);
    const setCookie = /^set-cookie: (.*)$/im.exec(page.headers)?.[1] ?? '';
    expect(setCookie).toContain(`${cookieName()}=${h.token}`);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//i);
  });

  it('refuses an asset without the cookie or token and serves it with either', async () => {
    expect((await rawGet(h.port, '/assets/app.js')).status).toBe(403);
    expect((await rawGet(h.port, '/assets/app.js', `Cookie: ${cookieName()}=wrong\r\n`)).status).toBe(403);
    expect((await rawGet(h.port, '/assets/app.js', `Cookie: hotline_harness_1=${h.token}\r\n`)).status).toBe(403);
    const withCookie = await rawGet(h.port, '/assets/app.js', `Cookie: other=1; ${cookieName()}=${h.token}\r\n`);
    expect(withCookie.status).toBe(200);
    expect(withCookie.body).toBe('console.log(1);');
    expect((await rawGet(h.port, `/assets/app.js?token=${h.token}`)).status).toBe(200);
  });

  it('does not serve the page on the cookie alone: the token must be in the address', async () => {
    expect((await rawGet(h.port, '/', `Cookie: ${cookieName()}=${h.token}\r\n`)).status).toBe(403);
  });
});
