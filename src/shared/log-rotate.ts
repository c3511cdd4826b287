/**
 * A log file that rotates by size: when the next line would take `file` past `maxBytes`, it
 * becomes `file.1` (`file.1` → `file.2` …, the oldest beyond `keep` deleted) and a new `file`
 * starts. Pure: the file operations are given (the workstation's and the server's adapters are
 * a few lines of node:fs each), so the rule is tested without a disk and written once for both.
 */
export interface LogFs {
  /** bytes in the file, 0 when it does not exist */
  size(file: string): number;
  append(file: string, text: string): void;
  /** renames when `from` exists; replaces `to` */
  rename(from: string, to: string): void;
  remove(file: string): void;
}

export interface RotatingLog {
  write(line: string): void;
  /**
   * The lines in order, as write() would put them (the same rotations), in one append per file
   * rather than one per line.
   */
  writeLines(lines: readonly string[]): void;
  /** the files, newest first (file, file.1 …) */
  readonly files: string[];
}

export function createRotatingLog(fs: LogFs, opts: { file: string; maxBytes: number; keep: number }): RotatingLog {
  if (!(opts.maxBytes > 0) || !Number.isInteger(opts.keep) || opts.keep < 1) throw new Error('maxBytes > 0 and keep ≥ 1 are required');
  const files = [opts.file, ...Array.from({ length: opts.keep }, (_, i) => `${opts.file}.${i + 1}`)];
  let size = fs.size(opts.file);
  const rotate = () => {
    fs.remove(files[files.length - 1]!);
    for (let i = files.length - 2; i >= 0; i--) fs.rename(files[i]!, files[i + 1]!);
    size = 0;
  };
  const byteLength = (text: string) => new TextEncoder().encode(text).length;
  const writeLines = (lines: readonly string[]) => {
    let chunk = '';
    for (const line of lines) {
      const text = line.endsWith('\n') ? line : `${line}\n`;
      const bytes = byteLength(text);
      if (size > 0 && size + bytes > opts.maxBytes) {
        if (chunk) fs.append(opts.file, chunk);
        chunk = '';
        rotate();
      }
      chunk += text;
      size += bytes;
    }
    if (chunk) fs.append(opts.file, chunk);
  };
  return {
    files,
    write: (line: string) => writeLines([line]),
    writeLines,
  };
}
