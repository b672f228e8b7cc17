// What each account holds of the five types a deploy's limit check asks about (user_vm, cpu, memory, volume,
// primary_storage), as one row per account: a limit check reads the row instead of counting and summing the
// account's VMs and volumes (a cost that grew with the account: issue 11). CloudStack keeps the same figures in its
// resource_count table, one row per owner and type; here they are columns of one row, so a VM's change writes one
// row, not three. The rows are kept by triggers on vms and volumes (as 011c keeps cluster_capacity by triggers on
// hosts), inside the statement of every write, on any management server sharing the database: exact by
// construction, nothing a new code path could forget. A trigger writes only when what counts changes: a row
// inserted or deleted, a state into or out of the gone states, `removed` set, the owner (account_id) changed, or
// the VM's cpu / memory or the volume's size changed; Starting -> Running writes nothing more.
// Domains have no rows: a domain's usage is the sum of its subtree's account rows (core/limits/usage.ts). The root
// admin's accounts, never limited, have no figures in their rows (see `limited`).
// (MariaDB with binary logging on wants SUPER or log_bin_trust_function_creators=1 to create triggers.)
import { MysqlAdapter, sql, type Kysely } from 'kysely';

/** What counts, per table: the predicate (usage.ts's rules: gone states and removed rows do not count), the
 *  columns a counted row adds to, and the row's columns any of that depends on. */
interface Counted { table: string; counts: (r: string) => string; adds: [col: string, expr: (r: string) => string][]; watched: string[] }

export const COUNTED: Counted[] = [
  { table: 'vms', counts: (r) => `${r}.removed IS NULL AND ${r}.state NOT IN ('Destroyed', 'Expunging')`,
    adds: [['user_vm', () => '1'], ['cpu', (r) => `${r}.cpu_number`], ['memory', (r) => `${r}.memory`]],
    watched: ['account_id', 'state', 'removed', 'cpu_number', 'memory'] },
  { table: 'volumes', counts: (r) => `${r}.removed IS NULL AND ${r}.state NOT IN ('Destroy', 'Expunging', 'Expunged')`,
    adds: [['volume', () => '1'], ['primary_storage', (r) => `${r}.size`]],
    watched: ['account_id', 'state', 'removed', 'size'] },
];
/** The root admin's accounts (type 1) are never limited (core/limits/enforce.ts): their VMs and volumes are not kept
 *  in rows, so that their deploys, a thousand in flight on MariaDB, do not all wait on one row. */
const limited = (r: string) => `NOT EXISTS (SELECT 1 FROM accounts ex WHERE ex.id = ${r}.account_id AND ex.type = 1)`;

export const USAGE_COLUMNS = COUNTED.flatMap((c) => c.adds.map(([col]) => col));

const cols = (c: Counted) => c.adds.map(([col]) => col).join(', ');
const values = (c: Counted, r: string) => c.adds.map(([, e]) => e(r)).join(', ');
const subtract = (c: Counted, r: string) => `UPDATE account_usage SET ${c.adds.map(([col, e]) => `${col} = ${col} - (${e(r)})`).join(', ')}
  WHERE account_id = ${r}.account_id AND ${limited(r)}`;
/** Nothing that counts changed: both counted with the same owner and amounts, or neither counted. */
const unchanged = (c: Counted, eq: string) => `((${c.counts('OLD')}) ${eq} (${c.counts('NEW')}) AND (NOT (${c.counts('NEW')}) OR (${
  c.watched.filter((w) => w !== 'state' && w !== 'removed').map((w) => `OLD.${w} ${eq} NEW.${w}`).join(' AND ')})))`;

function sqliteTriggers(c: Counted): string[] {
  const add = (r: string, where: string) => `INSERT INTO account_usage (account_id, ${cols(c)}) SELECT ${r}.account_id, ${values(c, r)}
    WHERE ${where} ON CONFLICT (account_id) DO UPDATE SET ${c.adds.map(([col]) => `${col} = ${col} + excluded.${col}`).join(', ')}`;
  return [
    `CREATE TRIGGER ${c.table}_usage_insert AFTER INSERT ON ${c.table} WHEN ${c.counts('NEW')} BEGIN ${add('NEW', limited('NEW'))}; END`,
    `CREATE TRIGGER ${c.table}_usage_delete AFTER DELETE ON ${c.table} WHEN ${c.counts('OLD')} BEGIN ${subtract(c, 'OLD')}; END`,
    `CREATE TRIGGER ${c.table}_usage_update AFTER UPDATE OF ${c.watched.join(', ')} ON ${c.table} WHEN NOT ${unchanged(c, 'IS')}
      BEGIN ${subtract(c, 'OLD')} AND ${c.counts('OLD')}; ${add('NEW', `${c.counts('NEW')} AND ${limited('NEW')}`)}; END`,
  ];
}

function mysqlTriggers(c: Counted): string[] {
  const add = (r: string) => `INSERT INTO account_usage (account_id, ${cols(c)}) VALUES (${r}.account_id, ${values(c, r)})
    ON DUPLICATE KEY UPDATE ${c.adds.map(([col]) => `${col} = ${col} + VALUES(${col})`).join(', ')}`;
  return [
    `CREATE TRIGGER ${c.table}_usage_insert AFTER INSERT ON ${c.table} FOR EACH ROW BEGIN IF ${c.counts('NEW')} AND ${limited('NEW')} THEN ${add('NEW')}; END IF; END`,
    `CREATE TRIGGER ${c.table}_usage_delete AFTER DELETE ON ${c.table} FOR EACH ROW BEGIN IF ${c.counts('OLD')} THEN ${subtract(c, 'OLD')}; END IF; END`,
    // Every other update of the row (a state change among the counted states, a host or a name set) passes the
    // first test and writes nothing.
    `CREATE TRIGGER ${c.table}_usage_update AFTER UPDATE ON ${c.table} FOR EACH ROW BEGIN
      IF NOT ${unchanged(c, '<=>')} THEN
        IF ${c.counts('OLD')} THEN ${subtract(c, 'OLD')}; END IF;
        IF ${c.counts('NEW')} AND ${limited('NEW')} THEN ${add('NEW')}; END IF;
      END IF;
    END`,
  ];
}

/** The recount (this migration, updateResourceCount and database copies: core/db/account-usage.ts): the rows of the accounts `a` (the
 *  caller adds a WHERE on them), counted from their VMs and volumes by the triggers' own rules. */
export const RECOUNT_SELECT = `SELECT a.id AS account_id, ${COUNTED.flatMap((c) => c.adds.map(([col, e]) =>
  `(SELECT coalesce(sum(${e('x')}), 0) FROM ${c.table} x WHERE x.account_id = a.id AND a.type <> 1 AND ${c.counts('x')}) AS ${col}`)).join(', ')}
  FROM accounts a`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  let t = db.schema.createTable('account_usage').addColumn('account_id', 'varchar(40)', (c) => c.primaryKey());
  for (const col of USAGE_COLUMNS) t = t.addColumn(col, 'bigint', (c) => c.notNull().defaultTo(0));
  // SQLite: the row lives in its key's b-tree (no second tree for the primary key): one b-tree write per change.
  await (mysql ? t : t.modifyEnd(sql`without rowid`)).execute();
  await sql.raw(`INSERT INTO account_usage (account_id, ${USAGE_COLUMNS.join(', ')}) ${RECOUNT_SELECT} WHERE 1 = 1`).execute(db);
  for (const c of COUNTED) for (const s of mysql ? mysqlTriggers(c) : sqliteTriggers(c)) await sql.raw(s).execute(db);
}
