/**
 * Issue 10, probe 1: the embedded database's folder was 0755 with files 0666, and its write-ahead
 * log held the token signing secret. Now the folder is the server user's alone, wider modes are
 * repaired at start, and the secret lives in its own 0600 file (or the environment), never in
 * the database.
 */
import { SYNC_SCHEMA_VERSION } from '../../../src/shared/sync';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/server/app';
import { loadTokenSecret } from '../../../src/server/auth/secret';
import { createAccount } from '../../../src/server/accounts/service';
import { openDatabase } from '../../../src/server/db/open';
import { restrictNewFiles, securePrivateDir } from '../../../src/server/db/private-dir';

const posix = process.platform !== 'win32';
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hotline-files-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const mode = (path: string) => statSync(path).mode & 0o777;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory()) out.push(...walk(path));
  }
  return out;
}

describe.runIf(posix)('the embedded database folder', () => {
  it('is created 0700 with every file 0600, and the database never holds the signing secret', async () => {
    restrictNewFiles();
    const data = join(tempDir(), 'server');
    const db = await openDatabase({ dataDir: data });
    const secret = loadTokenSecret({ file: join(data, 'token-secret') });
    try {
      const app = await buildServer({ db, tokenSecret: secret, config: { scrypt: { N: 1024 } } });
      await createAccount(db, { username: 'admin', displayName: '管理员', role: 'admin', password: 'a-good-password' }, { N: 1024, r: 8, p: 1, keyLength: 32 });
      const login = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'admin', password: 'a-good-password' } });
      expect(login.statusCode).toBe(200);
      await app.close();
      const settings = await db.query<{ key: string }>('SELECT key FROM server_settings');
      expect(settings.map((r) => r.key)).not.toContain('access_token_secret');
    } finally {
      await db.close();
    }
    expect(mode(data)).toBe(0o700);
    expect(mode(join(data, 'token-secret'))).toBe(0o600);
    const wide = walk(data).filter((p) => (mode(p) & 0o077) !== 0);
    expect(wide).toEqual([]);
    // not a byte of the secret in any database file (WAL included)
    const needle = secret.subarray(0, 16);
    const carriers = walk(join(data, 'pgdata')).filter((p) => statSync(p).isFile() && readFileSync(p).includes(needle));
    expect(carriers).toEqual([]);
  });

  it('repairs a folder and files that others may read, and says which', () => {
    const data = join(tempDir(), 'loose');
    mkdirSync(join(data, 'pgdata', 'base'), { recursive: true });
    writeFileSync(join(data, 'pgdata', 'base', 'x'), 'hash');
    chmodSync(data, 0o755);
    chmodSync(join(data, 'pgdata'), 0o777);
    chmodSync(join(data, 'pgdata', 'base', 'x'), 0o666);
    const repaired = securePrivateDir(data);
    expect(repaired).toEqual(expect.arrayContaining([data, join(data, 'pgdata'), join(data, 'pgdata', 'base', 'x')]));
    expect(mode(data)).toBe(0o700);
    expect(mode(join(data, 'pgdata'))).toBe(0o700);
    expect(mode(join(data, 'pgdata', 'base', 'x'))).toBe(0o600);
    expect(securePrivateDir(data)).toEqual([]);
  });
});

describe('the token signing secret', () => {
  it('is created once, 0600, and read back the same', () => {
    const file = join(tempDir(), 'token-secret');
    const a = loadTokenSecret({ file });
    const b = loadTokenSecret({ file });
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(b.equals(a)).toBe(true);
    if (posix) expect(mode(file)).toBe(0o600);
  });

  it.runIf(posix)('is refused from a file others may read', () => {
    const file = join(tempDir(), 'token-secret');
    loadTokenSecret({ file });
    chmodSync(file, 0o644);
    expect(() => loadTokenSecret({ file })).toThrow(/readable by other users.*chmod 600/);
  });

  it('comes from the environment when given there, and a short one is refused', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadTokenSecret({ env: key.toString('base64'), file: '/nonexistent/x' }).equals(key)).toBe(true);
    expect(() => loadTokenSecret({ env: Buffer.alloc(8).toString('base64') })).toThrow(/at least 32/);
    expect(() => loadTokenSecret({})).toThrow(/HOTLINE_TOKEN_SECRET.*--secret-file/);
  });

  it('signs tokens that another server process with the same secret accepts, and no other', async () => {
    const db = await openDatabase({ dataDir: join(tempDir(), 'shared') });
    try {
      const secret = Buffer.alloc(32, 1);
      const one = await buildServer({ db, tokenSecret: secret, config: { scrypt: { N: 1024 } } });
      const two = await buildServer({ db, tokenSecret: secret, config: { scrypt: { N: 1024 } } });
      const other = await buildServer({ db, tokenSecret: Buffer.alloc(32, 2), config: { scrypt: { N: 1024 } } });
      await createAccount(db, { username: 'op', displayName: '话务员', role: 'operator', password: 'a-good-password' }, { N: 1024, r: 8, p: 1, keyLength: 32 });
      const login = await one.inject({ method: 'POST', url: '/api/login', payload: { username: 'op', password: 'a-good-password' } });
      const token = login.json<{ accessToken: string }>().accessToken;
      const pull = (app: typeof one) =>
        app.inject({ method: 'POST', url: '/api/clients/register', headers: { authorization: `Bearer ${token}` }, payload: { schemaVersion: SYNC_SCHEMA_VERSION, clientId: 'x' } });
      expect((await pull(two)).statusCode).not.toBe(401);
      expect((await pull(other)).statusCode).toBe(401);
      await Promise.all([one.close(), two.close(), other.close()]);
    } finally {
      await db.close();
    }
  });
});
