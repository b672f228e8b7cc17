// Guest networks in the console (issue 17), on the demo lab: an admin creates a shared network through the dialog
// (its field checks first, then CloudStack's own refusal of a VLAN in use), deploys a VM onto two networks from the
// wizard, changes and removes its NICs on the VM's page, finds the VM on the network's page, and stops and starts
// the lab network's virtual router; on the lab network's Public IPs tab a user acquires an address, forwards a port
// to a VM (the simulator has no router data path, so the rule goes Add -> Active at once), sees a second rule on the
// same port refused with CloudStack's text, deletes the rule, edits a load balancer rule (name, algorithm, description)
// and adds and deletes its stickiness and health check policies, and releases the address. The lab network drawn on the
// topology view: its router, its VMs and the hosts it spans.
import { test, expect, type Page } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { apiAsAdmin, signIn } from './pages/session';
import { InstancesPage, confirmAction } from './pages/instances';

let lab: LabServer;
test.beforeAll(async () => { lab = await startLabServer({ demo: true }); });
test.afterAll(async () => { await lab?.stop(); });

async function openNetworks(page: Page, tab = 'networks') {
  await page.evaluate((h) => { location.hash = h; }, `#/networks/${tab}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Networks' })).toBeVisible();
}

/** Fills the shared-network fields of the open create dialog. */
async function fillShared(dialog: ReturnType<Page['getByRole']>, f: Record<string, string>) {
  for (const [label, value] of Object.entries(f)) await dialog.getByLabel(label, { exact: true }).fill(value);
}

test('create a shared network, deploy onto it and the lab network, manage the NICs, see the VM on the network page', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  await openNetworks(page);
  await expect(page.getByRole('grid', { name: 'Guest networks' }).getByRole('row', { name: /Lab Network/ })).toBeVisible();

  await page.getByRole('button', { name: 'Create network' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a guest network' });
  await dialog.getByRole('button', { name: 'Shared' }).click();
  await fillShared(dialog, { Name: 'e2e-shared', VLAN: '5000', Gateway: '172.30.0.1', 'Start IP': '172.30.1.10' });
  await dialog.getByRole('button', { name: 'Create network' }).click();
  // Each mistake under its field; nothing was sent.
  await expect(dialog.getByText('A VLAN ID is a whole number from 1 to 4094.')).toBeVisible();
  await expect(dialog.getByText('Not in the subnet of the gateway and netmask.')).toBeVisible();
  await fillShared(dialog, { VLAN: '1500', 'Start IP': '172.30.0.10', 'End IP': '172.30.0.20' });
  await dialog.getByRole('button', { name: 'Create network' }).click();
  await expect(dialog).toHaveCount(0);
  // The new network's page, with its range.
  const detail = page.getByRole('region', { name: 'e2e-shared' });
  await expect(detail.getByRole('heading', { name: 'e2e-shared' })).toBeVisible();
  await expect(detail.getByRole('region', { name: 'IP ranges' })).toContainText('172.30.0.10 – 172.30.0.20');

  // The server's own refusal stays in the dialog: VLAN 1500 is taken now.
  await page.getByRole('button', { name: '← Guest networks' }).click();
  await page.getByRole('button', { name: 'Create network' }).click();
  await dialog.getByRole('button', { name: 'Shared' }).click();
  await fillShared(dialog, { Name: 'e2e-dup', VLAN: '1500', Gateway: '172.31.0.1', 'Start IP': '172.31.0.10' });
  await dialog.getByRole('button', { name: 'Create network' }).click();
  await expect(dialog.getByRole('alert')).toContainText('vlan 1500 already exists');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Deploy onto both networks: the shared one first, so it is the default NIC.
  const inst = new InstancesPage(page);
  await inst.open();
  await inst.deploy({ zone: 'Lab Zone 1', template: 'Simulator Linux', offering: 'Small Instance', name: 'e2e-two-nics', networks: ['e2e-shared', 'Lab Network'] });
  await page.getByRole('tab', { name: 'NICs' }).click();
  const nics = page.getByRole('grid', { name: 'NICs' });
  const sharedRow = nics.getByRole('row', { name: /e2e-shared/ });
  const labRow = nics.getByRole('row', { name: /Lab Network/ });
  await expect(sharedRow).toContainText(/172\.30\.0\.(1\d|20)/);
  await expect(sharedRow).toContainText('Default');
  await expect(labRow).toContainText(/10\.1\.1\.\d+/);
  const vmUrl = page.url();

  await labRow.getByRole('button', { name: 'Make default' }).click();
  await expect(labRow).toContainText('Default', { timeout: 30_000 });
  await sharedRow.getByRole('button', { name: 'Remove' }).click();
  await confirmAction(page, 'Remove');
  await expect(nics.getByRole('row', { name: /e2e-shared/ })).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByRole('tab', { name: 'NICs' })).toBeVisible();

  // The lab network's page lists the VM with its address (listVirtualMachines networkid=).
  await openNetworks(page);
  await page.getByRole('grid', { name: 'Guest networks' }).getByRole('row', { name: /Lab Network/ }).click();
  const vms = page.getByRole('region', { name: 'Instances and their NICs' });
  await expect(vms.getByRole('row', { name: /e2e-two-nics/ })).toContainText(/10\.1\.1\.\d+/);
  await vms.getByRole('link', { name: 'e2e-two-nics' }).click();
  await expect(page).toHaveURL(vmUrl);
});

test('an admin stops and starts the lab network\'s router, from the routers list and the network page', async ({ page }) => {
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  await openNetworks(page, 'routers');
  const row = page.getByRole('grid', { name: 'Virtual routers' }).getByRole('row', { name: /Lab Network/ });
  await expect(row).toContainText('Running');
  await row.click();
  const detail = page.locator('.kit-detail');
  await expect(detail).toContainText('203.0.113.');
  await detail.getByRole('button', { name: 'Stop', exact: true }).click();
  await confirmAction(page, 'Stop');
  await expect(detail.locator('[data-state]').first()).toHaveAttribute('data-state', 'Stopped', { timeout: 30_000 });
  // The network's page shows the stopped router and starts it again.
  await detail.getByRole('link', { name: 'Lab Network' }).click();
  const router = page.getByRole('region', { name: 'Virtual router' });
  await expect(router.locator('[data-state]')).toHaveAttribute('data-state', 'Stopped');
  await router.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(router.locator('[data-state]')).toHaveAttribute('data-state', 'Running', { timeout: 30_000 });
});

test('the lab network on the topology: its router and VMs, the hosts it spans highlighted on the map', async ({ page }) => {
  // A VM of its own on the lab network (the other tests add and remove theirs).
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const first = async (command: string, params: Record<string, string>, key: string) => (await api(command, params))[key][0].id as string;
  const deployed = await api('deployVirtualMachine', { name: 'e2e-topo', zoneid: await first('listZones', { name: 'Lab Zone 1' }, 'zone'),
    templateid: await first('listTemplates', { templatefilter: 'all', name: 'Simulator Linux' }, 'template'),
    serviceofferingid: await first('listServiceOfferings', { name: 'Small Instance' }, 'serviceoffering'),
    networkids: await first('listNetworks', { name: 'Lab Network', listall: 'true' }, 'network') });
  await expect.poll(async () => (await api('queryAsyncJobResult', { jobid: deployed.jobid })).jobstatus, { timeout: 30_000 }).toBe(1);
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  await page.evaluate(() => { location.hash = '#/topology'; });
  await expect(page.getByRole('heading', { level: 1, name: 'Topology' })).toBeVisible();
  await page.getByLabel('Network', { exact: true }).selectOption({ label: 'Lab Network (Isolated)' });
  const panel = page.getByRole('complementary', { name: 'Guest network on the topology' });
  await expect(panel.getByText('Lab Network', { exact: true })).toBeVisible();
  // The router with its state and host, the hosts it spans (the router's marked), the VMs with their addresses.
  await expect(panel.getByRole('button', { name: /^r-\S+-VM Running 10\.1\.1\.1 · 203\.0\.113\.\d+ · on / })).toBeVisible();
  await expect(panel.getByRole('heading', { name: /^Spans \d+ hosts?$/ })).toBeVisible();
  await expect(panel.getByText(/router here/)).toBeVisible();
  await expect(panel.getByRole('button', { name: /^e2e-topo Running 10\.1\.1\.\d+ · on / })).toBeVisible();
  // The choice is in the route (a link to it shows the same), and Clear takes it away.
  expect(page.url()).toMatch(/#\/topology\?network=[0-9a-f-]{36}$/);
  await panel.getByRole('button', { name: 'Clear' }).click();
  await expect(panel).toHaveCount(0);
});

test('the lab network\'s Public IPs tab: acquire an address, forward a port, a clash refused, edit a load balancer rule and its policies, release', async ({ page }) => {
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  await openNetworks(page);
  await page.getByRole('grid', { name: 'Guest networks' }).getByRole('row', { name: /Lab Network/ }).click();
  await page.getByRole('tab', { name: 'Public IPs' }).click();
  const ips = page.getByRole('grid', { name: 'Public IPs' });
  await expect(ips.getByRole('row', { name: /Source NAT/ })).toContainText('203.0.113.');
  await page.getByRole('button', { name: 'Acquire public IP' }).click();
  // The new address is the one whose rules are shown.
  const rules = page.getByRole('region', { name: /^Rules of 203\.0\.113\.\d+$/ });
  await expect(rules.getByRole('region', { name: 'Static NAT' })).toContainText('Static NAT is off.');
  const address = (await rules.getAttribute('aria-label'))!.replace('Rules of ', '');
  await expect(ips.getByRole('row', { name: new RegExp(address.replace(/\./g, '\\.')) })).toContainText('Allocated');

  const addRule = async (publicPort: string) => {
    await rules.getByRole('button', { name: 'Add port forwarding rule' }).click();
    const dialog = page.getByRole('dialog', { name: `Add port forwarding rule: ${address}` });
    await dialog.getByRole('button', { name: 'Add port forwarding rule' }).click();
    await expect(dialog.getByText('Required.')).toHaveCount(3);
    await dialog.getByLabel('Public port', { exact: true }).fill(publicPort);
    await dialog.getByLabel('Private port', { exact: true }).fill('22');
    await dialog.getByLabel('Instance', { exact: true }).selectOption({ index: 1 });
    await dialog.getByRole('button', { name: 'Add port forwarding rule' }).click();
    return dialog;
  };
  await expect(await addRule('2222')).toHaveCount(0);
  const pf = rules.getByRole('grid', { name: 'Port forwarding' });
  const row = pf.getByRole('row', { name: /2222/ });
  await expect(row.locator('[data-state]')).toHaveAttribute('data-state', 'Active', { timeout: 30_000 });
  // With a rule on it, the address cannot take static NAT.
  await expect(rules.getByRole('region', { name: 'Static NAT' })).toContainText('without port forwarding');

  const clash = await addRule('2222');
  await expect(clash.getByRole('alert')).toContainText('conflicts with rule');
  await clash.getByRole('button', { name: 'Cancel' }).click();

  await row.getByRole('button', { name: 'Delete' }).click();
  await confirmAction(page, 'Delete');
  await expect(pf).toContainText('No port forwarding rules.', { timeout: 30_000 });

  // A load balancer rule edited in the console: name and algorithm, a stickiness and a health check policy.
  await rules.getByRole('button', { name: 'Add load balancer rule' }).click();
  const add = page.getByRole('dialog', { name: /^Add load balancer rule/ });
  await add.getByLabel('Name', { exact: true }).fill('web');
  await add.getByLabel('Public port', { exact: true }).fill('80');
  await add.getByLabel('Private port', { exact: true }).fill('8080');
  await add.getByRole('button', { name: 'Add load balancer rule' }).click();
  const card = rules.getByRole('listitem', { name: 'web' });
  await expect(card.locator('.edge-lb-head [data-state]')).toHaveAttribute('data-state', 'Active', { timeout: 30_000 });

  await card.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit load balancer rule web' });
  await edit.getByLabel('Name', { exact: true }).fill('');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit.getByText('Required.')).toBeVisible();
  await edit.getByLabel('Name', { exact: true }).fill('front');
  await edit.getByLabel('Algorithm', { exact: true }).selectOption('leastconn');
  await edit.getByLabel('Description', { exact: true }).fill('the shop');
  await edit.getByRole('button', { name: 'Save' }).click();
  const front = rules.getByRole('listitem', { name: 'front' });
  await expect(front).toContainText('Least connections', { timeout: 30_000 });
  await expect(front).toContainText('the shop');

  await front.getByRole('button', { name: 'Add stickiness policy' }).click();
  const sticky = page.getByRole('dialog', { name: 'Stickiness of front' });
  await sticky.getByLabel('Name', { exact: true }).fill('by-client');
  await sticky.getByRole('button', { name: 'Add stickiness policy' }).click();
  const stickiness = front.getByRole('group', { name: 'Stickiness' });
  await expect(stickiness).toContainText('by-client · SourceBased', { timeout: 30_000 });

  await front.getByRole('button', { name: 'Add health check policy' }).click();
  const hc = page.getByRole('dialog', { name: 'Health check of front' });
  await hc.getByLabel('Ping path', { exact: true }).fill('health');
  await hc.getByRole('button', { name: 'Add health check policy' }).click();
  await expect(hc.getByText('A path starting with /.')).toBeVisible();
  await hc.getByLabel('Ping path', { exact: true }).fill('/health');
  await hc.getByRole('button', { name: 'Add health check policy' }).click();
  await expect(front.getByRole('group', { name: 'Health check' })).toContainText('/health every 5 s', { timeout: 30_000 });

  await stickiness.getByRole('button', { name: 'Delete' }).click();
  await confirmAction(page, 'Delete');
  await expect(stickiness).toContainText('None: each connection is balanced on its own.', { timeout: 30_000 });

  await ips.getByRole('row', { name: new RegExp(address.replace(/\./g, '\\.')) }).getByRole('button', { name: 'Release' }).click();
  await confirmAction(page, 'Release');
  await expect(ips.getByRole('row', { name: new RegExp(address.replace(/\./g, '\\.')) })).toHaveCount(0, { timeout: 30_000 });
});

