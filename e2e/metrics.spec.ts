// Usage graphs on a VM's page (issue 14): a small simulated lab's VMs are sampled every second here, so the
// graphs fill with the simulator's deterministic workload within seconds; the range picker and drag-to-zoom
// change the window the graphs show, and the instances list shows the VM's CPU, memory, disk and network use.
// Then the dashboard's zone graphs, a custom range typed in, and a volume's graphs, on the same lab.
import { test, expect } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { apiAsAdmin, signIn } from './pages/session';

let lab: LabServer;
test.beforeAll(async () => { lab = await startLabServer({ hosts: 2, vms: 3, metricsMs: 1000 }); });
test.afterAll(async () => { await lab?.stop(); });

test('a VM page graphs its usage; the range picker and a drag change the window; zone, volume and list figures', async ({ page }) => {
  test.setTimeout(150_000);
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const vm = (await api('listVirtualMachines', { state: 'Running', listall: 'true' })).virtualmachine[0];
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  // Set the route until the VM's page shows (the app may still be settling its route right after sign-in).
  await expect(async () => {
    await page.evaluate((h) => { location.hash = h; }, `#/instances/${vm.id}`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(vm.displayname ?? vm.name, { timeout: 2000 });
  }).toPass({ timeout: 20_000 });

  const cpu = page.getByRole('figure', { name: 'CPU', exact: true });
  // Live: the graph gains points as the collector samples (polled every 10 s; the first load may come before any).
  await expect(async () => {
    await page.getByRole('button', { name: '1 h', exact: true }).click();
    expect(Number(await cpu.getAttribute('data-points'))).toBeGreaterThan(1);
  }).toPass({ timeout: 40_000 });
  await expect(cpu.locator('canvas')).toBeVisible();
  await expect(cpu.locator('figcaption')).toContainText(/Average \d+(\.\d+)? %/);
  for (const name of ['Memory', 'Disk', 'Network']) await expect(page.getByRole('figure', { name, exact: true })).toBeVisible();

  const range = page.getByRole('status', { name: 'Range' });
  const hour = await range.textContent();
  await page.getByRole('button', { name: '7 d', exact: true }).click();
  await expect(page.getByRole('button', { name: '7 d', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(range).not.toHaveText(hour!);
  await expect(range).not.toContainText('live');
  await expect(cpu).toHaveAttribute('data-points', /^[1-9]\d*$/);

  // Drag across the CPU graph: a custom window, with a way back.
  const over = cpu.locator('.u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.98, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(range).toContainText('Custom');
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(range).toContainText('live');

  // The instances list shows what the VM uses now.
  await page.evaluate(() => { location.hash = '#/instances'; });
  const grid = page.getByRole('grid', { name: 'Instances' });
  await expect(grid.getByRole('columnheader', { name: 'CPU %' })).toBeVisible();
  await expect(grid.getByRole('row', { name: new RegExp(vm.name) }).getByRole('meter').first()).toHaveAttribute('aria-valuenow', /\d+/);
  // Its header sorts the whole list on the server, busiest first.
  await grid.getByRole('columnheader', { name: 'CPU %' }).getByRole('button').click();
  await expect(page).toHaveURL(/sortby=cpuused&sortorder=desc|sortorder=desc&sortby=cpuused/);
  await expect(grid.getByRole('row', { name: new RegExp(vm.name) })).toBeVisible();
  // Each row's first meter is its CPU (the second its memory). The sorted page replaces the one shown before the
  // click when its answer arrives, and the VMs are sampled every second: check until the rows show the sorted answer.
  await expect(async () => {
    const cpus = await grid.getByRole('row').evaluateAll((rows) => rows.map((r) => r.querySelector('[role=meter]')?.getAttribute('aria-valuenow'))
      .filter((v): v is string => v != null).map(Number));
    expect(cpus.length).toBeGreaterThan(0);
    expect(cpus).toEqual([...cpus].sort((a, b) => b - a));
  }).toPass({ timeout: 20_000 });

  // Sharing this test's lab and sign-in (each costs seconds):
  const root = (await api('listVolumes', { virtualmachineid: vm.id, type: 'ROOT', listall: 'true' })).volume[0];

  // The dashboard: the zone's CPU, memory and storage use, derived from its hosts and pools (one series per zone).
  const zone = page.locator('.card', { hasText: /^Zone / }).first();
  await expect(async () => {
    await page.evaluate(() => { location.hash = '#/dashboard'; });
    await zone.getByRole('button', { name: '1 h', exact: true }).click({ timeout: 2000 });
    expect(Number(await zone.getByRole('figure', { name: 'CPU', exact: true }).getAttribute('data-points', { timeout: 2000 }))).toBeGreaterThan(0);
  }).toPass({ timeout: 30_000 });
  for (const name of ['Memory used', 'Storage used']) await expect(zone.getByRole('figure', { name, exact: true })).toBeVisible();

  // A custom range by keyboard: a start after the end is refused with the reason, a good one becomes the window.
  await zone.getByRole('button', { name: 'Custom…' }).click();
  const form = zone.getByRole('form', { name: 'Custom range' });
  const from = form.getByLabel('From');
  await expect(from).toBeFocused();
  const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const now = new Date();
  await from.fill(local(new Date(now.getTime() + 3_600_000)));
  await form.getByLabel('To').fill(local(now));
  await form.getByLabel('To').press('Enter');
  await expect(form.getByRole('alert')).toHaveText('The start must be before the end.');
  await expect(from).toHaveAttribute('aria-invalid', 'true');
  await from.fill(local(new Date(now.getTime() - 2 * 3_600_000)));
  await form.getByLabel('To').press('Enter');
  await expect(form).toBeHidden();
  await expect(zone.getByRole('status', { name: 'Range' })).toContainText('Custom');
  await expect(zone.getByRole('button', { name: 'Custom…' })).toHaveAttribute('aria-pressed', 'true');

  // A volume's own graphs: its bytes and operations per second.
  await page.evaluate((id) => { location.hash = `#/storage/volumes/${id}`; }, root.id);
  const iops = page.getByRole('figure', { name: 'IOPS', exact: true });
  await expect(async () => {
    await page.getByRole('button', { name: '1 h', exact: true }).click({ timeout: 2000 });
    expect(Number(await iops.getAttribute('data-points', { timeout: 2000 }))).toBeGreaterThan(1);
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole('figure', { name: 'Disk', exact: true }).locator('figcaption')).toContainText(/Read [\d.,]+ (B|KiB|MiB)\/s/);

  // The instances list: disk and network now, and the network header sorts the whole list on the server.
  await page.evaluate(() => { location.hash = '#/instances'; });
  await expect(grid.getByRole('row', { name: new RegExp(vm.name) })).toContainText(/[\d.,]+ (B|KiB|MiB)\/s/);
  await grid.getByRole('columnheader', { name: 'Network' }).getByRole('button').click();
  await expect(page).toHaveURL(/sortby=networkrate/);
});
