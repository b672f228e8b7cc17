// The `strata` command line.
//   strata serve [--data-dir DIR] [--host 127.0.0.1] [--port 8080] [--db URL] [--demo] [--setting NAME=VALUE]...
//   strata agent --server URL --token TOKEN [--name NAME] [--work-dir DIR]   (agent/agent-cli.ts)
//   strata db migrate --from URL --to URL                                   (db/copy-database.ts)
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, startServer } from './index';
import { seedDemoLab, seedDemoVms } from './demo';
import { seedLocalKvm } from './demo-kvm';
import { createUiRoute } from './api/static-ui';
import { SETTINGS } from './kernel/settings';
import { AGENT_USAGE, runAgentCli } from './agent/agent-cli';
import { tiersWithRetention } from './metrics/metrics-schema';

const DEFAULT_UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'renderer');

const USAGE = `Usage:
  strata serve [--data-dir DIR] [--host 127.0.0.1] [--port 8080] [--db URL] [--demo] [--ui-dir DIR] [--setting NAME=VALUE]...
      Runs the headless management server. The CloudStack API is at http://HOST:PORT/client/api and the
      browser console at http://HOST:PORT/ (built by 'npm run build'; --ui-dir overrides dist/renderer).
      --data-dir  where the database and lab files live (default ~/.strata)
      --db        sqlite:/path/file.db (default: DATA_DIR/strata.db) or mysql://user:pass@host:3306/db
      --setting   a global setting for this server, e.g. incorrect.login.attempts.allowed=5 or
                  allow.internal.url.hosts.for.root.admin=true (a row in the configurations table wins)
      --demo      seed a lab: simulated (1 zone, 2 pods, 4 clusters, 16 hosts, offerings, a template) plus,
                  when QEMU is installed, a local KVM host running real VMs of the test guest template
      The root admin is 'admin'; its password comes from STRATA_ADMIN_PASSWORD, or is generated and printed once.
      Several servers may share one --db (put a load balancer in front). Timing, from the environment (ms):
      STRATA_MS_HEARTBEAT_MS (5000), STRATA_MS_DOWN_AFTER_MS (30000: then the others take over its hosts and
      jobs), STRATA_HOST_PING_MS (30000: host monitor), STRATA_CACHE_SYNC_MS (1000: seeing others' changes).
      Usage metrics: STRATA_METRICS_INTERVAL_MS (10000: sampling; 0 stops collecting) and
      STRATA_METRICS_RETENTION (2h,1d,7d,90d,5y: how long the 10 s, 1 min, 5 min, 1 h and 1 day buckets are kept).
  strata db migrate --from URL --to URL
      Copies a lab to another database, every table with its ids (e.g. --from sqlite:~/.strata/strata.db
      --to mysql://strata:secret@db-host:3306/strata). The target must be empty; stop the servers first.
${AGENT_USAGE}`;

/** A duration in ms from the environment, or undefined (the default applies). */
function envMs(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of milliseconds, got ${v}`);
  return n;
}

async function serve(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, db: { type: 'string' },
      demo: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'ui-dir': { type: 'string' },
      setting: { type: 'string', multiple: true },
    },
  });
  if (values.help) { process.stdout.write(USAGE); return; }
  const port = Number(values.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const dataDir = resolve(values['data-dir'] ?? join(homedir(), '.strata'));
  const uiDir = values['ui-dir'] ?? DEFAULT_UI_DIR;
  const core = await createCore({ dataDir, db: values.db, adminPassword: process.env.STRATA_ADMIN_PASSWORD, uiDir,
    settings: parseSettings(values.setting ?? []),
    hostPingIntervalMs: envMs('STRATA_HOST_PING_MS'),
    metrics: { intervalMs: envMs('STRATA_METRICS_INTERVAL_MS'),
      config: process.env.STRATA_METRICS_RETENTION ? { tiers: tiersWithRetention(process.env.STRATA_METRICS_RETENTION) } : undefined },
    cluster: { heartbeatMs: envMs('STRATA_MS_HEARTBEAT_MS'), downAfterMs: envMs('STRATA_MS_DOWN_AFTER_MS'),
      cacheSyncMs: envMs('STRATA_CACHE_SYNC_MS'),
      // Marked Down by another server, which has its hosts and jobs now: exit, so that a supervisor restarts it clean.
      onFenced: () => { process.stderr.write('This management server was marked Down by another one; exiting (restart it to rejoin).\n'); process.exit(75); } } });
  if (core.generatedAdminPassword) {
    process.stdout.write(`Created root admin 'admin' with password: ${core.generatedAdminPassword}\n` +
      `(shown once; set STRATA_ADMIN_PASSWORD on first start to choose it)\n`);
  }
  if (values.demo) {
    const { created, zoneId } = await seedDemoLab(core);
    if (created) {
      const vms = await seedDemoVms(core, zoneId);
      process.stdout.write(`Seeded the demo lab (simulated hosts, ${vms} simulated VMs).\n`);
    } else {
      process.stdout.write('Demo lab already present.\n');
    }
    const kvm = await seedLocalKvm(core, zoneId).catch((e: Error) => {
      process.stdout.write(`Could not add the local KVM host to the demo lab: ${e.message}\n`);
      return undefined;
    });
    if (kvm === null) process.stdout.write('QEMU is not installed: the demo lab has no local KVM host (apt-get install qemu-system-x86 qemu-utils).\n');
    else if (kvm?.added) process.stdout.write('Added a local KVM host; the guest template is being registered in the background.\n');
  }
  const server = await startServer(core, { host: values.host ?? '127.0.0.1', port, extraRoutes: createUiRoute(uiDir) });
  process.stdout.write(`Strata management server listening on ${server.url}/client/api (data: ${dataDir})\n` +
    `Browser console: ${server.url}/\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    await server.close();
    await core.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function parseSettings(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new Error(`--setting takes NAME=VALUE, got ${pair}`);
    const name = pair.slice(0, i).trim();
    if (!Object.hasOwn(SETTINGS, name)) throw new Error(`--setting: unknown setting ${name} (known: ${Object.keys(SETTINGS).join(', ')})`);
    out[name] = pair.slice(i + 1).trim();
  }
  return out;
}

async function dbCommand(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { from: { type: 'string' }, to: { type: 'string' } } });
  if (sub !== 'migrate' || !values.from || !values.to) throw new Error('usage: strata db migrate --from URL --to URL');
  const { copyDatabase } = await import('./db/copy-database');
  const report = await copyDatabase(values.from, values.to, (line) => process.stdout.write(`  ${line}\n`));
  const rows = report.tables.reduce((n, t) => n + t.rows, 0);
  process.stdout.write(`Copied ${report.tables.length} tables, ${rows} rows, to ${values.to.replace(/\/\/[^@/]*@/, '//')}\n`);
}

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === 'serve') return serve(rest);
  if (cmd === 'agent') return runAgentCli(rest);
  if (cmd === 'db') return dbCommand(rest);
  process.stdout.write(USAGE);
  if (cmd && cmd !== 'help' && cmd !== '--help') process.exitCode = 2;
}

main().catch((e) => {
  process.stderr.write(`strata: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
