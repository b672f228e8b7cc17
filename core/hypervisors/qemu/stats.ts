// VM and host usage figures for monitoring. CPU percentages are deltas between two calls (the first call of a
// VM measures since its start, the first host call since boot), the way CloudStack's stats collector polls.
import type { HostStats, VmStats } from '../driver';
import type { LiveVm } from './vm-registry';
import { cpuTicks, memInfo, processUsage } from './proc';

export class StatsSampler {
  private readonly vmSamples = new Map<string, { at: number; cpuMs: number }>();
  private hostSample = cpuTicks();

  async vm(l: LiveVm): Promise<VmStats | null> {
    const usage = processUsage(l.pid);
    if (usage === null) return null;
    const now = Date.now();
    const prev = this.vmSamples.get(l.vmId) ?? { at: l.record.startedAt, cpuMs: 0 };
    this.vmSamples.set(l.vmId, { at: now, cpuMs: usage.cpuTimeMs });
    // Percent of the VM's own vCPUs, as CloudStack's cpuused.
    const wall = Math.max(1, now - prev.at) * Math.max(1, l.record.cpuNumber);
    let rd = 0;
    let wr = 0;
    let rdOps = 0;
    let wrOps = 0;
    if (l.qmp) {
      const bs = await l.qmp.execute<{ stats: { rd_bytes: number; wr_bytes: number; rd_operations?: number; wr_operations?: number } }[]>('query-blockstats').catch(() => []);
      for (const b of bs) { rd += b.stats.rd_bytes; wr += b.stats.wr_bytes; rdOps += b.stats.rd_operations ?? 0; wrOps += b.stats.wr_operations ?? 0; }
    }
    return {
      cpuTimeMs: usage.cpuTimeMs, cpuUsedPercent: clampPct(((usage.cpuTimeMs - prev.cpuMs) / wall) * 100),
      memoryKbs: usage.rssKb, diskReadBytes: rd, diskWriteBytes: wr, diskReadOps: rdOps, diskWriteOps: wrOps,
      // The guests have no NICs yet: networking comes with a later issue.
      netReadBytes: 0, netWriteBytes: 0,
    };
  }

  forget(vmId: string): void { this.vmSamples.delete(vmId); }

  host(): HostStats {
    const now = cpuTicks();
    const dt = now.total - this.hostSample.total;
    const pct = dt > 0 ? ((now.busy - this.hostSample.busy) / dt) * 100 : 0;
    this.hostSample = now;
    return { cpuUsedPercent: clampPct(pct), memoryUsedBytes: memInfo().usedBytes };
  }
}

const clampPct = (x: number) => Math.min(100, Math.max(0, x));
