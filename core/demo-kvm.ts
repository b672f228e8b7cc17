// The demo lab's real part, when QEMU is installed: a "Local KVM" cluster in Pod 1 whose one host is this machine,
// a primary storage folder under the data dir, and the test guest (assets/guest) registered as a public, featured
// KVM template and ISO. The guest is built on first use (minutes) and registered in the background, so
// `strata serve --demo` starts at once. Idempotent, through the API as the root admin.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Core } from './index';
import { ensureGuestImages } from './hypervisors/qemu/guest-image';

export const DEMO_KVM_CLUSTER = 'Local KVM';
export const DEMO_GUEST_TEMPLATE = 'Strata Guest (KVM)';
export const DEMO_GUEST_ISO = 'Strata Guest ISO';

type Obj = Record<string, any>;

/**
 * Adds the local KVM cluster, pool and host to the zone when missing. Returns false when QEMU is not installed.
 * `guest` resolves once the guest template and ISO are registered (or failed; the error is logged).
 */
export async function seedLocalKvm(core: Core, zoneId: string): Promise<{ added: boolean; guest: Promise<void> } | null> {
  if (!core.qemu) return null;
  const admin = await core.admin();
  const call = (command: string, params: Record<string, string> = {}) => core.dispatcher.invoke(admin, command, params) as Promise<Obj>;
  let added = false;
  if (!(await call('listClusters', { zoneid: zoneId, name: DEMO_KVM_CLUSTER })).cluster?.length) {
    const pod = (await call('listPods', { zoneid: zoneId })).pod[0];
    const cluster = (await call('addCluster', {
      zoneid: zoneId, podid: pod.id, clustername: DEMO_KVM_CLUSTER, clustertype: 'CloudManaged', hypervisor: 'KVM',
    })).cluster[0];
    const primary = join(core.svc.config.dataDir, 'demo', 'kvm-primary');
    mkdirSync(primary, { recursive: true });
    await call('createStoragePool', {
      zoneid: zoneId, podid: pod.id, clusterid: cluster.id, name: 'KVM Primary', scope: 'CLUSTER',
      url: `SharedMountPoint://localhost${primary}`,
    });
    await call('addHost', { zoneid: zoneId, podid: pod.id, clusterid: cluster.id, hypervisor: 'KVM', url: 'http://localhost' });
    added = true;
  }
  const guest = registerGuest(call, zoneId).catch((e: Error) =>
    core.svc.log.warn('demo lab: the test guest could not be registered', { error: e.message }));
  return { added, guest };
}

async function registerGuest(call: (c: string, p?: Record<string, string>) => Promise<Obj>, zoneId: string): Promise<void> {
  const have = async (cmd: string, filter: string, name: string) =>
    ((await call(cmd, { [filter]: 'all', name, zoneid: zoneId }))[cmd === 'listIsos' ? 'iso' : 'template'] ?? [])
      .some((t: Obj) => t.name === name);
  const needTemplate = !(await have('listTemplates', 'templatefilter', DEMO_GUEST_TEMPLATE));
  const needIso = !(await have('listIsos', 'isofilter', DEMO_GUEST_ISO));
  if (!needTemplate && !needIso) return;
  const images = await ensureGuestImages();
  if (needTemplate) {
    await call('registerTemplate', {
      name: DEMO_GUEST_TEMPLATE, displaytext: 'Tiny Linux guest with a shell on VGA and serial (needs 96 MB)',
      url: pathToFileURL(images.qcow2).href, format: 'QCOW2', hypervisor: 'KVM', zoneid: zoneId, ispublic: 'true', isfeatured: 'true',
    });
  }
  if (needIso) {
    await call('registerIso', {
      name: DEMO_GUEST_ISO, displaytext: 'Bootable ISO of the tiny Linux guest', url: pathToFileURL(images.iso).href,
      zoneid: zoneId, ispublic: 'true', isfeatured: 'true', bootable: 'true',
    });
  }
}
