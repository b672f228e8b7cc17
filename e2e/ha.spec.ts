// Host maintenance and HA in the console (issue 16), on one simulated lab whose first host failed for real
// (fixtures/host-failure.ts: the core's monitors declared it Down and restarted its HA VMs elsewhere):
//  - the failure shows as such on the dashboard and the topology view (words and state badges, the Down host's
//    own legend entry), with the VMs HA recovered; HA VMs carry an HA tag in the list and say so on their page;
//  - "Enter maintenance" shows the server's plan (where each VM goes) before anything moves, and the plan avoids
//    the Down host; confirming it shows the evacuation live (each VM and where it went, the host's state steps)
//    and puts the host into Maintenance; the host's page keeps the evacuation's outcome.
import { test, expect } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { apiAsAdmin, signIn } from './pages/session';
import { InfrastructurePage } from './pages/infrastructure';
import { confirmAction } from './pages/instances';

let lab: LabServer;
test.beforeAll(async () => { lab = await startLabServer({ hosts: 3, vms: 6, failHost: true }); });
test.afterAll(async () => { await lab?.stop(); });

const go = async (page: import('@playwright/test').Page, hash: string) => page.evaluate((h) => { location.hash = h; }, hash);

test('a failed host shows on the dashboard and the map, with the VMs HA recovered; HA VMs say so', async ({ page }) => {
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  const panel = page.getByRole('alert', { name: 'Host failures' });
  await expect(panel).toContainText('1 host is failing');
  await expect(panel.locator('li[data-host="scale-h0"]')).toContainText('Down');
  await expect(panel).toContainText(/Fenced: .*HA VMs are restarted on other hosts/);
  await expect(panel.getByRole('heading', { name: 'VMs being recovered (HA)' })).toBeVisible();
  await expect(panel).toContainText(/HA: VM web-ha-1 runs again on host scale-h[12]/);

  await go(page, '#/topology');
  await expect(page.getByRole('alert', { name: 'Host failures' })).toContainText('scale-h0');
  await expect(page.getByRole('button', { name: 'Down: 1 host' })).toBeVisible();

  await go(page, '#/instances');
  const grid = page.getByRole('grid', { name: 'Instances' });
  await expect(grid.getByRole('row', { name: /web-ha-1/ })).toContainText('HA');
  await expect(grid.getByRole('row', { name: /batch-1/ })).toContainText('Stopped');
  await expect(grid.getByRole('row', { name: /batch-1/ })).not.toContainText('HA');
  await grid.getByRole('link', { name: 'web-ha-1' }).click();
  await expect(page.getByText('On: restarted automatically when it stops unexpectedly or its host fails')).toBeVisible();
});

test('Enter maintenance shows where each VM would go before anything moves, then moves them', async ({ page }) => {
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const h1 = (await api('listHosts', { name: 'scale-h1' })).host[0];
  const running = (await api('listVirtualMachines', { hostid: h1.id, listall: 'true' })).virtualmachine.length as number;
  expect(running).toBeGreaterThan(0);
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  const infra = new InfrastructurePage(page);
  await infra.open('Hosts');
  await infra.row('Hosts', 'scale-h1').getByRole('checkbox', { name: 'select row' }).check();
  await page.getByRole('toolbar').getByRole('button', { name: 'Enter maintenance', exact: true }).click();
  const plan = page.getByRole('dialog', { name: 'Enter maintenance' }).getByRole('region', { name: 'Maintenance plan' });
  await expect(plan).toContainText(`${running} ${running === 1 ? 'VM moves' : 'VMs move'} to other hosts · 0 would be stopped · 0 would block maintenance`);
  // The Down host is never a destination: every VM goes to the one healthy host left.
  await expect(plan.getByRole('row').filter({ hasText: 'Live-migrates to scale-h2' })).toHaveCount(running);
  expect((await api('listHosts', { id: h1.id })).host[0].resourcestate).toBe('Enabled');
  await confirmAction(page, 'Enter maintenance');
  // The evacuation, live from the confirmation on: each VM leaving the host and where it went, and the host's
  // PrepareForMaintenance -> Maintenance transition.
  const live = page.getByRole('dialog', { name: 'Enter maintenance: scale-h1' });
  const evac = live.getByRole('region', { name: 'Evacuation' });
  await expect(evac.getByRole('list', { name: 'Resource state' }).locator('[aria-current=step]')).toHaveText('Maintenance', { timeout: 30_000 });
  await expect(evac.getByRole('status')).toHaveText(`${running} of ${running} ${running === 1 ? 'VM' : 'VMs'} off the host · 0 failed`);
  await expect(evac.getByRole('row').filter({ hasText: 'Migrated to scale-h2' })).toHaveCount(running);
  await expect(live.getByRole('button', { name: 'Close', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(live).toHaveCount(0);
  await expect(infra.row('Hosts', 'scale-h1')).toContainText('Maintenance', { timeout: 30_000 });
  expect((await api('listVirtualMachines', { hostid: h1.id, listall: 'true' })).virtualmachine ?? []).toEqual([]);
  // The host's own page keeps the evacuation's outcome while the host is in maintenance.
  await go(page, `#/infrastructure/hosts/${h1.id}`);
  await expect(page.getByRole('region', { name: 'Evacuation' }).getByRole('row').filter({ hasText: 'Migrated to scale-h2' })).toHaveCount(running);
});
