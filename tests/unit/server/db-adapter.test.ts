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
  const mode = async (q: { query: TestDb['db']['query'] }, prepared: boolean) =>
    (await q.query<{ m: string }>(`SELECT current_setting('plan_cache_mode') AS m, $1::int AS n`, [1], { prepared }))[0]!.m;

  it('plans prepared statements generically outside transactions, and leaves the others to PostgreSQL', async () => {
    // the pool's connections for prepared statements keep the schema of the test (search_path)
    expect(await t.db.query('SELECT count(*)::int AS n FROM plan_probe', [], { prepared: true })).toEqual([{ n: 0 }]);
    for (let i = 0; i < 3; i++) {
      expect(await mode(t.db, true)).toBe('force_generic_plan');
      expect(await mode(t.db, false)).toBe('auto');
    }
  });

  it('plans a genericPlans transaction generically, and only that transaction', async () => {
    expect(await t.db.transaction((tx) => mode(tx, false), { genericPlans: true })).toBe('force_generic_plan');
    expect(await t.db.transaction((tx) => mode(tx, true), { genericPlans: true })).toBe('force_generic_plan');
    expect(await t.db.transaction((tx) => mode(tx, true))).toBe('auto');
    expect(await t.db.transaction((tx) => mode(tx, false))).toBe('auto');
  });
});
