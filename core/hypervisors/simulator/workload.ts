// Plausible, deterministic workloads for simulated VMs, cheap enough to sample 100,000 VMs every 10 s: each VM
// gets a profile from a hash of its id (most follow a daily cycle with bursts, some are idle, a few run away at
// 100 %), and every figure is a pure function of the VM id and the time, so two runs (or two servers) agree.
// I/O counters are integrals of the rates, kept per VM between samples.
import type { VmSample } from '../driver';

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

interface Acc { t: number; rd: number; wr: number; rdOps: number; wrOps: number; rx: number; tx: number; rxPk: number; txPk: number;
  /** Each volume's own counters (a volume attached later starts from zero). */
  vols: Map<string, { rd: number; wr: number; rdOps: number; wrOps: number }> }

/** Bytes per packet: a guest mostly receives full frames (downloads, replies) and sends smaller ones (requests, acks). */
const RX_PACKET = 1200;
const TX_PACKET = 400;
/** The root volume takes this many shares of a VM's disk I/O, each data volume one. */
const ROOT_SHARES = 3;

/** Samples VMs, keeping each one's cumulative counters (forget() drops a VM's). */
export class SimWorkload {
  private readonly acc = new Map<string, Acc>();

  /** `volumeIds`: the VM's volumes, root first; the VM's disk I/O is split among them (ROOT_SHARES to one). */
  sample(vmId: string, t: number, memoryMb: number, volumeIds: string[] = []): VmSample {
    const seed = seedOf(vmId);
    const cpu = cpuPercentAt(seed, t);
    const a = this.acc.get(vmId) ?? { t, rd: 0, wr: 0, rdOps: 0, wrOps: 0, rx: 0, tx: 0, rxPk: 0, txPk: 0, vols: new Map() };
    const dt = Math.max(0, t - a.t);
    // I/O follows CPU: up to ~2 MB/s read, ~1 MB/s written, 4 KiB requests; network ~4x/2x that.
    const rdRate = cpu * 20_000;
    const wrRate = cpu * 10_000;
    a.rd += rdRate * dt; a.wr += wrRate * dt;
    a.rdOps += (rdRate / 4096) * dt; a.wrOps += (wrRate / 4096) * dt;
    a.rx += rdRate * 2 * dt; a.tx += wrRate * 2 * dt;
    a.rxPk += ((rdRate * 2) / RX_PACKET) * dt; a.txPk += ((wrRate * 2) / TX_PACKET) * dt;
    a.t = t;
    this.acc.set(vmId, a);
    const shares = volumeIds.length === 0 ? 0 : ROOT_SHARES + volumeIds.length - 1;
    const volumes = volumeIds.map((volumeId, i) => {
      const part = (i === 0 ? ROOT_SHARES : 1) / shares;
      let v = a.vols.get(volumeId);
      if (!v) a.vols.set(volumeId, (v = { rd: 0, wr: 0, rdOps: 0, wrOps: 0 }));
      v.rd += rdRate * part * dt; v.wr += wrRate * part * dt;
      v.rdOps += (rdRate / 4096) * part * dt; v.wrOps += (wrRate / 4096) * part * dt;
      return { volumeId, readBytes: Math.round(v.rd), writeBytes: Math.round(v.wr), readOps: Math.round(v.rdOps), writeOps: Math.round(v.wrOps) };
    });
    // Its own memory (an adopted VM of unknown size counts as 256 MiB): never more than the VM has.
    const mem = (memoryMb > 0 ? memoryMb : 256) * 1024;
    const memShare = profileOf(seed) === 'idle' ? 0.2 : 0.45 + 0.3 * cpu / 100;
    return {
      vmId, cpuUsedPercent: cpu, memoryKbs: Math.round(mem * memShare),
      diskReadBytes: Math.round(a.rd), diskWriteBytes: Math.round(a.wr),
      diskReadOps: Math.round(a.rdOps), diskWriteOps: Math.round(a.wrOps),
      netReadBytes: Math.round(a.rx), netWriteBytes: Math.round(a.tx),
      netReadPackets: Math.round(a.rxPk), netWritePackets: Math.round(a.txPk),
      ...(volumes.length > 0 ? { volumes } : {}),
    };
  }

  forget(vmId: string): void { this.acc.delete(vmId); }
}
