// The statement of an unfiltered list page (every live volume, every unarchived event, every job), made cheap the
// way listVirtualMachines' page is (orchestration/vm/vm-view.ts):
// - compiled once per dialect (db/precompiled), not built by Kysely on every request;
// - its rows read as arrays (better-sqlite3 builds a row object through V8's API one column at a time: for a page
//   of 500 rows of 20-40 columns that cost more than SQLite's own work), then turned into plain objects here;
// - a page in the second half of the list read counted from the end (SQLite only: MySQL takes no expression in
//   LIMIT), so its OFFSET steps over at most half of the index's entries. The total is counted inside the same
//   statement, so the window is exact in its snapshot whatever was added or removed since the caller's count.
import { MysqlAdapter, sql, type CompiledQuery, type Expression, type Kysely } from 'kysely';
import type { Database } from './schema';
import { precompiled } from './precompiled';

type AnyDb = Kysely<Database>;
/** LIMIT and OFFSET of a page: numbers, or SQL expressions for the page counted from the end. */
export interface PageBounds { limit: number | Expression<number>; offset: number | Expression<number> }
type Window = { offset: number; limit: number };

/**
 * An unfiltered list's page statement in both directions. `build(db, reversed, bounds)` gives the page query: with
 * `reversed` its ids are walked in the opposite order (the rows still come back in any order: callers sort the
 * page). `total` counts the list's rows in SQL (cheaply: from b-tree pages, see db/counts.ts).
 */
export function precompiledPage(total: Expression<number>, build: (db: AnyDb, reversed: boolean, bounds: PageBounds) => { compile(): CompiledQuery }) {
  const forward = precompiled((db, p: Window) => build(db, false, p));
  const backward = precompiled((db, p: Window) => build(db, true, {
    limit: sql<number>`max(0, min(${p.limit}, ${total} - ${p.offset}))`,
    offset: sql<number>`max(0, ${total} - ${p.offset} - ${p.limit})`,
  }));
  /** The page's rows as arrays; `count` (the caller's total) only chooses the direction. */
  return (db: AnyDb, window: Window, count: number): Promise<unknown[][]> =>
    (readsFromEnd(db) && window.offset + window.limit / 2 > count / 2 ? backward : forward).arrays(db, window);
}

/** Whether a page may be read counted from the end: SQLite only (MySQL takes no expression in LIMIT). */
const readsFromEnd = (db: AnyDb) => !(db.getExecutor().adapter instanceof MysqlAdapter);

/**
 * Rows read as arrays, as objects keyed by `columns` (the select list's order). Each object gets its properties in
 * the same order, so all share one hidden class.
 */
export function rowsOf<R>(columns: readonly string[], arrays: unknown[][]): R[] {
  const out = new Array<R>(arrays.length);
  const n = columns.length;
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i];
    const o: Record<string, unknown> = {};
    for (let c = 0; c < n; c++) o[columns[c]] = a[c];
    out[i] = o as R;
  }
  return out;
}
