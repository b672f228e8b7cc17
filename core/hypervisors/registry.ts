// Finds the driver for a hypervisor name. Names are matched case-insensitively because clients send
// "simulator", "KVM" or "kvm" alike; answers use the driver's own spelling.
// Hosts of one hypervisor may need different drivers: KVM hosts run by `strata agent` (url agent://NAME) are
// served by the RemoteKvmDriver, local KVM hosts by the QEMU driver. Routes by url scheme pick the driver of a
// host (`driverForHost`); everything acting on a host goes through it, never through the name alone.
import { ApiError } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import type { DriverRegistry, HypervisorDriver } from './driver';

/** Hosts whose url starts with `prefix` (e.g. 'agent://') and whose hypervisor is the driver's are served by it. */
export interface HostRoute { prefix: string; driver: HypervisorDriver }

/** The driver of one host: its url route, else its hypervisor's driver. */
export function driverForHost(drivers: DriverRegistry, host: { hypervisor: string; url?: string | null }): HypervisorDriver {
  return drivers.forHost ? drivers.forHost(host) : drivers.get(host.hypervisor);
}

export function createDriverRegistry(drivers: HypervisorDriver[], routes: HostRoute[] = []): DriverRegistry {
  const byName = new Map<string, HypervisorDriver>();
  for (const d of drivers) {
    const key = d.hypervisor.toLowerCase();
    if (byName.has(key)) throw new Error(`hypervisor driver ${d.hypervisor} is registered twice`);
    byName.set(key, d);
  }
  const get = (hypervisor: string): HypervisorDriver => {
    const d = byName.get(hypervisor.toLowerCase());
    if (d === undefined) {
      throw new ApiError(ErrorCode.ParamError, `Hypervisor type ${hypervisor} is not supported`, CsErrorCode.InvalidParameterValue);
    }
    return d;
  };
  return {
    get,
    supported: () => drivers.map((d) => d.hypervisor),
    forHost(host) {
      const url = (host.url ?? '').trim().toLowerCase();
      const hv = host.hypervisor.toLowerCase();
      for (const r of routes) if (url.startsWith(r.prefix) && r.driver.hypervisor.toLowerCase() === hv) return r.driver;
      return get(host.hypervisor);
    },
  };
}
