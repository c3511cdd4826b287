/**
 * Runs once before the e2e files: builds the renderer the harness serves and the unit portal the
 * server serves (out/portal), and makes sure the
 * browser the suite drives is installed (Debian's Chromium; Playwright's own download is not
 * reachable on our build machines).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH, ROOT } from './paths';

export default function setup(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `e2e: Chromium not found at ${CHROMIUM_PATH}. Install it with \`sudo apt-get install chromium\` ` +
        '(and fonts-noto-cjk for readable Chinese screenshots), then run the suite again.',
    );
  }
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('e2e: `npx electron-vite build` failed, see the output above');
  // vitest exports NODE_ENV=test, which would give a development bundle (React and antd in dev mode)
  const portal = spawnSync('npx', ['vite', 'build', '--config', 'vite.portal.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (portal.status !== 0) throw new Error('e2e: the portal build (`npm run build:portal`) failed, see the output above');
}
