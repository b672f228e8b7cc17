#!/usr/bin/env node
// `npm start`: builds the renderer and the desktop bundles, then runs the desktop app on the embedded core
// (downloading the Electron runtime on first start). Where there is no Electron runtime (Node too old for the
// electron package, or no way to the Electron download host), it says why and starts the same console in browser
// mode (`strata serve --demo`) instead. Extra arguments go to `strata serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDesktop, buildRenderer } from './build-desktop.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The installed electron package's folder, or null (npm skips the optional package on a Node it does not support). */
function electronPackageDir() {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * The Electron executable, or null. Mirrors what electron/index.js does (path.txt + dist/) without requiring it:
 * that module downloads the binary when it is missing, which start() does explicitly instead (ensureElectron).
 */
export function findElectronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(p) ? p : null;
  }
  const pkgDir = electronPackageDir();
  if (!pkgDir) return null;
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/**
 * The Electron executable, downloading it first where the package is installed without it (electron's package no
 * longer downloads at install time). Null, with the reason, when there is none.
 */
function ensureElectron() {
  const found = findElectronBinary();
  if (found) return { binary: found };
  const pkgDir = electronPackageDir();
  if (!pkgDir) {
    const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).optionalDependencies.electron;
    return { binary: null, reason: `npm did not install the electron package (optional; electron ${wanted} needs Node 22.12 or ` +
      `newer to install, this is Node ${process.versions.node}). Use Node 22.12+ and run \`npm ci\` again to get the desktop app.` };
  }
  process.stdout.write('Downloading the Electron runtime (first start)...\n');
  const r = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  const again = r.status === 0 ? findElectronBinary() : null;
  if (again) return { binary: again };
  const why = `${r.stderr ?? ''}`.split('\n').find((l) => /error/i.test(l))?.trim() ?? `exit code ${r.status}`;
  return { binary: null, reason: `the Electron runtime could not be downloaded (${why}): this machine cannot reach the Electron ` +
    'download host. Run `npx install-electron` where it can.' };
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
  const { binary: electron, reason } = ensureElectron();
  if (electron) {
    process.stdout.write('Building the desktop app...\n');
    const out = await buildDesktop();
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE; // would turn the app into a plain Node process
    run(electron, [out, ...args], env);
    return;
  }
  const port = portFrom(args) ?? '8080';
  process.stdout.write(`No desktop app: ${reason}\n` +
    `Starting the browser console instead: http://127.0.0.1:${port}/ — the same console, served by strata serve.\n`);
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
