/**
 * Exactly once, under faults: several workstations log cases offline, reconnect through a proxy
 * that drops requests, drops answers after the server committed, cuts answers in half,
 * duplicates and replays requests late, and delays them; workstations crash at every step of push
 * and pull (the step throws, the store is closed and reopened from its file, the operator signs
 * in again). Schedules are random (fast-check). At the end, with the network healthy:
 * the server holds every logged case exactly once, and every workstation holds exactly the
 * server's cases with their official numbers.
 *
 * The crash here is an exception at the step; tests/unit/sync/crash.test.ts does the same with
 * SIGKILL on a child process, where no finally block or rollback code of ours runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import type { SyncStep } from '../../../src/main/sync/job';
import { FAULTS, startFaultProxy, type Fault, type FaultProxy } from './fault-proxy';
import { Clock, openWorkstation, startTestServer, syncUntilQuiet, tempDir, type TestServer, type TestWorkstation } from './helpers';

const STEPS: SyncStep[] = ['push:send', 'push:answered', 'push:acked', 'pull:send', 'pull:received', 'pull:applying', 'pull:applied'];
const WORKSTATIONS = 3;

class Crash extends Error {}

const clock = new Clock();
let server: TestServer;
let proxy: FaultProxy;
const { dir, cleanup } = tempDir();

beforeAll(async () => {
  server = await startTestServer(clock);
  proxy = await startFaultProxy(server.url);
});
afterAll(async () => {
  await proxy.close();
  await server.close();
  cleanup();
});

interface Plan {
  offline: number[];
  restartWhileOffline: boolean;
  rounds: { ws: number; cases: number; crashAt: SyncStep | null }[];
  faults: Fault[];
  pushBatch: number;
  pullLimit: number;
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  offline: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: WORKSTATIONS, maxLength: WORKSTATIONS }),
  restartWhileOffline: fc.boolean(),
  rounds: fc.array(
    fc.record({
      ws: fc.nat({ max: WORKSTATIONS - 1 }),
      cases: fc.integer({ min: 0, max: 4 }),
      crashAt: fc.option(fc.constantFrom(...STEPS), { nil: null, freq: 2 }),
    }),
    { minLength: 3, maxLength: 7 },
  ),
  faults: fc.array(fc.constantFrom(...FAULTS), { minLength: 15, maxLength: 45 }),
  pushBatch: fc.constantFrom(1, 2, 5, 100),
  pullLimit: fc.constantFrom(1, 3, 50),
});

/** A workstation that can crash at a step and be started again from its file. */
class Station {
  ws!: TestWorkstation;
  crashAt: SyncStep | null = null;
  crashed = false;
  readonly logged: string[] = [];

  constructor(
    private readonly file: string,
    readonly account: { username: string; password: string },
    private readonly code: string,
    private readonly plan: Plan,
    private readonly counts: { crashes: number; restarts: number },
  ) {
    this.open();
  }

  get username(): string {
    return this.account.username;
  }

  private open(): void {
    this.ws = openWorkstation({
      file: this.file,
      serverUrl: proxy.url,
      clock,
      workstation: this.code,
      job: {
        pushBatch: this.plan.pushBatch,
        pullLimit: this.plan.pullLimit,
        onStep: (step) => {
          if (step !== this.crashAt) return;
          this.crashAt = null;
          this.crashed = true;
          this.counts.crashes++;
          throw new Crash(step);
        },
      },
      onInternalError: (e) => {
        if (!(e instanceof Crash)) throw e;
      },
    });
  }

  /** Online if the proxy lets the login through, else offline with the verifier: either way signed in. */
  async login(): Promise<void> {
    const res = await this.ws.call('auth.login', this.account);
    if (!res.ok) throw new Error(`${this.account.username} could not sign in: ${res.reason} ${res.message}`);
  }

  async restart(): Promise<void> {
    await this.ws.close();
    this.open();
    this.crashed = false;
    this.counts.restarts++;
    await this.login();
  }

  async log(n: number): Promise<void> {
    for (let i = 0; i < n; i++) this.logged.push(await this.ws.log());
  }

  /** One sync cycle; a failure is fine here (the network is hostile), a crash means a restart. */
  async sync(): Promise<void> {
    await this.ws.sync.job!.syncNow();
    if (this.crashed) await this.restart();
  }
}

const totals = { runs: 0, workstations: 0, cases: 0, faults_injected: 0, crashes: 0, restarts: 0, lost: 0, duplicated: 0 };

describe('sync under injected faults', () => {
  it('every logged case reaches the server exactly once and every workstation converges to it', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        const run = ++totals.runs;
        const counts = { crashes: 0, restarts: 0 };
        const faultsBefore = proxy.totalInjected();
        proxy.schedule([]);
        proxy.down = false;

        const accounts = await Promise.all(Array.from({ length: WORKSTATIONS }, () => server.account()));
        const stations = accounts.map(
          (account, i) => new Station(join(dir, `run${run}-ws${i}.sqlite`), account, `W${run}${i}`.slice(0, 8), plan, counts),
        );
        try {
          for (const s of stations) {
            await s.login();
            await syncUntilQuiet(s.ws);
          }

          // the network is down: everybody keeps logging calls
          proxy.down = true;
          for (const [i, s] of stations.entries()) await s.log(plan.offline[i]!);
          await Promise.all(stations.map((s) => s.sync()));
          if (plan.restartWhileOffline) await stations[0]!.restart();

          // back, but hostile
          proxy.down = false;
          proxy.schedule(plan.faults);
          for (const round of plan.rounds) {
            const s = stations[round.ws]!;
            await s.log(round.cases);
            s.crashAt = round.crashAt;
            await Promise.all(stations.map((t) => t.sync()));
          }

          // healthy again: everything settles
          proxy.schedule([]);
          for (const s of stations) {
            s.crashAt = null;
            if (s.crashed) await s.restart();
          }
          for (let pass = 0; pass < 2; pass++) for (const s of stations) await syncUntilQuiet(s.ws);

          const logged = stations.flatMap((s) => s.logged);
          const onServer = await server.cases();
          const [row] = await server.db.query<{ n: number }>(
            'SELECT count(*) AS n FROM cases c JOIN accounts a ON a.id = c.account_id WHERE a.username = ANY($1)',
            [accounts.map((a) => a.username)],
          );
          const lost = logged.filter((uuid) => !onServer.has(uuid)).length;
          const duplicated = row!.n - new Set(logged).size;
          totals.workstations += WORKSTATIONS;
          totals.cases += logged.length;
          totals.faults_injected += proxy.totalInjected() - faultsBefore;
          totals.crashes += counts.crashes;
          totals.restarts += counts.restarts;
          totals.lost += lost;
          totals.duplicated += duplicated;

          expect(lost).toBe(0);
          expect(duplicated).toBe(0);
          for (const s of stations) {
            expect(s.ws.sync.auth.current()?.username).toBe(s.username);
            expect(s.ws.cases()).toEqual(onServer);
            expect(s.ws.sync.status()).toMatchObject({ pending: 0, rejections: 0, lastError: null });
          }
        } finally {
          await Promise.all(stations.map((s) => s.ws.close()));
        }
      }),
      { numRuns: Number(process.env.SYNC_FAULT_RUNS ?? 8), endOnFailure: true },
    );
    console.log(JSON.stringify({ name: 'sync_fault_injection', ...totals }));
    expect(totals.faults_injected).toBeGreaterThan(0);
    expect(totals.crashes).toBeGreaterThan(0);
  }, 90_000);
});
