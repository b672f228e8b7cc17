// What a plain user account sees in a shared cloud: its own VMs only (the list, and a link to someone else's VM
// shows nothing of it), no infrastructure areas and no administrator actions. Two accounts, one VM each, are set
// up through the API in a demo lab; the test only looks through the console.
import { test, expect, type Page } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { signIn, apiAsAdmin } from './pages/session';
import { InstancesPage } from './pages/instances';

type Api = Awaited<ReturnType<typeof apiAsAdmin>>;

let lab: LabServer;
let vmOf: Record<'alice' | 'bob', { id: string; name: string }>;

/** Creates a user account and deploys one VM owned by it (as admin, on its behalf), waiting for the job. */
async function accountWithVm(api: Api, username: string, vmName: string) {
  const account = (await api('createAccount', {
    username, password: `${username}-pw`, email: `${username}@example.org`, firstname: username, lastname: 'User', accounttype: '0',
  })).account;
  const zone = (await api('listZones', {})).zone[0];
  const template = (await api('listTemplates', { templatefilter: 'executable', zoneid: zone.id })).template[0];
  const offering = (await api('listServiceOfferings', {})).serviceoffering[0];
  const job = await api('deployVirtualMachine', {
    zoneid: zone.id, templateid: template.id, serviceofferingid: offering.id, name: vmName,
    account: account.name, domainid: account.domainid,
  });
  await expect.poll(async () => (await api('queryAsyncJobResult', { jobid: job.jobid })).jobstatus, { timeout: 60_000 }).toBe(1);
  return { id: job.id as string, name: vmName };
}

function nav(page: Page) { return page.getByRole('navigation', { name: 'main' }); }

/** Signs in and waits for the landing area: the shell's first redirect would otherwise replace a typed address. */
async function signInAs(page: Page, username: string, password: string) {
  await signIn(page, lab.url, username, password);
  await expect(page).toHaveURL(/#\/dashboard/);
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  lab = await startLabServer({ demo: true });
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  vmOf = { alice: await accountWithVm(api, 'alice', 'alice-web'), bob: await accountWithVm(api, 'bob', 'bob-db') };
});
test.afterAll(async () => { await lab?.stop(); });

test('a user lists only the VMs of its own account', async ({ page }) => {
  await signInAs(page, 'alice', 'alice-pw');
  const inst = new InstancesPage(page);
  await inst.open();
  expect(await inst.count()).toBe(1);
  await expect(inst.row('alice-web')).toBeVisible();
  await expect(inst.table.getByRole('link', { name: 'bob-db' })).toHaveCount(0);
  // Searching for the other account's VM by name finds nothing either.
  await inst.search('bob-db');
  expect(await inst.count()).toBe(0);
  // No host or account column or filter: placement and ownership are the operator's business.
  await inst.search('');
  await expect(inst.table.getByRole('columnheader', { name: 'Host' })).toHaveCount(0);
  await expect(inst.table.getByRole('columnheader', { name: 'Account' })).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'Host' })).toHaveCount(0);
});

test('a link to another account\'s VM shows that it does not exist', async ({ page }) => {
  await signInAs(page, 'alice', 'alice-pw');
  await page.evaluate((id) => { location.hash = `#/instances/${id}`; }, vmOf.bob.id);
  const denied = page.getByText('This instance does not exist').or(page.getByRole('alert'));
  await expect(denied.first()).toBeVisible();
  await expect(page.getByText('bob-db')).toHaveCount(0);
  // Her own VM opens the same way.
  await page.evaluate((id) => { location.hash = `#/instances/${id}`; }, vmOf.alice.id);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('alice-web');
});

test('a user sees no infrastructure menus and no administrator actions', async ({ page }) => {
  await signInAs(page, 'alice', 'alice-pw');
  const main = nav(page);
  await expect(main.getByRole('link', { name: 'Instances' })).toBeVisible();
  for (const area of ['Topology', 'Infrastructure', 'Alerts']) await expect(main.getByRole('link', { name: area })).toHaveCount(0);
  // Typing an infrastructure address does not open it either.
  await page.evaluate(() => { location.hash = '#/infrastructure/hosts'; });
  await expect(page).toHaveURL(/#\/dashboard/);
  await expect(page.getByRole('grid', { name: 'Hosts' })).toHaveCount(0);

  // Her VM's page: the owner's actions, none of the operator's (migrate to another host), and no host shown.
  const inst = new InstancesPage(page);
  await inst.open();
  await inst.openVm('alice-web');
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Migrate' })).toHaveCount(0);
  await expect(page.getByText('Host', { exact: true })).toHaveCount(0);

  // The command palette offers no infrastructure either.
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog');
  await expect(palette).toBeVisible();
  await page.keyboard.type('Infrastructure');
  await expect(palette.getByRole('option', { name: /Infrastructure/ })).toHaveCount(0);
  await page.keyboard.press('Escape');

  // Control: the same page for the root admin has them, so their absence above is the role's doing.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, 'admin', lab.adminPassword);
  await expect(main.getByRole('link', { name: 'Infrastructure' })).toBeVisible();
  await page.evaluate((id) => { location.hash = `#/instances/${id}`; }, vmOf.alice.id);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('alice-web');
  await expect(page.getByRole('button', { name: 'Migrate' })).toBeVisible();
  await expect(page.getByText('Host', { exact: true })).not.toHaveCount(0);
});

test('a user tags its VM from the keyboard, filters the instances list by the tag, and switches to a project\'s view', async ({ page }) => {
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const alice = (await api('listAccounts', { name: 'alice', listall: 'true' })).account[0];
  const created = await api('createProject', { name: 'apollo', displaytext: 'Apollo', account: 'alice', domainid: alice.domainid });
  await expect.poll(async () => (await api('queryAsyncJobResult', { jobid: created.jobid })).jobstatus).toBe(1);
  const zone = (await api('listZones', {})).zone[0];
  const template = (await api('listTemplates', { templatefilter: 'executable', zoneid: zone.id })).template[0];
  const offering = (await api('listServiceOfferings', {})).serviceoffering[0];
  const job = await api('deployVirtualMachine', { zoneid: zone.id, templateid: template.id, serviceofferingid: offering.id,
    name: 'apollo-vm', projectid: created.id });
  await expect.poll(async () => (await api('queryAsyncJobResult', { jobid: job.jobid })).jobstatus, { timeout: 60_000 }).toBe(1);

  await signInAs(page, 'alice', 'alice-pw');
  const inst = new InstancesPage(page);
  await inst.open();
  await expect(inst.table.getByRole('link', { name: 'apollo-vm' })).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Project' }).selectOption({ label: 'apollo' });
  await expect(inst.row('apollo-vm')).toBeVisible();
  expect(await inst.count()).toBe(1);
  await page.getByRole('combobox', { name: 'Project' }).selectOption({ label: 'Default view' });
  await expect(inst.row('alice-web')).toBeVisible();
  await inst.openVm('alice-web');
  const tags = page.getByRole('list', { name: 'Tags' });
  await page.getByLabel('Key').fill('env');
  await page.keyboard.press('Tab');
  await page.keyboard.type('prod');
  await page.keyboard.press('Enter');
  await expect(tags.getByRole('listitem')).toHaveText(['env=prod×']);
  await inst.open({ tag: 'env=prod' });
  expect(await inst.count()).toBe(1);
  await inst.open({ tag: 'env=dev' });
  expect(await inst.count()).toBe(0);
  await inst.open();
  await inst.openVm('alice-web');
  await page.getByRole('button', { name: 'Remove tag env' }).click();
  await expect(page.getByText('No tags yet.')).toBeVisible();
  // The Projects area: her project, its members.
  await nav(page).getByRole('link', { name: 'Projects' }).click();
  await page.getByRole('table', { name: 'Projects' }).getByRole('button', { name: 'apollo' }).click();
  await expect(page.getByRole('row', { name: /alice\s+Admin/ })).toBeVisible();
});

test('an admin sets a limit that refuses her deploy with the server\'s message; she then deploys into a group and an affinity group', async ({ page }) => {
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const alice = (await api('listAccounts', { name: 'alice', listall: 'true' })).account[0];
  await signInAs(page, 'admin', lab.adminPassword);
  await page.evaluate((id) => { location.hash = `#/accounts/accounts/${id}`; }, alice.id);
  const limits = page.getByRole('table', { name: 'Resource limits' });
  const vms = limits.getByRole('row', { name: /^Instances/ });
  await expect(vms.getByRole('cell')).toHaveText(['1', '20', '19', '', 'Edit']);
  await vms.getByRole('button', { name: 'Edit the limit of Instances' }).click();
  const input = vms.getByRole('textbox', { name: 'New limit of Instances' });
  await input.fill('1.5');
  await vms.getByRole('button', { name: 'Save' }).click();
  await expect(vms.getByRole('alert')).toHaveText('The limit must be a whole number (no decimals or letters).');
  await input.fill('1');
  await vms.getByRole('button', { name: 'Save' }).click();
  await expect(vms.getByRole('cell')).toHaveText(['1', '1', '0', '', 'Edit']);
  await page.getByRole('button', { name: 'Recalculate' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Counts recalculated.' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();

  // Alice makes an affinity group in the Groups area, then deploys with it and a new instance group: refused.
  await signInAs(page, 'alice', 'alice-pw');
  await nav(page).getByRole('link', { name: 'Groups' }).click();
  const affinityForm = page.getByRole('form', { name: 'Affinity groups' });
  for (const name of ['spread', 'pair']) {
    await affinityForm.getByLabel('Name').fill(name);
    await affinityForm.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByRole('table', { name: 'Affinity groups' }).getByRole('link', { name })).toBeVisible();
  }
  const inst = new InstancesPage(page);
  await inst.open();
  const vm = { zone: 'Lab Zone 1', template: 'Simulator Linux', offering: 'Small Instance', name: 'alice-grouped', group: 'web', affinityGroups: ['spread'] };
  await inst.fillWizard(vm);
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('Instance group', { exact: true }).locator('..')).toContainText('web');
  await expect(dialog.getByText('Affinity groups', { exact: true }).locator('..')).toContainText('spread');
  await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    `Deploy failed: Maximum number of resources of type 'user_vm' for account name=alice in domain id=${alice.domainid} has been exceeded.`);

  // With the limit lifted (-1: unlimited) the same deploy goes through; the VM shows its groups.
  await api('updateResourceLimit', { account: 'alice', domainid: alice.domainid, resourcetype: '0', max: '-1' });
  await inst.finishDeploy(vm);
  await expect(page.getByText('Instance group', { exact: true }).locator('..')).toContainText('web');
  const affinityProp = page.getByText('Affinity groups', { exact: true }).locator('..');
  await expect(affinityProp).toContainText('spread');
  // CloudStack changes a VM's affinity groups only while it is stopped.
  const change = page.getByRole('button', { name: 'Change affinity groups' });
  await expect(change).toBeDisabled();
  await inst.stopVm();
  await change.click();
  const picker = page.getByRole('dialog', { name: 'Affinity groups of alice-grouped' }).getByRole('group', { name: 'Affinity groups' });
  await picker.getByRole('checkbox', { name: /^pair\b/ }).check();
  await picker.getByRole('checkbox', { name: /^spread\b/ }).uncheck();
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(affinityProp).toContainText('pair');
  await expect(affinityProp).not.toContainText('spread');
  await inst.open();
  await expect(inst.row('alice-grouped').getByRole('link', { name: 'web' })).toBeVisible();
});
