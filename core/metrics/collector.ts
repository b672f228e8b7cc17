// The metrics collector: every interval it asks each Up host for one sample of itself and its running VMs (one
// driver call per host: for `strata agent` hosts one round trip carrying the whole batch), turns cumulative I/O
// counters into rates, and queues one row per VM, volume, host and storage pool for the store's batched writer.
//
// Hosts sampled: all Up hosts. Once host ownership between management servers exists (issue 13), each server
// samples only the hosts it owns; the rows are keyed by series and bucket, so two servers writing the same
// bucket cannot double it (the first write wins).
import type { Services } from '../kernel/services';
import type { HostSample, HypervisorDriver, VmSample } from '../hypervisors/driver';
import { driverForHost } from '../hypervisors/registry';
import { CH, CHANNELS, HOST_CH, PACKET_SCALE, type Sample } from './metrics-schema';
import type { MetricsStore } from './store';

const HOST_TIMEOUT_MS = 8000;
const CONCURRENCY = 16;

interface Counters { t: number; rd: number; wr: number; rdOps: number; wrOps: number; rx?: number; tx?: number; rxPk?: number; txPk?: number }

export interface TickStats { at: number; hosts: number; vms: number; samples: number; durationMs: number; failedHosts: number }

export interface Collector {
  /** Samples every host once and writes the rows (tests and the timer call it). */
  tick(): Promise<TickStats>;
  last(): TickStats | null;
}

export function createCollector(svc: Services, store: MetricsStore): Collector {
  const prev = new Map<string, Counters>();
  let lastStats: TickStats | null = null;

  /** Per-second rate of a counter since the previous sample; null on the first sample or after a reset. */
  const rate = (now: number, p: Counters | undefined, key: keyof Counters, v: number | undefined) => {
    if (p === undefined || v === undefined || p[key] === undefined || v < (p[key] as number) || now <= p.t) return null;
    return (v - (p[key] as number)) / (now - p.t);
  };

  function vmValues(t: number, s: VmSample): (number | null)[] {
    const p = prev.get(s.vmId);
    const c: Counters = { t, rd: s.diskReadBytes, wr: s.diskWriteBytes, rdOps: s.diskReadOps, wrOps: s.diskWriteOps, rx: s.netReadBytes, tx: s.netWriteBytes,
      rxPk: s.netReadPackets, txPk: s.netWritePackets };
    prev.set(s.vmId, c);
    // Operations in hundredths per second, packets in tenths (finer costs store bytes for digits nobody reads).
    const ops = (k: 'rdOps' | 'wrOps' | 'rxPk' | 'txPk', v: number | undefined, scale = 100) => { const r = rate(t, p, k, v); return r === null ? null : r * scale; };
    const v: (number | null)[] = new Array(CHANNELS).fill(null);
    v[CH.cpu] = s.cpuUsedPercent * 100;
    v[CH.mem] = s.memoryKbs;
    v[CH.diskRead] = rate(t, p, 'rd', s.diskReadBytes);
    v[CH.diskWrite] = rate(t, p, 'wr', s.diskWriteBytes);
    v[CH.iopsRead] = ops('rdOps', s.diskReadOps);
    v[CH.iopsWrite] = ops('wrOps', s.diskWriteOps);
    v[CH.netRx] = rate(t, p, 'rx', s.netReadBytes);
    v[CH.netTx] = rate(t, p, 'tx', s.netWriteBytes);
    v[CH.pktRx] = ops('rxPk', s.netReadPackets, PACKET_SCALE);
    v[CH.pktTx] = ops('txPk', s.netWritePackets, PACKET_SCALE);
    return v;
  }

  async function sampleOne(driver: HypervisorDriver, hostId: string, vmIds: string[]): Promise<HostSample> {
    if (driver.sampleHost) return driver.sampleHost(hostId, vmIds);
    // Drivers without a batch call: the host's figures and one vmStats per VM.
    const h = await driver.hostStats(hostId);
    const vms: VmSample[] = [];
    for (const id of vmIds) {
      const s = await driver.vmStats(hostId, id).catch(() => null);
      if (s) vms.push({ vmId: id, cpuUsedPercent: s.cpuUsedPercent, memoryKbs: s.memoryKbs, diskReadBytes: s.diskReadBytes,
        diskWriteBytes: s.diskWriteBytes, diskReadOps: s.diskReadOps ?? 0, diskWriteOps: s.diskWriteOps ?? 0 });
    }
    return { ...h, vms };
  }

  async function tick(): Promise<TickStats> {
    const started = Date.now();
    const interval = store.config.intervalS;
    const nowS = Math.floor(svc.clock.now() / 1000);
    const ts = nowS - (nowS % interval);
    // Each management server samples the hosts it owns (several servers share the database).
    const hosts = await svc.db.selectFrom('hosts').select(['id', 'hypervisor', 'url'])
      .where('removed', 'is', null).where('state', '=', 'Up').where('ms_id', '=', svc.config.msId).execute();
    const drivers = new Map(hosts.map((h) => [h.id, driverForHost(svc.drivers, h)]));
    const listed = hosts.filter((h) => !drivers.get(h.id)!.knowsItsVms).map((h) => h.id);
    const vmsByHost = new Map<string, string[]>();
    for (let i = 0; i < listed.length; i += 500) {
      const rows = await svc.db.selectFrom('vms').select(['id', 'host_id']).where('host_id', 'in', listed.slice(i, i + 500))
        .where('state', '=', 'Running').where('removed', 'is', null).execute();
      for (const r of rows) vmsByHost.set(r.host_id!, [...(vmsByHost.get(r.host_id!) ?? []), r.id]);
    }
    const results = new Map<string, HostSample>();
    let failedHosts = 0;
    let next = 0;
    const worker = async () => {
      while (next < hosts.length) {
        const h = hosts[next++];
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_r, rej) => { timer = setTimeout(() => rej(new Error('timed out')), HOST_TIMEOUT_MS); });
          results.set(h.id, await Promise.race([sampleOne(drivers.get(h.id)!, h.id, vmsByHost.get(h.id) ?? []), timeout]));
        } catch { failedHosts++; } finally { clearTimeout(timer); }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, hosts.length) }, worker));

    const vmSamples = [...results.values()].flatMap((r) => r.vms);
    const volSamples = vmSamples.flatMap((v) => v.volumes ?? []);
    const [hostIds, vmIds, volIds] = await Promise.all([
      store.seriesIds('host', [...results.keys()]), store.seriesIds('vm', vmSamples.map((v) => v.vmId)),
      store.seriesIds('volume', volSamples.map((v) => v.volumeId))]);
    const samples: Sample[] = [];
    for (const [hostId, r] of results) {
      const values: (number | null)[] = new Array(CHANNELS).fill(null);
      values[CH.cpu] = r.cpuUsedPercent * 100;
      values[CH.mem] = r.memoryUsedBytes / 1024;
      values[CH.load] = r.load1 === undefined ? null : r.load1 * 100;
      // The host's I/O is what its VMs move (the list's disk and network columns): summed from their rates (none
      // moves nothing; VMs without a rate yet, on their first sample, leave it unknown).
      const sum = (ch: number, vals: (number | null)[][]) =>
        vals.reduce<number | null>((a, v) => (v[ch] === null ? a : (a ?? 0) + v[ch]!), vals.length === 0 ? 0 : null);
      const vmVals = r.vms.map((v) => vmValues(nowS, v));
      values[HOST_CH.diskRead] = sum(CH.diskRead, vmVals);
      values[HOST_CH.diskWrite] = sum(CH.diskWrite, vmVals);
      values[HOST_CH.netRx] = sum(CH.netRx, vmVals);
      values[HOST_CH.netTx] = sum(CH.netTx, vmVals);
      samples.push({ series: hostIds.get(hostId)!, values });
      r.vms.forEach((v, i) => samples.push({ series: vmIds.get(v.vmId)!, values: vmVals[i] }));
    }
    for (const v of volSamples) {
      const p = prev.get(v.volumeId);
      prev.set(v.volumeId, { t: nowS, rd: v.readBytes, wr: v.writeBytes, rdOps: v.readOps, wrOps: v.writeOps });
      const ops = (k: 'rdOps' | 'wrOps', x: number) => { const r = rate(nowS, p, k, x); return r === null ? null : r * 100; };
      const values: (number | null)[] = new Array(CHANNELS).fill(null);
      values[CH.diskRead] = rate(nowS, p, 'rd', v.readBytes);
      values[CH.diskWrite] = rate(nowS, p, 'wr', v.writeBytes);
      values[CH.iopsRead] = ops('rdOps', v.readOps);
      values[CH.iopsWrite] = ops('wrOps', v.writeOps);
      samples.push({ series: volIds.get(v.volumeId)!, values });
    }
    samples.push(...await poolSamples(svc, store));
    // VMs that stopped lose their counters (a restarted VM starts from zero).
    const seen = new Set([...vmSamples.map((v) => v.vmId), ...volSamples.map((v) => v.volumeId)]);
    for (const k of prev.keys()) if (!seen.has(k)) prev.delete(k);
    store.enqueue(ts, samples);
    await store.flush();
    lastStats = { at: ts, hosts: results.size, vms: vmSamples.length, samples: samples.length, durationMs: Date.now() - started, failedHosts };
    return lastStats;
  }

  return { tick, last: () => lastStats };
}

/** Storage pools' used space (KiB), as the database knows it. */
async function poolSamples(svc: Services, store: MetricsStore): Promise<Sample[]> {
  const pools = await svc.db.selectFrom('storage_pools').select(['id', 'used_bytes']).where('removed', 'is', null).execute();
  const ids = await store.seriesIds('pool', pools.map((p) => p.id));
  return pools.map((p) => {
    const values: (number | null)[] = new Array(CHANNELS).fill(null);
    values[CH.mem] = Number(p.used_bytes) / 1024;
    return { series: ids.get(p.id)!, values };
  });
}
