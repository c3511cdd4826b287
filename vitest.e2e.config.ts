import { defineConfig } from 'vitest/config';

// End-to-end: Playwright (playwright-core + Debian's Chromium) drives the real renderer served
// by the browser harness on the real store. One file at a time: the machines have 2 cores.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    globalSetup: ['tests/e2e/global-setup.ts'],
  },
});
