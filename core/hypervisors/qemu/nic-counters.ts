// A QEMU guest's network counters, from the host side of its NICs: each tap device's counters in sysfs (what
// `ip -s link` shows). The host's view is the mirror of the guest's: what the tap transmits, the guest receives.
// QEMU's user-mode network (the fallback without root) has no counters anywhere (QMP has no netdev statistics), so
// such a VM reports none rather than zeros.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IfCounters { rxBytes: number; txBytes: number; rxPackets: number; txPackets: number }
/** The guest's side: read (received) and written (sent) bytes and packets. */
export interface GuestNetCounters { netReadBytes: number; netWriteBytes: number; netReadPackets: number; netWritePackets: number }

const SYS_NET = '/sys/class/net';

/** One interface's cumulative counters, or null when it does not exist (a NIC being unplugged). */
export function readIfCounters(ifname: string, root = SYS_NET): IfCounters | null {
  try {
    const read = (name: string) => Number(readFileSync(join(root, ifname, 'statistics', name), 'utf8').trim());
    return { rxBytes: read('rx_bytes'), txBytes: read('tx_bytes'), rxPackets: read('rx_packets'), txPackets: read('tx_packets') };
  } catch {
    return null;
  }
}

/** The guest's counters summed over its NICs' taps; null when none of them could be read. */
export function guestNetCounters(ifnames: string[], root = SYS_NET): GuestNetCounters | null {
  let out: GuestNetCounters | null = null;
  for (const name of ifnames) {
    const c = readIfCounters(name, root);
    if (c === null) continue;
    out ??= { netReadBytes: 0, netWriteBytes: 0, netReadPackets: 0, netWritePackets: 0 };
    out.netReadBytes += c.txBytes;
    out.netWriteBytes += c.rxBytes;
    out.netReadPackets += c.txPackets;
    out.netWritePackets += c.rxPackets;
  }
  return out;
}
