/**
 * The key that signs access tokens. Whoever holds it can sign an admin's token, so it is kept
 * apart from the database (a dump or backup of the database never carries it) and readable by
 * the server's user only:
 *   1. HOTLINE_TOKEN_SECRET (base64 of at least 32 random bytes), e.g. from a secrets manager —
 *      several server processes behind one load balancer share it this way or through one file;
 *   2. else the file given by --secret-file, or `<data dir>/token-secret` for the embedded
 *      database; created on first start (32 random bytes, base64, mode 0600). An existing file
 *      that others may read is refused, as ssh refuses a private key with open permissions.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';

export class SecretError extends Error {}

const MIN_BYTES = 32;

function decode(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length < MIN_BYTES) {
    throw new SecretError(`${source} must hold at least ${MIN_BYTES} random bytes in base64 (found ${key.length} bytes)`);
  }
  return key;
}

export interface SecretSource {
  env?: string;
  file?: string;
}

export function loadTokenSecret(source: SecretSource): Buffer {
  if (source.env) return decode(source.env, 'HOTLINE_TOKEN_SECRET');
  const file = source.file;
  if (!file) {
    throw new SecretError(
      'no token signing secret: set HOTLINE_TOKEN_SECRET (base64 of 32+ random bytes) or give --secret-file FILE ' +
        '(created if missing); with --data DIR it defaults to DIR/token-secret',
    );
  }
  if (!existsSync(file)) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${randomBytes(MIN_BYTES).toString('base64')}\n`);
      closeSync(fd);
    } catch (e) {
      // another server process created it first: read theirs
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new SecretError(`cannot create ${file}: ${(e as Error).message}`);
    }
  }
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new SecretError(
        `${file} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}): ` +
          `run "chmod 600 ${file}" (and make it owned by the server's user)`,
      );
    }
  }
  return decode(readFileSync(file, 'utf8'), file);
}
