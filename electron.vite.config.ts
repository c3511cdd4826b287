import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for both transports: out/renderer is what Electron loads from file:// and what the
// browser harness serves over http://127.0.0.1.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/main/electron/index.ts') },
        // native module: loaded from node_modules (unpacked from asar when packaged); electron-updater
        // resolves its platform parts at run time, so it is loaded from node_modules too
        external: ['better-sqlite3', 'electron-updater'],
      },
    },
  },
  preload: {
    build: {
      // a sandboxed preload cannot require(): one self-contained CommonJS file
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    base: './',
    build: {
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
      // electron-vite leaves minification off; minified the bundle is 0.9 MB instead of 2 MB
      minify: true,
      chunkSizeWarningLimit: 2500,
    },
    plugins: [react()],
  },
});
