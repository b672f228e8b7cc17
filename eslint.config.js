// Lint rules, including the import boundaries of DESIGN.md section 2 (enforced here, not only in prose).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'better-sqlite3', 'mysql2', 'kysely'];

export default tseslint.config(
  { ignores: ['node_modules/', '.tsbuild/', 'dist/', 'out/', '.scratch/', '.data/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron', 'react', 'react-dom', 'react/*'], message: 'core/ runs in Node only: no electron or react (DESIGN.md 2).' },
        { group: ['**/main/**', '**/renderer/**'], message: 'core/ must not import main/ or renderer/ (DESIGN.md 2).' },
      ] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'electron', 'better-sqlite3', 'kysely', 'keytar'], message: 'renderer/ runs sandboxed: no Node or Electron modules (DESIGN.md 2).' },
        { group: ['**/core/**', '!**/core/contract', '!**/core/contract/**'], message: 'renderer/ may import only core/contract from the core.' },
        { group: ['**/main/!(ipc-contract)*'], message: 'renderer/ may import only types from main/ipc-contract.' },
      ] }],
    },
  },
  {
    files: ['core/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: nodeBuiltins, message: 'core/contract is pure types and helpers shared with the renderer: no Node or DB imports.' },
        { group: ['../api/*', '../../api/*', '../db/*', '../../db/*', '../identity/*', '../jobs/*', '../orchestration/*', '../hypervisors/*', '../infrastructure/*', '../catalog/*', '../events/*'],
          message: 'core/contract may import only core/contract.' },
      ] }],
    },
  },
);
