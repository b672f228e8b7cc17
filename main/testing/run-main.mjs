// Loads the BUILT main bundle (dist/main/main.cjs) under Node with fake-electron.cjs standing in for 'electron'
// (in a throwaway appData folder), for the smoke scripts that drive it the way Electron would.
import Module, { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const fakePath = join(here, 'fake-electron.cjs');

/** Starts main; answers fake-electron's recorder (`rec`) and app. */
export function loadMainWithFakeElectron() {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'electron' ? fakePath : resolve.call(this, request, ...rest);
  };
  process.env.STRATA_SMOKE_APPDATA = mkdtempSync(join(tmpdir(), 'strata-smoke-'));
  require(join(here, '..', '..', 'dist', 'main', 'main.cjs'));
  const { __record: rec, app } = require(fakePath);
  return { rec, app };
}

/** Polls `f` until it answers something truthy. */
export async function until(f, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${f}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
