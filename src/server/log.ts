/**
 * Where the server's pino lines go: standard output (default) or, with `--log-file FILE`, a
 * file rotated by size (`--log-max-mb`, default 50; `--log-keep`, default 10 older files).
 * Either way every line is masked first (src/shared/log-mask.ts): a request URL, an error
 * message or a field holding a caller's number, name or the content of a call never reaches
 * the log in clear.
 */
import { appendFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { maskLogRecord } from '../shared/log-mask';
import { createRotatingLog, type LogFs } from '../shared/log-rotate';

const fsAdapter: LogFs = {
  size: (f) => (existsSync(f) ? statSync(f).size : 0),
  append: (f, text) => appendFileSync(f, text, { mode: 0o600 }),
  rename: (from, to) => {
    if (existsSync(from)) renameSync(from, to);
  },
  remove: (f) => rmSync(f, { force: true }),
};

/** One pino line (JSON text) masked. A line that is not JSON is masked as text. */
export function maskLine(line: string): string {
  const text = line.trimEnd();
  try {
    return JSON.stringify(maskLogRecord(JSON.parse(text) as unknown));
  } catch {
    return maskLogRecord(text);
  }
}

/** A pino destination (an object with write(line)) that masks and writes to stdout or a rotating file. */
export function logDestination(opts: { file?: string; maxBytes?: number; keep?: number } = {}): { write(line: string): void } {
  if (!opts.file) return { write: (line) => void process.stdout.write(`${maskLine(line)}\n`) };
  const out = createRotatingLog(fsAdapter, { file: opts.file, maxBytes: opts.maxBytes ?? 50 * 1024 * 1024, keep: opts.keep ?? 10 });
  return { write: (line) => out.write(maskLine(line)) };
}
