// Quick memory probe: opens an existing lab with the collector running as `strata serve` runs it, waits, and prints
// where the resident memory is (memory-detail.ts) and V8's heap spaces. Not part of `npm run bench`.
//   node bin/run-ts.mjs core/bench/memory-probe.ts --db COPY.db [--seconds 60] [--no-metrics]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { createCore } from '../index';
import { silentLogger } from '../kernel/logger';
import { memoryDetail } from './memory-detail';

const { values } = parseArgs({ options: { db: { type: 'string' }, seconds: { type: 'string' }, 'no-metrics': { type: 'boolean' } } });
const dataDir = mkdtempSync(join(tmpdir(), 'strata-mem-probe-'));
const core = await createCore({ dataDir, db: values.db, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0,
  ...(values['no-metrics'] ? { metrics: { intervalMs: 0 } } : {}) });
const spaces = () => Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_size / 2 ** 20)]));
const seconds = Number(values.seconds ?? 60);
const samples: unknown[] = [];
for (let t = 0; t < seconds; t += 10) {
  await new Promise((r) => setTimeout(r, 10_000));
  const d = memoryDetail();
  samples.push({ t: t + 10, rss: d.rssMB, heap: d.heapTotalMB, used: d.heapUsedMB, main: d.mainHeapMB, arenas: d.arenaHeapsMB, anon: d.otherAnonMB, last: core.metrics.collector.last()?.durationMs });
}
process.stdout.write(JSON.stringify({ samples, detail: memoryDetail(), spaces: spaces() }) + '\n');
await core.stop();
rmSync(dataDir, { recursive: true, force: true });
