// UI benchmark in Debian's Chromium against browser mode, on one lab server with 1,000 simulated hosts and
// 100,000 VMs. Prints one JSON object with the figures issue 4's Performance section asks for:
//   instances: first rows painted after navigation; state-filter and keyword answer times (median of 5);
//   topology: map rendered with 1,000 hosts (median of 5);
//   bundle: total renderer JS on disk, and the JS the first screens (login, then dashboard) transfer.
// Run after `npm run build`: node bin/run-ts.mjs e2e/bench/ui-bench.ts
// STRATA_BENCH_URL=http://127.0.0.1:<port> reuses a running lab server (admin / e2e-admin-password) instead.
import { chromium, type Browser, type Page, type Request } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startLabServer, type LabServer } from '../fixtures/server';

const RUNS = 5;
const HOSTS = 1000;
const VMS = 100_000;
const ASSETS = 'dist/renderer/assets';
const ROW_LINK = '[role=grid][aria-label="Instances"] [role=row] a';

declare global { interface Window { __benchT0?: number; __strataTopologyRendered?: number } }

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return +s[Math.floor(s.length / 2)].toFixed(1); };
const log = (msg: string) => process.stderr.write(`ui-bench: ${msg}\n`);

async function lab(): Promise<LabServer> {
  const url = process.env.STRATA_BENCH_URL;
  if (url) return { url, adminPassword: 'e2e-admin-password', stop: async () => {} };
  log(`starting a lab server with ${HOSTS} hosts and ${VMS} VMs (a minute or two)`);
  return startLabServer({ hosts: HOSTS, vms: VMS, timeoutMs: 600_000 });
}

/** A fresh tab (its own context: empty HTTP cache and storage), signed in through the login form. */
async function signedInPage(browser: Browser, server: LabServer): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'main' }).waitFor();
  return page;
}

/**
 * Loads `hash` as a new document (the tab keeps its sign-in in sessionStorage and its HTTP cache, as when an
 * operator reloads or follows a bookmark). Times are from navigation start (performance.timeOrigin).
 */
async function reload(page: Page, url: string, hash: string) {
  await page.goto('about:blank');
  await page.goto(`${url}/${hash}`, { waitUntil: 'commit' });
}

/**
 * The dashboard is up and quiet (its counts over 100,000 VMs answered, the other areas' code fetched), as when
 * an operator has looked at it for a moment: the next navigation is timed on its own.
 */
async function settled(page: Page, quietMs = 500) {
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  // Requests already under way when this starts are missed; the quiet window covers their answers.
  const open = new Set<Request>();
  let last = Date.now();
  const up = (r: Request) => { open.add(r); last = Date.now(); };
  const down = (r: Request) => { open.delete(r); last = Date.now(); };
  page.on('request', up); page.on('requestfinished', down); page.on('requestfailed', down);
  try {
    await page.waitForTimeout(quietMs);
    while (open.size > 0 || Date.now() - last < quietMs) await page.waitForTimeout(100);
  } finally {
    page.off('request', up); page.off('requestfinished', down); page.off('requestfailed', down);
  }
}

/** Waits (checking every animation frame) until `test` holds in the page; returns performance.now() then. */
async function frameWhen(page: Page, test: string, arg?: unknown): Promise<number> {
  const fn = new Function('arg', `return (${test}) ? performance.now() : 0;`) as (a: unknown) => number;
  const handle = await page.waitForFunction(fn, arg, { polling: 'raf', timeout: 30_000 });
  return (await handle.jsonValue()) as number;
}

/**
 * Records the page time of the next change event or Enter key (capture phase, before React sees it). A string,
 * because tsx wraps named functions in a helper that does not exist in the page.
 */
const ARM_T0 = `(() => {
  window.__benchT0 = undefined;
  const mark = (e) => { if (e.type === 'change' || e.key === 'Enter') window.__benchT0 ??= performance.now(); };
  document.addEventListener('change', mark, { capture: true, once: true });
  document.addEventListener('keydown', mark, { capture: true });
})()`;
const armT0 = (page: Page) => page.evaluate(ARM_T0);

/**
 * Types a keyword into the list's search box and presses Enter within one frame, in the page: typed from
 * outside, the box's 250 ms debounce could send the query before Enter and the timing would start late.
 */
const TYPE_AND_ENTER = `return (async () => {
  const box = document.querySelector('[role=search] input[type=search]');
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(box, arg);
  box.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((r) => requestAnimationFrame(() => r()));
  window.__benchT0 = performance.now();
  box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
})()`;

/** The list answered: its count line says "… match", rows (or the empty message) are on screen. */
const FILTER_ANSWERED = `(() => {
  const s = [...document.querySelectorAll('[role=status]')].find((e) => /instance/.test(e.textContent));
  if (!s || !/match/.test(s.textContent)) return false;
  const n = Number(s.textContent.replace(/[^0-9]/g, ''));
  return n === 0 || !!document.querySelector(arg);
})()`;

/** The keyword answered: the count line says "… match" and the named VM's row is on screen. */
const KEYWORD_ANSWERED = `(() => {
  const s = [...document.querySelectorAll('[role=status]')].find((e) => /instance/.test(e.textContent));
  return !!s && /match/.test(s.textContent) && [...document.querySelectorAll(arg.sel)].some((a) => a.textContent === arg.name);
})()`;

async function benchInstances(browser: Browser, server: LabServer) {
  const firstRowsLoad: number[] = [], firstRowsInApp: number[] = [], stateFilter: number[] = [], keyword: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await signedInPage(browser, server);
    // (1) A new document straight on the list: JS, session, listApis, first page of VMs, paint.
    await reload(page, server.url, '#/instances');
    firstRowsLoad.push(await frameWhen(page, 'document.querySelector(arg)', ROW_LINK));
    // (2) In the app: from the dashboard to the list (fresh document, so no cached VM pages).
    await reload(page, server.url, '#/dashboard');
    await settled(page);
    const t0 = await page.evaluate(() => { const t = performance.now(); location.hash = '#/instances'; return t; });
    firstRowsInApp.push(await frameWhen(page, 'document.querySelector(arg)', ROW_LINK) - t0);
    // (3) State filter: all states -> Running (the widest answer: every VM runs).
    await armT0(page);
    await page.getByLabel('State').selectOption('Running');
    const tState = await frameWhen(page, FILTER_ANSWERED, ROW_LINK);
    stateFilter.push(tState - (await page.evaluate(() => window.__benchT0!)));
    // (4) Keyword + Enter: a VM's name (a different one each run, so no answer comes from the cache).
    await page.getByLabel('State').selectOption('');
    await page.getByRole('status').filter({ hasText: /^[\d,]+ instances$/ }).waitFor();
    const name = (await page.locator(ROW_LINK).nth(i + 1).textContent())!;
    await page.evaluate(new Function('arg', TYPE_AND_ENTER) as (a: string) => Promise<void>, name);
    const tKey = await frameWhen(page, KEYWORD_ANSWERED, { sel: ROW_LINK, name });
    keyword.push(tKey - (await page.evaluate(() => window.__benchT0!)));
    await page.context().close();
    log(`instances run ${i + 1}: load ${firstRowsLoad[i].toFixed(0)} ms, in-app ${firstRowsInApp[i].toFixed(0)} ms, state ${stateFilter[i].toFixed(0)} ms, keyword ${keyword[i].toFixed(0)} ms`);
  }
  return {
    vms: VMS,
    firstRowsAfterPageLoadMs: median(firstRowsLoad),
    firstRowsAfterInAppNavigationMs: median(firstRowsInApp),
    stateFilterAnswerMs: median(stateFilter),
    keywordAnswerMs: median(keyword),
    samples: { firstRowsLoad, firstRowsInApp, stateFilter, keyword },
  };
}

async function benchTopology(browser: Browser, server: LabServer) {
  const inApp: number[] = [], load: number[] = [];
  let hosts = 0;
  for (let i = 0; i < RUNS; i++) {
    const page = await signedInPage(browser, server);
    // From another area to the map, in a fresh document so the hosts are fetched, laid out and drawn.
    await reload(page, server.url, '#/dashboard');
    await settled(page);
    const t0 = await page.evaluate(() => { const t = performance.now(); location.hash = '#/topology'; return t; });
    await page.waitForFunction((t) => (window.__strataTopologyRendered ?? 0) > t, t0, { timeout: 30_000 });
    inApp.push(await page.evaluate((t) => window.__strataTopologyRendered! - t, t0));
    hosts = Number(await page.getByTestId('topology-canvas').getAttribute('data-hosts'));
    // A new document straight on the map.
    await reload(page, server.url, '#/topology');
    await page.waitForFunction(() => (window.__strataTopologyRendered ?? 0) > 0, undefined, { timeout: 30_000 });
    load.push(await page.evaluate(() => window.__strataTopologyRendered!));
    await page.context().close();
    log(`topology run ${i + 1}: in-app ${inApp[i].toFixed(0)} ms, page load ${load[i].toFixed(0)} ms`);
  }
  return { hosts, renderAfterInAppNavigationMs: median(inApp), renderAfterPageLoadMs: median(load), samples: { inApp, load } };
}

interface JsEntry { file: string; bytes: number; transferred: number }

/** A built chunk and every chunk it imports statically (dynamic import() calls are left out: loaded later). */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(ASSETS, file), 'utf8');
  for (const m of code.matchAll(/import\s*(?:[\w$*{}\s,]+from\s*)?["']\.\/([\w.-]+\.js)["']/g)) staticClosure(m[1], seen);
  return seen;
}

/**
 * Renderer JS: its size on disk; the first screen's JS (the entry chunk with its static imports, which paint the
 * login, plus the dashboard chunk with its static imports, shown after sign-in) as a cold visit transfers it; and
 * everything that visit loads, including the other areas' code the shell fetches in the background afterwards.
 */
async function benchBundle(browser: Browser, server: LabServer) {
  const files = readdirSync(ASSETS).filter((f) => f.endsWith('.js'));
  const totalJsBytes = files.reduce((n, f) => n + statSync(join(ASSETS, f)).size, 0);
  const entry = /<script type="module"[^>]*src="\.\/assets\/([\w.-]+\.js)"/.exec(readFileSync('dist/renderer/index.html', 'utf8'))![1];
  const dashboardChunk = files.find((f) => /^dashboard-[\w-]+\.js$/.test(f))!;
  const login = staticClosure(entry);
  const firstScreen = staticClosure(dashboardChunk, new Set(login));

  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1500); // the background fetch of the other areas starts shortly after the first screen
  const entries = await page.evaluate(`performance.getEntriesByType('resource')
    .filter((e) => /\\.js$/.test(new URL(e.name).pathname))
    .map((e) => ({ file: new URL(e.name).pathname.split('/').pop(), bytes: e.decodedBodySize, transferred: e.transferSize }))`) as JsEntry[];
  await ctx.close();
  const sum = (xs: JsEntry[]) => ({ files: xs.length, bytes: xs.reduce((n, e) => n + e.bytes, 0), transferred: xs.reduce((n, e) => n + e.transferred, 0) });
  const first = sum(entries.filter((e) => firstScreen.has(e.file)));
  const missing = [...firstScreen].filter((f) => !entries.some((e) => e.file === f));
  if (missing.length) log(`first-screen chunks not seen on the wire: ${missing.join(', ')}`);
  return {
    jsFiles: files.length,
    totalJsBytes,
    firstScreenJs: { ...first, loginChunks: login.size, underOneMB: first.bytes < 1024 * 1024 },
    firstVisitAllJs: sum(entries),
  };
}

const server = await lab();
const browser = await chromium.launch({ executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
try {
  const bundle = await benchBundle(browser, server);
  const instances = await benchInstances(browser, server);
  const topology = await benchTopology(browser, server);
  process.stdout.write(JSON.stringify({ runs: RUNS, instances, topology, bundle }, null, 2) + '\n');
} finally {
  await browser.close();
  await server.stop();
}
