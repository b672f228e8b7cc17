// Resource monitoring, as createCore starts it: the store, the collector on its interval and the maintenance
// loop (rollups, retention, usage alerts) once a minute. Both loops skip a turn while the previous one runs.
import type { Services } from '../kernel/services';
import { metricsConfig, type MetricsConfig } from './metrics-schema';
import { createMetricsStore, type MetricsStore } from './store';
import { createCollector, type Collector } from './collector';
import { applyRetention, runRollups } from './rollup';
import { checkUsageAlerts } from './alerts';
import { deriveZoneSeries } from './zone-series';

export { createMetricsModule } from './commands';

export interface MetricsOptions {
  /** Sampling interval in ms (default 10 s); 0 disables the loops (tests drive tick() and maintain()). */
  intervalMs?: number;
  /** Tier steps and retention (see metrics-schema.ts). */
  config?: Partial<MetricsConfig>;
  maintenanceMs?: number;
}

export interface Metrics {
  store: MetricsStore;
  collector: Collector;
  /** Zone series, rollups, retention and usage alerts up to now. */
  maintain(): Promise<void>;
  /** Starts the collection and maintenance loops (createCore calls it once start-up reconciliation is done). */
  start(): void;
  stop(): Promise<void>;
}

export function startMetrics(svc: Services, opts: MetricsOptions = {}): Metrics {
  const intervalMs = opts.intervalMs ?? 10_000;
  const config = metricsConfig({ ...opts.config, ...(intervalMs > 0 ? { intervalS: Math.max(1, Math.round(intervalMs / 1000)) } : {}) });
  const store = createMetricsStore(svc.db, config, () => svc.clock.now());
  const collector = createCollector(svc, store);
  const maintain = async () => {
    const now = Math.floor(svc.clock.now() / 1000);
    // Zone rows first: tier 1's rollup waits for them (zone-series.ts).
    await deriveZoneSeries(svc.db, store, config, now);
    await runRollups(svc.db, config, now);
    await applyRetention(svc.db, config, now);
    await checkUsageAlerts(svc, store);
  };
  const running = new Set<Promise<unknown>>();
  const loop = (ms: number, what: string, fn: () => Promise<unknown>) => {
    let busy = false;
    const t = setInterval(() => {
      if (busy) return;
      busy = true;
      const p = fn().catch((e: Error) => svc.log.warn(`metrics ${what} failed`, { error: e.message }))
        .finally(() => { busy = false; running.delete(p); });
      running.add(p);
    }, ms);
    t.unref();
    return t;
  };
  const timers: NodeJS.Timeout[] = [];
  return {
    store, collector, maintain,
    start() {
      if (intervalMs <= 0 || timers.length > 0) return;
      timers.push(loop(intervalMs, 'collection', () => collector.tick()), loop(opts.maintenanceMs ?? 60_000, 'maintenance', maintain));
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all([...running]);
      await store.flush();
    },
  };
}
