// Job scheduling in the console (issue 15), in a browser whose user is in Asia/Shanghai: a VM's Schedules tab
// with the cron helper (validates as you type, reads back in words, next five runs in the user's zone); a save
// that collides with another schedule of the VM is flagged, and the calendar counts the conflict; past runs show
// green or red with their job, the jobs panel keeps the server's history after a reload and cancels a pending run.
// A volume's snapshot policy and a scheduled task get the same check on save, and a policy is edited with its
// fields checked as they are typed.
import { test, expect, type Page } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { apiAsAdmin, signIn } from './pages/session';

let lab: LabServer;
let api: Awaited<ReturnType<typeof apiAsAdmin>>;
let vms: { id: string; name: string; displayname?: string }[];
test.use({ timezoneId: 'Asia/Shanghai', locale: 'en-US' });
test.beforeAll(async () => {
  lab = await startLabServer({ hosts: 1, vms: 3 });
  api = await apiAsAdmin(lab.url, lab.adminPassword);
  vms = (await api('listVirtualMachines', { listall: 'true' })).virtualmachine;
});
test.afterAll(async () => { await lab?.stop(); });

async function openVmTab(page: Page, vmId: string, tab: string) {
  await expect(async () => {
    await page.evaluate((h) => { location.hash = h; }, `#/instances/${vmId}`);
    await page.getByRole('tab', { name: tab }).click({ timeout: 2000 });
  }).toPass({ timeout: 20_000 });
}

test('the cron helper validates as you type, reads back in words and lists the next runs; the schedule is saved', async ({ page }) => {
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  await openVmTab(page, vms[0].id, 'Schedules');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  const dialog = page.getByRole('dialog');
  const cron = dialog.getByLabel('Cron (minute hour day month weekday)');
  await cron.fill('0 25 * * *');
  await expect(dialog.getByRole('alert')).toContainText('hour field "25" has 25, outside 0-23');
  await expect(dialog.getByRole('button', { name: 'Save' })).toBeVisible();
  await cron.fill('0 18 * * 1-5');
  await dialog.getByLabel('Time zone').selectOption('Asia/Shanghai');
  await expect(dialog.getByRole('status', { name: 'In words' })).toContainText('every weekday at 18:00, Asia/Shanghai');
  const runs = dialog.getByRole('list', { name: 'Next 5 runs (your time, Asia/Shanghai)' }).getByRole('listitem');
  await expect(runs).toHaveCount(5);
  await expect(runs.first()).toContainText(/(Mon|Tue|Wed|Thu|Fri).*18:00 GMT\+8/);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  const grid = page.getByRole('grid', { name: 'Schedules' });
  await expect(grid.getByRole('row', { name: /STOP.*every weekday at 18:00, Asia\/Shanghai/ })).toBeVisible();
  expect((await api('listVMSchedule', { virtualmachineid: vms[0].id })).vmschedule[0]).toMatchObject({ action: 'STOP', schedule: '0 18 * * 1-5', timezone: 'Asia/Shanghai' });
});

test('a schedule that collides with another on the same VM is flagged on save and in the calendar', async ({ page }) => {
  await api('createVMSchedule', { virtualmachineid: vms[1].id, action: 'REBOOT', schedule: '0 3 * * *', timezone: 'UTC', description: 'nightly reboot' });
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  await openVmTab(page, vms[1].id, 'Schedules');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Action').selectOption('STOP');
  await dialog.getByLabel('Time zone').selectOption('UTC');
  await dialog.getByLabel('Cron (minute hour day month weekday)').fill('5 3 * * *');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('alert')).toContainText('collides with other runs on the same resource');
  await expect(dialog.getByRole('alert')).toContainText('REBOOT');
  await dialog.getByRole('button', { name: 'Save anyway' }).click();
  await expect(dialog).toBeHidden();

  await page.evaluate(() => { location.hash = '#/schedules/calendar'; });
  await page.getByRole('button', { name: 'Week', exact: true }).click();
  // Next week: every day of it is ahead. This week's runs are listed from now on, and late on a Sunday (Shanghai) the
  // week has none of these daily runs left.
  const title = page.locator('.cal-title');
  await expect(title).toContainText('–'); // the week's title: "Dec 7 – Dec 13, 2026"
  const thisWeek = await title.textContent();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(title).not.toHaveText(thisWeek!);
  await expect(page.getByRole('status').filter({ hasText: /runs/ })).toContainText(/⚠ \d+ conflicts/);
  // This VM's STOP (the calendar also shows the other test's weekday STOP, first in the week at some hours of the day).
  const vmName = vms[1].name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const chip = page.getByRole('gridcell').getByRole('button', { name: new RegExp(`\\d\\d:\\d\\d STOP ${vmName}`) }).first();
  await expect(chip).toHaveAttribute('title', /Conflict: REBOOT on the same resource within 10 minutes/);
  await chip.click();
  await expect(page.getByRole('complementary', { name: 'Run' })).toContainText('Scheduled');
});

test('a snapshot policy and a task are checked for conflicts on save; a policy is edited with its fields checked', async ({ page }) => {
  // vms[1] has the REBOOT at 03:00 UTC and the STOP at 03:05 of the test before.
  const vol = (await api('listVolumes', { virtualmachineid: vms[1].id, listall: 'true' })).volume[0];
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  await page.evaluate((h) => { location.hash = h; }, `#/storage/volumes/${vol.id}`);
  const policies = page.getByRole('region', { name: 'Snapshot policies' });
  await policies.getByRole('button', { name: 'Create snapshot policy' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Time zone').selectOption('UTC');
  await dialog.getByLabel('Minute', { exact: true }).fill('2');
  await dialog.getByLabel('Hour', { exact: true }).fill('3');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('alert')).toContainText('collides with other runs on the same resource');
  await expect(dialog.getByRole('alert')).toContainText('REBOOT');
  await dialog.getByRole('button', { name: 'Save anyway' }).click();
  await expect(dialog).toBeHidden();
  const row = policies.getByRole('row', { name: /DAILY.*every day at 03:02, UTC/ });
  await expect(row).toBeVisible();

  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(dialog.getByLabel('Interval', { exact: true })).toBeDisabled();
  await expect(dialog.getByLabel('Minute', { exact: true })).toHaveValue('2');
  await dialog.getByLabel('Minute', { exact: true }).fill('75');
  await expect(dialog.getByText('Enter a whole number from 0 to 59')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Save' })).toBeDisabled();
  await dialog.getByLabel('Minute', { exact: true }).fill('30');
  await dialog.getByLabel('Hour', { exact: true }).fill('12');
  await dialog.getByLabel('Snapshots kept').fill('3');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(policies.getByRole('row', { name: /DAILY.*every day at 12:30, UTC.*3/ })).toBeVisible();
  expect((await api('listSnapshotPolicies', { volumeid: vol.id })).snapshotpolicy).toMatchObject([{ schedule: '30:12', maxsnaps: 3, timezone: 'UTC' }]);

  // A task on the same VM two minutes after its 03:00 reboot.
  await page.evaluate(() => { location.hash = '#/schedules/tasks'; });
  await page.getByRole('button', { name: 'Create scheduled task' }).click();
  await dialog.getByLabel('Parameters').fill(`id=${vms[1].id}`);
  await dialog.getByLabel('Time zone').selectOption('UTC');
  await dialog.getByLabel('Cron (minute hour day month weekday)').fill('2 3 * * *');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('alert')).toContainText('REBOOT');
  await expect(dialog.getByRole('button', { name: 'Save anyway' })).toBeVisible();
});

test('past runs show their outcome, the jobs panel keeps the server history after a reload and cancels a pending run', async ({ page }) => {
  const stopped = vms[2];
  const at = (s: number) => new Date(Date.now() + s * 1000).toISOString().slice(0, 19).replace('T', ' ');
  // One run succeeds (stop a running VM), one fails (reboot it once it is stopped: the server refuses). At least 2 s
  // ahead (runat is cut to the second): a request that a busy machine takes a second for must not find it past.
  await api('createScheduledTask', { apicommand: 'stopVirtualMachine', 'params[0].name': 'id', 'params[0].value': stopped.id, runat: at(3), description: 'stop it' });
  await api('createScheduledTask', { apicommand: 'rebootVirtualMachine', 'params[0].name': 'id', 'params[0].value': stopped.id, runat: at(6), description: 'reboot it' });
  await expect.poll(async () => (await api('listScheduledRuns', { listall: 'true', startdate: at(-60), enddate: at(60), resourceid: stopped.id })).scheduledrun
    ?.filter((r: { state: string }) => r.state === 'Succeeded' || r.state === 'Failed').length ?? 0, { timeout: 30_000 }).toBe(2);

  const pending = await api('createScheduledTask', { apicommand: 'rebootVirtualMachine', 'params[0].name': 'id', 'params[0].value': vms[0].id,
    schedule: '*/30 * * * *', description: 'half-hourly' });
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  await page.evaluate(() => { location.hash = '#/schedules/calendar'; });
  await page.getByRole('button', { name: 'Day', exact: true }).click();
  await page.getByRole('button', { name: 'Today' }).click();
  const day = page.locator('.cal-body').getByRole('grid');
  await expect(day.getByRole('row', { name: /stopVirtualMachine.*Succeeded/ })).toBeVisible();
  await day.getByRole('row', { name: /rebootVirtualMachine.*Failed/ }).click();
  await expect(page.getByRole('complementary', { name: 'Run' })).toContainText(/Error.*(not running|Stopped|state)/i);

  await page.reload();
  await page.getByRole('button', { name: /^Jobs/ }).click();
  const panel = page.getByRole('complementary', { name: 'Jobs' });
  const history = panel.getByRole('region', { name: 'All recent jobs (server)' });
  await expect(history.getByRole('listitem').filter({ hasText: /StopVM|stopVirtualMachine|Stop/i }).first()).toContainText(/succeeded.*took/s);
  // The pending run of the first test's schedule is listed and can be cancelled.
  const upcoming = panel.getByRole('region', { name: 'Next scheduled runs' });
  await upcoming.getByRole('listitem').filter({ hasText: 'half-hourly' }).getByRole('button', { name: 'Cancel run' }).click();
  await expect.poll(async () => (await api('listScheduledRuns', { listall: 'true', startdate: at(-5), enddate: at(3600), scheduleid: pending.scheduledtask.id })).scheduledrun
    ?.map((r: { state: string }) => r.state)).toEqual(['Cancelled', 'Scheduled']);
});
