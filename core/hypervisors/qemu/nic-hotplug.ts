// NIC hot-plug into a running QEMU VM over QMP: the backend (netdev_add: a tap on the network's bridge, or QEMU's
// user-mode network) and then the virtio-net device (device_add) at the NIC's fixed PCI slot, so a later live
// migration finds it at the same address. Unplugging asks the guest to release the device (ACPI) and waits for
// QEMU's DEVICE_DELETED before the backend goes.
import type { VmNicSpec } from '../driver';
import type { QmpClient } from './qmp';
import { nicDevice, nicNetdev } from './qemu-args';

export async function plugNicLive(qmp: QmpClient, nic: VmNicSpec, mode: 'tap' | 'user', tapOf: (nicId: string) => string): Promise<void> {
  const nd = nicNetdev(nic, mode, tapOf);
  await qmp.execute('netdev_add', { type: nd.type, ...nd.opts });
  try {
    await qmp.execute('device_add', nicDevice(nic, mode));
  } catch (e) {
    await qmp.execute('netdev_del', { id: nd.opts.id }).catch(() => undefined);
    throw e;
  }
}

export async function unplugNicLive(qmp: QmpClient, deviceId: number, timeoutMs: number): Promise<void> {
  const device = `nic${deviceId}`;
  const gone = qmp.waitEvent((ev) => ev.event === 'DEVICE_DELETED' && ev.data?.device === device, timeoutMs);
  gone.catch(() => undefined);
  let present = true;
  await qmp.execute('device_del', { id: device }).catch((e: Error) => {
    // Already gone (an earlier attempt that timed out, released by the guest later).
    if (!/not found/i.test(e.message)) throw e;
    present = false;
  });
  if (present) {
    await gone.catch(() => { throw new Error(`The guest did not release NIC ${device} within ${timeoutMs} ms`); });
  }
  await qmp.execute('netdev_del', { id: `net${deviceId}` }).catch((e: Error) => {
    if (!/not found/i.test(e.message)) throw e;
  });
}
