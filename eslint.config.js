// Lint: typescript-eslint's recommended rules, plus the layer rule of docs/architecture —
// imports go downward only (renderer → shared, portal → shared, main → shared, server → shared), shared is pure.
import tseslint from 'typescript-eslint';

const layer = (files, patterns, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group, message })) }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', '.data/**'] },
  ...tseslint.configs.recommended,
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(
    ['src/shared/**'],
    [['node:*', 'electron', 'react', 'react-dom', 'better-sqlite3', 'ws', '**/main/**', '**/renderer/**', '**/server/**', '**/preload/**', '**/portal/**']],
    'src/shared is pure TypeScript shared by every process: no Node, Electron, DOM libraries or other layers.',
  ),
  layer(
    ['src/renderer/**'],
    [['node:*', 'electron', 'better-sqlite3', 'ws', '**/main/**', '**/server/**', '**/preload/**', '**/portal/**']],
    'The renderer reaches main only through the contract (src/renderer/src/api/backend.ts).',
  ),
  layer(
    ['src/portal/**'],
    [['node:*', 'electron', 'better-sqlite3', 'ws', '**/main/**', '**/server/**', '**/renderer/**', '**/preload/**']],
    'the unit portal is a page of its own: it talks to the server over HTTP and may import src/shared only.',
  ),
  layer(['src/main/**'], [['**/renderer/**', '**/server/**', '**/preload/**']], 'main may import src/shared only.'),
  layer(['src/server/**'], [['electron', '**/main/**', '**/renderer/**', '**/preload/**']], 'the server may import src/shared only.'),
  layer(
    ['src/preload/**'],
    [['node:*', '**/main/**', '**/renderer/**', '**/server/**']],
    'the preload exposes the contract only: electron and src/shared.',
  ),
);
