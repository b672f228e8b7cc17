// The metrics collector: every interval it asks each Up host for one sample of itself and its running VMs (one
// driver call per host: for `strata agent` hosts one round trip carrying the whole batch), turns cumulative I/O
// counters into rates, and queues one row per VM, volume, host and storage pool for the store's batched writer.
//
// Hosts sampled: all Up hosts. Once host ownership between management servers exists (issue 13), each server
// samples only the hosts it owns; the rows are keyed by series and bucket, so two servers writing the same
// bucket cannot double it (the first write wins).
import type { Services } from '../kernel/services';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { HostSample, HypervisorDriver, VmSample, VolumeCounters } from '../hypervisors/driver';
import { CounterTable } from '../kernel/counter-table';
import { driverForHost } from '../hypervisors/registry';
import { CH, CHANNELS, HOST_CH, PACKET_SCALE, type Sample } from './metrics-schema';
import type { MetricsStore } from './store';

const HOST_TIMEOUT_MS = 8000;
const CONCURRENCY = 16;
/** Hosts whose samples are turned into rows together (one series look-up each), then the tick yields a turn. */
const HOST_SLICE = 64;
/** Rows queued before they are written (sorted by key, row-writer.ts): bounds the queue (1.5 MB) whatever the cloud's size. */
const WRITE_BATCH = 16_000;

/** A series' previous cumulative counters (CounterTable columns; NaN where the object has no such counter). */
const P = { t: 0, rd: 1, wr: 2, rdOps: 3, wrOps: 4, rx: 5, tx: 6, rxPk: 7, txPk: 8 } as const;
const P_WIDTH = 9;

export interface TickStats { at: number; hosts: number; vms: number; samples: number; durationMs: number; failedHosts: number }

export interface Collector {
  /** Samples every host once and writes the rows (tests and the timer call it). */
  tick(): Promise<TickStats>;
  last(): TickStats | null;
}

export function createCollector(svc: Services, store: MetricsStore): Collector {
  // Previous counters by series id (VMs and volumes): a dense table of numbers, not an object per VM.
  const prev = new CounterTable<number>(P_WIDTH);
  let lastStats: TickStats | null = null;
  /** One row's channel values, reused for every row (the store copies them). */
  const row = new Float64Array(CHANNELS);
  /** A host's sums of its VMs' rates (HOST_CH channels). */
  const sums = new Float64Array(CHANNELS);

  /**
   * Per-second rate of counter k since the series' previous sample, and records the new value; NaN (unknown) on
   * the first sample, after a reset (the counter went back) or without a value.
   */
  const rate = (slot: number, fresh: boolean, now: number, k: number, v: number | undefined, scale = 1) => {
    const pv = prev.get(slot, k);
    const pt = prev.get(slot, P.t);
    prev.set(slot, k, v ?? NaN);
    if (fresh || v === undefined || Number.isNaN(pv) || v < pv || now <= pt) return NaN;
    return ((v - pv) / (now - pt)) * scale;
  };

  /** Fills `row` with a VM's channels (CPU, memory, rates since its previous sample). */
  function vmRow(series: number, now: number, s: VmSample): void {
    const slot = prev.slot(series);
    const fresh = prev.created;
    row.fill(NaN);
    row[CH.cpu] = s.cpuUsedPercent * 100;
    row[CH.mem] = s.memoryKbs;
    row[CH.diskRead] = rate(slot, fresh, now, P.rd, s.diskReadBytes);
    row[CH.diskWrite] = rate(slot, fresh, now, P.wr, s.diskWriteBytes);
    // Operations in hundredths per second, packets in tenths (finer costs store bytes for digits nobody reads).
    row[CH.iopsRead] = rate(slot, fresh, now, P.rdOps, s.diskReadOps, 100);
    row[CH.iopsWrite] = rate(slot, fresh, now, P.wrOps, s.diskWriteOps, 100);
    row[CH.netRx] = rate(slot, fresh, now, P.rx, s.netReadBytes);
    row[CH.netTx] = rate(slot, fresh, now, P.tx, s.netWriteBytes);
    row[CH.pktRx] = rate(slot, fresh, now, P.rxPk, s.netReadPackets, PACKET_SCALE);
    row[CH.pktTx] = rate(slot, fresh, now, P.txPk, s.netWritePackets, PACKET_SCALE);
    prev.set(slot, P.t, now);
  }

  function volumeRow(series: number, now: number, v: VolumeCounters): void {
    const slot = prev.slot(series);
    const fresh = prev.created;
    row.fill(NaN);
    row[CH.diskRead] = rate(slot, fresh, now, P.rd, v.readBytes);
    row[CH.diskWrite] = rate(slot, fresh, now, P.wr, v.writeBytes);
    row[CH.iopsRead] = rate(slot, fresh, now, P.rdOps, v.readOps, 100);
    row[CH.iopsWrite] = rate(slot, fresh, now, P.wrOps, v.writeOps, 100);
    prev.set(slot, P.t, now);
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

  /**
   * Rows of a slice of sampled hosts: their series ids in one look-up per kind, then each VM's and volume's row and
   * the host's (its VMs' I/O summed). The samples are dropped afterwards: no tick keeps a whole cloud's samples.
   */
  async function queueRows(ts: number, nowS: number, slice: [string, HostSample][], counts: { vms: number; samples: number }) {
    const vmIds: string[] = [];
    const volIds: string[] = [];
    for (const [, r] of slice) for (const v of r.vms) { vmIds.push(v.vmId); for (const vol of v.volumes ?? []) volIds.push(vol.volumeId); }
    const [hostSeries, vmSeries, volSeries] = await Promise.all([store.seriesIds('host', slice.map(([id]) => id)),
      store.seriesIds('vm', vmIds), store.seriesIds('volume', volIds)]);
    for (const [hostId, r] of slice) {
      // The host's I/O is what its VMs move (the list's disk and network columns): summed from their rates (none
      // moves nothing; VMs without a rate yet, on their first sample, leave it unknown).
      sums.fill(r.vms.length === 0 ? 0 : NaN);
      for (const v of r.vms) {
        vmRow(vmSeries.get(v.vmId)!, nowS, v);
        store.enqueueRow(ts, vmSeries.get(v.vmId)!, row);
        addTo(sums, HOST_CH.diskRead, row[CH.diskRead]);
        addTo(sums, HOST_CH.diskWrite, row[CH.diskWrite]);
        addTo(sums, HOST_CH.netRx, row[CH.netRx]);
        addTo(sums, HOST_CH.netTx, row[CH.netTx]);
        for (const vol of v.volumes ?? []) {
          volumeRow(volSeries.get(vol.volumeId)!, nowS, vol);
          store.enqueueRow(ts, volSeries.get(vol.volumeId)!, row);
          counts.samples++;
        }
      }
      row.fill(NaN);
      row[CH.cpu] = r.cpuUsedPercent * 100;
      row[CH.mem] = r.memoryUsedBytes / 1024;
      row[CH.load] = r.load1 === undefined ? NaN : r.load1 * 100;
      for (const c of [HOST_CH.diskRead, HOST_CH.diskWrite, HOST_CH.netRx, HOST_CH.netTx]) row[c] = sums[c];
      store.enqueueRow(ts, hostSeries.get(hostId)!, row);
      counts.vms += r.vms.length;
      counts.samples += 1 + r.vms.length;
    }
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
      for (const r of rows) {
        const list = vmsByHost.get(r.host_id!);
        if (list) list.push(r.id); else vmsByHost.set(r.host_id!, [r.id]);
      }
    }
    const counts = { vms: 0, samples: 0 };
    let sampledHosts = 0;
    let failedHosts = 0;
    // Sampled hosts wait in `slice` until HOST_SLICE of them are turned into rows; the workers wait for that (so a
    // tick works in slices and yields between them: a driver that answers at once never holds the loop long).
    let slice: [string, HostSample][] = [];
    let rowsDone: Promise<void> = Promise.resolve();
    const drain = () => {
      const part = slice;
      slice = [];
      rowsDone = rowsDone.then(async () => {
        await queueRows(ts, nowS, part, counts);
        if (store.pending() >= WRITE_BATCH) await store.flush();
        else await nextTurn();
      });
      return rowsDone;
    };
    let next = 0;
    const worker = async () => {
      while (next < hosts.length) {
        const h = hosts[next++];
        let timer: NodeJS.Timeout | undefined;
        let r: HostSample;
        try {
          const timeout = new Promise<never>((_r, rej) => { timer = setTimeout(() => rej(new Error('timed out')), HOST_TIMEOUT_MS); });
          r = await Promise.race([sampleOne(drivers.get(h.id)!, h.id, vmsByHost.get(h.id) ?? []), timeout]);
        } catch { failedHosts++; continue; } finally { clearTimeout(timer); }
        sampledHosts++;
        slice.push([h.id, r]);
        // Every worker waits for the rows in hand (not only the one that fills a slice): a driver that answers at
        // once would otherwise let the other workers sample on in the same turn, ~1,000 hosts before all waited.
        if (slice.length >= HOST_SLICE) await drain();
        else await rowsDone;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, hosts.length) }, worker));
    await drain();
    const pools = await poolSamples(svc, store);
    store.enqueue(ts, pools);
    counts.samples += pools.length;
    // VMs and volumes not sampled this tick lose their counters (a restarted VM starts from zero).
    prev.sweep();
    await store.flush();
    lastStats = { at: ts, hosts: sampledHosts, vms: counts.vms, samples: counts.samples, durationMs: Date.now() - started, failedHosts };
    return lastStats;
  }

  return { tick, last: () => lastStats };
}

/** Adds a rate to a sum; an unknown rate makes nothing unknown once a sum has a value, as before (null + x). */
function addTo(sums: Float64Array, c: number, v: number): void {
  if (Number.isNaN(v)) return;
  sums[c] = Number.isNaN(sums[c]) ? v : sums[c] + v;
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
