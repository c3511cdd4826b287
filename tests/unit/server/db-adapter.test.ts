/** The database adapters' transactions: a statement sent with the COMMIT (Tx.atCommit). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type TestDb } from './helpers';

describe.each(BACKENDS)('transactions on $name', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await backend.open();
    await t.db.exec('CREATE TABLE at_commit_probe (id int PRIMARY KEY, x int NOT NULL)');
  });
  afterAll(async () => {
    await t.drop();
  });
  const rows = () => t.db.query<{ id: number; x: number }>('SELECT id, x FROM at_commit_probe ORDER BY id');

  it('runs an atCommit statement last, after everything the transaction did, and commits it', async () => {
    const result = await t.db.transaction(async (tx) => {
      tx.atCommit('UPDATE at_commit_probe SET x = x + 10');
      await tx.query('INSERT INTO at_commit_probe (id, x) VALUES (1, 1), (2, 2)');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await rows()).toEqual([
      { id: 1, x: 11 },
      { id: 2, x: 12 },
    ]);
  });

  it('rolls the whole transaction back when its atCommit statement fails, and rejects', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO at_commit_probe (id, x) VALUES (3, 3)');
        tx.atCommit('UPDATE at_commit_probe SET x = 1 / 0 WHERE id = 3');
      }),
    ).rejects.toThrow(/division by zero/);
    expect((await rows()).map((r) => r.id)).toEqual([1, 2]);
    // and the connection is usable afterwards
    await t.db.transaction(async (tx) => tx.query('INSERT INTO at_commit_probe (id, x) VALUES (4, 4)'));
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 4]);
  });
});

describe.each(BACKENDS.filter((b) => b.name === 'postgres'))('plans on $name', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await backend.open();
    await t.db.exec('CREATE TABLE plan_probe (id int PRIMARY KEY)');
  });
  afterAll(async () => {
    await t.drop();
  });
  type Plan = { prepared?: boolean; generic?: boolean };
  const mode = async (q: { query: TestDb['db']['query'] }, opts: Plan) =>
    (await q.query<{ m: string }>(`SELECT current_setting('plan_cache_mode') AS m, $1::int AS n`, [1], opts))[0]!.m;

  it('plans a `generic` statement once for any values, and leaves prepared and plain ones to PostgreSQL', async () => {
    // the connections kept for generic plans keep the schema of the test (search_path)
    expect(await t.db.query('SELECT count(*)::int AS n FROM plan_probe', [], { generic: true })).toEqual([{ n: 0 }]);
    for (let i = 0; i < 3; i++) {
      expect(await mode(t.db, { generic: true })).toBe('force_generic_plan');
      expect(await mode(t.db, { prepared: true })).toBe('auto');
      expect(await mode(t.db, {})).toBe('auto');
    }
  });

  it('never JIT-compiles: not on either pool, not in a transaction', async () => {
    const jit = async (q: { query: TestDb['db']['query'] }, opts: Plan) =>
      (await q.query<{ j: string }>(`SELECT current_setting('jit') AS j, $1::int AS n`, [1], opts))[0]!.j;
    expect([await jit(t.db, {}), await jit(t.db, { prepared: true }), await jit(t.db, { generic: true })]).toEqual(['off', 'off', 'off']);
    expect(await t.db.transaction((tx) => jit(tx, {}))).toBe('off');
    expect(await t.db.transaction((tx) => jit(tx, {}), { genericPlans: true })).toBe('off');
  });

  it('plans a genericPlans transaction generically, and only that transaction', async () => {
    expect(await t.db.transaction((tx) => mode(tx, {}), { genericPlans: true })).toBe('force_generic_plan');
    expect(await t.db.transaction((tx) => mode(tx, { prepared: true }), { genericPlans: true })).toBe('force_generic_plan');
    expect(await t.db.transaction((tx) => mode(tx, { prepared: true }))).toBe('auto');
    expect(await t.db.transaction((tx) => mode(tx, { generic: true }))).toBe('auto');
  });
});
