/**
 * The embedded database's folder holds password hashes, refresh-token hashes and callers'
 * personal data: only the server's user may read it. New files get mode 0600 (umask 077 for the
 * server process), and a folder found wider at start — made by an older release, or copied
 * with other permissions — is repaired (folders 0700, files 0600) and the repair reported.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Sets umask 077 for this process where it may (not on Windows, not in a worker thread). */
export function restrictNewFiles(): void {
  if (process.platform === 'win32') return;
  try {
    process.umask(0o077);
  } catch {
    // worker threads cannot change the umask; the start-up repair below still applies
  }
}

/**
 * Creates `dir` (0700) or tightens it and everything in it; returns the paths it had to repair.
 * Symbolic links are left alone (chmod would follow them out of the folder).
 */
export function securePrivateDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return [];
  const repaired: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const path = stack.pop()!;
    const st = lstatSync(path);
    if (st.isSymbolicLink()) continue;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o077) !== 0) {
      chmodSync(path, want);
      repaired.push(path);
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) stack.push(join(path, name));
  }
  return repaired;
}
