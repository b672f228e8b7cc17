// NICs added to or removed from a Running VM reach its host at once (CloudStack plugs them in too): the router of
// the NIC's network learns the reservation (DHCP, name) first, then the host plugs the virtio-net device in; removal
// unplugs it and the router forgets it. Hosts without a data path (simulator) have nothing to wire.
import type { Services } from '../kernel/services';
import type { VmTable } from '../db/schema';
import { driverFor } from '../orchestration/vm/infra';
import { settingFlag } from '../kernel/settings';
import { nicSpecsOf } from './nics';
import { applyRouter } from './router-datapath';

type Vm = Pick<VmTable, 'id' | 'name' | 'state' | 'host_id'>;

async function hostDriver(svc: Services, vm: Vm) {
  if (vm.state !== 'Running' || !vm.host_id) return null;
  const driver = await driverFor(svc, vm.host_id).catch(() => null);
  return driver?.plugNic && driver.unplugNic ? { driver, hostId: vm.host_id } : null;
}

const refreshRouter = (svc: Services, networkId: string, hostId: string) => applyRouter(svc, networkId, hostId).catch((e: Error) =>
  svc.log.warn(`router of network ${networkId} could not be refreshed`, { error: e.message }));

export async function plugNicLive(svc: Services, vm: Vm, nicId: string): Promise<void> {
  const h = await hostDriver(svc, vm);
  if (!h) return;
  const nic = (await nicSpecsOf(svc.db, vm.id, vm.name)).find((n) => n.id === nicId);
  if (!nic) return;
  const bridged = !!h.driver.applyRouter && await settingFlag(svc, 'network.kvm.datapath');
  if (bridged) await refreshRouter(svc, nic.networkId, h.hostId);
  await h.driver.plugNic!(h.hostId, vm.id, nic, bridged ? 'bridge' : 'user');
}

export async function unplugNicLive(svc: Services, vm: Vm, nicId: string): Promise<void> {
  const h = await hostDriver(svc, vm);
  if (!h) return;
  await h.driver.unplugNic!(h.hostId, vm.id, nicId);
}

/** After a NIC's row is gone: its network's router stops answering for it. */
export async function forgetNic(svc: Services, vm: Vm, networkId: string): Promise<void> {
  if (vm.host_id && await settingFlag(svc, 'network.kvm.datapath')) await refreshRouter(svc, networkId, vm.host_id);
}
