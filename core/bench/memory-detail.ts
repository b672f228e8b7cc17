// What holds a process's resident memory, for the memory figure of run.ts (Linux): the JS heap and what V8 knows
// of (process.memoryUsage, v8 heap statistics), the kernel's view (/proc/self/smaps_rollup: anonymous against file
// pages), and glibc malloc's arenas (the `[heap]` of the main arena, and the 64 MiB-aligned heaps other threads'
// arenas allocate from, read from /proc/self/smaps).
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

const MB = 2 ** 20;
const mb = (bytes: number) => Math.round(bytes / MB);

/** Resident kB of smaps_rollup's fields (Rss, Anonymous, ...). */
function rollup(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of readFileSync('/proc/self/smaps_rollup', 'utf8').matchAll(/^(\w+):\s+(\d+) kB/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/** Resident MB by kind of mapping: malloc's main heap, other arenas' heaps, other anonymous, file-backed. */
function mappings() {
  const by = { mainHeap: 0, arenaHeaps: 0, otherAnon: 0, files: 0 };
  let arenas = 0;
  let kind: keyof typeof by = 'otherAnon';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const start = BigInt(`0x${head[1]}`);
      const path = head[4];
      // A non-main arena's heap starts at a 64 MiB boundary, its first part readable and writable.
      if (path === '[heap]') kind = 'mainHeap';
      else if (path) kind = 'files';
      else if (start % BigInt(64 * MB) === 0n && head[3].startsWith('rw')) { kind = 'arenaHeaps'; arenas++; }
      else kind = 'otherAnon';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) by[kind] += Number(rss[1]) * 1024;
  }
  return { mainHeapMB: mb(by.mainHeap), arenaHeapsMB: mb(by.arenaHeaps), arenaHeaps: arenas, otherAnonMB: mb(by.otherAnon), filesMB: mb(by.files) };
}

export function memoryDetail() {
  const u = process.memoryUsage();
  const h = getHeapStatistics();
  const r = rollup();
  return {
    rssMB: mb(u.rss), heapTotalMB: mb(u.heapTotal), heapUsedMB: mb(u.heapUsed), externalMB: mb(u.external), arrayBuffersMB: mb(u.arrayBuffers),
    v8MallocedMB: mb(h.malloced_memory), v8PeakMallocedMB: mb(h.peak_malloced_memory),
    anonMB: Math.round((r.Anonymous ?? 0) / 1024), fileMB: Math.round(((r.Rss ?? 0) - (r.Anonymous ?? 0)) / 1024),
    ...mappings(),
    threads: Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0),
  };
}
