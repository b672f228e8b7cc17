// The storage heartbeat of KVM HA (CloudStack's kvmheartbeat.sh): a host writes the time into a file of its own on
// every shared primary storage pool, every few seconds, from the process that runs its VMs. When the management
// server loses the host's agent link it asks a neighbour host how old that file is: a fresh heartbeat means the
// host still runs (only the link is gone) and nothing is restarted; a stopped one, with the link gone, means the
// host is down. The file is written to a temporary name and renamed, so a reader never sees half a number.
// An agent stopped on purpose (SIGTERM, upgrade) leaves its VMs running: its last write says so ("stopped:<time>"),
// and a reader answers STOPPED_ON_PURPOSE instead of an age, so HA never restarts VMs that may still run.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

const DIR = '.strata-heartbeat';
/** heartbeatAge's answer for a host whose agent was stopped on purpose (its VMs may run on). */
export const STOPPED_ON_PURPOSE = -1;
export const heartbeatFile = (poolPath: string, hostId: string) => path.join(poolPath, DIR, hostId);

export interface StorageHeartbeat {
  /** Sets the pools and the interval; writes at once, then every interval. An empty list stops the writes. */
  set(hostId: string, poolPaths: string[], intervalMs: number): Promise<void>;
  /** Age in ms of `ofHostId`'s heartbeat on `poolPath`, or null when it has none there. */
  age(poolPath: string, ofHostId: string): Promise<number | null>;
  /** Stops writing; on purpose (the agent stops, its VMs run on): marks each file so. */
  stop(onPurpose: boolean): Promise<void>;
}

export function createStorageHeartbeat(onError: (poolPath: string, e: Error) => void): StorageHeartbeat {

  const writers = new Map<string, { key: string; timer: NodeJS.Timeout; pools: string[] }>();

  async function beat(hostId: string, poolPath: string, text = String(Date.now())): Promise<void> {
    const file = heartbeatFile(poolPath, hostId);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
    } catch (e) {
      onError(poolPath, e as Error);
    }
  }

  const beatAll = (hostId: string, pools: string[]) => Promise.all(pools.map((p) => beat(hostId, p)));

  return {
    async set(hostId, poolPaths, intervalMs) {
      const pools = [...new Set(poolPaths)].sort();
      const key = `${pools.join('\n')}|${intervalMs}`;
      const old = writers.get(hostId);
      if (old?.key === key) return;
      if (old) clearInterval(old.timer);
      writers.delete(hostId);
      if (pools.length === 0) return;
      await beatAll(hostId, pools);
      const timer = setInterval(() => { void beatAll(hostId, pools); }, Math.max(100, intervalMs));
      timer.unref?.();
      writers.set(hostId, { key, timer, pools });
    },
    async age(poolPath, ofHostId) {
      const text = await readFile(heartbeatFile(poolPath, ofHostId), 'utf8').catch(() => null);
      if (text?.startsWith('stopped:')) return STOPPED_ON_PURPOSE;
      const at = Number(text);
      return text === null || !Number.isFinite(at) ? null : Math.max(0, Date.now() - at);
    },
    async stop(onPurpose) {
      const all = [...writers.entries()];
      writers.clear();
      for (const [, w] of all) clearInterval(w.timer);
      if (onPurpose) await Promise.all(all.flatMap(([hostId, w]) => w.pools.map((p) => beat(hostId, p, `stopped:${Date.now()}`))));
    },
  };
}
