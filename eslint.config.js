// Lint rules, including the import boundaries of DESIGN.md section 2 (enforced here, not only in prose).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

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
  // React's hooks rules: the plugin's recommended set, which includes the React Compiler's rules (pure renders,
  // no refs read while rendering, no state set synchronously in effects, ...). exhaustive-deps is an error here, not
  // the set's warning: a stale effect is a bug we want the build to stop on.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs['recommended-latest'].rules, 'react-hooks/exhaustive-deps': 'error' },
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
  // The core's layers (README "Core layers"): kernel below everything; api/ is the HTTP front that nothing below
  // imports; drivers see only the kernel and the contract; the database layer only the contract.
  ...coreLayerRules(),
  // main/ (DESIGN.md 2): no renderer; from the core only its public entries; Electron only in main.ts (every other
  // module receives Electron objects as parameters, so it is testable without Electron); the preload only the contract.
  ...mainImportRules(),
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

function mainImportRules() {
  const noRenderer = { group: ['react', 'react-dom', 'react/*', '**/renderer', '**/renderer/**'], message: 'main/ must not import the renderer (DESIGN.md 2).' };
  const coreEntries = (extra) => ({ regex: `(^|/)core/(?!index$|public-signing$|contract/${extra})`,
    message: "main/ may import from the core only core/index (createCore, startServer), core/public-signing and core/contract (DESIGN.md 2)." });
  const noElectron = { group: ['electron'], message: 'Only main/main.ts and the preload import electron; pass Electron objects in as parameters.' };
  const rule = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
  const tests = ['main/**/*.test.ts', 'main/testing/**/*.ts'];
  return [
    { files: ['main/**/*.ts'], ignores: ['main/preload/**', 'main/main.ts', ...tests], rules: rule(noRenderer, coreEntries(''), noElectron) },
    { files: ['main/main.ts'], rules: rule(noRenderer, coreEntries('')) },
    { files: tests, rules: rule(noRenderer, coreEntries('|testing/'), noElectron) },
    { files: ['main/preload/**/*.ts'], rules: rule({ regex: '^(?!electron$|\\.\\./ipc-contract$)', message: 'The preload may import only electron and main/ipc-contract (DESIGN.md 2).' }) },
  ];
}

function coreLayerRules() {
  const tests = ['core/**/*.test.ts', 'core/**/test-*.ts', 'core/testing/**', 'core/bench/**'];
  const rule = (regex, message, allowTypeImports = false) =>
    ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex, message, allowTypeImports }] }] });
  const domains = ['identity', 'jobs', 'events', 'infrastructure', 'hosts', 'catalog', 'orchestration', 'agent', 'console', 'cluster', 'tags', 'network', 'settings', 'guest-access', 'groups', 'placement', 'limits', 'projects']
    .map((d) => `core/${d}/**/*.ts`);
  return [
    { files: ['core/kernel/**/*.ts'], ignores: tests,
      rules: rule('^\\.\\./(?!contract/)', 'core/kernel is the bottom layer: it imports values only from core/contract (types from anywhere).', true) },
    { files: ['core/db/**/*.ts'], ignores: tests,
      rules: rule('^(\\.\\./)+(?!contract/|kernel/)[a-z-]+/', 'core/db imports only core/contract and core/kernel.') },
    { files: ['core/hypervisors/**/*.ts'], ignores: tests,
      rules: rule('^(\\.\\./)+(api|identity|jobs|events|infrastructure|hosts|catalog|orchestration|console|agent|network)/',
        'Hypervisor drivers import only the kernel, the contract and the database layer.') },
    { files: domains, ignores: [...tests, 'core/console/**'],
      rules: rule('^(\\.\\./)+api/', 'Only the HTTP front (core/api, the console proxy, index.ts) imports core/api; shared pieces live in core/kernel.') },
  ];
}
