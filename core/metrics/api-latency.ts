// API request counts and latency per command, for /metrics. Per process on purpose: each management server is
// scraped on its own, and Prometheus sums them.
import type { Dispatcher } from '../api/dispatcher';

/** Histogram bucket bounds in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface CommandLatency { count: number; sum: number; buckets: number[]; errors: number }

export interface ApiLatency { byCommand: Map<string, CommandLatency> }

const COMMAND = /(?:^|&)command=([A-Za-z]{1,80})(?:&|$)/;

/** Wraps the dispatcher's HTTP entry so every request is timed by command. */
export function instrumentDispatcher(d: Dispatcher, known: (command: string) => boolean): { dispatcher: Dispatcher; latency: ApiLatency } {
  const latency: ApiLatency = { byCommand: new Map() };
  const record = (command: string, seconds: number, failed: boolean) => {
    let c = latency.byCommand.get(command);
    if (!c) latency.byCommand.set(command, (c = { count: 0, sum: 0, buckets: LATENCY_BUCKETS.map(() => 0), errors: 0 }));
    c.count++;
    c.sum += seconds;
    if (failed) c.errors++;
    LATENCY_BUCKETS.forEach((b, i) => { if (seconds <= b) c.buckets[i]++; });
  };
  return {
    latency,
    dispatcher: {
      invoke: (caller, command, params) => d.invoke(caller, command, params),
      async handle(req) {
        const started = process.hrtime.bigint();
        // Unknown names are folded into one series so a client cannot grow the label set without bound.
        const named = COMMAND.exec(req.rawQuery)?.[1] ?? COMMAND.exec(req.body ?? '')?.[1] ?? 'unknown';
        let failed = true;
        try {
          const res = await d.handle(req);
          failed = res.status >= 400;
          return res;
        } finally {
          record(known(named) ? named : 'unknown', Number(process.hrtime.bigint() - started) / 1e9, failed);
        }
      },
    },
  };
}
