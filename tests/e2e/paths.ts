import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** test-results/ is git-ignored; E2E_SCREENSHOTS points elsewhere when someone reviews the layout */
export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOTS ?? resolve(ROOT, 'test-results/screenshots');
