/**
 * Issue 10's probes of the central server, kept as regressions: each failed on the landed main.
 *  - the login limit beaten by sending wrong passwords at once;
 *  - a case whose `operator` names another account;
 *  - a mutation nested 5,000 levels deep blocking its client's queue with 500s;
 *  - a disabled account answering a right and a wrong password differently;
 *  - password hashes at less than OWASP's scrypt minimum, and old hashes never upgraded.
 */
import { describe, expect, it } from 'vitest';
import { createAccount } from '../../../src/server/accounts/service';
import { hashParamsDiffer, verifyPassword } from '../../../src/server/auth/password';
import { DEFAULT_CONFIG } from '../../../src/server/config';
import { BACKENDS, caseArgs, mutations, pullAll, pushBody, serverPerSuite, uniqueName, workstation, type TestDb, type TestServer } from './helpers';

/** JSON text of `{"a":{"a":…"deep"}}`, `depth` objects deep (JSON.stringify itself overflows on it). */
const nestedJson = (depth: number) => `${'{"a":'.repeat(depth)}"deep"${'}'.repeat(depth)}`;

describe.each(BACKENDS)('security probes on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  it('checks at most the allowed number of passwords when 25 wrong ones arrive at once', async () => {
    const op = await s.account('operator');
    const results = await Promise.all(
      Array.from({ length: 25 }, () => s.call('POST', '/api/login', { username: op.username, password: 'wrong-password' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((c) => c === 401)).toHaveLength(DEFAULT_CONFIG.login.maxFailuresPerUsername);
    expect(statuses.filter((c) => c === 429)).toHaveLength(25 - DEFAULT_CONFIG.login.maxFailuresPerUsername);
    // even the right password waits out the window
    expect((await s.call('POST', '/api/login', { username: op.username, password: op.password })).status).toBe(429);
    s.clock.advance(DEFAULT_CONFIG.login.windowMs + 1);
    expect((await s.call('POST', '/api/login', { username: op.username, password: op.password })).status).toBe(200);
  });

  it('records the pushing account as the operator, whatever the case claims', async () => {
    const opa = await workstation(s);
    const sup = await s.account('supervisor');
    const args = caseArgs({ case: { operator: sup.username }, contact: { operator: sup.username } });
    const res = await s.call('POST', '/api/push', pushBody(opa, mutations(opa, [args])), opa.token);
    expect(res.status).toBe(200);
    expect(res.body.rejections).toEqual([]);
    const [row] = await t.db.query<{ c: string; k: string }>(
      'SELECT c.operator AS c, k.operator AS k FROM cases c JOIN contacts k ON k.case_id = c.id WHERE c.uuid = $1',
      [args.case.uuid],
    );
    expect(row).toEqual({ c: opa.username, k: opa.username });
    const reader = await workstation(s);
    const { changes } = await pullAll(s, reader);
    const pulled = changes.find((c) => c.uuid === args.case.uuid);
    expect(pulled?.operator).toBe(opa.username);
  });

  it('turns a mutation nested 5,000 levels deep into a rejection, and the queue moves on', async () => {
    const ws = await workstation(s);
    const deep = { id: ws.nextId++, name: 'case.create', args: { case: '@', contact: {} } };
    const body = JSON.stringify(pushBody(ws, [deep])).replace('"@"', nestedJson(5_000));
    const first = await s.call('POST', '/api/push', body, ws.token);
    expect(first.status, JSON.stringify(first.body).slice(0, 300)).toBe(200);
    expect(first.body.lastMutationId).toBe(deep.id);
    expect(first.body.rejections).toEqual([expect.objectContaining({ mutationId: deep.id, code: 'invalid_args' })]);
    const [stored] = await t.db.query<{ args: string }>('SELECT args FROM rejections WHERE client_id = $1', [ws.clientId]);
    expect(stored!.args.length).toBeLessThan(1000);

    const next = caseArgs();
    const second = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [next])), ws.token);
    expect(second.status).toBe(200);
    expect(second.body.rejections).toEqual([]);
    expect(await t.db.query('SELECT 1 FROM cases WHERE uuid = $1', [next.case.uuid])).toHaveLength(1);
  });

  it('keeps a rejection of huge arguments in a bounded form', async () => {
    const ws = await workstation(s);
    const args = caseArgs();
    (args.case as Record<string, unknown>).content = 'x'.repeat(2_000_000);
    const res = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [args])), ws.token);
    expect(res.status).toBe(200);
    expect(res.body.rejections).toHaveLength(1);
    const [stored] = await t.db.query<{ args: string }>('SELECT args FROM rejections WHERE client_id = $1', [ws.clientId]);
    expect(stored!.args.length).toBeLessThan(20_000);
    expect(JSON.parse(stored!.args)).toHaveProperty('truncated');
  });

  it('answers a disabled account alike for the right and a wrong password', async () => {
    const op = await s.account('operator');
    await t.db.query('UPDATE accounts SET disabled = true WHERE id = $1', [op.accountId]);
    const right = await s.call('POST', '/api/login', { username: op.username, password: op.password });
    const wrong = await s.call('POST', '/api/login', { username: op.username, password: 'not-the-password' });
    expect(wrong.status).toBe(right.status);
    expect(wrong.body).toEqual(right.body);
    expect(right.body.error).toBe('account_disabled');
  });

  it('re-hashes a password stored at a lower cost on the next successful login', async () => {
    const username = uniqueName('old');
    const password = 'an-old-password';
    await createAccount(t.db, { username, displayName: '旧账号', role: 'operator', password }, { N: 512, r: 8, p: 1, keyLength: 32 });
    const before = await t.db.query<{ h: string }>('SELECT password_hash AS h FROM accounts WHERE username = $1', [username]);
    expect(before[0]!.h).toMatch(/^scrypt\$512\$/);
    // this suite's server hashes at N=1024 (TEST_CONFIG)
    expect((await s.call('POST', '/api/login', { username, password: 'wrong' })).status).toBe(401);
    expect((await t.db.query<{ h: string }>('SELECT password_hash AS h FROM accounts WHERE username = $1', [username]))[0]!.h).toBe(before[0]!.h);
    expect((await s.call('POST', '/api/login', { username, password })).status).toBe(200);
    const [after] = await t.db.query<{ h: string }>('SELECT password_hash AS h FROM accounts WHERE username = $1', [username]);
    expect(after!.h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword(password, after!.h)).toBe(true);
    expect((await s.call('POST', '/api/login', { username, password })).status).toBe(200);
  });
});

describe('password cost', () => {
  it("defaults to OWASP's scrypt minimum (N=2^17, r=8, p=1)", () => {
    expect(DEFAULT_CONFIG.scrypt).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
    expect(hashParamsDiffer('scrypt$32768$8$1$c2FsdA==$a2V5a2V5a2V5', DEFAULT_CONFIG.scrypt)).toBe(true);
  });

});
