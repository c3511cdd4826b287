// Where the Electron binary is, if it exists, without triggering the electron package's
// download-on-first-use (which cannot reach the internet on our build machines).
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @returns {{ path: string } | { missing: string }} */
export function findElectronBinary() {
  const pkgDir = join(root, 'node_modules', 'electron');
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist');
  const binary = join(dist, relative);
  if (existsSync(binary)) return { path: binary };
  return { missing: `no Electron binary at ${binary} (the electron package downloads it on first use, which needs the internet; set ELECTRON_OVERRIDE_DIST_PATH to a local Electron build)` };
}
