#!/usr/bin/env node
// `npm run security`: Doyensec's Electronegativity over the app's own sources (main/, the renderer's pages and code,
// package.json), for the Electron version package-lock.json installs. Fails when it reports a HIGH or MEDIUM finding
// of FIRM or CERTAIN confidence, except the checks listed in REVIEWED below.
// The tool is fetched by npm exec at a pinned version instead of being a devDependency: it brings ~400 packages
// (its own eslint and TypeScript) that nothing else needs. --ignore-scripts: none of them needs an install script
// (es5-ext's postinstall only prints a message), and .npmrc makes npm refuse unreviewed ones.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOL = '@doyensec/electronegativity@1.10.3';
// Marked "Review Required" by the tool on every window that has a preload at all. Reviewed: the preload
// (main/preload/preload.ts) is sandboxed and exposes only the IPC contract's allow-list through contextBridge.
const REVIEWED = new Set(['PRELOAD_JS_CHECK']);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const electron = lock.packages['node_modules/electron']?.version;
if (!electron) throw new Error('package-lock.json has no electron package');

// The tool walks whole folders (node_modules included), so it gets a copy of just the app's sources.
const src = mkdtempSync(join(tmpdir(), 'strata-eneg-'));
for (const p of ['main', 'renderer/index.html', 'renderer/console.html', 'renderer/src', 'package.json']) {
  cpSync(join(root, p), join(src, p), { recursive: true });
}
const csv = join(src, 'report.csv');
const r = spawnSync('npm', ['exec', '--yes', '--ignore-scripts', `--package=${TOOL}`, '--', 'electronegativity',
  '-i', src, '-r', '-v', 'false', '-e', electron, '-o', csv], { cwd: src, stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) {
  rmSync(src, { recursive: true, force: true });
  process.stderr.write(`electronegativity failed (exit ${r.status})\n`);
  process.exit(1);
}

/** The CSV's rows: issue, severity, confidence, filename, location, sample, description, url. */
const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1)
  .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"|([^,]+)|(?<=,)(?=,|$)/g)].map((m) => (m[1] ?? m[2] ?? '').replaceAll('""', '"')));
rmSync(src, { recursive: true, force: true });
const blocking = rows.filter(([issue, severity, confidence]) =>
  ['HIGH', 'MEDIUM'].includes(severity) && ['FIRM', 'CERTAIN'].includes(confidence) && !REVIEWED.has(issue));
process.stdout.write(`\nElectronegativity (Electron ${electron}): ${rows.length} finding(s), ` +
  `${rows.length - blocking.length} low, tentative or reviewed; ${blocking.length} HIGH/MEDIUM of firm or certain confidence.\n`);
for (const row of rows) {
  const [issue, severity, confidence, file, location] = row;
  const mark = blocking.includes(row) ? 'FAIL' : REVIEWED.has(issue) ? 'reviewed' : 'ok';
  process.stdout.write(`  ${mark.padEnd(8)} ${issue} ${severity}|${confidence} ${file}:${location}\n`);
}
process.exit(blocking.length ? 1 : 0);
