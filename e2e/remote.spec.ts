// The console served by `strata serve` (the real CLI, as an operator starts it on another machine) works when the
// server is reached at an address of its own, not the 127.0.0.1 every other spec uses: the console must take its
// API from wherever it was loaded, never from a baked-in address. The desktop app's remote connections (signing,
// keychain) are covered by the connection-manager unit tests; in browser mode the page has one connection.
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signIn, apiAsAdmin } from './pages/session';
import { InstancesPage } from './pages/instances';
import { TopologyPage } from './pages/topology';

/** Another loopback address: Linux answers the whole 127.0.0.0/8 on lo, with nothing to configure. */
const HOST = '127.0.0.2';
const PASSWORD = 'remote-admin-password';

let server: ChildProcess;
let url: string;
let dataDir: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = mkdtempSync(join(tmpdir(), 'strata-e2e-remote-'));
  // No --demo: where QEMU is installed it would also add a local KVM host and boot real guests.
  server = spawn(process.execPath, ['bin/strata.mjs', 'serve', '--host', HOST, '--port', '0', '--data-dir', dataDir],
    { env: { ...process.env, STRATA_ADMIN_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('strata serve did not start in time')), 90_000);
    server.once('exit', (code) => reject(new Error(`strata serve exited with ${code}`)));
    createInterface({ input: server.stdout! }).on('line', (line) => {
      const m = /Browser console: (\S+?)\/?$/.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  expect(new URL(url).hostname).toBe(HOST);
  // A one-host simulated zone with a running VM, set up through the API at that address.
  const api = await apiAsAdmin(url, PASSWORD);
  const zone = (await api('createZone', { name: 'far-zone', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.2' })).zone;
  await api('addImageStore', { provider: 'NFS', name: 'far-secondary', url: `file://${dataDir}/secondary`, zoneid: zone.id });
  const pod = (await api('createPod', { zoneid: zone.id, name: 'far-pod', gateway: '10.20.0.1', netmask: '255.255.255.0', startip: '10.20.0.10', endip: '10.20.0.99' })).pod;
  const cluster = (await api('addCluster', { zoneid: zone.id, podid: pod.id, clustername: 'far-cluster', clustertype: 'CloudManaged', hypervisor: 'Simulator' })).cluster[0];
  await api('createStoragePool', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, name: 'far-primary', scope: 'CLUSTER', url: `SharedMountPoint://localhost${dataDir}/primary` });
  await api('addHost', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', username: 'root', password: 'sim', url: 'http://far-sim-1/?cpunumber=8&cpuspeed=2000&memory=16384' });
  await api('updateZone', { id: zone.id, allocationstate: 'Enabled' });
  const template = (await api('registerTemplate', { name: 'far-tpl', displaytext: 'far', url: 'http://images.example.org/far.qcow2', format: 'QCOW2', hypervisor: 'Simulator', zoneid: zone.id, ispublic: 'true' })).template[0];
  const offering = (await api('listServiceOfferings', { name: 'Small Instance' })).serviceoffering[0];
  const job = await api('deployVirtualMachine', { zoneid: zone.id, templateid: template.id, serviceofferingid: offering.id, name: 'far-vm-1' });
  await expect.poll(async () => (await api('queryAsyncJobResult', { jobid: job.jobid })).jobstatus, { timeout: 60_000 }).toBe(1);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    await new Promise<void>((resolve) => { server.once('exit', () => resolve()); server.kill('SIGTERM'); });
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test(`the console works against strata serve reached at ${HOST}`, async ({ page }) => {
  // Every request the page makes goes to the address it was loaded from.
  const elsewhere: string[] = [];
  page.on('request', (r) => { if (/^https?:/.test(r.url()) && new URL(r.url()).host !== new URL(url).host) elsewhere.push(r.url()); });

  await signIn(page, url, 'admin', PASSWORD);
  // The top bar names the connection by the address the console was loaded from.
  await expect(page.getByText(new URL(url).host).first()).toBeVisible();

  const topo = new TopologyPage(page);
  await topo.open();
  expect(await topo.hostCount()).toBe(1);
  await topo.findOnMap('far-vm-1');

  const inst = new InstancesPage(page);
  await inst.open();
  expect(await inst.count()).toBe(1);
  await inst.openVm('far-vm-1');
  await expect(inst.heading).toContainText('Running');
  await inst.stopVm();
  await inst.expectJobSucceeded('Stop VM far-vm-1');

  expect(elsewhere).toEqual([]);
});
