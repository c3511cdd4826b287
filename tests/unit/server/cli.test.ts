/**
 * The command line as an operator of the centre uses it: real processes on the embedded
 * database (the PostgreSQL path differs only in the URL, and is covered by the other tests).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = join(root, 'src/server/cli.ts');
const env = { ...process.env, DATABASE_URL: '', HOTLINE_ADMIN_PASSWORD: '' };

const run = (args: string[], input = '', extraEnv: Record<string, string> = {}) =>
  spawnSync(tsx, [cli, ...args], { input, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });

const freePort = () =>
  new Promise<number>((done) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => done(port));
    });
  });

describe('server command line', () => {
  const data = mkdtempSync(join(tmpdir(), 'hotline-server-'));

  it('creates the first admin from a password on standard input, never a default one', () => {
    const noPassword = run(['create-admin', '--data', data, '--username', 'admin']);
    expect(noPassword.status).toBe(1);
    expect(noPassword.stderr).toMatch(/at least 8 characters/);

    const ok = run(['create-admin', '--data', data, '--username', 'admin'], 'correct horse battery\n');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/created admin account "admin"/);

    const again = run(['create-admin', '--data', data, '--username', 'admin'], 'another password\n');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    const fromEnv = run(['create-admin', '--data', data, '--username', 'root2'], '', { HOTLINE_ADMIN_PASSWORD: 'from the environment' });
    expect(fromEnv.status).toBe(0);
    // four processes, each hashing at scrypt N=2^17: slow on a loaded 2-core machine
  }, 180_000);

  it('serves, answers health and login, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const server = spawn(tsx, [cli, '--data', data, '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    server.stdout.on('data', (d) => (log += String(d)));
    server.stderr.on('data', (d) => (log += String(d)));
    const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
    try {
      for (let i = 0; i < 300 && !log.includes('hotline server ready'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(log).toContain('hotline server ready');
      expect(existsSync(join(data, 'server.pid'))).toBe(true);
      // the folder and the signing secret beside the database are the server user's alone
      if (process.platform !== 'win32') {
        expect(statSync(data).mode & 0o777).toBe(0o700);
        expect(statSync(join(data, 'token-secret')).mode & 0o777).toBe(0o600);
      }

      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(await health.json()).toMatchObject({ status: 'ok', db: 'pglite' });
      const login = await fetch(`http://127.0.0.1:${port}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'correct horse battery' }),
      });
      expect(login.status).toBe(200);

      // a second server on the same folder would corrupt it: refused with the reason
      const second = run(['--data', data, '--port', String(port + 1)]);
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(/in use by process/);

      // every log line is JSON (pino), and passwords never reach it
      const lines = log.trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(log).not.toContain('correct horse battery');
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(log).toMatch(/shutting down/);
    expect(existsSync(join(data, 'server.pid'))).toBe(false);
  }, 120_000); // a real process started through tsx: slow to boot on a loaded machine

  it('refuses to serve PostgreSQL without a token signing secret, saying where to put one', () => {
    const res = run(['--port', '1'], '', { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/HOTLINE_TOKEN_SECRET/);
  });

  it('explains a bad flag', () => {
    const res = run(['--data', data, '--port', 'eighty']);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/--port must be a whole number/);
  });
});
