#!/usr/bin/env node
// Bundles the Electron side into dist/main/:
//   main.cjs          the main process (CommonJS: Electron's most compatible entry format)
//   preload.cjs       the preload; sandboxed preloads cannot load modules, so everything but 'electron' is inlined
//   core-process.cjs  the embedded core for the utilityProcess
//   package.json      name/version/main, so `electron dist/main` runs with the app's identity in development
// npm packages stay external in main and core (they ship in node_modules, native ones rebuilt for Electron by
// electron-builder). `--renderer` also builds the renderer with Vite first.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'main');

/** Builds the renderer with the renderer's own Vite config. Returns false (after printing Vite's output) on failure. */
export function buildRenderer() {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', join(root, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

export async function buildDesktop({ minify = false } = {}) {
  mkdirSync(out, { recursive: true });
  const common = {
    bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', minify, logLevel: 'warning',
    // The main tsconfig maps 'electron' to a typings shim; bundling must leave the real module alone.
    tsconfig: join(root, 'tsconfig.base.json'), absWorkingDir: root, legalComments: 'none',
  };
  await Promise.all([
    build({ ...common, entryPoints: ['main/main.ts'], outfile: join(out, 'main.cjs'), format: 'cjs', packages: 'external', external: ['electron'],
      // import('@napi-rs/keyring') becomes require(): CommonJS loading is what finds native modules unpacked from the asar.
      supported: { 'dynamic-import': false } }),
    build({ ...common, entryPoints: ['main/preload/preload.ts'], outfile: join(out, 'preload.cjs'), format: 'cjs', platform: 'browser',
      external: ['electron'] }),
    build({ ...common, entryPoints: ['main/core-process.ts'], outfile: join(out, 'core-process.cjs'), format: 'cjs', packages: 'external',
      // CommonJS is the entry format every utilityProcess accepts; the core's few import.meta.url uses get this file's URL.
      define: { 'import.meta.url': '__strataModuleUrl' },
      banner: { js: "var __strataModuleUrl = require('node:url').pathToFileURL(__filename).href;" } }),
  ]);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(out, 'package.json'), JSON.stringify({
    name: pkg.name, productName: 'Strata', version: pkg.version, description: pkg.description, main: 'main.cjs', type: 'commonjs',
  }, null, 2) + '\n');
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--renderer') && !buildRenderer()) {
    process.stderr.write('The renderer build failed (see Vite\'s messages above).\n');
    process.exit(1);
  }
  try {
    await buildDesktop({ minify: process.argv.includes('--minify') });
    process.stdout.write(`Desktop bundles written to ${out}\n`);
  } catch (e) {
    process.stderr.write(`Desktop build failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
