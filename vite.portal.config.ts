// The unit portal (src/portal): a plain Vite build, served by the central server at /portal/
// (src/server/portal-static.ts). npm run build:portal → out/portal.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/portal'),
  base: '/portal/',
  plugins: [react()],
  build: {
    outDir: here('./out/portal'),
    emptyOutDir: true,
    minify: true,
    chunkSizeWarningLimit: 2500,
    // no inline script or module-preload polyfill: the CSP allows script-src 'self' only
    modulePreload: { polyfill: false },
  },
});
