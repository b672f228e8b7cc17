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
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to 1 + this/100 times the live heap before a full GC. */
export const HEAP_GROWING_PERCENT = 50;

/** The V8 flag to set, or null when the operator set one or asked for V8's default. */
export function heapGrowthFlag(env: NodeJS.ProcessEnv, execArgv: string[]): string | null {
  if ([...execArgv, env.NODE_OPTIONS ?? ''].some((a) => /heap[-_]growing[-_]percent/.test(a))) return null;
  const percent = env.STRATA_HEAP_GROWING_PERCENT === undefined ? HEAP_GROWING_PERCENT : Number(env.STRATA_HEAP_GROWING_PERCENT);
  return percent > 0 ? `--heap-growing-percent=${Math.round(percent)}` : null;
}

let applied = false;

/** Sets the flag once per process (createCore calls it). */
export function limitHeapGrowth(): void {
  if (applied) return;
  applied = true;
  const flag = heapGrowthFlag(process.env, process.execArgv);
  if (flag) setFlagsFromString(flag);
}
