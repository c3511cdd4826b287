/**
 * npm run report -- --server-data DIR --from 2019-09-01 --to 2019-09-30 [--json] [--scan]
 * DATABASE_URL=postgres://… npm run report -- --from … --to … [--json]
 *   Prints the indicators of a period (src/shared/reports/indicators.ts) as the central server
 *   computes them from its daily rollup: one JSON object with --json, a short table otherwise.
 *   --scan sums the live rows instead of the rollup (the same numbers, slower: a check).
 *   --rebuild rebuilds the rollup from the rows first (repair).
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/server/db/open';
import { migrate } from '../src/server/db/migrations';
import { restrictNewFiles } from '../src/server/db/private-dir';
import { rebuildReport } from '../src/server/reports/facts';
import { indicators, parseRange, ReportInputError } from '../src/server/reports/service';
import { INDICATORS } from '../src/shared/reports/indicators';

const USAGE = `usage:
  npm run report -- --server-data DIR --from YYYY-MM-DD --to YYYY-MM-DD [--json] [--scan] [--rebuild]
  DATABASE_URL=postgres://… npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--json] [--scan] [--rebuild]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'server-data': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean', default: false },
      scan: { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
    },
  });
  if (!values.from || !values.to) throw new ReportInputError('give --from and --to (YYYY-MM-DD, centre days, both included)');
  const range = { from: values.from, to: values.to };
  parseRange(range);
  if (!values['server-data'] && !process.env.DATABASE_URL) throw new ReportInputError('give --server-data DIR or set DATABASE_URL');
  restrictNewFiles();
  const db = await openDatabase({ databaseUrl: values['server-data'] ? undefined : process.env.DATABASE_URL, dataDir: values['server-data'] });
  try {
    await migrate(db);
    if (values.rebuild) await db.transaction((tx) => rebuildReport(tx));
    const started = performance.now();
    const ind = await indicators(db, range, { source: values.scan ? 'scan' : 'rollup' });
    const ms = Math.round(performance.now() - started);
    if (values.json) {
      console.log(JSON.stringify({ from: range.from, to: range.to, ...ind }));
      return;
    }
    console.log(`统计期 ${range.from} … ${range.to}（${values.scan ? 'scan' : 'rollup'}, ${ms} ms）`);
    for (const d of INDICATORS) {
      const v = (ind as unknown as Record<string, unknown>)[d.key];
      console.log(`  ${d.zh.padEnd(14, '　')} ${v === null ? '—' : String(v)}${d.unit === 'pct' && v !== null ? ' %' : ''}`);
    }
    console.log(`  按渠道 ${Object.entries(ind.by_channel).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(`report: ${(e as Error).message}`);
  if (e instanceof ReportInputError) console.error(USAGE);
  process.exit(e instanceof ReportInputError ? 2 : 1);
});
