/**
 * `npm run demo`'s start-up (scripts/demo.ts startDemo), server only: the first start seeds the
 * demo folder and serves it, the second reuses it, a busy port is refused with the flag to
 * change, and stop() leaves no process behind. (The desktop half is the existing harness.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { startDemo, type RunningDemo } from '../../../scripts/demo';
import { DEMO_PASSWORD } from '../../../scripts/seed-server';
import { tempDir } from '../store/helpers';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run demo (start-up, server only)', () => {
  const { dir, cleanup } = tempDir('hotline-demo-');
  let demo: RunningDemo | undefined;
  afterAll(async () => {
    await demo?.stop();
    cleanup();
  });

  it('seeds the demo folder once, serves it, and stops without leaving a process', async () => {
    const port = await freePort();
    demo = await startDemo({ dir, port, desktopPort: port + 1, cases: 300, build: false, desktop: false });
    expect(demo.serverUrl).toBe(`http://127.0.0.1:${port}`);
    expect(demo.portalUrl).toBe(`http://127.0.0.1:${port}/portal/`);
    expect(existsSync(join(dir, 'server', 'pgdata'))).toBe(true);
    const seeded = JSON.parse(readFileSync(join(dir, 'seed.json'), 'utf8'));
    expect(seeded).toMatchObject({ cases: 300, password: DEMO_PASSWORD });

    const login = await fetch(`${demo.serverUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sup01', password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const queue = await fetch(`${demo.serverUrl}/api/orders?queue=pending_sign`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(queue.status).toBe(200);
    expect(((await queue.json()) as { orders: unknown[] }).orders.length).toBe(seeded.queues.pending_sign);

    const pids = demo.pids;
    await demo.stop();
    demo = undefined;
    for (const pid of pids) expect(alive(pid)).toBe(false);

    // the second start reuses the seeded server
    demo = await startDemo({ dir, port, desktopPort: port + 1, cases: 999, build: false, desktop: false });
    expect(JSON.parse(readFileSync(join(dir, 'seed.json'), 'utf8'))).toEqual(seeded);
    expect((await fetch(`${demo.serverUrl}/health`)).status).toBe(200);
    await demo.stop();
    demo = undefined;
  }, 180_000);

  it('refuses a port in use, naming the flag to change', async () => {
    const busy: Server = createServer();
    const port = await new Promise<number>((r) => busy.listen(0, '127.0.0.1', () => r((busy.address() as { port: number }).port)));
    try {
      await expect(startDemo({ dir, port, desktopPort: port + 1, build: false, desktop: false })).rejects.toThrow(
        new RegExp(`port ${port} .*in use.*--port N`),
      );
    } finally {
      busy.close();
    }
  }, 60_000);
});
