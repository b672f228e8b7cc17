// listCapacity summed every Routing host's counters on each call (a walk of 10,000-25,000 index entries at 100,000
// VMs). Its host capacities (memory, CPU MHz, CPU cores: totals and allocated) now come from one row per cluster,
// the way CloudStack reads op_host_capacity instead of the VMs. The rows are kept by triggers on hosts, so every
// writer of a host row (the planner's conditional reservation, releases, host add, reconnect, delete, and any
// management server sharing the database) keeps them current inside its own statement: no extra round trip, no
// per-process state, nothing a new code path could forget. A reservation changes one cluster row by its deltas.
// (MariaDB with binary logging on wants SUPER or log_bin_trust_function_creators=1 to create triggers.)
import { sql, type Kysely } from 'kysely';
import { MysqlAdapter } from 'kysely';

/** The counters, as host columns (each cluster row holds their sums over its live Routing hosts). */
const SUMS: [col: string, hostExpr: (r: string) => string][] = [
  ['hosts', () => '1'],
  ['memory_total', (r) => `${r}.memory_total`],
  ['memory_allocated', (r) => `${r}.memory_allocated`],
  ['cpu_total', (r) => `${r}.cpu_number * ${r}.cpu_speed`],
  ['cpu_allocated', (r) => `${r}.cpu_allocated`],
  ['cores_total', (r) => `${r}.cpu_number`],
  ['cores_allocated', (r) => `${r}.cpu_cores_allocated`],
];
const COLS = SUMS.map(([c]) => c).join(', ');
const member = (r: string) => `${r}.removed IS NULL AND ${r}.type = 'Routing'`;
const subtract = (r: string) => `UPDATE cluster_capacity SET ${SUMS.map(([c, e]) => `${c} = ${c} - (${e(r)})`).join(', ')}
  WHERE cluster_id = ${r}.cluster_id`;
/** The totals of a host are unchanged and it stays in its cluster (only its allocation may have moved). */
const sameTotals = (eq: string) => ['memory_total', 'cpu_number', 'cpu_speed', 'cluster_id', 'type']
  .map((c) => `OLD.${c} ${eq} NEW.${c}`).concat([`(OLD.removed IS NULL) = (NEW.removed IS NULL)`]).join(' AND ');
const allocDelta = `UPDATE cluster_capacity SET memory_allocated = memory_allocated + (NEW.memory_allocated - OLD.memory_allocated),
  cpu_allocated = cpu_allocated + (NEW.cpu_allocated - OLD.cpu_allocated),
  cores_allocated = cores_allocated + (NEW.cpu_cores_allocated - OLD.cpu_cores_allocated)
  WHERE cluster_id = NEW.cluster_id`;
const WATCHED = 'memory_total, memory_allocated, cpu_number, cpu_speed, cpu_allocated, cpu_cores_allocated, removed, type, cluster_id';

function sqliteTriggers(): string[] {
  const add = (r: string) => `INSERT INTO cluster_capacity (cluster_id, zone_id, pod_id, ${COLS})
    SELECT ${r}.cluster_id, ${r}.zone_id, ${r}.pod_id, ${SUMS.map(([, e]) => e(r)).join(', ')} WHERE ${member(r)}
    ON CONFLICT (cluster_id) DO UPDATE SET ${SUMS.map(([c]) => `${c} = ${c} + excluded.${c}`).join(', ')}`;
  return [
    `CREATE TRIGGER hosts_capacity_insert AFTER INSERT ON hosts BEGIN ${add('NEW')}; END`,
    `CREATE TRIGGER hosts_capacity_delete AFTER DELETE ON hosts WHEN ${member('OLD')} BEGIN ${subtract('OLD')}; END`,
    // The planner's reservations and releases: one row changed by the deltas.
    `CREATE TRIGGER hosts_capacity_alloc AFTER UPDATE OF ${WATCHED} ON hosts WHEN ${sameTotals('IS')} AND ${member('NEW')}
      BEGIN ${allocDelta}; END`,
    // A host added to or leaving the sums (removed, retyped, moved) or whose totals changed (a reconnect).
    `CREATE TRIGGER hosts_capacity_move AFTER UPDATE OF ${WATCHED} ON hosts WHEN NOT (${sameTotals('IS')})
      BEGIN ${subtract('OLD')} AND ${member('OLD')}; ${add('NEW')}; END`,
  ];
}

function mysqlTriggers(): string[] {
  const add = (r: string) => `INSERT INTO cluster_capacity (cluster_id, zone_id, pod_id, ${COLS})
    VALUES (${r}.cluster_id, ${r}.zone_id, ${r}.pod_id, ${SUMS.map(([, e]) => e(r)).join(', ')})
    ON DUPLICATE KEY UPDATE ${SUMS.map(([c]) => `${c} = ${c} + VALUES(${c})`).join(', ')}`;
  const allocSame = 'OLD.memory_allocated <=> NEW.memory_allocated AND OLD.cpu_allocated <=> NEW.cpu_allocated AND OLD.cpu_cores_allocated <=> NEW.cpu_cores_allocated';
  return [
    `CREATE TRIGGER hosts_capacity_insert AFTER INSERT ON hosts FOR EACH ROW BEGIN IF ${member('NEW')} THEN ${add('NEW')}; END IF; END`,
    `CREATE TRIGGER hosts_capacity_delete AFTER DELETE ON hosts FOR EACH ROW BEGIN IF ${member('OLD')} THEN ${subtract('OLD')}; END IF; END`,
    // Every other host update (heartbeats of 500 hosts at once) passes both tests and writes nothing.
    `CREATE TRIGGER hosts_capacity_update AFTER UPDATE ON hosts FOR EACH ROW BEGIN
      IF ${sameTotals('<=>')} THEN
        IF ${member('NEW')} AND NOT (${allocSame}) THEN ${allocDelta}; END IF;
      ELSE
        IF ${member('OLD')} THEN ${subtract('OLD')}; END IF;
        IF ${member('NEW')} THEN ${add('NEW')}; END IF;
      END IF;
    END`,
  ];
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  let t = db.schema.createTable('cluster_capacity')
    .addColumn('cluster_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('zone_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('pod_id', 'varchar(40)', (c) => c.notNull());
  for (const [c] of SUMS) t = t.addColumn(c, 'bigint', (col) => col.notNull().defaultTo(0));
  await t.execute();
  await sql.raw(`INSERT INTO cluster_capacity (cluster_id, zone_id, pod_id, ${COLS})
    SELECT h.cluster_id, min(h.zone_id), min(h.pod_id), ${SUMS.map(([, e]) => `sum(${e('h')})`).join(', ')}
    FROM hosts h WHERE ${member('h')} GROUP BY h.cluster_id`).execute(db);
  for (const s of mysql ? mysqlTriggers() : sqliteTriggers()) await sql.raw(s).execute(db);
}
