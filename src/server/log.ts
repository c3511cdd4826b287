/**
 * Where the server's pino lines go: standard output (default) or, with `--log-file FILE`, a
 * file rotated by size (`--log-max-mb`, default 50; `--log-keep`, default 10 older files).
 * Either way every line is masked first (src/shared/log-mask.ts): a request URL, an error
 * message or a field holding a caller's number, name or the content of a call never reaches
 * the log in clear. Lines are written in batches a few milliseconds apart (logDestination).
 */
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { maskLogRecord } from '../shared/log-mask';
import { createRotatingLog, type LogFs } from '../shared/log-rotate';

/**
 * The log file held open: appendFileSync(path) opens and closes it at every write, which was
 * half of a line's cost. Our own rotation closes it before renaming; a file moved away by
 * something else (logrotate) goes on receiving lines until the next rotation here, so use
 * --log-max-mb/--log-keep rather than logrotate.
 */
function openFileLogFs(): LogFs {
  let fd: number | null = null;
  let open = '';
  const close = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  return {
    size: (f) => (existsSync(f) ? statSync(f).size : 0),
    append: (f, text) => {
      if (fd === null || open !== f) {
        close();
        fd = openSync(f, 'a', 0o600);
        open = f;
      }
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    },
    rename: (from, to) => {
      if (from === open) close();
      if (existsSync(from)) renameSync(from, to);
    },
    remove: (f) => {
      if (f === open) close();
      rmSync(f, { force: true });
    },
  };
}

/** One pino line (JSON text) masked. A line that is not JSON is masked as text. */
export function maskLine(line: string): string {
  const text = line.trimEnd();
  try {
    return JSON.stringify(maskLogRecord(JSON.parse(text) as unknown));
  } catch {
    return maskLogRecord(text);
  }
}

export interface LogDestination {
  /** a pino line: masked at once, written with the others of the next few milliseconds */
  write(line: string): void;
  /** writes what is held now (also done at exit) */
  flush(): void;
}

/**
 * A pino destination that masks each line and writes them to stdout or a rotating file in
 * batches: at most `flushMs` (default 10) after the first line of a batch, at once past 64 KB,
 * and synchronously when the process exits (process.exit included, so a fatal error's line is
 * kept). Lines of one request no longer cost a write each on the request's path; a SIGKILL loses
 * at most the last `flushMs` of lines.
 */
export function logDestination(opts: { file?: string; maxBytes?: number; keep?: number; flushMs?: number } = {}): LogDestination {
  const file = opts.file;
  const sink: (lines: string[]) => void = file
    ? (() => {
        const out = createRotatingLog(openFileLogFs(), { file, maxBytes: opts.maxBytes ?? 50 * 1024 * 1024, keep: opts.keep ?? 10 });
        return (lines) => out.writeLines(lines);
      })()
    : (lines) => void process.stdout.write(`${lines.join('\n')}\n`);
  let held: string[] = [];
  let heldChars = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (held.length === 0) return;
    const lines = held;
    held = [];
    heldChars = 0;
    sink(lines);
  };
  process.on('exit', flush);
  return {
    write(line) {
      const masked = maskLine(line);
      held.push(masked);
      heldChars += masked.length;
      if (heldChars >= 64 * 1024) flush();
      else if (!timer) {
        timer = setTimeout(flush, opts.flushMs ?? 10);
        timer.unref();
      }
    },
    flush,
  };
}
