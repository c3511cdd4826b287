/**
 * npm run bench -- <name> [options]: runs one benchmark; each prints JSON lines.
 * Adding a benchmark: write bench/<name>.ts exporting `run(args: string[])`, add one line below.
 */
const BENCHMARKS: Record<string, () => Promise<{ run(args: string[]): Promise<void> | void }>> = {
  store: () => import('./store'),
  sync: () => import('./sync'),
  orders: () => import('./orders'),
  /** server_load: N workstations against two server processes on PostgreSQL (DATABASE_URL) */
  load: () => import('./load'),
  /** the month report: daily rollup vs full scan */
  reports: () => import('./reports'),
  /** screen_pop alone, on a store `store` built */
  'screen-pop': () => import('./screen-pop'),
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? BENCHMARKS[name] : undefined;
  if (!load) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [options]`);
    process.exit(2);
  }
  await (await load()).run(args);
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
