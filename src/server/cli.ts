/**
 * The server's command line.
 *
 *   npm run server -- --data DIR [--port 8345] [--host 127.0.0.1] [options]
 *   npm run server -- create-admin --data DIR --username admin [--display-name 系统管理员]
 *
 * DATABASE_URL=postgres://… selects PostgreSQL instead of the embedded database in DIR.
 * create-admin reads the password from HOTLINE_ADMIN_PASSWORD or standard input; there is no
 * default password. src/server/README.md has the details.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Password, Username } from '../shared/sync';
import { createAccount } from './accounts/service';
import { buildServer } from './app';
import { DEFAULT_CONFIG, type ServerConfigOverrides } from './config';
import { migrate } from './db/migrations';
import { openDatabase } from './db/open';
import { restrictNewFiles } from './db/private-dir';
import { loadTokenSecret, SecretError } from './auth/secret';
import { replaceDirectory } from './units/service';
import { readDirectoryFile, SheetError } from './units/spreadsheet';
import { checkDirectory, parseFollowUpSettings } from '../shared/units';
import { DeadlineRules } from '../shared/workorders';
import { readCalendarDir } from './workorders/calendar-dir';
import { logDestination } from './log';
import { loadTlsFiles, TlsConfigError } from './tls';
import { backupEmbedded, restoreEmbedded, verifyEmbeddedBackup } from './db/backup';
import { scheduleSnapshots } from './sync/snapshot-schedule';

const USAGE = `usage:
  npm run server -- --data DIR [--port N] [--host H] [--official-prefix JN] [--time-zone Asia/Shanghai]
                    [--window-days 365] [--offline-days 7] [--trust-proxy] [--secret-file FILE]
                    [--calendar-dir DIR] [--taxonomy-dir DIR] [--deadline-rules FILE.json] [--operator-may-dispatch]
                    [--follow-up FILE.json]
                    [--log-file FILE] [--log-max-mb 50] [--log-keep 10] [--tls-cert FILE --tls-key FILE]
                    [--db-pool 10] [--snapshot-dir DIR [--snapshot-every-hours 24 (PostgreSQL)]]
  npm run server -- create-admin --data DIR --username NAME [--display-name TEXT]
  npm run server -- import-units --data DIR FILE.xlsx|FILE.csv [--dry-run]
  npm run server -- backup --data DIR --out FILE.tar.gz      (embedded database; stop the server first)
  npm run server -- restore --data DIR --from FILE.tar.gz [--replace]
  npm run server -- verify-backup FILE.tar.gz
environment: DATABASE_URL (PostgreSQL instead of the embedded database), LOG_LEVEL (info),
             HOTLINE_TOKEN_SECRET (the token signing key, base64 of 32+ bytes; else --secret-file,
             default DIR/token-secret with --data, created 0600 on first start),
             HOTLINE_ADMIN_PASSWORD (create-admin; otherwise read from standard input)`;

/** out/portal of this checkout (src/server/cli.ts → ../../out/portal) */
const PORTAL_DIR = fileURLToPath(new URL('../../out/portal', import.meta.url));

class UsageError extends Error {}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not a readable JSON file (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** A password typed at a terminal without echo, or the first line of piped input. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.HOTLINE_ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve, reject) => {
      process.stderr.write(prompt);
      stdin.setRawMode(true);
      stdin.resume();
      let typed = '';
      const onData = (data: Buffer) => {
        for (const ch of data.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            stdin.setRawMode(false);
            stdin.pause();
            process.stderr.write('\n');
            return resolve(typed);
          }
          if (ch === '\u0003') {
            stdin.setRawMode(false);
            return reject(new UsageError('cancelled'));
          }
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  const first = await ask('Password for the new admin: ');
  const second = await ask('Repeat the password: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

async function createAdmin(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { data: { type: 'string' }, username: { type: 'string' }, 'display-name': { type: 'string' } },
  });
  const username = Username.safeParse(values.username ?? '');
  if (!username.success) throw new UsageError(`--username: ${username.error.issues[0]?.message}`);
  const password = Password.safeParse(await readPassword());
  if (!password.success) throw new UsageError(password.error.issues[0]?.message ?? 'invalid password');
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: values.data });
  try {
    await migrate(db);
    const account = await createAccount(
      db,
      { username: username.data, displayName: values['display-name'] ?? '系统管理员', role: 'admin', password: password.data },
      DEFAULT_CONFIG.scrypt,
    );
    process.stdout.write(`created admin account "${account.username}" (id ${account.id}) in ${db.kind}\n`);
  } finally {
    await db.close();
  }
}

/** The units directory from IT's spreadsheet, as POST /api/units/import does it (src/shared/units.ts). */
async function importUnits(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { data: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('give one spreadsheet: import-units --data DIR FILE.xlsx');
  const format = file.toLowerCase().endsWith('.csv') ? 'csv' : file.toLowerCase().endsWith('.xlsx') ? 'xlsx' : null;
  if (!format) throw new UsageError(`${file}: the file must end in .xlsx or .csv`);
  const read = await readDirectoryFile(readFileSync(file), format).catch((e: unknown) => {
    if (e instanceof SheetError) throw new UsageError(`${file}: ${e.problem.zh} (${e.problem.en})`);
    throw e;
  });
  const checked = checkDirectory(read.units, read.rules);
  if (!checked.ok) {
    for (const p of checked.problems) {
      process.stderr.write(`${p.sheet}${p.row !== null ? ` 第 ${p.row} 行` : ''}${p.column ? `「${p.column}」` : ''}: ${p.zh} (${p.en})\n`);
    }
    throw new UsageError(`${file}: ${checked.problems.length} problem(s), nothing imported`);
  }
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: values.data });
  try {
    await migrate(db);
    const s = await replaceDirectory(db, checked.directory, { dryRun: values['dry-run'] });
    process.stdout.write(
      `${values['dry-run'] ? 'dry run: would import' : 'imported'} ${s.units} units (${s.added} new, ${s.updated} changed, ` +
        `${s.unchanged} unchanged, ${s.deactivated} deactivated) and ${s.rules} dispatch rules into ${db.kind}\n`,
    );
  } finally {
    await db.close();
  }
}

/** Backup, restore and check of the embedded database (src/server/db/backup.ts); PostgreSQL: pg_dump, docs/backup.md. */
async function backupCommand(command: string, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { data: { type: 'string' }, out: { type: 'string' }, from: { type: 'string' }, replace: { type: 'boolean', default: false } },
  });
  if (process.env.DATABASE_URL && command !== 'verify-backup') {
    throw new UsageError(`${command} is for the embedded database; back PostgreSQL up with pg_dump (docs/backup.md)`);
  }
  if (command === 'verify-backup') {
    const file = positionals[0];
    if (!file) throw new UsageError('give the backup file: verify-backup FILE');
    const r = await verifyEmbeddedBackup(file);
    process.stdout.write(`ok: ${file} (schema ${r.schemaVersion}, ${r.accounts} accounts, ${r.cases} cases)\n`);
    return;
  }
  if (!values.data) throw new UsageError(`${command} needs --data DIR`);
  if (command === 'backup') {
    if (!values.out) throw new UsageError('backup needs --out FILE');
    const r = await backupEmbedded(values.data, values.out);
    process.stdout.write(`backup written and verified: ${values.out} (${r.bytes} bytes, schema ${r.schemaVersion}, ${r.cases} cases)\n`);
    return;
  }
  if (!values.from) throw new UsageError('restore needs --from FILE');
  const r = await restoreEmbedded(values.from, values.data, { replace: values.replace });
  process.stdout.write(
    `restored ${values.from} into ${values.data} (schema ${r.schemaVersion}, ${r.cases} cases)` +
      `${r.keptAs ? `; the previous database is kept as ${r.keptAs}` : ''}\n`,
  );
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      port: { type: 'string', default: '8345' },
      host: { type: 'string', default: '127.0.0.1' },
      'official-prefix': { type: 'string' },
      'time-zone': { type: 'string' },
      'window-days': { type: 'string' },
      'offline-days': { type: 'string' },
      'trust-proxy': { type: 'boolean', default: false },
      'secret-file': { type: 'string' },
      'calendar-dir': { type: 'string' },
      'taxonomy-dir': { type: 'string' },
      'deadline-rules': { type: 'string' },
      'operator-may-dispatch': { type: 'boolean', default: false },
      'follow-up': { type: 'string' },
      'log-file': { type: 'string' },
      'log-max-mb': { type: 'string' },
      'log-keep': { type: 'string' },
      'snapshot-dir': { type: 'string' },
      'snapshot-every-hours': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'db-pool': { type: 'string' },
    },
  });
  // before anything else: a half-given or unreadable certificate stops the start
  let tls;
  try {
    tls = loadTlsFiles(values['tls-cert'], values['tls-key']);
  } catch (e) {
    if (e instanceof TlsConfigError) throw new UsageError(e.message);
    throw e;
  }
  const snapshotEvery = integer('snapshot-every-hours', values['snapshot-every-hours']);
  if (snapshotEvery !== undefined && !values['snapshot-dir']) throw new UsageError('--snapshot-every-hours needs --snapshot-dir DIR');
  if (snapshotEvery !== undefined && !process.env.DATABASE_URL) {
    throw new UsageError(
      '--snapshot-every-hours needs PostgreSQL (DATABASE_URL): the embedded database allows one process per folder; ' +
        'build with the server stopped: npm run snapshot -- --server-data DIR --out DIR',
    );
  }
  if (snapshotEvery === 0) throw new UsageError('--snapshot-every-hours must be at least 1');
  const port = integer('port', values.port)!;
  const poolSize = integer('db-pool', values['db-pool']);
  if (poolSize === 0) throw new UsageError('--db-pool must be at least 1');
  const logMaxMb = integer('log-max-mb', values['log-max-mb']);
  const logKeep = integer('log-keep', values['log-keep']);
  if (logMaxMb === 0 || logKeep === 0) throw new UsageError('--log-max-mb and --log-keep must be at least 1');
  const logStream = logDestination({
    file: values['log-file'],
    maxBytes: logMaxMb === undefined ? undefined : logMaxMb * 1024 * 1024,
    keep: logKeep,
  });
  const config: ServerConfigOverrides = {};
  if (values['official-prefix']) config.officialNoPrefix = values['official-prefix'];
  if (values['time-zone']) config.timeZone = values['time-zone'];
  const windowDays = integer('window-days', values['window-days']);
  if (windowDays !== undefined) config.windowDays = windowDays;
  const offlineDays = integer('offline-days', values['offline-days']);
  if (offlineDays !== undefined) config.offlineDays = offlineDays;
  config.workOrders = { settings: { operatorMayDispatch: values['operator-may-dispatch'] } };
  if (values['calendar-dir']) {
    try {
      config.workOrders.calendarOverrides = readCalendarDir(values['calendar-dir']);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  if (values['deadline-rules']) {
    const rules = DeadlineRules.safeParse(readJson(values['deadline-rules']));
    if (!rules.success) {
      throw new UsageError(`${values['deadline-rules']}: ${rules.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    config.workOrders.deadlineRules = rules.data;
  }
  if (values['follow-up']) {
    // 回访: {"scale": 3, "maxAttempts": 3, "retryAfterWorkingDays": 1, "directAnswerSample": 0.1, …}
    const fu = parseFollowUpSettings(readJson(values['follow-up']));
    if (!fu.success) {
      throw new UsageError(`${values['follow-up']}: ${fu.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    config.workOrders.settings = { ...config.workOrders.settings!, followUp: fu.data };
  }

  const secretFile = values['secret-file'] ?? (values.data ? join(values.data, 'token-secret') : undefined);
  const secretSource = { env: process.env.HOTLINE_TOKEN_SECRET, file: secretFile };
  // nowhere to keep the secret: say so before connecting to anything
  if (!secretSource.env && !secretSource.file) loadTokenSecret(secretSource);
  let repaired: string[] = [];
  const db = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: values.data,
    poolSize,
    onRepaired: (paths) => (repaired = paths),
  });
  let app;
  try {
    const tokenSecret = loadTokenSecret(secretSource);
    app = await buildServer({
      db,
      config,
      tokenSecret,
      // masked lines, to standard output or the rotating --log-file (src/server/log.ts)
      logger: { level: process.env.LOG_LEVEL ?? 'info', stream: logStream },
      trustProxy: values['trust-proxy'],
      // the unit portal (npm run build:portal), at /portal/
      portalDir: PORTAL_DIR,
      taxonomyDir: values['taxonomy-dir'],
      snapshotDir: values['snapshot-dir'],
      tls,
    });
    await app.listen({ port, host: values.host });
  } catch (e) {
    await db.close();
    throw e;
  }
  if (repaired.length > 0) {
    app.log.warn({ data: values.data, repaired: repaired.length }, 'the data folder was readable by other users: tightened to 0700/0600');
  }
  app.log.info({ db: db.kind, data: values.data ?? null, tls: tls !== undefined }, 'hotline server ready');
  const snapshots =
    snapshotEvery !== undefined && values['snapshot-dir']
      ? scheduleSnapshots({ dir: values['snapshot-dir'], everyHours: snapshotEvery, windowDays: windowDays ?? DEFAULT_CONFIG.windowDays, log: app.log })
      : null;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    // a request stuck on a dead database must not keep the process alive forever
    setTimeout(() => process.exit(1), 15_000).unref();
    snapshots?.stop();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  // files this process creates (database, secret, pid) are the server user's alone
  restrictNewFiles();
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (argv[0] === 'create-admin') return createAdmin(argv.slice(1));
  if (argv[0] === 'import-units') return importUnits(argv.slice(1));
  if (argv[0] === 'backup' || argv[0] === 'restore' || argv[0] === 'verify-backup') return backupCommand(argv[0], argv.slice(1));
  return serve(argv);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`error: ${message}\n`);
  if (e instanceof SecretError) process.stderr.write(`${USAGE}\n`);
  else if (e instanceof UsageError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`${USAGE}\n`);
  }
  process.exit(1);
});
