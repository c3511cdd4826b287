import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rebuildReport } from '../../../src/server/reports/facts';
import { sampledForFollowUp } from '../../../src/server/workorders/service';
import { BACKENDS, caseArgs, DAY, mutations, pullAll, pushBody, serverPerSuite, startServer, workstation, type TestDb, type TestServer } from './helpers';

async function casesOf(t: TestDb, clientId: string) {
  return t.db.query<{ uuid: string; officialNo: string; mutationId: number; version: number }>(
    `SELECT uuid::text AS uuid, official_no AS "officialNo", origin_mutation_id AS "mutationId", version
     FROM cases WHERE origin_client_id = $1 ORDER BY origin_mutation_id`,
    [clientId],
  );
}

describe.each(BACKENDS)('push on $name', (backend) => {
  let t: TestDb;
  let s: TestServer;
  serverPerSuite(backend, (db, server) => {
    t = db;
    s = server;
  });

  it('applies a batch in order, gives official numbers and acknowledges the last mutation id', async () => {
    const ws = await workstation(s);
    const args = [caseArgs(), caseArgs(), caseArgs()];
    const res = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, args)), ws.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ lastMutationId: 3, rejections: [] });
    const rows = await casesOf(t, ws.clientId);
    expect(rows.map((r) => r.uuid)).toEqual(args.map((a) => a.case.uuid));
    expect(rows.map((r) => r.mutationId)).toEqual([1, 2, 3]);
    // versions follow the batch order
    expect(rows.map((r) => r.version)).toEqual([...rows.map((r) => r.version)].sort((a, b) => a - b));
    for (const r of rows) expect(r.officialNo).toMatch(/^JN20261127-\d{6}$/);
    const [contacts] = await t.db.query<{ n: number }>(
      'SELECT count(*) AS n FROM contacts k JOIN cases c ON c.id = k.case_id WHERE c.origin_client_id = $1',
      [ws.clientId],
    );
    expect(contacts!.n).toBe(3);
  });

  it('skips mutation ids it already processed: the same batch twice creates each case once', async () => {
    const ws = await workstation(s);
    const body = pushBody(ws, mutations(ws, [caseArgs(), caseArgs()]));
    const first = await s.call('POST', '/api/push', body, ws.token);
    const replay = await s.call('POST', '/api/push', body, ws.token);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(await casesOf(t, ws.clientId)).toHaveLength(2);

    // a batch overlapping the processed ids applies only the new tail
    const tail = [caseArgs()];
    const overlap = pushBody(ws, [...body.mutations, ...mutations(ws, tail)]);
    const res = await s.call('POST', '/api/push', overlap, ws.token);
    expect(res.body.lastMutationId).toBe(3);
    expect((await casesOf(t, ws.clientId)).map((r) => r.uuid).at(-1)).toBe(tail[0]!.case.uuid);
    expect(await casesOf(t, ws.clientId)).toHaveLength(3);
  });

  it('does not duplicate a case whose uuid it already holds, even under a new mutation id', async () => {
    const ws = await workstation(s);
    const args = caseArgs();
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [args])), ws.token);
    // e.g. a workstation restored from a backup re-queues the case
    const res = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [args, args])), ws.token);
    expect(res.body).toEqual({ lastMutationId: 3, rejections: [] });
    const rows = await t.db.query('SELECT 1 FROM cases WHERE uuid = $1', [args.case.uuid]);
    expect(rows).toHaveLength(1);
  });

  it('refuses a gap with the last processed id and applies nothing of that batch', async () => {
    const ws = await workstation(s);
    await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [caseArgs(), caseArgs()])), ws.token);
    const gap = pushBody(ws, [
      { id: 4, name: 'case.create', args: caseArgs() },
      { id: 5, name: 'case.create', args: caseArgs() },
    ]);
    const res = await s.call('POST', '/api/push', gap, ws.token);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'mutation_gap', lastMutationId: 2 });
    expect(res.body.message).toMatch(/push from 3/);
    expect(await casesOf(t, ws.clientId)).toHaveLength(2);

    const fresh = await workstation(s);
    const startsLate = await s.call('POST', '/api/push', pushBody(fresh, [{ id: 2, name: 'case.create', args: caseArgs() }]), fresh.token);
    expect(startsLate.body).toMatchObject({ error: 'mutation_gap', lastMutationId: 0 });
  });

  it('records a mutation it can never apply as a rejection, and goes on with the queue', async () => {
    const ws = await workstation(s);
    const good1 = caseArgs();
    const good2 = caseArgs();
    const badPhone = caseArgs({ case: { phone: '138-0537-1234' } });
    const future = caseArgs({ case: { createdAt: s.clock.t + 3 * DAY } });
    const directWithoutAnswer = caseArgs({ case: { handlingMode: 'direct', status: 'closed', answer: ' ' } });
    const nul = caseArgs({ case: { content: '含有\u0000的内容' } });
    const batch = [
      { id: 1, name: 'case.create', args: good1 },
      { id: 2, name: 'case.teleport', args: {} },
      { id: 3, name: 'case.create', args: badPhone },
      { id: 4, name: 'case.create', args: future },
      { id: 5, name: 'case.create', args: directWithoutAnswer },
      { id: 6, name: 'case.create', args: nul },
      { id: 7, name: 'case.create' },
      { id: 8, name: 'case.create', args: good2 },
    ];
    const res = await s.call('POST', '/api/push', pushBody(ws, batch), ws.token);
    expect(res.status).toBe(200);
    expect(res.body.lastMutationId).toBe(8);
    const byId = Object.fromEntries(res.body.rejections.map((r: { mutationId: number }) => [r.mutationId, r]));
    expect(Object.keys(byId).map(Number)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(byId[2]).toMatchObject({ name: 'case.teleport', code: 'unknown_mutation' });
    expect(byId[3]).toMatchObject({ code: 'invalid_args' });
    expect(byId[3].reason).toMatch(/^case\.phone: .*normalised/);
    expect(byId[4]).toMatchObject({ code: 'rule_violation' });
    expect(byId[4].reason).toMatch(/future/);
    expect(byId[5].reason).toMatch(/^case\.answer: /);
    expect(byId[6].reason).toMatch(/^case\.content: .*NUL/);
    expect(byId[7].code).toBe('invalid_args');
    expect((await casesOf(t, ws.clientId)).map((r) => r.uuid)).toEqual([good1.case.uuid, good2.case.uuid]);

    // the rejections are kept: a replay (lost response) returns them again, and pull delivers them
    const replay = await s.call('POST', '/api/push', pushBody(ws, batch), ws.token);
    expect(replay.body).toEqual(res.body);
    const pulled = await pullAll(s, ws);
    expect(pulled.rejections.map((r) => r.mutationId)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(pulled.lastMutationId).toBe(8);
    const stored = await t.db.query<{ args: string }>('SELECT args FROM rejections WHERE client_id = $1 AND mutation_id = 6', [ws.clientId]);
    expect(JSON.parse(stored[0]!.args).case.content).toBe('含有\u0000的内容');
  });

  it('rejects a case whose contact uuid belongs to another case, without failing the batch', async () => {
    const ws = await workstation(s);
    const first = caseArgs();
    const clash = caseArgs({ contact: { uuid: first.contact.uuid } });
    const after = caseArgs();
    const res = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [first, clash, after])), ws.token);
    expect(res.body.lastMutationId).toBe(3);
    expect(res.body.rejections).toMatchObject([{ mutationId: 2, code: 'rule_violation' }]);
    expect(await casesOf(t, ws.clientId)).toHaveLength(2);
  });

  it('accepts the outbox row of the workstation store, which has no contact.caseUuid', async () => {
    const ws = await workstation(s);
    const args = caseArgs();
    const { caseUuid: _omit, ...contact } = args.contact;
    const res = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [{ ...args, contact }])), ws.token);
    expect(res.body.rejections).toEqual([]);
    const mismatched = caseArgs({ contact: { caseUuid: randomUUID() } });
    const refused = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [mismatched])), ws.token);
    expect(refused.body.rejections[0].reason).toMatch(/^contact\.caseUuid: must equal case\.uuid/);
  });

  it('numbers cases per day in sequence, from 000001 on a new day, across workstations', async () => {
    const clock = s.clock;
    const saved = clock.t;
    clock.t = Date.parse('2027-03-01T15:59:00Z'); // 23:59 in Jining
    try {
      const a = await workstation(s);
      const b = await workstation(s);
      await s.call('POST', '/api/push', pushBody(a, mutations(a, [caseArgs(), caseArgs()])), a.token);
      await s.call('POST', '/api/push', pushBody(b, mutations(b, [caseArgs()])), b.token);
      clock.advance(2 * 60_000); // 00:01 on 2 March in Jining
      await s.call('POST', '/api/push', pushBody(a, mutations(a, [caseArgs()])), a.token);
      const numbers = [...(await casesOf(t, a.clientId)), ...(await casesOf(t, b.clientId))].map((r) => r.officialNo).sort();
      expect(numbers).toEqual(['JN20270301-000001', 'JN20270301-000002', 'JN20270301-000003', 'JN20270302-000001']);
      expect((await casesOf(t, a.clientId)).map((r) => r.officialNo)).toEqual(['JN20270301-000001', 'JN20270301-000002', 'JN20270302-000001']);
    } finally {
      clock.t = saved;
    }
  });

  it('keeps counting past 999999 cases in a day: the sequence widens, it is never cut', async () => {
    const clock = s.clock;
    const saved = clock.t;
    clock.t = Date.parse('2027-04-01T02:00:00Z');
    try {
      await t.db.query(`INSERT INTO official_no_days (day, last) VALUES ('20270401', 999998)`);
      const ws = await workstation(s);
      await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [caseArgs(), caseArgs(), caseArgs()])), ws.token);
      expect((await casesOf(t, ws.clientId)).map((r) => r.officialNo)).toEqual(['JN20270401-999999', 'JN20270401-1000000', 'JN20270401-1000001']);
    } finally {
      clock.t = saved;
    }
  });

  it('uses the configured official number prefix', async () => {
    const other = await startServer(t.db, { config: { officialNoPrefix: 'ZB' }, clock: s.clock });
    try {
      const ws = await workstation(other);
      await other.call('POST', '/api/push', pushBody(ws, mutations(ws, [caseArgs()])), ws.token);
      expect((await casesOf(t, ws.clientId))[0]!.officialNo).toMatch(/^ZB\d{8}-\d{6}$/);
    } finally {
      await other.close();
    }
  });

  it('refuses a batch larger than the limit', async () => {
    const ws = await workstation(s);
    const muts = Array.from({ length: 1001 }, (_, i) => ({ id: i + 1, name: 'case.teleport', args: {} }));
    const res = await s.call('POST', '/api/push', pushBody(ws, muts), ws.token);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('mutations');
  });

  it('counts pushed cases into the reports exactly as a rebuild from scratch does, a follow-up sample or not', async () => {
    const ws = await workstation(s);
    const channels = ['hotline', 'website', 'wechat'] as const;
    const direct = (i: number) =>
      caseArgs({ case: { handlingMode: 'direct', status: 'closed', answer: '已答复来电人。', channel: channels[i % 3], categoryCode: i % 2 ? '0501' : '0302' } });
    const dispatched = (i: number) => caseArgs({ case: { channel: channels[i % 3], regionCode: i % 2 ? '370811' : '370812', createdAt: s.clock.t - i * DAY } });
    // batches of 1, 3 and 12 cases; the direct ones of some batches are sampled for 回访 (10 %)
    const batches = [[direct(0)], [dispatched(1)], [direct(2), dispatched(3), direct(4)], Array.from({ length: 12 }, (_, i) => (i % 2 ? direct(i) : dispatched(i)))];
    for (const b of batches) {
      const res = await s.call('POST', '/api/push', pushBody(ws, mutations(ws, b)), ws.token);
      expect(res.body.rejections).toEqual([]);
    }
    // both ways of counting ran: batches without a sampled case (counted by the insert itself) and with one
    const sampled = batches.map((b) => b.some((a) => a.case.handlingMode === 'direct' && sampledForFollowUp(a.case.uuid, 0.1)));
    expect(sampled).toContain(false);
    if (!sampled.includes(true)) {
      // the uuids are random: make sure one batch holds a sampled direct case
      let a = direct(20);
      while (!sampledForFollowUp(a.case.uuid, 0.1)) a = direct(20);
      await s.call('POST', '/api/push', pushBody(ws, mutations(ws, [a, dispatched(21)])), ws.token);
    }
    const [orders] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM work_orders w JOIN cases c ON c.id = w.case_id WHERE c.origin_client_id = $1 AND w.state = 'pending_follow_up'`,
      [ws.clientId],
    );
    expect(orders!.n).toBeGreaterThan(0);

    const read = () =>
      Promise.all([
        t.db.query('SELECT * FROM report_facts ORDER BY case_id'),
        t.db.query('SELECT * FROM report_daily WHERE received <> 0 OR due <> 0 OR completed <> 0 OR returned <> 0 ORDER BY day, channel, category, region, unit'),
        t.db.query('SELECT * FROM report_channel_daily WHERE received <> 0 OR due <> 0 OR completed <> 0 OR returned <> 0 ORDER BY day, channel'),
      ]);
    const counted = await read();
    const [facts] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM report_facts f JOIN cases c ON c.id = f.case_id WHERE c.origin_client_id = $1',
      [ws.clientId],
    );
    expect(facts!.n).toBe((await casesOf(t, ws.clientId)).length);
    await t.db.transaction((tx) => rebuildReport(tx));
    expect(await read()).toEqual(counted);
  });
});
