// Schedules as a user sees them (issue 15), with many schedules: screenshots of the calendar (month, week, day,
// a run opened), a VM's Schedules tab, the schedule dialog's cron helper, a volume's snapshot policies, the
// scheduled tasks and the jobs panel, at two window sizes, in both themes and both languages. Run after
// `npm run build:renderer`:   node bin/run-ts.mjs e2e/bench/schedule-screens.ts [out-dir]
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startLabServer } from '../fixtures/server';
import { apiAsAdmin } from '../pages/session';

const out = process.argv[2] ?? 'test-results/schedule-screens';
mkdirSync(out, { recursive: true });
const lab = await startLabServer({ hosts: 2, vms: 40 });
const browser = await chromium.launch({ executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
try {
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const vms = (await api('listVirtualMachines', { listall: 'true' })).virtualmachine as { id: string }[];
  const actions = ['START', 'STOP', 'REBOOT', 'FORCE_STOP'];
  const crons = ['0 18 * * 1-5', '30 7 * * 1-5', '*/30 * * * *', '0 3 * * 0', '15 2 1 * *', '0 */4 * * *'];
  for (let i = 0; i < vms.length; i++) {
    await api('createVMSchedule', { virtualmachineid: vms[i].id, action: actions[i % 4], schedule: crons[i % crons.length], timezone: i % 3 ? 'Asia/Shanghai' : 'Europe/Berlin', description: `schedule ${i}` });
  }
  for (const c of ['5 18 * * 1-5', '0 9 * * *', '20 18 * * 1-5']) await api('createVMSchedule', { virtualmachineid: vms[0].id, action: 'REBOOT', schedule: c, timezone: 'Asia/Shanghai' });
  const vol = (await api('listVolumes', { virtualmachineid: vms[0].id, listall: 'true' })).volume[0];
  await api('createSnapshotPolicy', { volumeid: vol.id, intervaltype: 'DAILY', schedule: '10:18', maxsnaps: '7', timezone: 'Asia/Shanghai' });
  await api('createSnapshotPolicy', { volumeid: vol.id, intervaltype: 'WEEKLY', schedule: '00:03:1', maxsnaps: '4', timezone: 'Asia/Shanghai' });
  const at = (s: number) => new Date(Date.now() + s * 1000).toISOString().slice(0, 19).replace('T', ' ');
  await api('createScheduledTask', { apicommand: 'stopVirtualMachine', 'params[0].name': 'id', 'params[0].value': vms[5].id, runat: at(2), description: 'stop once' });
  await api('createScheduledTask', { apicommand: 'migrateVirtualMachine', 'params[0].name': 'virtualmachineid', 'params[0].value': vms[6].id, schedule: '0 22 * * 5', description: 'weekly move' });
  await new Promise((r) => setTimeout(r, 5000));

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
  for (const [w, h] of [[1440, 900], [1024, 700]]) {
    for (const theme of ['light', 'dark']) {
      for (const language of ['en', 'zh-CN']) {
        const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: language, timezoneId: 'Asia/Shanghai' });
        await ctx.addInitScript((ui) => localStorage.setItem('strata.ui', ui), JSON.stringify({ theme, language, sidebarCollapsed: w < 1200 }));
        const page = await ctx.newPage();
        const shot = (name: string) => page.screenshot({ path: `${out}/${name}-${w}x${h}-${theme}-${language}.png` });
        await signIn(page);
        await go(page, '#/schedules/calendar', 2500);
        await shot('calendar-month');
        await page.locator('.cal-views button').nth(1).click();
        await page.waitForTimeout(800);
        await shot('calendar-week');
        await page.locator('.run-chip.conflict').first().click().catch(() => undefined);
        await page.waitForTimeout(600);
        await shot('calendar-run');
        await page.locator('.cal-views button').nth(0).click();
        await page.waitForTimeout(800);
        await shot('calendar-day');
        await go(page, '#/schedules/tasks');
        await shot('tasks');
        await go(page, `#/instances/${vms[0].id}`);
        await page.locator('[role=tab]').nth(2).click();
        await page.waitForTimeout(1500);
        await shot('vm-schedules');
        await page.locator('.card-head button.primary').click();
        await page.waitForTimeout(800);
        await shot('schedule-dialog');
        await page.keyboard.press('Escape');
        await go(page, `#/storage/volumes/${vol.id}`);
        await shot('volume-policies');
        await page.locator('.topbar button', { hasText: language === 'en' ? 'Jobs' : '作业' }).click();
        await page.waitForTimeout(1500);
        await shot('jobs-panel');
        await ctx.close();
      }
    }
  }
} finally {
  await browser.close();
  await lab.stop();
}
