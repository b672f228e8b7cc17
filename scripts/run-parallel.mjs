#!/usr/bin/env node
// Runs npm scripts at once and fails if any fails: `npm test` runs typecheck and lint together (each uses one core
// for about half a minute; on the 2-core CI machine they overlap instead of adding up). Each script's output is
// printed whole when it ends, so the two do not interleave.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node scripts/run-parallel.mjs SCRIPT...');
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const results = await Promise.all(names.map((name) => new Promise((resolve) => {
  const started = Date.now();
  const child = spawn(npm, ['run', name], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => out.push(d));
  child.on('error', (e) => out.push(Buffer.from(`${String(e)}\n`)));
  child.on('close', (code, signal) => {
    const status = code ?? (signal ? 1 : 0);
    process.stdout.write(`\n> npm run ${name}: ${status === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    process.stdout.write(Buffer.concat(out));
    resolve(status);
  });
})));
process.exit(results.some((s) => s !== 0) ? 1 : 0);
