// VM and host usage figures for monitoring. CPU percentages are deltas between two calls (the first call of a
// VM measures since its start, the first host call since boot), the way CloudStack's stats collector polls.
import os from 'node:os';
import type { HostSample, HostStats, VmSample, VmStats, VolumeCounters } from '../driver';
import type { LiveVm } from './vm-registry';
import { cpuTicks, memInfo, processUsage } from './proc';
import { tapOf } from './guest-net';
import { guestNetCounters } from './nic-counters';

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
    const net = tapCounters(l);
    return {
      cpuTimeMs: usage.cpuTimeMs, cpuUsedPercent: clampPct(((usage.cpuTimeMs - prev.cpuMs) / wall) * 100),
      memoryKbs: usage.rssKb, diskReadBytes: rd, diskWriteBytes: wr, diskReadOps: rdOps, diskWriteOps: wrOps,
      // Zero without taps (user-mode NICs have no counters); the collector's sample (sampleVm) leaves them out then.
      netReadBytes: net?.netReadBytes ?? 0, netWriteBytes: net?.netWriteBytes ?? 0,
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

/** NICs on taps have counters on the host (nic-counters.ts); user-mode ones have none. */
const tapCounters = (l: LiveVm) => (l.record.nics?.mode === 'tap' ? guestNetCounters(l.record.nics.ids.map(tapOf)) : null);

interface BlockStat { device?: string; qdev?: string; 'node-name'?: string;
  stats: { rd_bytes: number; wr_bytes: number; rd_operations?: number; wr_operations?: number } }

/**
 * A VM's sample for the metrics collector: a sampler of its own (so its CPU deltas span the collector's interval,
 * whatever else calls vmStats) and blockstats told apart per volume by the device id QEMU was started with.
 */
export async function sampleVm(sampler: StatsSampler, l: LiveVm): Promise<VmSample | null> {
  const s = await sampler.vm(l);
  if (s === null) return null;
  const volumes: VolumeCounters[] = [];
  if (l.qmp) {
    const bs = await l.qmp.execute<BlockStat[]>('query-blockstats').catch((): BlockStat[] => []);
    for (const v of l.record.volumes) {
      const b = bs.find((x) => (x.qdev ?? '').includes(v.device) || x['node-name'] === v.node || x.device === v.node);
      if (b) volumes.push({ volumeId: v.id, readBytes: b.stats.rd_bytes, writeBytes: b.stats.wr_bytes, readOps: b.stats.rd_operations ?? 0, writeOps: b.stats.wr_operations ?? 0 });
    }
  }
  const net = tapCounters(l);
  return { vmId: l.vmId, cpuUsedPercent: s.cpuUsedPercent, memoryKbs: s.memoryKbs, diskReadBytes: s.diskReadBytes,
    diskWriteBytes: s.diskWriteBytes, diskReadOps: s.diskReadOps ?? 0, diskWriteOps: s.diskWriteOps ?? 0, volumes, ...net };
}

/** The host's sample with those of the listed VMs that run here (the collector's one call per host). */
export async function sampleQemuHost(sampler: StatsSampler, get: (vmId: string) => Promise<LiveVm | null>,
  vmIds: string[]): Promise<HostSample> {
  const vms: VmSample[] = [];
  for (const id of vmIds) {
    const l = await get(id).catch(() => null);
    const s = l === null ? null : await sampleVm(sampler, l).catch(() => null);
    if (s !== null) vms.push(s);
  }
  return { ...sampler.host(), load1: os.loadavg()[0], vms };
}
