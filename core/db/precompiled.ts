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

type DirectExecutor = (q: CompiledQuery) => Promise<QueryResult<unknown>>;
const direct = new WeakMap<object, DirectExecutor>();

/**
 * Lets a dialect run compiled queries on `db` (not on its transactions) without Kysely's connection machinery,
 * which costs more than a small SQLite statement. The SQLite group-commit dialect registers its engine here.
 */
export function registerDirectExecutor(db: Kysely<never> | AnyDb, exec: DirectExecutor): void {
  direct.set(db, exec);
}

function run<R>(db: AnyDb, t: Template<R>, p0: Params, p1?: Params): Promise<QueryResult<R>> {
  const { compiled, sources, keys } = t;
  const constants = compiled.parameters;
  const values = new Array<unknown>(sources.length);
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    if (s < 0) { values[i] = constants[i]; continue; }
    const v = (s === 0 ? p0 : p1!)[keys[i]];
    if (v === undefined) return Promise.reject(new Error(`precompiled query: no value for "${keys[i]}" in ${compiled.sql}`));
    values[i] = v;
  }
  const q: CompiledQuery<R> = { query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters: values };
  const exec = direct.get(db);
  return exec ? exec(q) as Promise<QueryResult<R>> : db.executeQuery<R>(q);
}

/** Templates per dialect adapter: a transaction shares its database's adapter, so both find the same template. */
function templateCache<R>(build: (db: AnyDb, p0: never, p1: never) => Buildable<R>) {
  const templates = new WeakMap<object, Template<R>>();
  return (db: AnyDb): Template<R> => {
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
  execute(db: AnyDb, params: P): Promise<QueryResult<R>>;
  /** Rows of a select (or of an insert/update ... returning). */
  rows(db: AnyDb, params: P): Promise<R[]>;
  /** The first row, or undefined. */
  first(db: AnyDb, params: P): Promise<R | undefined>;
  /** Rows changed by an insert, update or delete. */
  run(db: AnyDb, params: P): Promise<number>;
}

export function precompiled<P extends Params, R = unknown>(build: (db: AnyDb, p: P) => Buildable<R>): Precompiled<P, R> {
  const template = templateCache<R>(build as never);
  const execute = (db: AnyDb, params: P) => run(db, template(db), params);
  return {
    execute,
    rows: async (db, params) => (await execute(db, params)).rows,
    first: async (db, params) => (await execute(db, params)).rows[0],
    run: async (db, params) => affected(await execute(db, params)),
  };
}

type Table = keyof Database & string;

/**
 * Single-row INSERT of `table`, with the columns of the row given (one template per set of columns, so callers
 * may leave out columns that have defaults). Resolves with the rows inserted (1).
 */
export function precompiledInsert<T extends Table>(table: T) {
  const byColumns = new Map<string, (db: AnyDb) => Template<unknown>>();
  return (db: AnyDb, row: Insertable<Database[T]>): Promise<number> => {
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
  const bySet = new Map<string, (db: AnyDb) => Template<unknown>>();
  return (db: AnyDb, set: Updateable<Database[T]>, w: W): Promise<number> => {
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
