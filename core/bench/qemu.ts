// Local KVM host figures for `npm run bench` (issue 3), guest boot excluded everywhere:
//   apiDeployToRunning  deployVirtualMachine through the dispatcher until its job says Running (the QEMU process
//                       runs the guest), p50/p95 over `deploys`; the template's first copy into the pool is done by a
//                       warm-up deploy and not counted
//   apiLinkedClone      the ROOT disk's linked clone as deploys make it (the driver's createVolume), p50
//   driver              benchQemu(): the driver alone and the floor (`qemu-img create -b` + a bare QEMU to QMP
//                       "running"), measured in the same run; apiDeployToRunning minus floor is our overhead
// Returns { skipped } without QEMU.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore } from '../index';
import { silentLogger } from '../kernel/logger';
import { qemuAvailable } from '../hypervisors/kvm-local';
import { benchQemu } from '../hypervisors/qemu/bench';
import { ensureGuestImages, GUEST_MIN_MEMORY_MB } from '../hypervisors/qemu/guest-image';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(1);
};

export async function benchKvm(o: { deploys?: number; clones?: number } = {}): Promise<object> {
  if (!qemuAvailable()) return { skipped: 'qemu-system-x86_64 is not installed' };
  const deploys = o.deploys ?? 10;
  const clones = o.clones ?? 20;
  const guest = await ensureGuestImages();
  const dataDir = mkdtempSync(join(tmpdir(), 'sbq-'));
  const core = await createCore({ dataDir, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0 });
  try {
    const admin = await core.admin();
    const call = (c: string, p: Record<string, string>) => core.dispatcher.invoke(admin, c, p) as Promise<any>;
    const zone = (await call('createZone', { name: 'kvm-bench', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone;
    const pod = (await call('createPod', { zoneid: zone.id, name: 'p' })).pod;
    const cluster = (await call('addCluster', { zoneid: zone.id, podid: pod.id, clustername: 'kvm', clustertype: 'CloudManaged', hypervisor: 'KVM' })).cluster[0];
    const pool = join(dataDir, 'primary');
    mkdirSync(pool);
    await call('createStoragePool', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, name: 'primary', scope: 'CLUSTER', url: `SharedMountPoint://localhost${pool}` });
    await call('addImageStore', { provider: 'NFS', name: 'secondary', url: `file://${dataDir}/secondary`, zoneid: zone.id });
    const hostId = (await call('addHost', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, hypervisor: 'KVM', url: 'http://localhost?accel=tcg' })).host[0].id as string;
    await call('updateZone', { id: zone.id, allocationstate: 'Enabled' });
    const tplId = (await call('registerTemplate', { name: 'guest', displaytext: 'guest', url: pathToFileURL(guest.qcow2).href, format: 'QCOW2',
      hypervisor: 'KVM', zoneid: zone.id })).template[0].id as string;
    for (let i = 0; ; i++) {
      const t = (await call('listTemplates', { templatefilter: 'all', id: tplId })).template[0];
      if (t.isready) break;
      if (/Failed/.test(t.status) || i > 600) throw new Error(`the guest template did not download: ${t.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const so = (await call('createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '100', memory: String(GUEST_MIN_MEMORY_MB) })).serviceoffering;

    const deployOnce = async (name: string) => {
      const t0 = performance.now();
      const r = await call('deployVirtualMachine', { zoneid: zone.id, templateid: tplId, serviceofferingid: so.id, name });
      if ((await core.svc.jobs.waitFor(r.jobid)) !== 1) throw new Error(`deploy ${name} failed`);
      const ms = performance.now() - t0;
      // Destroyed at once, so that booting guests do not slow the next deploys down.
      const d = await call('destroyVirtualMachine', { id: r.id, expunge: 'true' });
      await core.svc.jobs.waitFor(d.jobid);
      return ms;
    };
    const firstDeployMs = await deployOnce('warmup');
    const deployMs: number[] = [];
    for (let i = 0; i < deploys; i++) deployMs.push(await deployOnce(`vm-${i}`));

    const cloneMs: number[] = [];
    const q = core.qemu!;
    for (let i = 0; i < clones; i++) {
      const vol = { id: crypto.randomUUID(), type: 'ROOT' as const, sizeBytes: 0, poolId: 'p', poolPath: pool, path: null, deviceId: 0, templateId: tplId };
      const t0 = performance.now();
      await q.createVolume(hostId, vol);
      cloneMs.push(performance.now() - t0);
      await q.deleteVolume(hostId, { ...vol, path: `${vol.id}.qcow2` });
    }
    const driver = await benchQemu({ clones, starts: deploys });
    return {
      accel: 'tcg',
      apiDeployToRunning: { n: deploys, p50Ms: pct(deployMs, 50), p95Ms: pct(deployMs, 95), firstDeployWithTemplateCopyMs: +firstDeployMs.toFixed(1) },
      apiLinkedClone: { n: clones, p50Ms: pct(cloneMs, 50) },
      driver,
    };
  } finally {
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
