// A new operator's first hour, on a fresh server (no demo data): sign in, build a zone with the guided wizard on
// a simulated host (its physical network and public range included, so the first VM gets an address), register a
// template, deploy a VM, find it on the topology map, open it, stop it and watch the job finish, then put the host
// into maintenance and back. One test, because each step needs what the one before it built.
import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLabServer, type LabServer } from './fixtures/server';
import { signIn } from './pages/session';
import { InfrastructurePage } from './pages/infrastructure';
import { registerTemplate, waitReady } from './pages/images';
import { InstancesPage, confirmAction } from './pages/instances';
import { TopologyPage } from './pages/topology';

let lab: LabServer;
// Storage paths are local directories: the Simulator never reads them, but the server may create them.
const storage = mkdtempSync(join(tmpdir(), 'strata-e2e-operator-'));
test.beforeAll(async () => { lab = await startLabServer(); });
test.afterAll(async () => { await lab?.stop(); rmSync(storage, { recursive: true, force: true }); });

test('a new operator builds a zone, registers a template, deploys a VM, finds it on the map and stops it', async ({ page }) => {
  test.setTimeout(300_000);
  // A script error blanks the console: report it instead of timing out on a missing button.
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => { pageErrors.push(e.message); console.log(`page error: ${e.stack ?? e.message}`); });
  await signIn(page, lab.url, 'admin', lab.adminPassword);

  await test.step('build a zone with the wizard', async () => {
    const infra = new InfrastructurePage(page);
    await infra.createZoneWithWizard({
      zone: { name: 'op-zone', dns1: '8.8.8.8', internalDns1: '10.0.0.2' },
      pod: { name: 'op-pod', gateway: '10.10.0.1', netmask: '255.255.255.0', startIp: '10.10.0.10', endIp: '10.10.0.200' },
      cluster: { name: 'op-cluster', hypervisor: 'Simulator' },
      host: { url: 'http://op-sim-1/?cpunumber=8&cpuspeed=2000&memory=16384' },
      primary: { name: 'op-primary', url: `SharedMountPoint://localhost${storage}/primary`, scope: 'Cluster' },
      secondary: { url: `file://${storage}/secondary`, name: 'op-secondary' },
      // A fresh server: guest networks on KVM hosts are off until network.kvm.datapath is set, and the wizard says so.
      userModeNotice: 'the setting network.kvm.datapath is false',
    });
    // The lists agree with what the wizard reported.
    await infra.open('Hosts');
    await expect(infra.row('Hosts', 'op-sim-1')).toBeVisible();
    await expect(infra.row('Hosts', 'op-sim-1')).toContainText('Up');
  });

  await test.step('register a template from a URL', async () => {
    // The Simulator's downloader finishes at once and never fetches the URL, so any http URL will do.
    await registerTemplate(page, { name: 'op-debian', url: 'http://images.example.org/debian-12.qcow2', zone: 'op-zone', hypervisor: 'Simulator' });
    await waitReady(page, 'op-debian');
  });

  const inst = new InstancesPage(page);
  await test.step('deploy a VM with the wizard', async () => {
    await inst.open();
    await inst.deploy({ zone: 'op-zone', template: 'op-debian', offering: 'Small Instance', name: 'op-web-1' });
    await expect(inst.heading).toContainText('Running', { timeout: 60_000 });
    // The wizard set up the zone's networking, so the first VM got an address of the account's network.
    await expect(page.locator('.prop', { hasText: 'IP addresses' }).locator('dd')).toHaveText(/^10\.1\.1\.\d+$/);
  });

  await test.step('find the VM on the topology map and open it', async () => {
    const topo = new TopologyPage(page);
    await topo.open();
    await expect(topo.canvas).toHaveAttribute('data-hosts', '1');
    await topo.findOnMap('op-web-1');
    await topo.openLinkFor('op-web-1').click();
    await expect(page).toHaveURL(/#\/instances\/[0-9a-f-]{36}/);
    await expect(inst.heading).toContainText('op-web-1');
  });

  await test.step('stop it and see the job finish', async () => {
    await inst.stopVm();
    await inst.expectJobSucceeded('Stop VM op-web-1');
    await expect(inst.heading).toContainText('Stopped');
    // The list says so too (a fresh query, not the page's cached VM).
    await inst.open();
    await inst.search('op-web-1');
    await expect(inst.row('op-web-1')).toContainText('Stopped');
  });

  await test.step('take a snapshot of the stopped VM, revert to it and delete it, each confirmed (issue 19)', async () => {
    await inst.openVm('op-web-1');
    await page.getByRole('tab', { name: 'VM snapshots' }).click();
    await page.getByRole('button', { name: 'Take VM snapshot' }).click();
    const dlg = page.getByRole('dialog', { name: 'Take a snapshot of op-web-1' });
    await dlg.getByLabel(/^Name/).fill('before-change');
    await expect(dlg.getByRole('checkbox', { name: 'Include memory' })).toBeDisabled(); // stopped: disks only
    await dlg.getByRole('button', { name: 'Take VM snapshot' }).click();
    const grid = page.getByRole('grid', { name: 'VM snapshots' });
    await expect(grid).toContainText('before-change', { timeout: 30_000 });
    await expect(grid).toContainText('Ready');
    await grid.getByRole('button', { name: 'Revert' }).click();
    await confirmAction(page, 'Revert');
    await inst.expectJobSucceeded('Revert VM op-web-1 to snapshot before-change');
    await grid.getByRole('button', { name: 'Delete' }).click();
    await confirmAction(page, 'Delete');
    await expect(grid).not.toContainText('before-change', { timeout: 30_000 });
  });

  await test.step('put the host into maintenance and back', async () => {
    const infra = new InfrastructurePage(page);
    await infra.open('Hosts');
    await infra.act('Hosts', ['op-sim-1'], 'Enter maintenance');
    await expect(infra.row('Hosts', 'op-sim-1')).toContainText('Maintenance', { timeout: 30_000 });
    // The evacuation's live view follows the confirmation; closing it gives the list back.
    await page.getByRole('dialog', { name: 'Enter maintenance: op-sim-1' }).getByRole('button', { name: 'Close', exact: true }).click();
    await infra.act('Hosts', ['op-sim-1'], 'Cancel maintenance');
    await expect(infra.row('Hosts', 'op-sim-1')).toContainText('Enabled', { timeout: 30_000 });
  });
  expect(pageErrors).toEqual([]);
});
