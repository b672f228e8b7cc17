// How far V8 lets the JS heap grow past what is live before a full GC. By default it picks a factor of up to 4 from
// its measured GC and allocation speeds: with 10,000 hosts and 100,000 VMs (the collector on) about 120 MB are
// live, yet the old generation was allowed to reach ~480 MB of mostly garbage before each full GC, and the pages stay
// committed (and mostly resident) afterwards: that was ~350 MB of a 650 MB RSS (`--trace-gc`: "Mark-Compact 487.6
// (521.2) -> 127.0 (484.3) MB"). A fixed factor keeps the heap near what is live at the price of more frequent
// full GCs, which V8 marks incrementally and mostly on its helper threads.
//
// The flag is read at every GC, so setting it at start-up applies it to the process (the `strata serve` CLI, the
// Electron utility process and the benchmarks all go through createCore). An operator's own
// `--heap-growing-percent` (node's command line or NODE_OPTIONS) wins; STRATA_HEAP_GROWING_PERCENT=0 keeps V8's own
// choice (to compare).
// A small heap gets more room than 1.5x: a full GC leaves at least MIN_HEADROOM_BYTES to fill before the next one.
// With 1,000 hosts about 35 MB are live, and 1.5x of it meant a full GC every ~17 MB of promoted garbage (a deploy
// promotes what its 1,000 in-flight jobs hold): 1.2-1.6 full GCs per 1,000 deploys against 0.4 with V8's own growth,
// their marking on the helper threads and their pauses on the event loop. From ~96 MB live on (a 100,000-VM server
// holds 120-140 MB) the floor is below 50% and changes nothing. Only the default gets the floor; a value an operator sets is kept as is.
import { setFlagsFromString } from 'node:v8';
import { PerformanceObserver, constants } from 'node:perf_hooks';

/** The old generation may grow to 1 + this/100 times the live heap before a full GC. */
export const HEAP_GROWING_PERCENT = 50;
/** Room a full GC leaves at least before the next one (bytes), while that is more than HEAP_GROWING_PERCENT. */
export const MIN_HEADROOM_BYTES = 48 * 2 ** 20;
/** V8's own largest growth factor is 4x: the floor never allows more. */
const MAX_PERCENT = 300;

/** The V8 flag to set, or null when the operator set one or asked for V8's default. */
export function heapGrowthFlag(env: NodeJS.ProcessEnv, execArgv: string[]): string | null {
  if ([...execArgv, env.NODE_OPTIONS ?? ''].some((a) => /heap[-_]growing[-_]percent/.test(a))) return null;
  const percent = env.STRATA_HEAP_GROWING_PERCENT === undefined ? HEAP_GROWING_PERCENT : Number(env.STRATA_HEAP_GROWING_PERCENT);
  return percent > 0 ? `--heap-growing-percent=${Math.round(percent)}` : null;
}

/** The growth percent for a heap with `liveBytes` live: HEAP_GROWING_PERCENT, or more to keep MIN_HEADROOM_BYTES. */
export function growingPercentFor(liveBytes: number): number {
  const floor = Math.ceil((MIN_HEADROOM_BYTES / Math.max(liveBytes, 1)) * 10) * 10;
  return Math.min(MAX_PERCENT, Math.max(HEAP_GROWING_PERCENT, floor));
}

let applied = false;

/**
 * Sets the flag once per process (createCore calls it). With the default, the percent follows the heap left live
 * after each full GC (read when V8 reports the GC; it applies from the next one).
 */
export function limitHeapGrowth(): void {
  if (applied) return;
  applied = true;
  const flag = heapGrowthFlag(process.env, process.execArgv);
  if (!flag) return;
  if (process.env.STRATA_HEAP_GROWING_PERCENT !== undefined) {
    setFlagsFromString(flag);
    return;
  }
  let current = growingPercentFor(process.memoryUsage().heapUsed);
  setFlagsFromString(`--heap-growing-percent=${current}`);
  new PerformanceObserver((list) => {
    if (!list.getEntries().some((e) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) return;
    const next = growingPercentFor(process.memoryUsage().heapUsed);
    if (next !== current) setFlagsFromString(`--heap-growing-percent=${(current = next)}`);
  }).observe({ entryTypes: ['gc'] });
}
