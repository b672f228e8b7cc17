// The instances view against a cloud of realistic size: 1,000 simulated hosts and 100,000 VMs. The table pages
// from the server as it scrolls, so the middle and the end of the list must show real rows (names, not loading
// placeholders) within seconds, and the filters must narrow the count the server reports.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { signIn, apiAsAdmin } from './pages/session';
import { InstancesPage } from './pages/instances';

const VMS = 100_000;
/** Rows must be filled this soon after a scroll (one page request of 100 VMs; generous for a loaded 2-core box). */
const ROWS_WITHIN = 5_000;
const PAGE_SIZE = 100; // the list's page size, to ask the API for the VM a row index should hold

let lab: LabServer;
let api: Awaited<ReturnType<typeof apiAsAdmin>>;
let stopped: { id: string; name: string }[];

test.beforeAll(async () => {
  // Building the lab (1,000 addHost calls and 100,000 deploy jobs) takes one to two minutes here.
  test.setTimeout(600_000);
  lab = await startLabServer({ hosts: 1000, vms: VMS, timeoutMs: 540_000 });
  api = await apiAsAdmin(lab.url, lab.adminPassword);
  // Stop three VMs so a state filter has something to narrow to.
  const some = (await api('listVirtualMachines', { listall: 'true', page: '7', pagesize: '3' })).virtualmachine as { id: string; name: string }[];
  for (const vm of some) {
    const { jobid } = await api('stopVirtualMachine', { id: vm.id });
    await expect.poll(async () => (await api('queryAsyncJobResult', { jobid })).jobstatus, { timeout: 60_000 }).toBe(1);
  }
  stopped = some.map((v) => ({ id: v.id, name: v.name }));
});
test.afterAll(async () => { await lab?.stop(); });

/** The name the server holds at a list index (same order and paging as the table). */
async function nameAt(index: number): Promise<string> {
  const page = Math.floor(index / PAGE_SIZE);
  const r = await api('listVirtualMachines', { listall: 'true', page: String(page + 1), pagesize: String(PAGE_SIZE) });
  return r.virtualmachine[index % PAGE_SIZE].name;
}

/** Scrolls the table's body to a fraction of its height and returns the index of the first row in view. */
async function scrollTo(grid: Locator, fraction: number): Promise<number> {
  return grid.evaluate((g, f) => {
    const body = g.querySelector<HTMLElement>('.dt-body')!; // the scrolling body (its sticky header row inside)
    body.scrollTop = f * (body.scrollHeight - body.clientHeight);
    const first = g.querySelector<HTMLElement>('[role=row][aria-rowindex]:not(:first-child)');
    return Math.floor(body.scrollTop / (first?.offsetHeight || 42));
  }, fraction);
}

/** Every data row in the DOM shows a VM name link (no placeholder left), and the row at `index` is there. */
async function expectRowsFilled(page: Page, grid: Locator, index: number) {
  const row = grid.locator(`[role=row][aria-rowindex="${index + 2}"]`);
  await expect(row.getByRole('link')).toHaveText(/\S/, { timeout: ROWS_WITHIN });
  await expect.poll(async () => {
    const rows = await grid.getByRole('row').count() - 1; // minus the header
    const named = await grid.getByRole('row').filter({ has: page.getByRole('link') }).count();
    return rows > 0 && named === rows;
  }, { timeout: ROWS_WITHIN, message: 'rows still show placeholders' }).toBe(true);
  return (await row.getByRole('link').textContent())!;
}

test('100,000 VMs: the list scrolls to the middle and the end with real rows', async ({ page }) => {
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  const inst = new InstancesPage(page);
  await inst.open();
  expect(await inst.count()).toBe(VMS);
  await expect(inst.table).toHaveAttribute('aria-rowcount', String(VMS + 1));
  await expectRowsFilled(page, inst.table, 0);

  const middle = await scrollTo(inst.table, 0.5);
  expect(middle).toBeGreaterThan(VMS / 2 - 100);
  expect(await expectRowsFilled(page, inst.table, middle)).toBe(await nameAt(middle));

  await scrollTo(inst.table, 1);
  expect(await expectRowsFilled(page, inst.table, VMS - 1)).toBe(await nameAt(VMS - 1));

  // And back to the top, which is still there.
  await scrollTo(inst.table, 0);
  expect(await expectRowsFilled(page, inst.table, 0)).toBe(await nameAt(0));
});

test('100,000 VMs: the state filter and a keyword narrow the count', async ({ page }) => {
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  const inst = new InstancesPage(page);
  await inst.open();
  expect(await inst.count()).toBe(VMS);

  await inst.filterState('Stopped');
  await expect.poll(() => inst.count()).toBe(stopped.length);
  for (const vm of stopped) await expect(inst.row(vm.name)).toContainText('Stopped');

  await inst.filterState('Running');
  await expect.poll(() => inst.count()).toBe(VMS - stopped.length);

  // A keyword on top of the state filter: one stopped VM by name, then the same name among running VMs (none).
  await inst.filterState('Stopped');
  await inst.search(stopped[0].name);
  await expect.poll(() => inst.count()).toBe(1);
  await expect(inst.row(stopped[0].name)).toBeVisible();
  await inst.filterState('Running');
  await expect.poll(() => inst.count()).toBe(0);

  await inst.clearFilters();
  await expect.poll(() => inst.count()).toBe(VMS);
});
