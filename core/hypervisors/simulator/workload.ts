// Plausible, deterministic workloads for simulated VMs, cheap enough to sample 100,000 VMs every 10 s: each VM
// gets a profile from a hash of its id (most follow a daily cycle with bursts, some are idle, a few run away at
// 100 %), and every figure is a pure function of the VM id and the time, so two runs (or two servers) agree.
// I/O counters are integrals of the rates, kept per VM between samples.
import type { VmSample } from '../driver';
import { CounterTable } from '../../kernel/counter-table';

const DAY_S = 86_400;

export type Profile = 'idle' | 'runaway' | 'daily';

/** FNV-1a of the id: a stable 32-bit seed. */
export function seedOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A pseudo-random number in [0, 1) from two integers (one multiply-xorshift round). */
function noise(a: number, b: number): number {
  let x = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

export function profileOf(seed: number): Profile {
  const r = seed % 100;
  if (r < 10) return 'idle';
  if (r === 10) return 'runaway';
  return 'daily';
}

/** CPU % of its vCPUs a VM uses at time `t` (seconds). */
export function cpuPercentAt(seed: number, t: number): number {
  const p = profileOf(seed);
  if (p === 'idle') return 0.5 + noise(seed, Math.floor(t / 10)) * 1.5;
  if (p === 'runaway') return 97 + noise(seed, Math.floor(t / 10)) * 3;
  const base = 8 + (seed % 25);
  const phase = ((seed >>> 8) % 1000) / 1000;
  const daily = 22 * (1 + Math.sin(2 * Math.PI * (t / DAY_S + phase))) / 2;
  // A burst: a 5-minute window in about one of twelve lifts CPU by 40 points.
  const burst = noise(seed, Math.floor(t / 300)) < 1 / 12 ? 40 : 0;
  const jitter = noise(seed ^ 0x5bd1e995, Math.floor(t / 10)) * 6;
  return Math.min(100, base + daily + burst + jitter);
}

/** A VM's cumulative counters (CounterTable columns) and the first of its volumes' slots (-1: none). */
const A = { t: 0, rd: 1, wr: 2, rdOps: 3, wrOps: 4, rx: 5, tx: 6, rxPk: 7, txPk: 8, firstVol: 9 } as const;
/** A volume's: the VM slot whose counters it is part of, the next volume of that VM (-1: last), its counters. */
const V = { owner: 0, next: 1, rd: 2, wr: 3, rdOps: 4, wrOps: 5 } as const;

/** Bytes per packet: a guest mostly receives full frames (downloads, replies) and sends smaller ones (requests, acks). */
const RX_PACKET = 1200;
const TX_PACKET = 400;
/** The root volume takes this many shares of a VM's disk I/O, each data volume one. */
const ROOT_SHARES = 3;

/**
 * Samples VMs, keeping each one's cumulative counters (forget() drops a VM's). The counters are numbers in two
 * CounterTables (VMs, volumes), not objects per VM: at 100,000 VMs the objects, their boxed doubles and a Map of
 * volumes each were ~50 MB the GC traced on every major collection.
 */
export class SimWorkload {
  private readonly vms = new CounterTable<string>(10);
  private readonly vols = new CounterTable<string>(6);

  /** `volumeIds`: the VM's volumes, root first; the VM's disk I/O is split among them (ROOT_SHARES to one). */
  sample(vmId: string, t: number, memoryMb: number, volumeIds: string[] = []): VmSample {
    const seed = seedOf(vmId);
    const cpu = cpuPercentAt(seed, t);
    const a = this.vms;
    const s = a.slot(vmId);
    if (a.created) {
      for (let k = A.rd; k <= A.txPk; k++) a.set(s, k, 0);
      a.set(s, A.t, t);
      a.set(s, A.firstVol, -1);
    }
    const dt = Math.max(0, t - a.get(s, A.t));
    // I/O follows CPU: up to ~2 MB/s read, ~1 MB/s written, 4 KiB requests; network ~4x/2x that.
    const rdRate = cpu * 20_000;
    const wrRate = cpu * 10_000;
    const add = (k: number, v: number) => { a.set(s, k, a.get(s, k) + v); return Math.round(a.get(s, k)); };
    const out: VmSample = {
      vmId, cpuUsedPercent: cpu, memoryKbs: 0,
      diskReadBytes: add(A.rd, rdRate * dt), diskWriteBytes: add(A.wr, wrRate * dt),
      diskReadOps: add(A.rdOps, (rdRate / 4096) * dt), diskWriteOps: add(A.wrOps, (wrRate / 4096) * dt),
      netReadBytes: add(A.rx, rdRate * 2 * dt), netWriteBytes: add(A.tx, wrRate * 2 * dt),
      netReadPackets: add(A.rxPk, ((rdRate * 2) / RX_PACKET) * dt), netWritePackets: add(A.txPk, ((wrRate * 2) / TX_PACKET) * dt),
    };
    a.set(s, A.t, t);
    if (volumeIds.length > 0) {
      const shares = ROOT_SHARES + volumeIds.length - 1;
      out.volumes = volumeIds.map((volumeId, i) => {
        const part = (i === 0 ? ROOT_SHARES : 1) / shares;
        const v = this.volumeSlot(s, volumeId);
        const vadd = (k: number, x: number) => { this.vols.set(v, k, this.vols.get(v, k) + x); return Math.round(this.vols.get(v, k)); };
        return { volumeId, readBytes: vadd(V.rd, rdRate * part * dt), writeBytes: vadd(V.wr, wrRate * part * dt),
          readOps: vadd(V.rdOps, (rdRate / 4096) * part * dt), writeOps: vadd(V.wrOps, (wrRate / 4096) * part * dt) };
      });
    }
    // Its own memory (an adopted VM of unknown size counts as 256 MiB): never more than the VM has.
    const mem = (memoryMb > 0 ? memoryMb : 256) * 1024;
    const memShare = profileOf(seed) === 'idle' ? 0.2 : 0.45 + 0.3 * cpu / 100;
    out.memoryKbs = Math.round(mem * memShare);
    return out;
  }

  forget(vmId: string): void {
    const s = this.vms.find(vmId);
    if (s < 0) return;
    for (let v = this.vms.get(s, A.firstVol); v >= 0;) {
      const next = this.vols.get(v, V.next);
      this.vols.deleteSlot(v);
      v = next;
    }
    this.vms.deleteSlot(s);
  }

  /** The volume's counters as part of VM slot s: new (from zero) the first time, or when it was another VM's. */
  private volumeSlot(s: number, volumeId: string): number {
    const vols = this.vols;
    const found = vols.find(volumeId);
    if (found >= 0 && vols.get(found, V.owner) === s) return found;
    if (found >= 0) this.unlink(found);
    const v = vols.slot(volumeId);
    for (let k = V.rd; k <= V.wrOps; k++) vols.set(v, k, 0);
    vols.set(v, V.owner, s);
    vols.set(v, V.next, this.vms.get(s, A.firstVol));
    this.vms.set(s, A.firstVol, v);
    return v;
  }

  /** Takes a volume off its previous VM's list (it moved to another VM). */
  private unlink(v: number): void {
    const owner = this.vols.get(v, V.owner);
    const next = this.vols.get(v, V.next);
    if (this.vms.get(owner, A.firstVol) === v) { this.vms.set(owner, A.firstVol, next); return; }
    for (let u = this.vms.get(owner, A.firstVol); u >= 0; u = this.vols.get(u, V.next)) {
      if (this.vols.get(u, V.next) === v) { this.vols.set(u, V.next, next); return; }
    }
  }
}
