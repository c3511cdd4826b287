/**
 * The server's log (--log-file): pino lines masked before they are written (a caller's number in
 * a URL or an error never reaches the file in clear), in batches, to a file rotated by size.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/server/app';
import { openPglite } from '../../../src/server/db/pglite';
import { logDestination, maskLine } from '../../../src/server/log';
import { TEST_CONFIG } from './helpers';

describe('server log file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-server-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('masks a pino line: phone numbers anywhere, personal fields by key', () => {
    const line = JSON.stringify({ level: 30, msg: 'login refused for 13905371234', req: { url: '/api/x/13905371234' }, callerName: '张三' });
    const masked = maskLine(line);
    expect(masked).not.toContain('13905371234');
    expect(masked).not.toContain('张三');
    expect(JSON.parse(masked)).toMatchObject({ level: 30, req: { url: '/api/x/*******1234' } });
    expect(maskLine('not json 13905371234')).toBe('not json *******1234');
  });

  it('writes the requests of a running server to the file, masked, and rotates it', async () => {
    const file = join(dir, 'server.log');
    const db = await openPglite();
    const dest = logDestination({ file, maxBytes: 4096, keep: 2 });
    const app = await buildServer({ db, config: TEST_CONFIG, logger: { level: 'info', stream: dest } });
    try {
      for (let i = 0; i < 30; i++) await app.inject({ method: 'GET', url: `/api/orders/13905371234?n=${i}` });
      await app.inject({
        method: 'POST',
        url: '/api/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: '13905371234', password: 'wrong password' }),
      });
    } finally {
      await app.close();
      await db.close();
      dest.flush();
    }
    const all = [file, `${file}.1`, `${file}.2`].filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('');
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(all).toContain('*******1234');
    expect(all).not.toContain('13905371234');
    expect(all).not.toContain('wrong password');
    for (const line of readFileSync(file, 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('holds lines for a few milliseconds and writes them together, in order', async () => {
    const file = join(dir, 'batched.log');
    const dest = logDestination({ file, flushMs: 50 });
    for (let i = 0; i < 5; i++) dest.write(JSON.stringify({ level: 30, msg: `line ${i}`, phone: '13905371234' }));
    // nothing on the request's path: the lines wait for the batch
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '').toBe('');
    await new Promise((r) => setTimeout(r, 200));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    expect(lines.every((l) => l.includes('*******1234') && !l.includes('13905371234'))).toBe(true);
  });

  it('writes what it holds when the process exits, process.exit included', () => {
    const file = join(dir, 'exit.log');
    const script = `
      import { logDestination } from ${JSON.stringify(join(import.meta.dirname, '../../../src/server/log.ts'))};
      const dest = logDestination({ file: ${JSON.stringify(file)}, flushMs: 60_000 });
      dest.write(JSON.stringify({ level: 60, msg: 'fatal: the last words' }));
      process.exit(3);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(3);
    expect(readFileSync(file, 'utf8')).toContain('fatal: the last words');
  });
});
