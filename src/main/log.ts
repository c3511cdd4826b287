/**
 * The workstation's log (main process): JSON lines in `<data dir>/logs/main.log`, rotated by
 * size (5 MB × 5 files by default, src/shared/log-rotate.ts), every record masked first
 * (src/shared/log-mask.ts: no phone numbers, names, addresses, call content, passwords or
 * tokens). Plain node:fs rather than electron-log: the same code runs in Electron, the browser
 * harness and tests, and rotation plus masking is all that is needed. Errors are echoed to
 * stderr (masked too) so a developer still sees them.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { maskLogRecord } from '../shared/log-mask';
import { createRotatingLog, type LogFs } from '../shared/log-rotate';

export type LogLevel = 'info' | 'warn' | 'error';

export interface MainLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** the last `lines` lines of the current file (diagnostics export) */
  tail(lines: number): string[];
  readonly file: string;
}

export const LOG_DIR = 'logs';

export const nodeLogFs: LogFs = {
  size: (f) => (existsSync(f) ? statSync(f).size : 0),
  append: (f, text) => appendFileSync(f, text, { mode: 0o600 }),
  rename: (from, to) => {
    if (existsSync(from)) renameSync(from, to);
  },
  remove: (f) => rmSync(f, { force: true }),
};

export function createMainLog(opts: {
  dataDir: string;
  maxBytes?: number;
  keep?: number;
  echo?: (line: string) => void;
  now?: () => number;
}): MainLog {
  const dir = join(opts.dataDir, LOG_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'main.log');
  const out = createRotatingLog(nodeLogFs, { file, maxBytes: opts.maxBytes ?? 5 * 1024 * 1024, keep: opts.keep ?? 5 });
  const now = opts.now ?? Date.now;
  const echo = opts.echo ?? ((line: string) => process.stderr.write(`${line}\n`));
  const write = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    const record = maskLogRecord({ time: new Date(now()).toISOString(), level, msg, ...fields });
    const line = JSON.stringify(record);
    try {
      out.write(line);
    } catch {
      // a full disk must not take the workstation down: the echo below still shows it
    }
    if (level !== 'info') echo(line);
  };
  return {
    file,
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    tail: (lines) => (existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines) : []),
  };
}
