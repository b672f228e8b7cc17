// Precompiled queries for the hottest statements (thousands a second during bulk deploys). Building a query with
// Kysely and compiling it costs more than SQLite takes to run it, and the freshly built SQL string must be hashed
// again to find its prepared statement. A precompiled query is built and compiled ONCE per dialect (through the
// database's own compiler, so MySQL gets its own SQL) with placeholder values; each run only slots the real values
// into the compiled parameter list. Queries stay written with Kysely's typed builder, never as raw SQL strings.
//
//   const setState = precompiled((db, p: { id: string; state: string }) =>
//     db.updateTable('vms').set({ state: p.state }).where('id', '=', p.id));
//   await setState.run(db, { id, state: 'Running' });
//
// Rules for builders: use a placeholder only as a value (set, values, the right-hand side of where, sql`${}`),
// never to decide the shape of the query (no `if (p.x)`, no arrays of placeholders for `in`).
import type { CompiledQuery, Insertable, Kysely, QueryResult, Updateable, UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { Database } from './schema';

type AnyDb = Kysely<Database>;
/** Anything Kysely compiles: query builders, and `sql` templates (which take the db to compile). */
type Buildable<R> = { compile(db: AnyDb): CompiledQuery<R> } | { compile(): CompiledQuery<R> };
type Params = Record<string, unknown>;

const MARK = '\u0000strata-precompiled:';

/** For each parameter position: the constant (source -1) or which params object (0 or 1) and key it comes from. */
interface Template<R> { compiled: CompiledQuery<R>; sources: Int8Array; keys: string[] }

/** Placeholders: every property read gives a marker string that ends up in the compiled parameters. */
const placeholders = (source: 0 | 1) => new Proxy({}, { get: (_o, name) => `${MARK}${source}${String(name)}` });

function compileTemplate<R>(db: AnyDb, build: (db: AnyDb, p0: never, p1: never) => Buildable<R>): Template<R> {
  const compiled = (build(db, placeholders(0) as never, placeholders(1) as never) as { compile(db: AnyDb): CompiledQuery<R> }).compile(db);
  const n = compiled.parameters.length;
  const sources = new Int8Array(n).fill(-1);
  const keys = new Array<string>(n).fill('');
  compiled.parameters.forEach((v, i) => {
    if (typeof v === 'string' && v.startsWith(MARK)) {
      sources[i] = Number(v[MARK.length]);
      keys[i] = v.slice(MARK.length + 1);
    }
  });
  return { compiled, sources, keys };
}

/** Runs a compiled query on one connection of the database (or of one of its transactions). */
export type DirectExecutor = (q: CompiledQuery) => Promise<QueryResult<unknown>>;

/** What a dialect registers to run precompiled queries without Kysely's connection and transaction machinery. */
export interface DirectDialect {
  /** Outside any transaction. */
  execute: DirectExecutor;
  /** A read outside any transaction, its rows as arrays of column values in select-list order. */
  arrays(q: CompiledQuery): Promise<unknown[][]>;
  /** Begins a transaction, runs `fn` with an executor bound to it, commits (or rolls back if `fn` throws). */
  transaction<T>(fn: (exec: DirectExecutor) => Promise<T>): Promise<T>;
}

/** A transaction opened by precompiledTransaction on a direct dialect: it runs precompiled queries only. */
class DirectTransaction {
  constructor(readonly db: AnyDb, readonly exec: DirectExecutor) {}
}

/** Where precompiled queries run: a database, a Kysely transaction, or a precompiledTransaction handle. */
export type QueryTarget = AnyDb | DirectTransaction;

const direct = new WeakMap<object, DirectDialect>();

/**
 * Lets a dialect run compiled queries on `db` without Kysely's per-query connection bookkeeping, which costs more
 * than a small SQLite statement. The SQLite group-commit dialect registers its engine here.
 */
export function registerDirectExecutor(db: Kysely<never> | AnyDb, d: DirectDialect): void {
  direct.set(db, d);
}

/**
 * A transaction for work made only of precompiled queries (its handle runs nothing else). On a direct dialect it
 * goes straight to the driver's begin/commit/rollback; elsewhere it is an ordinary Kysely transaction. On MySQL
 * `fn` may run twice: its plain INSERTs are first held back to go with the next statement (db/mysql-dialect.ts), and
 * if one of them fails the transaction is rolled back and `fn` runs again with each statement sent as it comes, so
 * `fn` must be safe to run again after a rollback (what it changes outside the database, it sets anew).
 */
export function precompiledTransaction<T>(db: AnyDb, fn: (tx: QueryTarget) => Promise<T>): Promise<T> {
  const d = direct.get(db);
  if (!d) return db.transaction().execute(fn);
  return d.transaction((exec) => fn(new DirectTransaction(db, exec)));
}

/**
 * Runs a select outside any transaction and gives its rows as arrays of column values, in the order of the
 * select list: for wide pages whose rows the caller maps itself (the driver then builds no object per row).
 * On a dialect without a direct path the rows come back as objects and are turned into arrays here.
 */
export async function selectArrays(db: AnyDb, query: { compile(): CompiledQuery<unknown> }): Promise<unknown[][]> {
  const q = query.compile();
  const d = direct.get(db);
  if (d) return d.arrays(q);
  return (await db.executeQuery(q)).rows.map((r) => Object.values(r as object));
}

const dbOf = (target: QueryTarget): AnyDb => (target instanceof DirectTransaction ? target.db : target);

/** The template's parameter values for these params (an error naming a missing one). */
function bind<R>(t: Template<R>, p0: Params, p1?: Params): unknown[] | Error {
  const { compiled, sources, keys } = t;
  const constants = compiled.parameters;
  const values = new Array<unknown>(sources.length);
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    if (s < 0) { values[i] = constants[i]; continue; }
    const v = (s === 0 ? p0 : p1!)[keys[i]];
    if (v === undefined) return new Error(`precompiled query: no value for "${keys[i]}" in ${compiled.sql}`);
    values[i] = v;
  }
  return values;
}

function run<R>(target: QueryTarget, t: Template<R>, p0: Params, p1?: Params): Promise<QueryResult<R>> {
  const values = bind(t, p0, p1);
  return values instanceof Error ? Promise.reject(values) : runValues(target, t, values);
}

const withValues = <R>({ compiled }: Template<R>, values: unknown[]): CompiledQuery<R> =>
  ({ query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters: values });

function runValues<R>(target: QueryTarget, t: Template<R>, values: unknown[]): Promise<QueryResult<R>> {
  const q = withValues(t, values);
  if (target instanceof DirectTransaction) return target.exec(q) as Promise<QueryResult<R>>;
  const d = direct.get(target);
  return d ? d.execute(q) as Promise<QueryResult<R>> : target.executeQuery<R>(q);
}

/** Templates per dialect adapter: a transaction shares its database's adapter, so both find the same template. */
function templateCache<R>(build: (db: AnyDb, p0: never, p1: never) => Buildable<R>) {
  const templates = new WeakMap<object, Template<R>>();
  return (target: QueryTarget): Template<R> => {
    const db = dbOf(target);
    const adapter = db.getExecutor().adapter;
    let t = templates.get(adapter);
    if (!t) templates.set(adapter, (t = compileTemplate(db, build)));
    return t;
  };
}

const affected = (r: QueryResult<unknown>) => Number(r.numAffectedRows ?? 0n);

/** The columns given a value; like Kysely, a column whose value is undefined is left out. */
function columnsOf(o: object): string[] {
  const cols: string[] = [];
  for (const k in o) if ((o as Params)[k] !== undefined) cols.push(k);
  return cols;
}

export interface Precompiled<P extends Params, R> {
  /** Runs the query; resolves with the driver's result (rows, numAffectedRows). */
  execute(db: QueryTarget, params: P): Promise<QueryResult<R>>;
  /** Rows of a select (or of an insert/update ... returning). */
  rows(db: QueryTarget, params: P): Promise<R[]>;
  /** The first row, or undefined. */
  first(db: QueryTarget, params: P): Promise<R | undefined>;
  /** Rows changed by an insert, update or delete. */
  run(db: QueryTarget, params: P): Promise<number>;
  /** A select's rows as arrays of column values in select-list order (selectArrays), outside any transaction. */
  arrays(db: AnyDb, params: P): Promise<unknown[][]>;
}

export function precompiled<P extends Params, R = unknown>(build: (db: AnyDb, p: P) => Buildable<R>): Precompiled<P, R> {
  const template = templateCache<R>(build as never);
  const execute = (db: QueryTarget, params: P) => run(db, template(db), params);
  return {
    execute,
    rows: async (db, params) => (await execute(db, params)).rows,
    first: async (db, params) => (await execute(db, params)).rows[0],
    run: async (db, params) => affected(await execute(db, params)),
    arrays: (db, params) => {
      const t = template(db);
      const values = bind(t, params);
      return values instanceof Error ? Promise.reject(values) : selectArrays(db, { compile: () => withValues(t, values) });
    },
  };
}

type Table = keyof Database & string;

/**
 * A select over a list of ids (`where x in (...)`: the names, NICs and tags of a page). One template per
 * power-of-two list length up to `maxIds`; a list is padded to its template's length by repeating its last id (an
 * IN list is a set, so the rows are the same), and a longer one runs in chunks, rows in order within each chunk.
 * Building a 500-value IN with Kysely cost about as much as SQLite took to run it.
 */
export function precompiledIn<P extends Params, R>(build: (db: AnyDb, ids: string[], p: P) => Buildable<R>, maxIds = 512) {
  const sizes: number[] = [];
  for (let n = 1; n <= maxIds; n *= 2) sizes.push(n);
  const templates = sizes.map((n) => templateCache<R>((d, p0: never, p1: never) =>
    build(d, Array.from({ length: n }, (_, i) => (p1 as Record<string, string>)[i]), p0)));
  const runChunk = async (db: QueryTarget, ids: readonly string[], p: P): Promise<R[]> => {
    const k = Math.ceil(Math.log2(ids.length));
    const padded = ids.slice();
    while (padded.length < sizes[k]) padded.push(ids[ids.length - 1]);
    return (await run(db, templates[k](db), p, padded as unknown as Params)).rows;
  };
  return async (db: QueryTarget, ids: readonly string[], p: P): Promise<R[]> => {
    if (ids.length === 0) return [];
    if (ids.length <= maxIds) return runChunk(db, ids, p);
    const out: R[] = [];
    for (let at = 0; at < ids.length; at += maxIds) out.push(...await runChunk(db, ids.slice(at, at + maxIds), p));
    return out;
  };
}

/**
 * Single-row INSERT of `table`, with the columns of the row given (one template per set of columns, so callers
 * may leave out columns that have defaults). Resolves with the rows inserted (1).
 */
export function precompiledInsert<T extends Table>(table: T) {
  const byColumns = new Map<string, (db: QueryTarget) => Template<unknown>>();
  return (db: QueryTarget, row: Insertable<Database[T]>): Promise<number> => {
    const cols = columnsOf(row);
    const key = cols.join(',');
    let t = byColumns.get(key);
    if (!t) {
      t = templateCache((d, p: Params) => d.insertInto(table).values(Object.fromEntries(cols.map((c) => [c, p[c]])) as never));
      byColumns.set(key, t);
    }
    return run(db, t(db), row as Params).then(affected);
  };
}

/**
 * UPDATE `table` SET <the columns of `set`> WHERE <conditions built by `where` from its placeholders>; one
 * template per set of columns. Resolves with the number of rows changed (conditional updates check it).
 */
export function precompiledUpdate<T extends Table, W extends Params>(table: T,
  where: (qb: UpdateQueryBuilder<Database, T, T, UpdateResult>, w: W) => { compile(): CompiledQuery<unknown> }) {
  const bySet = new Map<string, (db: QueryTarget) => Template<unknown>>();
  return (db: QueryTarget, set: Updateable<Database[T]>, w: W): Promise<number> => {
    const cols = columnsOf(set);
    const key = cols.join(',');
    let t = bySet.get(key);
    if (!t) {
      t = templateCache((d, p: Params, q: W) => {
        const qb = (d as Kysely<any>).updateTable(table).set(Object.fromEntries(cols.map((c) => [c, p[c]])) as never);
        return where(qb as never, q);
      });
      bySet.set(key, t);
    }
    return run(db, t(db), set as Params, w).then(affected);
  };
}

/**
 * Multi-row INSERT of whole rows (all with the same columns), for group commits of many small rows (events,
 * jobs). One template per power-of-two row count up to `maxRows`: a batch of 46 rows runs as 32 + 8 + 4 + 2, in
 * one transaction so the batch stays all-or-nothing as a single statement would be.
 */
export function precompiledInsertMany<T extends Table>(table: T, columns: readonly (keyof Database[T] & string)[], maxRows = 256) {
  const sizes: number[] = [];
  for (let n = 1; n <= maxRows; n *= 2) sizes.push(n);
  const templates = sizes.map((n) => templateCache((d) => (d as Kysely<any>).insertInto(table).values(
    Array.from({ length: n }, () => Object.fromEntries(columns.map((c) => [c, `${MARK}0${c}`]))) as never)));
  const checked = new WeakSet<object>();
  const chunk = (db: QueryTarget, rows: Insertable<Database[T]>[], n: number) => {
    const t = templates[Math.log2(n)](db);
    // The template's parameters are row by row in `columns` order; checked once, then filled by position.
    if (!checked.has(t)) {
      if (t.keys.some((k, i) => k !== columns[i % columns.length] || t.sources[i] !== 0)) {
        return Promise.reject(new Error(`precompiled insert into ${table}: unexpected parameter order`));
      }
      checked.add(t);
    }
    const values = new Array<unknown>(n * columns.length);
    let i = 0;
    for (const row of rows) for (const c of columns) values[i++] = (row as Params)[c] ?? null;
    return runValues(db, t, values);
  };
  return async (db: AnyDb, rows: Insertable<Database[T]>[]): Promise<void> => {
    const parts: [number, number][] = [];
    for (let at = 0, left = rows.length; left > 0;) {
      const n = sizes[Math.min(sizes.length - 1, Math.floor(Math.log2(left)))];
      parts.push([at, n]);
      at += n;
      left -= n;
    }
    if (parts.length === 1) return void (await chunk(db, rows, rows.length));
    await precompiledTransaction(db, async (tx) => {
      for (const [at, n] of parts) await chunk(tx, rows.slice(at, at + n), n);
    });
  };
}

/** Every column of T, checked by the compiler: `allColumns<EventRow>()(['id', ...])` fails to build if one is missing. */
export function allColumns<T>() {
  return <const C extends readonly (keyof T & string)[]>(
    cols: C & (Exclude<keyof T, C[number]> extends never ? unknown : { missing: Exclude<keyof T, C[number]> })): C => cols;
}

/**
 * Runs any query built on the target's database (not precompiled) on the target, for the few statements of a
 * precompiledTransaction that run once per transaction (a limit's lock and count, core/limits).
 */
export async function runOn<R>(target: QueryTarget, build: (db: AnyDb) => { compile(): CompiledQuery<R> }): Promise<R[]> {
  const q = build(dbOf(target)).compile();
  if (target instanceof DirectTransaction) return (await target.exec(q)).rows as R[];
  return (await target.executeQuery(q)).rows;
}
