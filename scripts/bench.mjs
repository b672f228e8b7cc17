#!/usr/bin/env node
// `npm run bench`: every benchmark of the project, one after another (they would disturb each other if run
// together on a 2-core machine), merged into one JSON document on stdout. Each part is a script that prints JSON.
//   node scripts/bench.mjs [--only core,coreMariadb,scale,console,ui,calendar,console-latency,cluster,networks,networkLease,edge,metrics,scheduler,maintenance,ha] [--quick]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' } } });
const quick = values.quick ? ['--quick'] : [];
const parts = [
  { name: 'core', file: 'core/bench/run.ts', args: quick, what: 'management server: deploys, listVirtualMachines, memory; local QEMU' },
  { name: 'coreMariadb', file: 'core/bench/run.ts', args: [...quick, '--db', 'mariadb', '--no-kvm'], what: 'the same on MariaDB (private mariadbd)', needs: '/usr/sbin/mariadbd' },
  { name: 'scale', file: 'core/bench/scale.ts', args: quick, what: 'lists and deploys as the lab grows to 100k VMs, 25k hosts and accounts; pagesize=-1 streaming' },
  { name: 'console', file: 'core/console/bench.ts', args: [], what: 'VNC stream through our proxy vs websockify' },
  { name: 'ui', file: 'e2e/bench/ui-bench.ts', args: quick, what: 'console in Chromium: instances at 100k VMs, topology, bundle' },
  { name: 'calendar', file: 'e2e/bench/calendar-bench.ts', args: quick, what: 'schedules calendar in Chromium: a month with 10,000+ runs' },
  { name: 'consoleLatency', file: 'e2e/bench/console-latency.ts', args: [], what: 'noVNC console: click to first frame, keystroke to screen' },
  { name: 'cluster', file: 'core/bench/cluster.ts', args: quick, what: 'deploys/s with 1, 2 and 3 strata serve processes on one MariaDB', needs: '/usr/sbin/mariadbd' },
  { name: 'maintenance', file: 'core/bench/maintenance.ts', args: quick, what: 'host maintenance: a simulator host with 100 VMs evacuated' },
  { name: 'ha', file: 'core/bench/ha.ts', args: quick, what: 'HA: a simulator host powered off -> its HA VMs Running elsewhere (monitor loops running)' },
  { name: 'networks', file: 'core/bench/networks.ts', args: quick, what: 'guest networks: 10k networks, 100k NICs; listNetworks, listNics, VM pages with nic[]' },
  { name: 'edge', file: 'core/bench/edge.ts', args: quick, what: 'router edge: LB req/s vs direct, rule to first request, 1,000 rules applied (root)', needs: '/usr/sbin/haproxy' },
  { name: 'networkLease', file: 'core/bench/network-lease.ts', args: quick, what: 'guest networks on the local KVM host (root): deploy to DHCP lease, router start' },
  { name: 'metrics', file: 'core/bench/metrics.ts', args: quick, what: 'metrics store: ingest, year/hour queries, bytes per VM per year' },
  { name: 'scheduler', file: 'core/bench/scheduler.ts', args: quick, what: 'scheduler: idle tick over 100k schedules, p99 lateness under steady load, 10k runs due at once with API lists meanwhile' },
];
const only = values.only ? new Set(values.only.split(',')) : null;
const out = {};
for (const p of parts) {
  if (only && !only.has(p.name)) continue;
  if (!existsSync(p.file)) { out[p.name] = { skipped: `${p.file} does not exist` }; continue; }
  if (p.needs && !existsSync(p.needs)) { out[p.name] = { skipped: `${p.needs} is not installed` }; continue; }
  process.stderr.write(`bench ${p.name}: ${p.what}\n`);
  const r = spawnSync(process.execPath, ['bin/run-ts.mjs', p.file, ...p.args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const text = r.stdout.trim();
  const start = text.indexOf('{');
  try {
    out[p.name] = JSON.parse(text.slice(start));
  } catch {
    out[p.name] = { failed: `exit ${r.status}`, output: text.slice(-2000) };
  }
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
