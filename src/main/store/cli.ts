/**
 * The workstation store's maintenance commands, for IT and the help desk:
 *
 *   npm run store -- backup  --data DIR [--out DIR] [--keep 7]   online backup (the app may run), verified
 *   npm run store -- verify  --data DIR | --file FILE             integrity_check of the store and its backups, or of one file
 *   npm run store -- list    --data DIR [--out DIR]               the backups, oldest first
 *   npm run store -- restore --data DIR --from FILE               replaces the store (refused while the app runs)
 *   npm run store -- diagnostics --data DIR [--out FILE.json]     the help desk's diagnostics (no case data)
 *
 * Every command takes the store key (key.ts) as `--key-file FILE` (64 hex digits), or `--plain`
 * for a store IT's policy keeps unencrypted; without either it uses the development key of the
 * browser harness and says so ("development key, not secret"). An installed workstation's key
 * is sealed by the OS key store for its user and is not available to this tool.
 *
 * Exit status 0 on success, 1 when a check fails or a command is refused, 2 for usage errors.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config';
import { collectDiagnostics } from '../diagnostics';
import { parseArgs } from 'node:util';
import { BACKUP_DIR, backupStore, listBackups, restoreStore, verifyStoreFile } from './backup';
import { STORE_FILE } from './paths';
import { openKeyed } from './db';
import { DEV_STORE_KEY_NOTICE, readKeyFile, type StoreKey } from './key';

const USAGE = `usage:
  npm run store -- backup  --data DIR [--out DIR] [--keep 7]
  npm run store -- verify  --data DIR | --file FILE
  npm run store -- list    --data DIR [--out DIR]
  npm run store -- restore --data DIR --from FILE
  npm run store -- diagnostics --data DIR [--out FILE.json]
  every command: [--key-file FILE | --plain] (default: the development key, not secret)`;

class UsageError extends Error {}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return resolve(value);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'string', default: '7' },
      file: { type: 'string' },
      from: { type: 'string' },
      'key-file': { type: 'string' },
      plain: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.plain && values['key-file']) throw new UsageError('give --key-file or --plain, not both');
  let key: StoreKey | null | undefined;
  if (values.plain) key = null;
  else if (values['key-file']) key = readKeyFile(resolve(values['key-file']));
  else process.stderr.write(`${DEV_STORE_KEY_NOTICE}\n`);
  switch (command) {
    case 'backup': {
      const data = need(values.data, '--data');
      const store = join(data, STORE_FILE);
      if (!existsSync(store)) throw new UsageError(`no store at ${store}`);
      const keep = Number(values.keep);
      if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep must be a whole number ≥ 1, got ${values.keep}`);
      // a second connection: SQLite's backup API copies a consistent snapshot while the app writes
      const db = openKeyed(store, { key, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      try {
        const r = await backupStore(db, values.out ? resolve(values.out) : join(data, BACKUP_DIR), { keep });
        process.stdout.write(`backup written and verified: ${r.file} (${r.bytes} bytes, ${r.ms} ms)\n`);
      } finally {
        db.close();
      }
      return 0;
    }
    case 'verify': {
      const files = values.file
        ? [resolve(values.file)]
        : [join(need(values.data, '--data or --file'), STORE_FILE), ...listBackups(join(resolve(values.data!), BACKUP_DIR))];
      let bad = 0;
      for (const f of files) {
        const r = verifyStoreFile(f, key);
        if (!r.ok) bad++;
        process.stdout.write(`${r.ok ? 'ok' : 'BAD'}  ${f}${r.ok ? ` (schema ${r.userVersion})` : `: ${r.problems.slice(0, 5).join('; ')}`}\n`);
      }
      return bad === 0 ? 0 : 1;
    }
    case 'list': {
      const dir = values.out ? resolve(values.out) : join(need(values.data, '--data'), BACKUP_DIR);
      for (const f of listBackups(dir)) process.stdout.write(`${f}  ${statSync(f).size} bytes\n`);
      return 0;
    }
    case 'restore': {
      const data = need(values.data, '--data');
      const from = need(values.from, '--from');
      const { keptAs } = restoreStore(data, from, Date.now, key);
      process.stdout.write(`restored ${from} into ${join(data, STORE_FILE)}${keptAs ? `; the previous store is kept as ${keptAs}` : ''}\n`);
      return 0;
    }
    case 'diagnostics': {
      const data = need(values.data, '--data');
      const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
      const config = loadConfig({ resourcesDir: join(root, 'resources'), dataDir: data });
      const { version } = (await import('../../../package.json', { with: { type: 'json' } })).default as { version: string };
      const text = `${JSON.stringify(collectDiagnostics({ dataDir: data, config, appVersion: version, key }), null, 2)}\n`;
      if (values.out) {
        writeFileSync(resolve(values.out), text, { mode: 0o600 });
        process.stdout.write(`diagnostics written to ${resolve(values.out)}\n`);
      } else process.stdout.write(text);
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'give a command');
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`store: ${message}\n`);
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
    }
    process.exit(1);
  },
);
