// Counts what the management server sends to MySQL/MariaDB, for core/bench/cost.ts --db mariadb: every command
// mysql2 puts on the wire (a text query, or a prepared statement's execution) is one round trip; by SQL text,
// with how many were in flight at once over the pool's connections (time-weighted), and the time from sending each
// until its answer arrived. Patches mysql2's connection class in this process only (a benchmark, never the server).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface MysqlProbe {
  counts: Map<string, number>;
  /** Round trips, connections busy on average while any was busy, and mean ms per round trip. */
  summary(): { roundTrips: number; meanInFlight: number; maxInFlight: number; meanMs: number; busyFraction: number };
  reset(): void;
}

/** A statement's text with its literals as `?`, so the statements of every deploy count under one key. */
const shape = (sql: string) => sql.replace(/'(?:[^'\\]|\\.|'')*'/g, '?').replace(/\b\d+(\.\d+)?\b/g, '?');

/** split: count each statement of a multi-statement round trip by its shape (literals as `?`), not the round trip. */
export function installMysqlProbe(o: { split?: boolean } = {}): MysqlProbe {
  const req = createRequire(import.meta.url);
  // Not in the package's exports: reached by its path beside the package's entry.
  const Base = req(join(dirname(req.resolve('mysql2')), 'lib/base/connection.js')) as { prototype: Record<string, (...a: unknown[]) => unknown> };
  const counts = new Map<string, number>();
  let inFlight = 0, maxInFlight = 0, trips = 0, totalMs = 0;
  // Integrals over time: busy time (any in flight) and sum of in-flight counts.
  let last = performance.now(), busyMs = 0, weighted = 0, t0 = last;
  const tick = () => {
    const now = performance.now();
    if (inFlight > 0) { busyMs += now - last; weighted += inFlight * (now - last); }
    last = now;
  };
  for (const m of ['query', 'execute']) {
    const orig = Base.prototype[m];
    Base.prototype[m] = function (this: unknown, sql: unknown, values: unknown, cb: unknown) {
      // Commands built by the pool come back through query() once more with the command object: count them once.
      if (typeof sql === 'object' && sql && (sql as { __probed?: true }).__probed) return orig.call(this, sql, values, cb);
      const key = `${m === 'execute' ? '[prepared] ' : ''}${typeof sql === 'string' ? sql : String((sql as { sql?: string }).sql)}`;
      if (o.split) for (const one of key.split(';\n')) counts.set(shape(one), (counts.get(shape(one)) ?? 0) + 1);
      else counts.set(key, (counts.get(key) ?? 0) + 1);
      tick();
      inFlight++;
      trips++;
      if (inFlight > maxInFlight) maxInFlight = inFlight;
      const start = performance.now();
      const done = () => { tick(); inFlight--; totalMs += performance.now() - start; };
      const cmd = orig.call(this, sql, values, cb) as { once?: (ev: string, f: () => void) => void; __probed?: true };
      if (cmd && typeof cmd.once === 'function') {
        cmd.__probed = true;
        let settled = false;
        const end = () => { if (!settled) { settled = true; done(); } };
        cmd.once('end', end);
        cmd.once('error', end);
      } else done();
      return cmd;
    };
  }
  return {
    counts,
    summary: () => {
      tick();
      return { roundTrips: trips, meanInFlight: busyMs ? weighted / busyMs : 0, maxInFlight, meanMs: trips ? totalMs / trips : 0,
        busyFraction: busyMs / Math.max(1, last - t0) };
    },
    reset: () => { counts.clear(); tick(); maxInFlight = inFlight; trips = 0; totalMs = 0;
      busyMs = 0; weighted = 0; t0 = last; },
  };
}
