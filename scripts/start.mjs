#!/usr/bin/env node
// `npm start`: builds the renderer and the desktop bundles, then runs the desktop app on the embedded core. Where
// the Electron runtime is missing (an offline install whose Electron download failed), it says so plainly and
// starts the same console in browser mode (`strata serve --demo`) instead. Extra arguments go to `strata serve`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDesktop, buildRenderer } from './build-desktop.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/**
 * The Electron executable, or null. Mirrors what electron/index.js does (path.txt + dist/) without requiring it:
 * newer versions of that module try to download the binary when it is missing, which must not happen here.
 */
export function findElectronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(p) ? p : null;
  }
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null; // the optional dependency is not installed at all
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function run(command, argv, env = process.env) {
  const child = spawn(command, argv, { cwd: root, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (e) => { process.stderr.write(`Could not start ${command}: ${e.message}\n`); process.exit(1); });
}

async function main() {
  process.stdout.write('Building the console (renderer)...\n');
  if (!buildRenderer()) {
    process.stderr.write('The renderer build failed (see the messages above).\n');
    process.exit(1);
  }
  const electron = findElectronBinary();
  if (electron) {
    process.stdout.write('Building the desktop app...\n');
    const out = await buildDesktop();
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE; // would turn the app into a plain Node process
    run(electron, [out, ...args], env);
    return;
  }
  const port = portFrom(args) ?? '8080';
  process.stdout.write(
    'The Electron runtime is not installed (its download failed or was skipped: this machine cannot reach the ' +
    `Electron download host). Starting the browser console instead: http://127.0.0.1:${port}/ — the same console, ` +
    'served by strata serve.\n' +
    'To get the desktop app later, run `npm install electron` where the download host is reachable.\n');
  run(process.execPath, [join(root, 'bin', 'strata.mjs'), 'serve', '--demo', ...args]);
}

function portFrom(argv) {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
}

main().catch((e) => {
  process.stderr.write(`npm start failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
