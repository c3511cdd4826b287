/**
 * Whatever a broken or hostile client sends, the answer is a 2xx or a 4xx with a reason —
 * never a 500 — and a push's bad mutation becomes a rejection instead of failing its batch.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, caseArgs, openMigrated, pushBody, startServer, workstation, type TestDb, type TestServer, type Workstation } from './helpers';

describe.each(BACKENDS)('hostile input on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  let ws: Workstation;
  beforeAll(async () => {
    t = await openMigrated(backend);
    s = await startServer(t.db);
    ws = await workstation(s);
  });
  afterAll(async () => {
    await s?.close();
    await t?.drop();
  });

  it('answers any JSON body on any route with a 4xx and a reason, or a success', async () => {
    const routes = ['/api/login', '/api/refresh', '/api/logout', '/api/accounts', '/api/clients/register', '/api/push', '/api/pull'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async (url, body) => {
        const res = await s.call('POST', url, JSON.stringify(body), ws.token);
        expect(res.status, `${url} ${JSON.stringify(body)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(typeof res.body.error).toBe('string');
          expect(res.body.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('turns any mangled case field into a rejection of that mutation alone', async () => {
    const fields = ['uuid', 'localNo', 'phone', 'callerName', 'channel', 'categoryCode', 'address', 'content', 'operator', 'createdAt', 'confidential'];
    const weird = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('\u0000', '\ud800', 'NULL', "'; DROP TABLE cases; --", '9'.repeat(30)),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), weird, async (field, value) => {
        const bad = caseArgs();
        (bad.case as Record<string, unknown>)[field] = value;
        const good = caseArgs();
        const res = await s.call(
          'POST',
          '/api/push',
          pushBody(ws, [
            { id: ws.nextId++, name: 'case.create', args: bad },
            { id: ws.nextId++, name: 'case.create', args: good },
          ]),
          ws.token,
        );
        if (res.status === 400 && res.body.error === 'invalid_json') {
          // a "__proto__" key anywhere in the body: the JSON parser refuses the whole request
          // (prototype poisoning), before any mutation; nothing was processed
          expect(JSON.stringify(value)).toContain('"__proto__"');
          ws.nextId -= 2;
          return;
        }
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.lastMutationId).toBe(ws.nextId - 1);
        const stored = await t.db.query('SELECT 1 FROM cases WHERE uuid = $1', [good.case.uuid]);
        expect(stored).toHaveLength(1);
      }),
      { numRuns: 80 },
    );
  });
});
