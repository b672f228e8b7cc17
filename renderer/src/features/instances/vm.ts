// The `virtualmachine`, `volume` and `snapshot` objects (the contract's types, under the names the views use), and
// small formatting helpers shared by the list and the detail page.

import type { Nic, Snapshot, VirtualMachine, Volume } from '../../../../core/contract/responses';

// The API objects, as the contract declares them.
export type { Nic, Snapshot, Volume };
export type Vm = VirtualMachine;

/** States a VM filter can ask for, in the order operators look for them. `Present` is CloudStack's "not destroyed". */
export const VM_FILTER_STATES = ['Running', 'Stopped', 'Starting', 'Stopping', 'Migrating', 'Error', 'Destroyed', 'Expunging', 'Unknown', 'Present'] as const;

/** A VM in one of these states has a job working on it: views poll until it settles. */
export const TRANSITIONAL = new Set(['Starting', 'Stopping', 'Migrating', 'Expunging', 'Restoring']);

export function firstIp(vm: Vm): string | undefined {
  const nics = vm.nic ?? [];
  const nic = nics.find((n) => n.isdefault) ?? nics[0];
  return nic?.ipaddress ?? nic?.ip6address;
}

/** Memory in MiB (CloudStack's "MB") and sizes in bytes: the console's one unit formatter, binary units named as such. */
import { formatMib } from '../../components/kit/format';
export { formatMib as formatMemory, formatBytes } from '../../components/kit/format';

/** "1 × 500 MHz · 512 MiB" */
export function computeSummary(vm: Pick<Vm, 'cpunumber' | 'cpuspeed' | 'memory'>): string {
  return `${vm.cpunumber ?? '?'} × ${vm.cpuspeed ?? '?'} MHz · ${formatMib(vm.memory)}`;
}

/** Host names: letters, digits and hyphens, starting with a letter, at most 63 characters (RFC 1123, as CloudStack checks). */
export function validHostName(s: string): boolean {
  return /^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(s);
}
