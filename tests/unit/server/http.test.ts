import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_MIN_SCHEMA_VERSION, SYNC_SCHEMA_VERSION } from '../../../src/shared/sync';
import { BACKENDS, caseArgs, countCases, mutations, openMigrated, pushBody, startServer, workstation, type TestDb, type TestServer } from './helpers';

describe.each(BACKENDS)('HTTP surface on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  beforeAll(async () => {
    t = await openMigrated(backend);
    s = await startServer(t.db, { config: { pushBodyLimit: 256 * 1024, bodyLimit: 16 * 1024 } });
  });
  afterAll(async () => {
    await s?.close();
    await t?.drop();
  });

  it('answers /health without credentials, naming its database', async () => {
    const res = await s.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: backend.name, schemaVersion: SYNC_SCHEMA_VERSION, minSchemaVersion: SYNC_MIN_SCHEMA_VERSION });
  });

  it('serves an OpenAPI document describing every route', async () => {
    const res = await s.call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/api/login', '/api/refresh', '/api/accounts', '/api/clients/register', '/api/push', '/api/pull']),
    );
    const push = res.body.paths['/api/push'].post;
    expect(push.security).toEqual([{ bearer: [] }]);
    expect(push.requestBody.content['application/json'].schema.required).toEqual(['schemaVersion', 'clientId', 'mutations']);
  });

  it('refuses every protected route without a token, with a reason', async () => {
    for (const url of ['/api/accounts', '/api/clients/register', '/api/push', '/api/pull']) {
      const res = await s.call('POST', url, {});
      expect(res.status, url).toBe(401);
      expect(res.body.error).toBe('unauthorized');
      expect(res.body.message).toMatch(/Bearer/);
    }
  });

  it('refuses a forged or expired access token', async () => {
    const op = await s.account();
    const [head, payload] = op.token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    const forged = await s.call('POST', '/api/accounts', {}, `${head}.${forgedPayload}.${op.token.split('.')[2]}`);
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe('invalid_token');

    const none = await s.call('POST', '/api/accounts', {}, `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`);
    expect(none.body.error).toBe('invalid_token');

    s.clock.advance(16 * 60_000);
    try {
      const expired = await s.call('POST', '/api/pull', {}, op.token);
      expect(expired.status).toBe(401);
      expect(expired.body.error).toBe('token_expired');
    } finally {
      s.clock.advance(-16 * 60_000);
    }
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await s.call('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found' });
  });

  it('turns malformed JSON, wrong types, wrong content type and oversized bodies into 4xx with a reason, changing nothing', async () => {
    const ws = await workstation(s);
    const before = await countCases(t.db);

    const broken = await s.call('POST', '/api/push', '{"schemaVersion": 1, "clientId": ', ws.token);
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe('invalid_json');

    const notObject = await s.call('POST', '/api/push', '[1,2,3]', ws.token);
    expect(notObject.status).toBe(400);
    expect(notObject.body.error).toBe('invalid_request');

    const wrongTypes = await s.call('POST', '/api/push', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: ws.clientId, mutations: 'all of them' }, ws.token);
    expect(wrongTypes.status).toBe(400);
    expect(wrongTypes.body).toMatchObject({ error: 'invalid_request', field: 'mutations' });

    const badId = await s.call('POST', '/api/push', pushBody(ws, [{ id: 'one', name: 'case.create', args: caseArgs() } as never]), ws.token);
    expect(badId.status).toBe(400);
    expect(badId.body.field).toBe('mutations.0.id');

    const unordered = await s.call(
      'POST',
      '/api/push',
      pushBody(ws, [
        { id: 1, name: 'case.create', args: caseArgs() },
        { id: 3, name: 'case.create', args: caseArgs() },
      ]),
      ws.token,
    );
    expect(unordered.status).toBe(400);
    expect(unordered.body.message).toMatch(/increase by 1/);

    const text = await s.app.inject({
      method: 'POST',
      url: '/api/push',
      headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expect(JSON.parse(text.body).error).toBe('unsupported_media_type');

    const big = mutations(ws, Array.from({ length: 200 }, () => caseArgs({ case: { content: '很长的内容'.repeat(300) } })));
    const oversized = await s.call('POST', '/api/push', pushBody(ws, big), ws.token);
    expect(oversized.status).toBe(413);
    expect(oversized.body.error).toBe('body_too_large');

    // the limit for everything but push is smaller
    const bigLogin = await s.call('POST', '/api/login', { username: 'x', password: 'y'.repeat(20_000) });
    expect(bigLogin.status).toBe(413);

    expect(await countCases(t.db)).toBe(before);
    const state = await s.call('POST', '/api/clients/register', { schemaVersion: SYNC_SCHEMA_VERSION, clientId: ws.clientId }, ws.token);
    expect(state.body.lastMutationId).toBe(0);
  });

  it('tells an old workstation to update, in Chinese and English, before looking at the rest of its request', async () => {
    const ws = await workstation(s);
    for (const [url, old] of [['/api/push', 0], ['/api/pull', 1], ['/api/clients/register', SYNC_MIN_SCHEMA_VERSION - 1]] as const) {
      const res = await s.call('POST', url, { schemaVersion: old, clientId: ws.clientId, somethingOld: true }, ws.token);
      expect(res.status, url).toBe(409);
      expect(res.body.error).toBe('update_required');
      expect(res.body.minVersion).toBe(SYNC_MIN_SCHEMA_VERSION);
      expect(res.body.message).toMatch(/请更新/);
      expect(res.body.message).toMatch(/Update required/);
    }
    const newer = await s.call('POST', '/api/pull', { schemaVersion: SYNC_SCHEMA_VERSION + 1, clientId: ws.clientId, cursor: null }, ws.token);
    expect(newer.status).toBe(409);
    expect(newer.body).toMatchObject({ error: 'server_update_required', maxVersion: SYNC_SCHEMA_VERSION });
    const missing = await s.call('POST', '/api/pull', { clientId: ws.clientId, cursor: null }, ws.token);
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('schemaVersion');
  });
});
