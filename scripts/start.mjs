// `npm start`: the desktop app where an Electron binary exists; otherwise the same application
// in the browser harness on its embedded defaults (data in ./.data, http://127.0.0.1:5174).
import { spawn } from 'node:child_process';
import { findElectronBinary } from './electron-binary.mjs';

const run = (cmd, args, env = process.env) =>
  new Promise((resolve) => spawn(cmd, args, { stdio: 'inherit', env }).on('exit', (code) => resolve(code ?? 1)));

const electron = findElectronBinary();
if ('path' in electron) {
  const built = await run('npx', ['electron-vite', 'build']);
  if (built !== 0) process.exit(built);
  process.exit(await run(electron.path, ['.']));
} else {
  console.log(`Electron cannot start here: ${electron.missing}.`);
  console.log('Starting the browser harness instead — open the URL below in Chromium or Chrome.');
  process.exit(await run('npx', ['tsx', 'src/main/harness/cli.ts', ...process.argv.slice(2)]));
}
