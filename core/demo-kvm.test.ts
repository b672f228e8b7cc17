// `strata serve --demo` on a machine with QEMU: the lab gains a local KVM cluster, pool and host, and the test
// guest is registered as a ready KVM template and ISO; seeding again adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoLab } from './demo';
import { DEMO_GUEST_ISO, DEMO_GUEST_TEMPLATE, DEMO_KVM_CLUSTER, seedLocalKvm } from './demo-kvm';
import { ensureGuestImages } from './hypervisors/qemu/guest-image';
import { canManageNetworks } from './hypervisors/qemu/guest-net';
import { qemuInstalled, SKIP_REASON } from './hypervisors/qemu/test-support';
import { sessionClient, startTestServer, type TestServer } from './testing/harness';
import { ok, waitDownload, type Call } from './testing/kvm-fixtures';

if (!qemuInstalled) console.warn(`Skipping the demo KVM test: ${SKIP_REASON}`);

describe.skipIf(!qemuInstalled)('demo lab with the local KVM host', () => {
  let t: TestServer;
  let call: Call;
  beforeAll(async () => {
    await ensureGuestImages();
    t = await startTestServer();
    call = (await sessionClient(t.url)).call;
  }, 300_000);
  afterAll(async () => { await t?.stop(); });

  it('adds a Local KVM cluster with this machine as an Up host and registers the guest; idempotent', async () => {
    const { zoneId } = await seedDemoLab(t.core);
    const kvm = await seedLocalKvm(t.core, zoneId);
    expect(kvm?.added).toBe(true);
    await kvm!.guest;
    const cluster = (await ok(call, 'listClusters', { name: DEMO_KVM_CLUSTER })).cluster[0];
    expect(cluster.hypervisortype ?? cluster.hypervisor).toBe('KVM');
    const hosts = (await ok(call, 'listHosts', { clusterid: cluster.id })).host;
    expect(hosts).toHaveLength(1);
    expect(hosts[0]).toMatchObject({ state: 'Up', hypervisor: 'KVM' });
    // Whether the host can wire guest networks (as root here it can), and what this server's own KVM VMs get: lab-only
    // user-mode networking until network.kvm.datapath is set, then the bridges.
    const can = canManageNetworks();
    expect(hosts[0].details?.['guest.networking']).toBe(can.ok ? 'bridge' : `user-mode (lab-only): ${can.why}`);
    const networking = async () => (await ok(call, 'listCapabilities', {})).capability.kvmguestnetworking;
    expect(await networking()).toBe('user-mode (lab-only): the setting network.kvm.datapath is false');
    await ok(call, 'updateConfiguration', { name: 'network.kvm.datapath', value: 'true' });
    expect(await networking()).toBe(hosts[0].details?.['guest.networking']);
    await ok(call, 'updateConfiguration', { name: 'network.kvm.datapath', value: 'false' });
    expect((await ok(call, 'listStoragePools', { clusterid: cluster.id })).storagepool).toHaveLength(1);
    const tpl = (await ok(call, 'listTemplates', { templatefilter: 'featured', name: DEMO_GUEST_TEMPLATE })).template[0];
    expect(await waitDownload(call, 'template', tpl.id)).toMatchObject({ isready: true, hypervisor: 'KVM', ispublic: true });
    const iso = (await ok(call, 'listIsos', { isofilter: 'featured', name: DEMO_GUEST_ISO })).iso[0];
    expect((await waitDownload(call, 'iso', iso.id)).isready).toBe(true);

    const again = await seedLocalKvm(t.core, zoneId);
    await again!.guest;
    expect(again!.added).toBe(false);
    expect((await ok(call, 'listTemplates', { templatefilter: 'all', name: DEMO_GUEST_TEMPLATE })).template).toHaveLength(1);
    expect((await ok(call, 'listHosts', { hypervisor: 'KVM' })).host).toHaveLength(1);
  }, 60_000);
});
