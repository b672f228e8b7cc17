// Screens of the networks console (issue 17) against a lab of realistic size (300 networks, 3,000 VMs with NICs):
// the networks list, a busy shared network's page, an isolated network on the topology map, the create dialog with its field errors, the routers, a VM's
// NICs, the deploy wizard's network step and the zone wizard's, at two window sizes, in both themes and both languages.
// Run after `npm run build:renderer`:
//   node bin/run-ts.mjs e2e/bench/network-screens.ts [out-dir]      (LAB_URL=http://... reuses a running lab-server)
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startLabServer } from '../fixtures/server';
import { apiAsAdmin } from '../pages/session';

const out = process.argv[2] ?? 'test-results/network-screens';
mkdirSync(out, { recursive: true });
const lab = process.env.LAB_URL ? { url: process.env.LAB_URL, adminPassword: 'e2e-admin-password', stop: async () => {} }
  : await startLabServer({ demo: true, networks: 300, networkVms: 3000 });
const browser = await chromium.launch({ executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
try {
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const shared = (await api('listNetworks', { type: 'Shared', listall: 'true', pagesize: '1', page: '1' })).network[0];
  // A VM of an isolated network (that network has a router).
  const vms = (await api('listVirtualMachines', { listall: 'true', pagesize: '100', page: '1' })).virtualmachine as { id: string; nic: { type: string; networkid: string }[] }[];
  const vm = vms.find((v) => v.nic[0]?.type === 'Isolated')!;
  const isolated = { id: vm.nic[0].networkid };
  const signIn = async (page: Page) => {
    await page.goto(lab.url);
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill(lab.adminPassword);
    await page.locator('button[type=submit]').click();
    await page.getByRole('navigation').first().waitFor();
    await page.waitForFunction(() => location.hash.startsWith('#/dashboard'));
    await page.waitForTimeout(500);
  };
  const go = async (page: Page, hash: string, ms = 1500) => { await page.evaluate((h) => { location.hash = h; }, hash); await page.waitForTimeout(ms); };
  // SIZES=1024x700 takes one size only.
  const sizes = (process.env.SIZES ?? '1440x900,1024x700').split(',').map((x) => x.split('x').map(Number));
  for (const [w, h] of sizes) {
    for (const theme of ['light', 'dark']) {
      for (const language of ['en', 'zh-CN']) {
        const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: language });
        await ctx.addInitScript((ui) => localStorage.setItem('strata.ui', ui), JSON.stringify({ theme, language, sidebarCollapsed: w < 1200 }));
        const page = await ctx.newPage();
        const shot = (name: string) => page.screenshot({ path: `${out}/${name}-${w}x${h}-${theme}-${language}.png` });
        await signIn(page);
        await go(page, '#/networks/networks');
        await shot('list');
        await go(page, `#/networks/networks/${shared.id}`);
        await shot('shared');
        await go(page, `#/networks/networks/${isolated.id}`);
        await shot('isolated');
        // The isolated network on the topology: its router's and VMs' hosts highlighted, the panel beside the map.
        await go(page, `#/topology?network=${isolated.id}`, 2500);
        await shot('topology-network');
        await go(page, '#/networks/networks', 500);
        await page.locator('.kit-tools button.primary').click();
        await page.locator('.segmented button').nth(1).click();
        await page.locator('.dialog input').first().fill('db-shared');
        await page.locator('.dialog input[inputmode=numeric]').first().fill('5000');
        await page.locator('.dialog input[inputmode=decimal]').first().fill('10.50.0.1');
        await page.locator('.dialog button[type=submit]').click();
        await page.waitForTimeout(400);
        await shot('create-shared-errors');
        await page.keyboard.press('Escape');
        await go(page, '#/networks/routers');
        await shot('routers');
        await go(page, `#/instances/${vm.id}`);
        await page.getByRole('tab').nth(2).click();
        await page.waitForTimeout(500);
        await shot('vm-nics');
        await go(page, '#/instances?do=deploy', 1000);
        for (let i = 0; i < 4; i++) {
          await page.locator('.wiz-choices input').first().check().catch(() => {});
          await page.locator('.dialog footer button.primary, .dialog .primary').last().click();
          await page.waitForTimeout(400);
        }
        await page.locator('.net-choice input[type=checkbox]').nth(0).check();
        await page.locator('.net-choice input[type=checkbox]').nth(3).check();
        await page.locator('.net-ip').first().fill('10.99.0.5');
        await page.waitForTimeout(300);
        await shot('deploy-network');
        // The zone wizard's network step, after a Next with the public range left empty.
        await go(page, '#/infrastructure/zones/wizard', 800);
        await page.locator('.wiz-body input').nth(0).fill('Zone 2');
        await page.locator('.wiz-body input[inputmode=decimal]').nth(0).fill('8.8.8.8');
        await page.locator('.wiz-body input[inputmode=decimal]').nth(2).fill('10.0.0.2');
        await page.locator('.wiz-body button[type=submit]').click();
        await page.waitForTimeout(300);
        await page.locator('.wiz-body button[type=submit]').click();
        await page.waitForTimeout(300);
        await shot('zone-wizard-network');
        await ctx.close();
      }
    }
  }
} finally {
  await browser.close();
  await lab.stop();
}
