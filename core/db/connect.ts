// Opens the database named by a URL and brings its schema up to date.
//   sqlite:/path/to/file.db (or a bare path)  -> better-sqlite3, WAL, foreign keys on, group commit (the embedded default)
//   mysql://user:pass@host:port/db            -> mysql2 pool (several management servers sharing one database)
import { Kysely, Migrator, sql, type MigrationProvider } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import type { Database } from './schema';
import { migrations } from './migrations/index';
import { GroupCommitSqliteDialect } from './sqlite-group-commit';
import { PipelinedMysqlDialect } from './mysql-dialect';
import { registerDirectExecutor } from './precompiled';
import { MYSQL_COLLATION } from './mysql-collation';
import { EmptyInPlugin } from './empty-in-plugin';

export type Db = Kysely<Database>;

export type DbKind = 'sqlite' | 'mysql';

export interface OpenedDb { db: Db; kind: DbKind; close(): Promise<void> }

/** poolSize: MySQL connections (default 20); migrate: false for a second handle on a database already migrated. */
export async function openDatabase(url: string, o: { poolSize?: number; migrate?: boolean } = {}): Promise<OpenedDb> {
  const kind: DbKind = url.startsWith('mysql://') ? 'mysql' : 'sqlite';
  let db: Db;
  if (kind === 'mysql') {
    const { createPool } = await import('mysql2');
    // Every connection talks utf8mb4 with one collation (names like 测试机 round-trip; comparisons never mix
    // collations); SUM() and other DECIMAL results come back as numbers, as SQLite gives them. Several statements
    // may go in one COM_QUERY (the statement pipeline batches them, db/mysql-pipeline.ts); every value in them is
    // escaped by mysql2 as before, never spliced in by hand.
    const poolOf = (connectionLimit: number) => {
      const pool = createPool({ uri: url, connectionLimit, charset: MYSQL_COLLATION.toUpperCase(), decimalNumbers: true, multipleStatements: true });
      pool.on('connection', (c) => { c.query(`SET NAMES utf8mb4 COLLATE ${MYSQL_COLLATION}`); });
      return pool;
    };
    // Transactions and unbatched statements take connections from the first pool; the pipeline's batches (up to
    // `readers` read round trips and one write round trip at a time) have their own.
    const readers = 3;
    const dialect = new PipelinedMysqlDialect(poolOf(o.poolSize ?? 20), poolOf(readers + 1), readers);
    db = new Kysely<Database>({ dialect, plugins: [new EmptyInPlugin()] });
    registerDirectExecutor(db, dialect.driver.direct());
    // Tables take the database's default charset: a stock server's is latin1, so the default is set before any
    // table is created (migration 013 converts tables an older Strata created).
    await sql`alter database ${sql.raw(`character set utf8mb4 collate ${MYSQL_COLLATION}`)}`.execute(db);
  } else {
    const file = url.replace(/^sqlite:(\/\/)?/, '');
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Never block the event loop on another process's lock: the group-commit driver waits asynchronously.
    sqlite.pragma('busy_timeout = 0');
    // 16 MiB of page cache: enough for the hot index pages of 100,000 VMs (ids are time-ordered, so inserts
    // touch the ends of the indexes) while keeping the resident size of a 100k-VM lab under 500 MB.
    sqlite.pragma('cache_size = -16384');
    // Statement and savepoint journals in memory: every write inside the group transaction (and every
    // db.transaction(), a savepoint) first copies the pages it changes there; as temp files that doubled its cost.
    sqlite.pragma('temp_store = MEMORY');
    const dialect = new GroupCommitSqliteDialect(sqlite, { file });
    db = new Kysely<Database>({ dialect });
    // Precompiled hot-path queries skip Kysely's per-query connection bookkeeping (see db/precompiled).
    registerDirectExecutor(db, {
      execute: (q) => dialect.executeOutsideTransaction(q),
      arrays: (q) => dialect.arraysOutsideTransaction(q),
      transaction: (fn) => dialect.transaction(fn),
    });
  }
  if (o.migrate !== false) await migrate(db);
  return { db, kind, close: () => db.destroy() };
}

async function migrate(db: Db): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  // Migrations are named by the issue that brought them (011b, 014c, 017t, ...), so a release can add one whose name
  // sorts before migrations a database already ran: each runs once, in name order among those not yet run.
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
}
