/**
 * npm run seed -- --cases N --data DIR [--workstation W001] [--seed 12345] [--now EPOCH_MS] [--replace]
 *   Writes DIR/hotline.sqlite (a WORKSTATION store) full of generated history calibrated to the
 *   Jining figures and prints one JSON line with the build rate.
 *
 * npm run seed -- --cases N --server-data DIR [--seed 12345] [--now EPOCH_MS] [--per-day 2100]
 *                 [--password hotline-demo] [--calendar-dir DIR] [--deadline-rules FILE.json]
 * DATABASE_URL=postgres://… npm run seed -- --cases N --server [same options]
 * npm run seed -- --profile jining-2019 --server-data DIR | --server
 *   The seed article's centre, 2019-01-01 … 2019-10-15, with the article's exact figures
 *   (src/main/seed/jining-2019.ts): `npm run report` then prints them.
 *   Writes a living floor into an empty CENTRAL SERVER database (the embedded one in DIR, created
 *   if missing, or PostgreSQL): units, dispatch catalogue, accounts, cases with their work orders
 *   and histories (src/server/seed). Prints one JSON line: counts, queues, on-time %, seconds and
 *   the demo accounts with their password.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateStore } from '../src/main/seed/generate';
import type { ServerConfigOverrides } from '../src/server/config';
import { openDatabase } from '../src/server/db/open';
import { restrictNewFiles } from '../src/server/db/private-dir';
import { readCalendarDir } from '../src/server/workorders/calendar-dir';
import { DeadlineRules } from '../src/shared/workorders';
import { DEMO_PASSWORD, demoAccounts, seedCentral, SEED_PROFILES, type SeedProfileName } from './seed-server';

const USAGE = `usage:
  npm run seed -- --cases N --data DIR [--workstation W001] [--seed 12345] [--now EPOCH_MS] [--replace]
  npm run seed -- --cases N --server-data DIR [--seed 12345] [--now EPOCH_MS] [--per-day 2100] [--password P]
                  [--calendar-dir DIR] [--deadline-rules FILE.json]
  DATABASE_URL=postgres://… npm run seed -- --cases N --server [same options as --server-data]
  npm run seed -- --profile jining-2019 --server-data DIR | --server   (the article's centre, 2019-01-01 … 2019-10-15)`;

class UsageError extends Error {}

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string' },
      data: { type: 'string' },
      workstation: { type: 'string', default: 'W001' },
      seed: { type: 'string', default: '12345' },
      now: { type: 'string' },
      replace: { type: 'boolean', default: false },
      'server-data': { type: 'string' },
      server: { type: 'boolean', default: false },
      'per-day': { type: 'string' },
      password: { type: 'string', default: DEMO_PASSWORD },
      'calendar-dir': { type: 'string' },
      'deadline-rules': { type: 'string' },
      profile: { type: 'string' },
    },
  });
  const named = values.profile as SeedProfileName | undefined;
  if (named !== undefined && !SEED_PROFILES.includes(named)) throw new UsageError(`--profile: one of ${SEED_PROFILES.join(', ')}, got "${named}"`);
  const cases = named ? 1 : int('cases', values.cases);
  const targets = [values.data, values['server-data'], values.server || undefined].filter((v) => v !== undefined);
  if (cases === undefined || cases < 1 || targets.length !== 1) {
    throw new UsageError(targets.length > 1 ? 'give one of --data, --server-data and --server' : 'give --cases N and a target');
  }
  if (named && values.data) throw new UsageError('--profile seeds a central server: use --server-data DIR or --server');
  const seed = int('seed', values.seed)!;
  const now = int('now', values.now);

  if (values.data) {
    const result = generateStore({ dataDir: values.data, cases, workstation: values.workstation, seed, now, replace: values.replace });
    console.log(JSON.stringify({ name: 'seed', file: result.file, n: result.cases, seconds: Number(result.seconds.toFixed(2)), cases_per_s: result.casesPerSecond }));
    return;
  }

  if (values.server && !process.env.DATABASE_URL) throw new UsageError('--server writes into DATABASE_URL (postgres://…): set it, or use --server-data DIR');
  if (values.password.length < 8) throw new UsageError('--password: at least 8 characters');
  const config: ServerConfigOverrides = { workOrders: {} };
  if (values['calendar-dir']) config.workOrders!.calendarOverrides = readCalendarDir(values['calendar-dir']);
  if (values['deadline-rules']) {
    const rules = DeadlineRules.safeParse(JSON.parse(readFileSync(values['deadline-rules'], 'utf8')));
    if (!rules.success) throw new UsageError(`${values['deadline-rules']}: ${rules.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    config.workOrders!.deadlineRules = rules.data;
  }
  // the server's own rules for its data folder: umask 077, folder 0700, one process at a time
  restrictNewFiles();
  const db = await openDatabase({
    databaseUrl: values.server ? process.env.DATABASE_URL : undefined,
    dataDir: values['server-data'],
  });
  try {
    const r = await seedCentral({ db, cases, seed, now, named, perDay: int('per-day', values['per-day']), password: values.password, config });
    console.log(
      JSON.stringify({
        name: 'seed_server',
        db: db.kind,
        target: values['server-data'] ?? 'DATABASE_URL',
        now: new Date(r.now).toISOString(),
        cases: r.cases,
        valid: r.valid,
        contacts: r.contacts,
        orders: r.orders,
        history: r.history,
        units: r.units,
        rules: r.rules,
        states: r.states,
        queues: r.queues,
        dispatched_share: r.dispatchedShare,
        on_time_pct: r.onTimePct,
        returned_pct: r.returnedPct,
        extended_pct: r.extendedPct,
        subdispatched_pct: r.subdispatchedPct,
        sent_back_pct: r.sentBackPct,
        calendar_refused: r.calendarRefused,
        seconds: Number(r.seconds.toFixed(2)),
        accounts: { ...demoAccounts(values.password), created: r.accounts.created, existing: r.accounts.existing },
      }),
    );
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(`seed: ${(e as Error).message}`);
  if (e instanceof UsageError) console.error(USAGE);
  process.exit(1);
});
