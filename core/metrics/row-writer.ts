// The raw rows waiting to be written, and their writer. A tick queues ~200,000 rows at 100,000 VMs: as objects with
// a values array each they were ~40 MB of garbage per tick that lived long enough (until the tick's write) to be
// promoted and traced by the old-generation GC. Queued here they are numbers in a Float64Array (ts, series and the
// channels per row, NaN for an unknown value), and the writer binds them chunk by chunk.
//
// Writes: one multi-row INSERT per `writeChunk` rows, `turnRows` rows per event-loop turn. SQLite's group commit
// (db/sqlite-group-commit.ts) commits once per turn, so the rows of a turn share one WAL commit (and whatever the
// API wrote in that turn shares it too); the turn then yields, so a request waits at most one turn's insert.
import { CompiledQuery, MysqlAdapter } from 'kysely';
import type { Db } from '../db/connect';
import { CHANNELS, type MetricsConfig } from './metrics-schema';

/** Numbers per queued row: ts, series, then the channels. */
const ROW = 2 + CHANNELS;

export class RowQueue {
  private data = new Float64Array(ROW * 4096);
  rows = 0;

  /** Queues a row; values[c] NaN, null or undefined for an unknown value. */
  add(ts: number, series: number, values: ArrayLike<number | null | undefined>): void {
    if ((this.rows + 1) * ROW > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const o = this.rows++ * ROW;
    this.data[o] = ts;
    this.data[o + 1] = series;
    for (let c = 0; c < CHANNELS; c++) this.data[o + 2 + c] = values[c] ?? NaN;
  }

  /**
   * Row numbers in the table's key order (ts, series): SQLite then appends each row next to the previous one and a
   * commit writes a few pages at the index's end, where rows in host order landed all over the tick's part of the
   * index and each commit rewrote most of its pages.
   */
  keyOrder(): Uint32Array {
    const order = new Uint32Array(this.rows);
    const d = this.data;
    let sorted = true;
    for (let i = 0; i < this.rows; i++) {
      order[i] = i;
      if (i > 0 && (d[i * ROW] - d[(i - 1) * ROW] || d[i * ROW + 1] - d[(i - 1) * ROW + 1]) < 0) sorted = false;
    }
    // Rows queued in key order already (a bulk load) skip the sort.
    return sorted ? order : order.sort((a, b) => d[a * ROW] - d[b * ROW] || d[a * ROW + 1] - d[b * ROW + 1]);
  }

  /** Row i's parameters as the INSERT binds them (count 1: a raw sample; non-finite values as NULL), into params at p. */
  bind(i: number, params: unknown[], p: number): void {
    const o = i * ROW;
    params[p] = this.data[o];
    params[p + 1] = this.data[o + 1];
    params[p + 2] = 1;
    for (let c = 0; c < CHANNELS; c++) {
      const v = this.data[o + 2 + c];
      params[p + 3 + c] = Number.isFinite(v) ? Math.round(v) : null;
    }
  }
}

/** MySQL/MariaDB: "Deadlock found when trying to get lock; try restarting transaction". */
const ER_LOCK_DEADLOCK = 1213;

// Raw rows carry sums only (maxima are the values themselves: maxOf), so the insert names no x column.
const COLUMNS = ['ts', 'series', 'n', ...Array.from({ length: CHANNELS }, (_, c) => `s${c}`)];

/** Writes queues of rows: one writer per store (its SQL texts and parameter arrays are reused). */
export function rowWriter(db: Db, config: MetricsConfig): (q: RowQueue) => Promise<void> {
  const insertSql = rawInsert(db.getExecutor().adapter instanceof MysqlAdapter);
  const exec = async (rows: number, params: unknown[]) => {
    const query = CompiledQuery.raw(insertSql(rows), params);
    // InnoDB may pick this insert as a deadlock victim (a rollup reading metric_t0 at that moment): the insert
    // did nothing, and running it again is what MySQL asks for.
    for (let attempt = 1; ; attempt++) {
      try { await db.executeQuery(query); return; } catch (e) {
        if ((e as { errno?: number }).errno !== ER_LOCK_DEADLOCK || attempt === 3) throw e;
      }
    }
  };
  return async (q) => {
    const chunk = config.writeChunk;
    const chunksPerTurn = Math.max(1, Math.floor(config.turnRows / chunk));
    const order = q.keyOrder();
    for (let i = 0; i < q.rows;) {
      // A turn's inserts are all issued before any is awaited: a write's promise settles after the group commit
      // at the end of the turn, so awaiting each one would commit (and yield) once per chunk.
      const turn: Promise<void>[] = [];
      for (let k = 0; k < chunksPerTurn && i < q.rows; k++, i += chunk) {
        const rows = Math.min(chunk, q.rows - i);
        // A new array per chunk: Kysely freezes a compiled query's parameters (short-lived, a young-generation GC's).
        const params = new Array(rows * COLUMNS.length);
        for (let r = 0; r < rows; r++) q.bind(order[i + r], params, r * COLUMNS.length);
        turn.push(exec(rows, params));
      }
      const failed = (await Promise.allSettled(turn)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  };
}

/** `INSERT OR IGNORE` (SQLite) / `INSERT IGNORE` (MySQL) of n raw rows, memoized by n. */
function rawInsert(mysql: boolean): (rows: number) => string {
  const cache = new Map<number, string>();
  const tuple = `(${COLUMNS.map(() => '?').join(',')})`;
  return (rows) => {
    let text = cache.get(rows);
    if (text === undefined) {
      text = `${mysql ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO'} metric_t0 (${COLUMNS.join(',')}) VALUES ${new Array(rows).fill(tuple).join(',')}`;
      cache.set(rows, text);
    }
    return text;
  };
}
