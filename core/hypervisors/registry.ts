// Finds the driver for a hypervisor name. Names are matched case-insensitively because clients send
// "simulator", "KVM" or "kvm" alike; answers use the driver's own spelling.
import { ApiError } from '../api/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import type { DriverRegistry, HypervisorDriver } from './driver';

export function createDriverRegistry(drivers: HypervisorDriver[]): DriverRegistry {
  const byName = new Map<string, HypervisorDriver>();
  for (const d of drivers) {
    const key = d.hypervisor.toLowerCase();
    if (byName.has(key)) throw new Error(`hypervisor driver ${d.hypervisor} is registered twice`);
    byName.set(key, d);
  }
  return {
    get(hypervisor: string): HypervisorDriver {
      const d = byName.get(hypervisor.toLowerCase());
      if (d === undefined) {
        throw new ApiError(ErrorCode.ParamError, `Hypervisor type ${hypervisor} is not supported`, CsErrorCode.InvalidParameterValue);
      }
      return d;
    },
    supported: () => drivers.map((d) => d.hypervisor),
  };
}
