// Scheduler benchmark, printed as JSON (issue 15):
//   idle:  100,000 schedules stored, none due: wall and CPU time of one tick (the loop ticks once a second, so
//          CPU ms per tick / 10 is the share of one core in %)
//   steady: the real loop (1 s interval, waking at the earliest next_run) over the 100,000 stored schedules, with
//          STEADY runs due at random instants over a minute while API list calls keep the server busy: how late
//          each run's job started after its due instant (p50, p99, max), the figure "at most 1 s late (p99)"
//   burst: 10,000 runs due at the same instant (scheduled reboots of 100 simulator VMs): how long until every run
//          is claimed with its job written, how late each job started after its due instant (p50, p99, max), and
//          the API's listVirtualMachines latency meanwhile against the same calls on the quiet server ("within 2x")
// The API load is LISTERS clients in this process calling the dispatcher, each yielding to the event loop between
// calls as requests arriving over HTTP do. (A loop of awaited in-process reads never yields: SQLite reads settle
// as microtasks, so such a loop starves every timer, the scheduler's among them. That is why this benchmark's
// steady phase used to stall after storing its schedules.)
// Options: --schedules N (default 100000), --due N (default 10000), --quick (10,000 and 1,000), --out FILE.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore } from '../index';
import { createScheduler } from '../jobs/scheduler';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany } from './lab';

const { values } = parseArgs({ options: { schedules: { type: 'string' }, due: { type: 'string' }, quick: { type: 'boolean' }, out: { type: 'string' } } });
const SCHEDULES = Number(values.schedules ?? (values.quick ? 10_000 : 100_000));
const DUE = Number(values.due ?? (values.quick ? 1_000 : 10_000));
const STEADY = values.quick ? 120 : 600;
const STEADY_SPAN_MS = values.quick ? 20_000 : 60_000;
const LISTERS = 4;
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const progress = (what: string) => process.stderr.write(`scheduler bench: ${what}\n`);
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Concurrent API clients calling listVirtualMachines until stop(); each call's latency is kept. */
function apiLoad(call: () => Promise<unknown>) {
  const ms: number[] = [];
  const t0 = performance.now();
  let on = true;
  const clients = Array.from({ length: LISTERS }, async () => {
    while (on) {
      const t0 = performance.now();
      await call();
      ms.push(performance.now() - t0);
      await yieldToLoop();
    }
  });
  return {
    async stop() {
      on = false;
      await Promise.all(clients);
      const sorted = [...ms].sort((a, b) => a - b);
      const perSecond = Math.round(ms.length / ((performance.now() - t0) / 1000));
      return { calls: ms.length, perSecond, msP50: +pct(sorted, 50).toFixed(2), msP99: +pct(sorted, 99).toFixed(2) };
    },
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-bench-sched-'));
  const core = await createCore({ dataDir, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0, metrics: { intervalMs: 0 },
    scheduler: { intervalMs: 0 } });
  try {
    progress('building the lab (10 simulator hosts, 100 VMs)');
    const lab = await buildLab(core, { hosts: 10 });
    await deployMany(core, lab, 100);
    const vms = (await core.svc.db.selectFrom('vms').select('id').execute()).map((v) => v.id);
    const admin = await core.admin();
    const now = Date.now();
    const tomorrow = now + 86_400_000;
    const ids: string[] = [];
    progress(`storing ${SCHEDULES} schedules`);
    for (let i = 0; i < SCHEDULES; i += 500) {
      const rows = Array.from({ length: Math.min(500, SCHEDULES - i) }, (_, k) => {
        const id = core.svc.newId();
        ids.push(id);
        return { id, kind: 'task', account_id: admin.accountId, domain_id: admin.domainId, user_id: admin.userId,
          resource_type: 'VirtualMachine', resource_id: vms[(i + k) % vms.length], command: 'rebootVirtualMachine',
          params: JSON.stringify({ id: vms[(i + k) % vms.length] }), action: 'rebootVirtualMachine', schedule: '0 3 * * *',
          cron: '0 3 * * *', once_at: null, timezone: 'UTC', description: null, start_date: null, end_date: null, enabled: 1,
          max_snaps: null, display: 1, next_run: tomorrow + ((i + k) % 1000) * 60_000, claimed_by: null, claim_until: null,
          created: now, removed: null };
      });
      await core.svc.db.insertInto('schedules').values(rows).execute();
    }

    // Idle: nothing due.
    progress('idle ticks');
    for (let i = 0; i < 10; i++) await core.scheduler.tick();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 200; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      if ((await core.scheduler.tick()) !== 0) throw new Error('something was due while idle');
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    wall.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const cpuMean = cpu.reduce((a, b) => a + b, 0) / cpu.length;

    const listVms = () => core.dispatcher.invoke(admin, 'listVirtualMachines', { listall: 'true', page: '1', pagesize: '50' });
    // The API on the quiet server, the baseline of "the list benchmarks stay within 2x".
    const warmUp = apiLoad(listVms);
    await sleep(1000);
    await warmUp.stop();
    const quiet = apiLoad(listVms);
    await sleep(5000);
    const quietList = await quiet.stop();

    // Steady: the real loop, runs due at random instants from 2 s on, API lists running meanwhile. The rows are
    // written together (one group commit) so none is due before the loop starts.
    const steadyIds = ids.slice(SCHEDULES - STEADY);
    const t0Steady = Date.now() + 2000;
    await Promise.all(steadyIds.map((id) => core.svc.db.updateTable('schedules')
      .set({ next_run: t0Steady + Math.floor(Math.random() * STEADY_SPAN_MS) }).where('id', '=', id).execute()));
    progress(`steady: ${STEADY} runs due over ${STEADY_SPAN_MS / 1000} s, the real loop, API lists meanwhile`);
    const loop = createScheduler(core.svc, () => core.registry, { intervalMs: 1000 });
    await loop.start();
    const load = apiLoad(listVms);
    const steadyRuns = () => core.svc.db.selectFrom('schedule_runs as r').innerJoin('async_jobs as j', 'j.id', 'r.job_id')
      .select(['r.due', 'r.fired', 'j.started']).where('r.schedule_id', 'in', steadyIds).execute();
    let steady = await steadyRuns();
    const steadyStart = Date.now();
    while ((steady.length < STEADY || steady.some((r) => r.started === null)) && Date.now() - steadyStart < STEADY_SPAN_MS + 60_000) {
      await sleep(500);
      steady = await steadyRuns();
    }
    const steadyList = await load.stop();
    await loop.stop();
    await core.scheduler.settled();
    await loop.settled();
    const steadyLate = steady.map((r) => (r.started ?? Infinity) - r.due).sort((a, b) => a - b);
    // The part of it before the job existed: the loop waking and claiming the run (fired - due).
    const firedLate = steady.map((r) => r.fired - r.due).sort((a, b) => a - b);
    const steadyResult = { runs: STEADY, overMs: STEADY_SPAN_MS, started: steady.filter((r) => r.started !== null).length,
      apiListMeanwhile: steadyList, startLateMsP50: pct(steadyLate, 50), startLateMsP99: pct(steadyLate, 99), startLateMsMax: steadyLate[steadyLate.length - 1],
      firedLateMsP50: pct(firedLate, 50), firedLateMsP99: pct(firedLate, 99) };
    progress(`steady ${JSON.stringify(steadyResult)}`);

    // Burst: DUE runs due at one instant; the loop ticks again at once while it claims full batches.
    const due = Date.now();
    const burst = ids.slice(0, Math.min(DUE, SCHEDULES - STEADY));
    for (let i = 0; i < burst.length; i += 500) {
      await core.svc.db.updateTable('schedules').set({ next_run: due }).where('id', 'in', burst.slice(i, i + 500)).execute();
    }
    progress(`burst: ${burst.length} runs due at once`);
    const burstLoad = apiLoad(listVms);
    const t0 = performance.now();
    let claimed = 0;
    while (claimed < DUE) {
      const n = await core.scheduler.tick();
      claimed += n;
      if (n === 0) await sleep(50); // bounded concurrency: wait for jobs to finish
    }
    const claimMs = performance.now() - t0;
    await core.scheduler.settled();
    const doneMs = performance.now() - t0;
    const burstList = await burstLoad.stop();
    const runs = await core.svc.db.selectFrom('schedule_runs as r').innerJoin('async_jobs as j', 'j.id', 'r.job_id')
      .select(['r.due', 'j.started', 'j.status']).where('r.schedule_id', 'not in', steadyIds).execute();
    const late = runs.map((r) => (r.started ?? Infinity) - r.due).sort((a, b) => a - b);
    const result = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version, loadavg: (await import('node:os')).loadavg() },
      idle: { schedules: SCHEDULES, ticks: wall.length, tickMsP50: +pct(wall, 50).toFixed(3), tickMsP99: +pct(wall, 99).toFixed(3),
        cpuMsPerTickMean: +cpuMean.toFixed(3), cpuPercentOfOneCoreAtOneTickPerSecond: +(cpuMean / 10).toFixed(3) },
      apiListQuiet: quietList,
      steady: steadyResult,
      burst: { due: DUE, vms: vms.length, allClaimedMs: Math.round(claimMs), allJobsFinishedMs: Math.round(doneMs),
        jobs: runs.length, failed: runs.filter((r) => r.status !== 1).length,
        startLateMsP50: pct(late, 50), startLateMsP99: pct(late, 99), startLateMsMax: late[late.length - 1],
        apiListMeanwhile: burstList, apiListP50VsQuiet: +(burstList.msP50 / quietList.msP50).toFixed(2) },
    };
    const text = JSON.stringify(result, null, 2);
    process.stdout.write(text + '\n');
    if (values.out) writeFileSync(values.out, text + '\n');
  } finally {
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
