// Invalidation of per-process caches when several management servers share one database. Each cache family
// (identity, infrastructure, OS types, image files) has a generation row in `cache_generations`
// (migration 013b). A server that changes rows behind a family clears its own cache at once and bumps the row;
// every server polls the rows (one small query per poll, started and stopped by createCore) and clears a family
// whose generation moved. The rule: a cache never serves what another server changed for longer than one poll
// interval after that change committed (1 s by default), and never what this server changed.
// One SharedCaches per core (createCore makes it with the core's caches, core-caches.ts): two cores in one process
// learn of each other's changes only through the database, as two processes do.
import { sql } from 'kysely';
import type { Db } from './connect';

// (Migration 013b also seeded a 'catalog' row for a name cache that no longer exists; polls ignore it.)
export const CACHE_FAMILIES = ['identity', 'infrastructure', 'os_types', 'image_files'] as const;
export type CacheFamily = (typeof CACHE_FAMILIES)[number];

export interface SharedCaches {
  /** This server changed rows behind `family`: clear here now, and tell the other servers (resolves once told;
   *  callers that need not wait may ignore it: a failed bump is logged by nobody and retried by the next change). */
  changed(family: CacheFamily): Promise<void>;
  /** Registers a clear function; returns its disposer. */
  onChange(family: CacheFamily, clear: () => void): () => void;
  /** Reads the current generations (the baseline later changes are told from), then polls them every `pollMs`
   *  (createCore starts it; with 0 only explicit poll() calls look). */
  start(pollMs: number): Promise<void>;
  /** Reads the generations once (tests, and the poll loop). */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

export function createSharedCaches(db: Db): SharedCaches {
  const clears = new Map<CacheFamily, Set<() => void>>();
  const seen = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  const clearLocal = (family: string) => { for (const c of clears.get(family as CacheFamily) ?? []) c(); };
  const poll = async () => {
    const rows = await db.selectFrom('cache_generations').select(['name', 'generation']).execute();
    for (const r of rows) {
      const g = Number(r.generation);
      const before = seen.get(r.name);
      seen.set(r.name, g);
      if (before !== undefined && before !== g) clearLocal(r.name);
    }
  };
  return {
    changed(family) {
      clearLocal(family);
      return db.updateTable('cache_generations').set({ generation: sql<number>`generation + 1` })
        .where('name', '=', family).execute().then(() => undefined, () => undefined);
    },
    onChange(family, clear) {
      let set = clears.get(family);
      if (!set) clears.set(family, (set = new Set()));
      set.add(clear);
      return () => { set.delete(clear); };
    },
    async start(pollMs) {
      if (timer) return;
      await poll();
      if (pollMs <= 0) return;
      timer = setInterval(() => { polling = poll().catch(() => {}); }, pollMs);
      timer.unref();
    },
    poll,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await polling;
    },
  };
}
