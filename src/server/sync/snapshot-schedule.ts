/**
 * `--snapshot-every-hours N` (PostgreSQL only): the server builds its first-sync snapshot itself,
 * at start when `--snapshot-dir` has none or only one older than N hours, then every N hours, by
 * running `scripts/snapshot.ts` as a child process (the builder is workstation code, which the
 * server does not import). One build at a time; a failed build is logged and the old snapshot
 * stays served. The embedded database allows one process per data folder, so there the snapshot
 * is built with the server stopped (`npm run snapshot -- --server-data DIR --out DIR`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import { currentSnapshot } from './snapshot';

const SCRIPT = fileURLToPath(new URL('../../../scripts/snapshot.ts', import.meta.url));
const HOUR = 3_600_000;

export interface SnapshotSchedule {
  stop(): void;
}

export function scheduleSnapshots(opts: {
  dir: string;
  everyHours: number;
  windowDays: number;
  log: FastifyBaseLogger;
  now?: () => number;
}): SnapshotSchedule {
  const now = opts.now ?? Date.now;
  const period = opts.everyHours * HOUR;
  let child: ReturnType<typeof spawn> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const build = () => {
    if (stopped || child) return;
    const started = now();
    opts.log.info({ dir: opts.dir }, 'snapshot build started');
    // the same Node and loader flags as this process (tsx), with DATABASE_URL inherited
    child = spawn(process.execPath, [...process.execArgv, SCRIPT, '--out', opts.dir, '--window-days', String(opts.windowDays)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-2000)));
    child.on('exit', (code) => {
      child = null;
      if (code === 0) {
        let line: unknown = null;
        try {
          line = JSON.parse(out.trim().split('\n').pop() ?? '');
        } catch {
          // printed nothing readable: the manifest on disk is what counts
        }
        opts.log.info({ ms: now() - started, snapshot: line }, 'snapshot build finished');
      } else if (!stopped) {
        opts.log.error({ code, stderr: err }, 'snapshot build failed: the previous snapshot (if any) is still served');
      }
    });
  };

  let due = true;
  try {
    due = now() - currentSnapshot(opts.dir).manifest.createdAt >= period;
  } catch {
    // none yet
  }
  if (due) build();
  timer = setInterval(build, period);
  timer.unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      child?.kill('SIGTERM');
    },
  };
}
