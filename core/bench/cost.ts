// Load-independent costs of the hot paths, for a machine whose wall-clock figures swing with other work:
//   deploy: SQL statements and commits per deploy, WAL bytes the main thread writes per deploy, main-thread CPU ms
//           per deploy, and the statements ranked by count (on 1,000 simulator hosts, after a warm-up).
//   list:   statements per listVirtualMachines page of 500 (in-process, through the dispatcher) and CPU ms per page.
//   --accounts N: every deploy for another of N user accounts (account=, domainid=; as scale.ts), where the limits
//           of a user account apply, instead of the admin's (exempt from limits); the limits set far above what the
//           run deploys (scale.ts's HIGH_LIMITS), so none is refused but each deploy pays for its check.
// Run: node bin/run-ts.mjs core/bench/cost.ts [--vms N] [--list-vms N] [--top K] [--accounts N] [--db mariadb]
//   --list-db FILE: only the list costs, on the SQLite lab already in FILE (a copy: migrations upgrade it on open);
//   --list-command NAME: another list command's pages instead (listVolumes, listHosts, listEvents, ...);
//   --list-params k=v,...: filters for each list page (state=Running, keyword=VM, ...);
//   --deploy-db FILE: the deploy costs on the SQLite lab already in FILE (a copy: it is written to), in its first
//           Enabled zone with the `bench-tiny` offering and `bench-tpl` template (the lab of run.ts / scale-lab), to
//           see what grows with the tables (e.g. /work/bench/g1.db: 10,000 hosts, 100,000 VMs);
//   --cache-mib N: the main connection's SQLite page cache at N MiB instead of connect.ts's (what cache misses cost;
//           core/bench/grow-cost.ts has the same option and measures the whole growth phase slice by slice);
//   --heap PREFIX: what the measured deploys allocate, by site (PREFIX-deploy.heapprofile) and in KiB per deploy;
//   --no-metrics: the metrics collector off (it samples every running VM every 10 s on the same thread).
//   --db mariadb: the same on a private mariadbd (core/testing/mariadb.ts), counted on the wire (bench/mysql-probe):
//           round trips and transactions per deploy, and how many of the pool's connections were busy at once.
//           Also the cores each process kept busy per wall second and how much of it Node's event loop was busy
//           (on a quiet 2-core machine, near 2.0 means the deploy rate is bound by the two processes' CPU).
//   --digests (with --db mariadb): mariadbd runs with performance_schema on, and the statements of the measured
//           deploys are ranked by the server's time for them (events_statements_summary_by_digest): per deploy,
//           count, server us, rows examined, rows sent. performance_schema itself costs the server CPU: compare
//           mariadbd CPU figures only between runs with the same setting. (MariaDB files a multi-statement round
//           trip under its first statement's digest.)
//   --split (with --db mariadb): the statements ranked one by one (each of a multi-statement round trip counted, its
//           literals as ?), not the round trips; "statements per op" is then the statements sent.
//   --socket (with --db mariadb): over mariadbd's unix socket instead of TCP on loopback.
//   --server-arg OPT (with --db mariadb, repeatable): another mariadbd option, to compare server settings.
//   --test-server (with --db mariadb): the tests' server settings (files in memory, nothing flushed) instead of
//           the README's recommended ones (core/testing/mariadb.ts RECOMMENDED_SETTINGS, files on disk).
//   --ab-prepared (with --db mariadb): the measured deploys in slices of 500, every other one with the statements
//           sent as text instead of prepared (db/mysql-prepared.ts), and the CPU of both sides per deploy for each
//           way: the machine's load falls on both alike.
//   --ab-triggers (with --db mariadb): the same, every other slice with the database's triggers dropped (account_usage
//           on vms and volumes, cluster_capacity on hosts; their rows drift meanwhile: a benchmark's database only);
//           besides CPU, the wall time and round trips of each way. --trigger-tables vms,volumes: only those tables' (or those
//           triggers: --trigger-tables vms_usage_update,hosts_capacity_update).
//   --slow-log FILE (with --db mariadb): the statements of the measured deploys in mariadbd's slow log
//           (long_query_time 0, with pages accessed and query plans), one entry per statement; MariaDB 10.11 logs only
//           some statements of a multi-statement round trip (about 6 of a deploy's 17: the write batches' UPDATEs).
// With --db mariadb it also prints the server's work per deploy from its status counters (pages read and written in
// the buffer pool, rows written, statements by kind, context switches): unlike CPU time, these do not grow with the
// machine's load, so they compare index and statement changes on a loaded machine.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import SqliteDatabase from 'better-sqlite3';
import { createCore } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany } from './lab';
import { growAccounts, HIGH_LIMITS } from './scale-lab';
import { installMysqlProbe } from './mysql-probe';
import { rewritePragma } from './sqlite-pragma';

const { values } = parseArgs({ options: { vms: { type: 'string' }, 'list-vms': { type: 'string' }, top: { type: 'string' },
  profile: { type: 'string' }, heap: { type: 'string' }, wal: { type: 'boolean' }, accounts: { type: 'string' }, 'list-db': { type: 'string' }, 'list-command': { type: 'string' }, 'list-params': { type: 'string' },
  'deploy-db': { type: 'string' }, 'cache-mib': { type: 'string' },
  'no-metrics': { type: 'boolean' }, 'ab-prepared': { type: 'boolean' }, 'ab-triggers': { type: 'boolean' }, 'trigger-tables': { type: 'string' }, 'test-server': { type: 'boolean' }, db: { type: 'string' }, digests: { type: 'boolean' }, 'slow-log': { type: 'string' }, 'server-arg': { type: 'string', multiple: true }, socket: { type: 'boolean' }, split: { type: 'boolean' } } });
const listCommand = values['list-command'] ?? 'listVirtualMachines';
const listParams = Object.fromEntries((values['list-params'] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=', 2) as [string, string]));
const onMariaDb = values.db === 'mariadb';
const mysqlProbe = onMariaDb ? installMysqlProbe({ split: values.split }) : undefined;
const measured = Number(values.vms ?? 3000);
const listVms = Number(values['list-vms'] ?? 0);
const top = Number(values.top ?? 25);

// Every execution of a prepared statement, by SQL text (the group-commit driver runs everything through these).
const counts = new Map<string, number>();
/** And the time spent in each (ms), to rank statements by what they cost, not only by how often they run. */
const times = new Map<string, number>();
const probe = new SqliteDatabase(':memory:').prepare('select 1');
const proto = Object.getPrototypeOf(probe) as Record<string, (...a: unknown[]) => unknown>;
for (const m of ['run', 'get', 'all', 'iterate']) {
  const orig = proto[m];
  proto[m] = function (this: { source: string }, ...args: unknown[]) {
    counts.set(this.source, (counts.get(this.source) ?? 0) + 1);
    const t0 = performance.now();
    try {
      return orig.apply(this, args);
    } finally {
      times.set(this.source, (times.get(this.source) ?? 0) + performance.now() - t0);
    }
  };
}

// --wal: no checkpoints at all during the run (the checkpoint worker never starts, the main connection's threshold
// is 0), so the WAL keeps every frame written; afterwards each frame's page is named by its table or index (dbstat).
if (values.wal) {
  const wt = createRequire(import.meta.url)('node:worker_threads') as { Worker: unknown };
  wt.Worker = class { unref() {} on() {} once() {} postMessage() {} terminate() {} };
  syncBuiltinESMExports();
  rewritePragma(/^wal_autocheckpoint/, 'wal_autocheckpoint = 0');
}

if (values['cache-mib']) rewritePragma(/^cache_size/, `cache_size = -${Number(values['cache-mib']) * 1024}`);

/** Frames of the WAL file from frame `from` on, counted by the table or index their page belongs to. */
function walFrames(dbFile: string, from: number): { frames: number; commits: number; byName: Map<string, number> } {
  const buf = readFileSync(`${dbFile}-wal`);
  const pageSize = buf.readUInt32BE(8);
  const names = new Map<number, string>();
  const ro = new SqliteDatabase(dbFile, { readonly: true });
  for (const r of ro.prepare('select name, pageno from dbstat').all() as { name: string; pageno: number }[]) names.set(r.pageno, r.name);
  ro.close();
  const byName = new Map<string, number>();
  let frames = 0;
  let commits = 0;
  for (let off = 32 + from * (pageSize + 24); off + 24 <= buf.length; off += pageSize + 24, frames++) {
    if (buf.readUInt32BE(off + 4) !== 0) commits++;
    const name = names.get(buf.readUInt32BE(off)) ?? '(free or new)';
    byName.set(name, (byName.get(name) ?? 0) + 1);
  }
  return { frames, commits, byName };
}
const walFrameCount = (dbFile: string) => {
  try {
    const size = readFileSync(`${dbFile}-wal`).length;
    return Math.max(0, Math.floor((size - 32) / (4096 + 24)));
  } catch { return 0; }
};

/** Bytes written and CPU ms of this process's main thread (Linux /proc). */
function mainThread() {
  const server = serverCpuMs();
  const io = readFileSync(`/proc/self/task/${process.pid}/io`, 'utf8');
  const wchar = Number(/wchar: (\d+)/.exec(io)![1]);
  // Reads of the database file: each is a page SQLite's own cache did not hold (the WAL index is mapped, not read).
  const syscr = Number(/syscr: (\d+)/.exec(io)![1]);
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // The other threads: V8's GC helpers (concurrent marking, parallel scavenges), the WAL checkpointer, libuv's pool.
  let othersMs = 0;
  for (const t of readdirSync('/proc/self/task')) {
    if (t === String(process.pid)) continue;
    try {
      const st = readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1].split(' ');
      othersMs += (Number(st[11]) + Number(st[12])) * 10;
    } catch { /* a thread that ended */ }
  }
  return { elu: performance.eventLoopUtilization(), at: performance.now(), process: process.cpuUsage(), threads: serverThreadsMs(), wchar, syscr, othersMs, cpuMs: (Number(stat[11]) + Number(stat[12])) * 10, sysMs: Number(stat[12]) * 10, server, serverSys: serverSysMs() };
}

/** Kernel-side CPU ms of the private mariadbd so far (all its threads), or 0 without one. */
function serverSysMs(): number {
  if (!serverPid) return 0;
  return Number(readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ')[12]) * 10;
}

/** CPU ms of the private mariadbd so far by thread name (connection threads, InnoDB's background threads). */
function serverThreadsMs(): Map<string, number> {
  const out = new Map<string, number>();
  if (!serverPid) return out;
  for (const t of readdirSync(`/proc/${serverPid}/task`)) {
    try {
      const name = readFileSync(`/proc/${serverPid}/task/${t}/comm`, 'utf8').trim();
      const st = readFileSync(`/proc/${serverPid}/task/${t}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(st[11]) + Number(st[12])) * 10);
    } catch { /* a thread that ended */ }
  }
  return out;
}

/** CPU ms of the private mariadbd so far (all its threads), or 0 without one. */
let serverPid = 0;
function serverCpuMs(): number {
  if (!serverPid) return 0;
  const stat = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(stat[11]) + Number(stat[12])) * 10;
}

/** Garbage collections while measuring: count and pause ms by kind (minor: scavenges; major: mark-compact). */
const gcPauses = new Map<string, { count: number; ms: number }>();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : 'major';
    const g = gcPauses.get(kind) ?? { count: 0, ms: 0 };
    g.count++;
    g.ms += e.duration;
    gcPauses.set(kind, g);
  }
}).observe({ entryTypes: ['gc'] });

function report(label: string, n: number, before: ReturnType<typeof mainThread>) {
  const after = mainThread();
  const rows = [...(mysqlProbe?.counts ?? counts).entries()].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, c]) => s + c, 0);
  const commits = rows.filter(([s]) => /^\s*commit/i.test(s)).reduce((s, [, c]) => s + c, 0);
  console.log(`\n== ${label}: ${n} operations`);
  console.log(`statements per op: ${(total / n).toFixed(2)}  commits per op: ${(commits / n).toFixed(3)}`);
  if (mysqlProbe) {
    const m = mysqlProbe.summary();
    console.log(`round trips per op: ${(m.roundTrips / n).toFixed(2)}  mean ms per round trip: ${m.meanMs.toFixed(2)}  ` +
      `connections busy at once (mean while any, max): ${m.meanInFlight.toFixed(1)}, ${m.maxInFlight}  share of wall time with one busy: ${(m.busyFraction * 100).toFixed(0)}%`);
    console.log(`mariadbd CPU ms per op: ${((after.server - before.server) / n).toFixed(3)} (in the kernel: ${((after.serverSys - before.serverSys) / n).toFixed(3)})`);
    // Where the wall time went: the CPU of both processes per wall second (2 cores here: near 2 means the deploy
    // rate is bound by CPU, theirs or, on a loaded machine, others'), and how much of it the event loop sat idle.
    const wall = after.at - before.at;
    const nodeMs = (after.process.user + after.process.system - before.process.user - before.process.system) / 1000;
    const elu = performance.eventLoopUtilization(after.elu, before.elu);
    console.log(`cores busy (per wall second): mariadbd ${((after.server - before.server) / wall).toFixed(2)}, node (all threads) ${(nodeMs / wall).toFixed(2)}; ` +
      `node's event loop busy ${(elu.utilization * 100).toFixed(0)}% of the wall time`);
    // Threads that ended meanwhile (a connection's, a pool thread's) are missing from `after`: the sum may be less.
    console.log(`  by mariadbd thread name: ${[...after.threads].map(([k, v]) => [k, (v - (before.threads.get(k) ?? 0)) / n] as const)
      .filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`);
  }
  console.log(`main-thread bytes written per op: ${((after.wchar - before.wchar) / n / 1024).toFixed(2)} KiB  (~${((after.wchar - before.wchar) / n / 4120).toFixed(2)} WAL frames)`);
  console.log(`main-thread read syscalls per op: ${((after.syscr - before.syscr) / n).toFixed(2)} (pages missed in SQLite's cache)`);
  console.log(`main-thread CPU ms per op: ${((after.cpuMs - before.cpuMs) / n).toFixed(3)} (in the kernel: ${((after.sysMs - before.sysMs) / n).toFixed(3)})`);
  console.log(`other threads' CPU ms per op: ${((after.othersMs - before.othersMs) / n).toFixed(3)} (GC helpers, WAL checkpointer)`);
  console.log(`GCs per 1,000 ops (pause us per op): ${[...gcPauses].map(([k, g]) => `${k} ${(g.count / n * 1000).toFixed(1)} (${(g.ms / n * 1000).toFixed(1)} us)`).join(', ')}`);
  const inSql = [...times.values()].reduce((a, b) => a + b, 0);
  console.log(`time in SQLite per op: ${(inSql / n * 1000).toFixed(1)} us (columns: statements per op, us per op)`);
  for (const [sql, c] of rows.slice(0, top)) {
    console.log(`${(c / n).toFixed(3).padStart(8)} ${((times.get(sql) ?? 0) / n * 1000).toFixed(1).padStart(7)}  ${sql.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
}

async function serverQuery(rootUrl: string, text: string): Promise<Record<string, unknown>[]> {
  const { createConnection } = await import('mysql2/promise');
  const c = await createConnection({ uri: rootUrl, decimalNumbers: true, supportBigNumbers: true, bigNumberStrings: false });
  try { return (await c.query(text))[0] as Record<string, unknown>[]; } finally { await c.end(); }
}

// The server's work counters, which do not depend on the machine's load as its CPU time does: pages InnoDB touched
// and changed, row operations by kind, row lock waits, and mariadbd's context switches and page faults.
const STATUS = /^(Handler_(read_key|read_next|read_rnd_next|write|update|delete|commit)|Innodb_buffer_pool_(read|write)_requests|Innodb_row_lock_waits|Innodb_log_write_requests|Questions|Com_(select|insert|update|delete|begin|commit|prepare_sql|execute_sql)|Created_tmp_tables|Sort_rows|Select_scan|Opened_tables|Table_open_cache_(hits|misses|overflows)|Opened_table_definitions)$/;
async function serverStatus(m: { rootUrl: string; pid: number }): Promise<Map<string, number>> {
  const rows = await serverQuery(m.rootUrl, 'show global status');
  const out = new Map<string, number>();
  for (const r of rows) if (STATUS.test(String(r.Variable_name))) out.set(String(r.Variable_name), Number(r.Value));
  let switches = 0;
  for (const t of readdirSync(`/proc/${m.pid}/task`)) {
    try {
      const st = readFileSync(`/proc/${m.pid}/task/${t}/status`, 'utf8');
      switches += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(st)![1]) + Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(st)![1]);
    } catch { /* a thread that ended */ }
  }
  out.set('ctxt_switches', switches);
  // Page faults of the whole process (field 10 of /proc/PID/stat: minor faults, all threads): a fresh server's first
  // touches of its buffer pool and memory-mapped redo log, and memory malloc hands back to the kernel and takes again.
  out.set('page_faults', Number(readFileSync(`/proc/${m.pid}/stat`, 'utf8').split(') ')[1].split(' ')[7]));
  return out;
}
function printStatus(a: Map<string, number>, b: Map<string, number>, n: number, label = '') {
  console.log(label + 'mariadbd work per op: ' + [...b].map(([k, v]) => `${k.replace(/^Innodb_buffer_pool_/, 'bp_')}=${((v - (a.get(k) ?? 0)) / n).toFixed(2)}`).join(' '));
}

/** --digests: the server's statements ranked by the time it spent on them (timer unit: picoseconds). */
async function printDigests(rootUrl: string, n: number) {
  const rows = await serverQuery(rootUrl, `select digest_text t, count_star c, sum_timer_wait w, sum_lock_time l,
    sum_rows_examined e, sum_rows_sent s, sum_rows_affected a, sum_no_index_used ni, sum_sort_rows so
    from performance_schema.events_statements_summary_by_digest order by sum_timer_wait desc limit ${top}`);
  const total = (await serverQuery(rootUrl, 'select sum(sum_timer_wait) w, sum(count_star) c from performance_schema.events_statements_summary_by_digest'))[0];
  console.log(`\nmariadbd statement time per deploy: ${(Number(total.w) / 1e6 / n).toFixed(1)} us over ${(Number(total.c) / n).toFixed(2)} statements`);
  console.log('   count  srv us  examined   sent affected noidx sorted  statement (per deploy)');
  for (const r of rows) {
    const per = (k: string, d = 2) => (Number(r[k]) / n).toFixed(d);
    console.log(`${per('c', 3).padStart(8)} ${(Number(r.w) / 1e6 / n).toFixed(1).padStart(7)} ${per('e').padStart(9)} ${per('s').padStart(6)} ${per('a').padStart(8)} ${per('ni').padStart(5)} ${per('so').padStart(6)}  ${String(r.t).replace(/\s+/g, ' ').slice(0, 220)}`);
  }
}

/** --profile PREFIX: a CPU profile of each measured phase only (PREFIX-deploy.cpuprofile, PREFIX-list.cpuprofile). */
async function profiled<T>(phase: string, fn: () => Promise<T>): Promise<T> {
  if (!values.profile) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${values.profile}-${phase}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * --heap PREFIX: a sampling heap profile of the measured deploys that keeps the objects GC already collected
 * (PREFIX-deploy.heapprofile), so its sizes are what the deploys allocated, by allocation site; and bytes per deploy.
 */
async function heapSampled<T>(n: number, fn: () => Promise<T>): Promise<T> {
  if (!values.heap) return fn();
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true } as never);
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(`${values.heap}-deploy.heapprofile`, JSON.stringify(profile));
    type HeapNode = { selfSize: number; children: HeapNode[] };
    const total = (x: HeapNode): number => x.selfSize + x.children.reduce((s, c) => s + total(c), 0);
    console.log(`\nbytes allocated per op (heap sampling): ${(total(profile.head as HeapNode) / n / 1024).toFixed(1)} KiB`);
    session.disconnect();
  }
}

/** Statements and CPU per page of 500 of listCommand, pages spread over all `vms` rows. */
async function listCosts(core: Awaited<ReturnType<typeof createCore>>, vms: number) {
  const admin = await core.admin();
  const list = (page: number) => core.dispatcher.invoke(admin, listCommand, { listall: 'true', page: String(page), pagesize: '500', ...listParams });
  for (let i = 0; i < 10; i++) await list(1 + i);
  const pages = Math.max(1, Math.floor(vms / 500));
  counts.clear();
  times.clear();
  gcPauses.clear();
  mysqlProbe?.reset();
  const t = mainThread();
  const n = 100;
  const t0 = performance.now();
  await profiled('list', async () => { for (let i = 0; i < n; i++) await list(1 + (i * 7919) % pages); });
  console.log(`\nlist wall per page (in-process): ${((performance.now() - t0) / n).toFixed(2)} ms`);
  report(`${listCommand} page of 500 (of ${vms})`, n, t);
}

/** --deploy-db: the zone, template and offering of the lab already in the database (see the option). */
async function labIn(core: Awaited<ReturnType<typeof createCore>>) {
  const db = core.svc.db;
  const zone = await db.selectFrom('zones').select('id').where('allocation_state', '=', 'Enabled').where('removed', 'is', null).executeTakeFirstOrThrow();
  const tpl = await db.selectFrom('templates').select('id').where('name', '=', 'bench-tpl').where('removed', 'is', null).executeTakeFirstOrThrow();
  const so = await db.selectFrom('service_offerings').select('id').where('name', '=', 'bench-tiny').where('removed', 'is', null).executeTakeFirstOrThrow();
  return { zoneId: zone.id, templateId: tpl.id, offeringId: so.id };
}

/** --ab-prepared: slices of deploys alternately with prepared statements on and off (see the header). */
async function abPrepared(core: Awaited<ReturnType<typeof createCore>>, lab: Awaited<ReturnType<typeof buildLab>>, n: number) {
  const { preparedStatements } = await import('../db/mysql-prepared');
  const sums = { on: { server: 0, node: 0, n: 0 }, off: { server: 0, node: 0, n: 0 } };
  for (let done = 0, i = 0; done < n; i++) {
    const slice = Math.min(500, n - done);
    preparedStatements.on = i % 2 === 0;
    const t = mainThread();
    await deployMany(core, lab, slice, 1000);
    const after = mainThread();
    const side = sums[preparedStatements.on ? 'on' : 'off'];
    side.server += after.server - t.server;
    side.node += after.cpuMs - t.cpuMs;
    side.n += slice;
    done += slice;
  }
  for (const [k, v] of Object.entries(sums)) {
    console.log(`prepared ${k}: ${v.n} deploys, mariadbd CPU ms per deploy ${(v.server / v.n).toFixed(3)}, main-thread CPU ms per deploy ${(v.node / v.n).toFixed(3)}`);
  }
}

/** --ab-triggers: slices of deploys alternately with the database's triggers and without (see the header). */
async function abTriggers(server: { rootUrl: string; pid: number }, core: Awaited<ReturnType<typeof createCore>>, lab: Awaited<ReturnType<typeof buildLab>>, n: number) {
  const rootUrl = server.rootUrl;
  const defs = (await serverQuery(rootUrl, `select trigger_name n, action_timing t, event_manipulation e, event_object_table o,
    action_statement s from information_schema.triggers where trigger_schema = 'cost'`))
    .filter((d) => !values['trigger-tables'] || values['trigger-tables'].split(',').some((t) => t === d.o || t === d.n));
  console.log(`triggers: ${defs.map((d) => `${String(d.n)} (${String(d.o)})`).join(', ')}`);
  const side0 = () => ({ server: 0, node: 0, ms: 0, trips: 0, n: 0, status: new Map<string, number>() });
  const sums = { with: side0(), without: side0() };
  for (let done = 0, i = 0; done < n; i++) {
    const slice = Math.min(500, n - done);
    const on = i % 2 === 0;
    for (const d of defs) {
      await serverQuery(rootUrl, on ? `create trigger if not exists cost.${String(d.n)} ${String(d.t)} ${String(d.e)} on cost.${String(d.o)} for each row ${String(d.s)}`
        : `drop trigger if exists cost.${String(d.n)}`);
    }
    const trips0 = mysqlProbe!.summary().roundTrips;
    const status0 = await serverStatus(server);
    const t = mainThread();
    const t0 = performance.now();
    await deployMany(core, lab, slice, 1000);
    const after = mainThread();
    const side = sums[on ? 'with' : 'without'];
    side.ms += performance.now() - t0;
    side.trips += mysqlProbe!.summary().roundTrips - trips0;
    side.server += after.server - t.server;
    side.node += after.cpuMs - t.cpuMs;
    side.n += slice;
    for (const [k, v] of await serverStatus(server)) side.status.set(k, (side.status.get(k) ?? 0) + v - (status0.get(k) ?? 0));
    done += slice;
  }
  for (const [k, v] of Object.entries(sums)) {
    printStatus(new Map(), v.status, v.n, `${k} triggers, `);
    console.log(`${k} triggers: ${v.n} deploys, ${Math.round(v.n / v.ms * 1000)} VMs/s, mariadbd CPU ms per deploy ${(v.server / v.n).toFixed(3)}, ` +
      `main-thread CPU ms per deploy ${(v.node / v.n).toFixed(3)}, round trips per deploy ${(v.trips / v.n).toFixed(2)}`);
  }
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-cost-'));
  const listDb = values['list-db'];
  const deployDb = values['deploy-db'];
  const serverArgs = [
    ...(values.digests ? ['--performance-schema=ON', '--performance-schema-consumer-events-statements-current=OFF',
      '--performance-schema-consumer-events-statements-history=OFF', '--performance-schema-instrument=%=OFF',
      '--performance-schema-instrument=statement/%=ON'] : []),
    ...(values['server-arg'] ?? []),
    // long_query_time is copied into each connection when it opens: set from the start, logged only once turned on.
    ...(values['slow-log'] ? ['--long-query-time=0', '--log-slow-verbosity=query_plan,innodb', `--slow-query-log-file=${values['slow-log']}`] : []),
  ];
  const mariadb = onMariaDb ? await (await import('../testing/mariadb')).startMariaDb({ extraArgs: serverArgs, recommended: !values['test-server'] }) : undefined;
  const db = mariadb ? await mariadb.createDatabase('cost', { socket: values.socket }) : listDb ?? deployDb ? `sqlite:${listDb ?? deployDb}` : undefined;
  serverPid = mariadb?.pid ?? 0;
  const core = await createCore({ dataDir, db, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0,
    ...(values.accounts ? { settings: HIGH_LIMITS } : {}),
    ...(values['no-metrics'] ? { metrics: { intervalMs: 0 } } : {}) });
  try {
    if (listDb) {
      const admin = await core.admin();
      const total = (await core.dispatcher.invoke(admin, listCommand, { listall: 'true', pagesize: '1', page: '1', ...listParams }) as { count?: number }).count ?? 0;
      await listCosts(core, total);
      return;
    }
    const lab = deployDb ? await labIn(core) : await buildLab(core, { hosts: 1000 });
    const accounts = values.accounts ? await growAccounts(core, Number(values.accounts)) : null;
    const owner = accounts ? (i: number) => ({ account: accounts.names[i % accounts.names.length], domainid: accounts.domainId }) : undefined;
    await deployMany(core, lab, 1000, 1000, owner);
    counts.clear();
    times.clear();
    gcPauses.clear();
    mysqlProbe?.reset();
    const status0 = mariadb ? await serverStatus(mariadb) : undefined;
    if (mariadb && values.digests) await serverQuery(mariadb.rootUrl, 'truncate performance_schema.events_statements_summary_by_digest');
    if (mariadb && values['slow-log']) {
      await serverQuery(mariadb.rootUrl, 'set global slow_query_log = 1');
    }
    const dbFile = deployDb ?? join(dataDir, 'strata.db');
    const frame0 = values.wal ? walFrameCount(dbFile) : 0;
    if (values['ab-prepared']) return await abPrepared(core, lab, measured);
    if (values['ab-triggers'] && mariadb) return await abTriggers(mariadb, core, lab, measured);
    const t = mainThread();
    // Measured deploys go on from where the warm-up stopped (with --accounts: the next accounts in turn).
    const d = await profiled('deploy', () => heapSampled(measured, () => deployMany(core, lab, measured, 1000, owner && ((i) => owner(1000 + i)))));
    report(`deploy (wall ${d.perSecond}/s, ${d.failed} failed)`, measured, t);
    if (mariadb && status0) printStatus(status0, await serverStatus(mariadb), measured);
    if (mariadb && values.digests) await printDigests(mariadb.rootUrl, measured);
    if (mariadb && values['slow-log']) await serverQuery(mariadb.rootUrl, 'set global slow_query_log = 0');
    if (values.wal) {
      const w = walFrames(dbFile, frame0);
      console.log(`\nWAL frames per deploy: ${(w.frames / measured).toFixed(2)}, WAL commits per deploy: ${(w.commits / measured).toFixed(3)}`);
      for (const [name, c] of [...w.byName].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(c / measured).toFixed(3).padStart(8)}  ${name}`);
    }
    if (listVms > 0) {
      await deployMany(core, lab, Math.max(0, listVms - measured - 1000));
      await listCosts(core, listVms);
    }
  } finally {
    await core.stop();
    await mariadb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
