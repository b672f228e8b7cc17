// Usage graphs on a VM's page (issue 14): a small simulated lab's VMs are sampled every second here, so the
// graphs fill with the simulator's deterministic workload within seconds; the range picker and drag-to-zoom
// change the window the graphs show, and the instances list shows the VM's CPU and memory use.
import { test, expect } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { apiAsAdmin, signIn } from './pages/session';

let lab: LabServer;
test.beforeAll(async () => { lab = await startLabServer({ hosts: 2, vms: 3, metricsMs: 1000 }); });
test.afterAll(async () => { await lab?.stop(); });

test('a VM page graphs its usage; the range picker and a drag change the window', async ({ page }) => {
  test.setTimeout(120_000);
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
  expect(Number(await cpu.getAttribute('data-points'))).toBeGreaterThan(0);

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
  // Each row's first meter is its CPU (the second its memory).
  const cpus = await grid.getByRole('row').evaluateAll((rows) => rows.map((r) => r.querySelector('[role=meter]')?.getAttribute('aria-valuenow'))
    .filter((v): v is string => v != null).map(Number));
  expect(cpus.length).toBeGreaterThan(0);
  expect(cpus).toEqual([...cpus].sort((a, b) => b - a));
});
