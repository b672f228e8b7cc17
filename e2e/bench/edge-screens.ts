// Screens of a network's Public IPs tab (issue 18) on the demo lab: the lab network with two VMs, an extra address
// carrying port forwarding, a firewall rule and a load balancer rule with both VMs, a second address with static NAT,
// an egress rule; then the port forwarding dialog with its field errors, and the static NAT address. Two window sizes, both themes, both languages.
// Run after `npm run build:renderer`:
//   node bin/run-ts.mjs e2e/bench/edge-screens.ts [out-dir]      (SIZES=1024x700 takes one size only)
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startLabServer } from '../fixtures/server';
import { apiAsAdmin } from '../pages/session';

const out = process.argv[2] ?? 'test-results/edge-screens';
mkdirSync(out, { recursive: true });
const lab = await startLabServer({ demo: true });
const browser = await chromium.launch({ executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
try {
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const wait = async (r: { jobid?: string }) => {
    for (let i = 0; i < 300 && r.jobid; i++) {
      const j = await api('queryAsyncJobResult', { jobid: r.jobid });
      if (j.jobstatus === 1) return j.jobresult;
      if (j.jobstatus === 2) throw new Error(JSON.stringify(j.jobresult));
      await new Promise((res) => setTimeout(res, 100));
    }
    return r;
  };
  const one = async (cmd: string, key: string, name: string) => ((await api(cmd, { listall: 'true' }))[key] as { id: string; name: string }[]).find((x) => x.name === name)!.id;
  const net = await one('listNetworks', 'network', 'Lab Network');
  const zoneid = await one('listZones', 'zone', 'Lab Zone 1');
  const templateid = ((await api('listTemplates', { templatefilter: 'all' })).template as { id: string }[])[0].id;
  const serviceofferingid = await one('listServiceOfferings', 'serviceoffering', 'Small Instance');
  const vms: string[] = [];
  for (const name of ['web-01', 'web-02', 'db-01']) {
    const r = await wait(await api('deployVirtualMachine', { zoneid, templateid, serviceofferingid, networkids: net, name, displayname: name }));
    vms.push(r.virtualmachine.id);
  }
  const ip = (await wait(await api('associateIpAddress', { networkid: net }))).ipaddress.id;
  const natIp = (await wait(await api('associateIpAddress', { networkid: net }))).ipaddress.id;
  await api('enableStaticNat', { ipaddressid: natIp, virtualmachineid: vms[2] });
  await wait(await api('createPortForwardingRule', { ipaddressid: ip, protocol: 'tcp', publicport: '2222', privateport: '22', virtualmachineid: vms[0], cidrlist: '198.51.100.0/24' }));
  await wait(await api('createPortForwardingRule', { ipaddressid: ip, protocol: 'udp', publicport: '5000', publicendport: '5010', privateport: '6000', privateendport: '6010', virtualmachineid: vms[1] }));
  await wait(await api('createFirewallRule', { ipaddressid: ip, protocol: 'icmp', icmptype: '8', icmpcode: '0' }));
  const lb = (await wait(await api('createLoadBalancerRule', { publicipid: ip, name: 'web', algorithm: 'roundrobin', publicport: '80', privateport: '8080' }))).loadbalancer.id;
  await wait(await api('assignToLoadBalancerRule', { id: lb, virtualmachineids: `${vms[0]},${vms[1]}` }));
  await wait(await api('createEgressFirewallRule', { networkid: net, protocol: 'tcp', startport: '25', destcidrlist: '0.0.0.0/0' }));

  const signIn = async (page: Page) => {
    await page.goto(lab.url);
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill(lab.adminPassword);
    await page.locator('button[type=submit]').click();
    await page.waitForFunction(() => location.hash.startsWith('#/dashboard'));
  };
  const sizes = (process.env.SIZES ?? '1440x900,1024x700').split(',').map((x) => x.split('x').map(Number));
  for (const [w, h] of sizes) {
    for (const theme of ['light', 'dark']) {
      for (const language of ['en', 'zh-CN']) {
        const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: language });
        await ctx.addInitScript((ui) => localStorage.setItem('strata.ui', ui), JSON.stringify({ theme, language, sidebarCollapsed: w < 1200 }));
        const page = await ctx.newPage();
        const shot = (name: string, full = false) => page.screenshot({ path: `${out}/${name}-${w}x${h}-${theme}-${language}.png`, fullPage: full });
        await signIn(page);
        await page.evaluate((h) => { location.hash = h; }, `#/networks/networks/${net}`);
        await page.locator('.detail-tabs [role=tab]').nth(1).click();
        await page.waitForTimeout(1500);
        await shot('public-ips');
        await page.locator('.edge-lb-list').scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
        await shot('public-ips-scrolled');
        await page.locator('.edge-ip-rules .net-section-head button').nth(0).click();
        await page.locator('.dialog button[type=submit]').click();
        await page.locator('.dialog input').nth(1).fill('2300');
        await page.locator('.dialog input').nth(0).fill('2310');
        await page.locator('.dialog button[type=submit]').click();
        await page.waitForTimeout(400);
        await shot('pf-dialog');
        await page.keyboard.press('Escape');
        // The static NAT address: no forwarding or balancing, a disable button.
        await page.locator('.edge [role=grid] [role=row]').nth(3).click();
        await page.waitForTimeout(500);
        await shot('static-nat');
        await ctx.close();
      }
    }
  }
} finally {
  await browser.close();
  await lab.stop();
}
