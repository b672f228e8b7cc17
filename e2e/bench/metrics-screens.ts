// Usage graphs with a year of history (issue 14): screenshots of a VM's and a host's page at two window sizes,
// in both themes and both languages, and the time from opening a VM's page (route change) to its graphs drawn
// (CPU figure with points), for each range. Run after `npm run build:renderer`:
//   node bin/run-ts.mjs e2e/bench/metrics-screens.ts [out-dir]
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startLabServer } from '../fixtures/server';
import { apiAsAdmin } from '../pages/session';

const out = process.argv[2] ?? 'test-results/metrics-screens';
mkdirSync(out, { recursive: true });
const lab = await startLabServer({ hosts: 2, vms: 3, history: true });
const browser = await chromium.launch({ executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
try {
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const vm = (await api('listVirtualMachines', { state: 'Running', listall: 'true' })).virtualmachine[0];
  const host = (await api('listHosts', { type: 'Routing' })).host[0];
  // Sets the route until the graphs show (right after sign-in the app may still be settling its own route).
  const open = async (page: Page, hash: string) => {
    for (let attempt = 1; ; attempt++) {
      await page.evaluate((h) => { location.hash = h; }, hash);
      try {
        await page.getByRole('figure', { name: 'CPU', exact: true }).locator('canvas').first().waitFor({ timeout: 10_000 });
        return;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
  };
  const signIn = async (page: Page) => {
    await page.goto(lab.url);
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill(lab.adminPassword);
    await page.locator('button[type=submit]').click();
    await page.getByRole('navigation').first().waitFor();
    // The app routes to the dashboard after sign-in; a route set before that lands would be replaced.
    await page.waitForFunction(() => location.hash.startsWith('#/dashboard'));
    await page.waitForTimeout(500);
  };
  for (const [w, h] of [[1440, 900], [1024, 700]]) {
    for (const theme of ['light', 'dark']) {
      for (const language of ['en', 'zh-CN']) {
        const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: language });
        await ctx.addInitScript((ui) => localStorage.setItem('strata.ui', ui), JSON.stringify({ theme, language, sidebarCollapsed: w < 1200 }));
        const page = await ctx.newPage();
        await signIn(page);
        for (const [what, hash] of [['vm', `#/instances/${vm.id}`], ['host', `#/infrastructure/hosts/${host.id}`]]) {
          await open(page, hash);
          const usage = page.locator('.card', { has: page.locator('.ts-grid') });
          await usage.scrollIntoViewIfNeeded();
          for (const range of ['24 h', '1 y']) {
            const label = language === 'en' ? range : range.replace('h', '小时').replace('y', '年');
            await page.getByRole('button', { name: label, exact: true }).click();
            await page.waitForTimeout(600);
            const plot = usage.locator('.u-over').first();
            const box = (await plot.boundingBox())!;
            await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
            await usage.screenshot({ path: `${out}/${what}-${range.replace(' ', '')}-${w}x${h}-${theme}-${language}.png` });
          }
          await page.screenshot({ path: `${out}/${what}-page-${w}x${h}-${theme}-${language}.png` });
        }
        // The other places usage shows: list columns, the map coloured by use, the dashboard's trend.
        for (const [name, hash] of [['instances', '#/instances'], ['hosts', '#/infrastructure/hosts'], ['topology', '#/topology?metric=cpuUsed'], ['dashboard', '#/dashboard'],
          ['cluster', `#/infrastructure/hosts?clusterid=${host.clusterid}`]]) {
          await page.evaluate((x) => { location.hash = x; }, hash);
          await page.waitForTimeout(1500);
          await page.screenshot({ path: `${out}/${name}-${w}x${h}-${theme}-${language}.png` });
        }
        await ctx.close();
      }
    }
  }
  // Page open to graphs drawn, a year of history in the store (the graphs load the 1 h range first).
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  await signIn(page);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    await page.evaluate(() => { location.hash = '#/instances'; });
    await page.getByRole('heading', { level: 1 }).waitFor();
    const t0 = Date.now();
    await open(page, `#/instances/${vm.id}`);
    await page.waitForFunction(() => Number(document.querySelector('figure[aria-label="CPU"]')?.getAttribute('data-points')) > 0);
    times.push(Date.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ pageOpenToGraphsMs: { p50: times[3], max: times[6], runs: times } }));
  await ctx.close();
} finally {
  await browser.close();
  await lab.stop();
}
