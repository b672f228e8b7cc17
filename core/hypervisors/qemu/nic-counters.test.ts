// A guest's network counters as the QEMU driver reads them from its taps' sysfs counters: real interface counters
// rise with real traffic, and the guest's view mirrors the tap's (what the tap sends, the guest receives).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { guestNetCounters, readIfCounters } from './nic-counters';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

/** A sysfs-like tree of interfaces with the given counters. */
function fakeSys(ifs: Record<string, { rx_bytes: number; tx_bytes: number; rx_packets: number; tx_packets: number }>): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-sysnet-'));
  dirs.push(root);
  for (const [name, c] of Object.entries(ifs)) {
    mkdirSync(join(root, name, 'statistics'), { recursive: true });
    for (const [k, v] of Object.entries(c)) writeFileSync(join(root, name, 'statistics', k), `${v}\n`);
  }
  return root;
}

describe('QEMU guest network counters', () => {
  it('reads an interface\'s real counters, which rise with traffic', async () => {
    const before = readIfCounters('lo');
    expect(before).not.toBeNull();
    const sock = createSocket('udp4');
    await new Promise<void>((resolve, reject) => sock.send(Buffer.alloc(1000), 9, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    sock.close();
    const after = readIfCounters('lo')!;
    expect(after.txPackets).toBeGreaterThan(before!.txPackets);
    expect(after.txBytes - before!.txBytes).toBeGreaterThanOrEqual(1000);
    expect(readIfCounters('stp-none')).toBeNull();
  });

  it('mirrors the taps into the guest\'s view and sums its NICs; none readable is none', () => {
    const root = fakeSys({
      stpa: { rx_bytes: 100, tx_bytes: 5000, rx_packets: 2, tx_packets: 7 },
      stpb: { rx_bytes: 50, tx_bytes: 1000, rx_packets: 1, tx_packets: 3 },
    });
    expect(guestNetCounters(['stpa', 'stpb', 'stpgone'], root)).toEqual({ netReadBytes: 6000, netWriteBytes: 150, netReadPackets: 10, netWritePackets: 3 });
    expect(guestNetCounters(['stpgone'], root)).toBeNull();
  });
});
