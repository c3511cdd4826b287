import { describe, expect, it } from 'vitest';
import { createHttpClient, NetworkError, normalizeServerUrl, ServerError, type FetchFn } from '../../../src/main/sync/http';
import { plainSecretBox } from '../../../src/main/sync/secrets';

const answer = (status: number, body: string): FetchFn => async () => new Response(body, { status, headers: { 'content-type': 'application/json' } });

describe('the HTTP client', () => {
  it('turns a refused connection into a NetworkError and an error body into a ServerError with its code', async () => {
    const refused = createHttpClient({
      baseUrl: 'http://127.0.0.1:9',
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      },
    });
    await expect(refused.refresh('t')).rejects.toThrow(NetworkError);
    await expect(refused.refresh('t')).rejects.toThrow(/ECONNREFUSED/);

    const gap = createHttpClient({
      baseUrl: 'http://server',
      fetch: answer(409, JSON.stringify({ error: 'mutation_gap', message: 'push from 4', lastMutationId: 3 })),
    });
    const err = await gap.push('t', 'client-1', [{ id: 7, name: 'case.create', argsJson: '{}' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 409, code: 'mutation_gap', body: { lastMutationId: 3 } });
  });

  it("sends the workstation code with every request, for the server's audit trail", async () => {
    const seen: Record<string, string>[] = [];
    const client = createHttpClient({
      baseUrl: 'http://server',
      headers: { 'x-hotline-workstation': 'W017' },
      fetch: async (_url, init) => {
        seen.push(init.headers as Record<string, string>);
        return new Response(JSON.stringify({ revoked: true }), { status: 200 });
      },
    });
    await client.logout('rt');
    expect(seen[0]).toMatchObject({ 'x-hotline-workstation': 'W017', 'content-type': 'application/json' });
    expect(seen[0]!.authorization).toBeUndefined();
    await client.register('real-token', 'client-1').catch(() => undefined);
    expect(seen[1]).toMatchObject({ 'x-hotline-workstation': 'W017', authorization: 'Bearer real-token' });
  });

  it('refuses an answer it cannot read instead of passing it on', async () => {
    const proxyPage = createHttpClient({ baseUrl: 'http://server', fetch: answer(502, '<html>Bad Gateway</html>') });
    await expect(proxyPage.refresh('t')).rejects.toMatchObject({ status: 502, code: 'http_502' });
    const wrongShape = createHttpClient({ baseUrl: 'http://server', fetch: answer(200, JSON.stringify({ cursor: 1 })) });
    await expect(wrongShape.pull('t', 'client-1', null, 10)).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('sends the outbox args as stored, inside a body the server can parse', async () => {
    let sent = '';
    const client = createHttpClient({
      baseUrl: 'http://server/',
      schemaVersion: 1,
      fetch: async (url, init) => {
        expect(url).toBe('http://server/api/push');
        sent = String(init.body);
        return new Response(JSON.stringify({ lastMutationId: 2, rejections: [] }), { status: 200 });
      },
    });
    await client.push('t', 'client-1', [
      { id: 1, name: 'case.create', argsJson: '{"case":{"content":"供暖\\"不热\\""}}' },
      { id: 2, name: 'case.create', argsJson: '{}' },
    ]);
    expect(JSON.parse(sent)).toEqual({
      schemaVersion: 1,
      clientId: 'client-1',
      mutations: [
        { id: 1, name: 'case.create', args: { case: { content: '供暖"不热"' } } },
        { id: 2, name: 'case.create', args: {} },
      ],
    });
  });

  it('accepts only http(s) server URLs', () => {
    expect(normalizeServerUrl('https://hotline.example.lan:8345/')).toBe('https://hotline.example.lan:8345');
    expect(() => normalizeServerUrl('ftp://x')).toThrow(/http/);
    expect(() => normalizeServerUrl('not a url')).toThrow(/not a URL/);
  });
});

describe('the refresh token at rest', () => {
  it('opens only what its own kind of box sealed', () => {
    expect(plainSecretBox.open(plainSecretBox.seal('tok'))).toBe('tok');
    expect(plainSecretBox.open('safe:AAAA')).toBeNull();
  });
});
