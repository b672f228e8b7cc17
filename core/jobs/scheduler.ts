// The durable scheduler. Next-run instants live in `schedules.next_run`, never in timers: each tick (every second
// by default, driven by the kernel clock so tests tick a fake one) reads the due rows through its index and fires
// each run exactly once, across restarts and across management servers sharing the database:
//  1. claim: a conditional UPDATE sets a short lease (`claimed_by`, `claim_until`) on a row still due at the
//     instant read, so one server works on a run at a time (a lease left by a crashed server expires);
//  2. commit: the run's async job row, its `schedule_runs` row (unique per schedule and due instant) and the
//     advance of `next_run` are written in ONE transaction, the UPDATE again conditional on the lease and the due
//     instant. A crash before the commit leaves the run due (it fires after the restart, within the grace
//     period); after it, the job manager requeues or recovers the job like any other. Never both, never twice.
// Missed runs (the server was down, or the run was claimed too late) follow missedRunPlan: the latest run within
// `schedule.missed.run.grace.period` runs once, older ones are skipped with a SCHEDULE.MISSED event. Concurrency
// is bounded: a tick claims at most `batch` rows and this server keeps at most `maxInFlight` scheduled jobs
// unfinished; the rest wait for the next tick. Each run is an ordinary async job of the schedule's command, run as
// the schedule's owner with the owner's rights at that moment; its failure raises an alert.
import type { ScheduleTable } from '../db/schema';
import type { Services } from '../kernel/services';
import type { Registry } from '../kernel/registry';
import type { AsyncPlan, CallContext } from '../kernel/handler';
import { precompiled, precompiledInsert, type QueryTarget } from '../db/precompiled';
import { settingNumber } from '../kernel/settings';
import { missedRunPlan } from './schedule-timing';
import { checkScheduleTarget } from './schedule-targets';

export interface SchedulerOptions {
  /** Tick interval in ms; 0: no loop (tests call tick()). Default 1000. */
  intervalMs?: number;
  /** Rows claimed per tick (a full batch ticks again at once). Default 200. */
  batch?: number;
  /** Scheduled jobs of this server not finished yet, at most. Default 1000. */
  maxInFlight?: number;
  /** How long a claim holds before another server may take the run over. Default 60 s. */
  leaseMs?: number;
}

export interface Scheduler {
  /** Releases claims this server held before a restart, then starts the loop. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Fires the runs due now; resolves with how many runs it fired or skipped. */
  tick(): Promise<number>;
  /** Resolves when the jobs of the runs fired so far have finished and their outcomes are recorded. */
  settled(): Promise<void>;
  /** Hooks run after a scheduled job finishes (snapshot retention, ...), by schedule kind. */
  onFinished(kind: string, fn: (row: ScheduleTable, jobId: string, status: number) => Promise<void>): void;
}

/** Raised inside the commit transaction when the run is no longer ours: rolls the job row back. */
class LostClaim extends Error {}

/** Runs fired at once within a tick. */
const FIRE_LANES = 16;
const ALERT_SCHEDULED_RUN = 13; // CloudStack's ALERT_TYPE_MANAGMENT: the management server's own failures.

const commitRun = precompiled((db, p: { id: string; due: number; ms: string; next: number | null }) =>
  db.updateTable('schedules').set({ next_run: p.next, claimed_by: null, claim_until: null })
    .where('id', '=', p.id).where('next_run', '=', p.due).where('claimed_by', '=', p.ms));
const insertRun = precompiledInsert('schedule_runs');

export function createScheduler(svc: Services, registry: () => Registry, opts: SchedulerOptions = {}): Scheduler {
  const intervalMs = opts.intervalMs ?? 1000;
  const batch = opts.batch ?? 200;
  const maxInFlight = opts.maxInFlight ?? 1000;
  const leaseMs = opts.leaseMs ?? 60_000;
  const me = svc.config.msId;
  const inFlight = new Set<Promise<void>>();
  const hooks = new Map<string, (row: ScheduleTable, jobId: string, status: number) => Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  /** Clock instant the armed timer fires at; null while ticking or reading when to wake. */
  let wakeAt: number | null = null;
  /** The earliest next run announced while no timer was armed (the read of when to wake may have missed it). */
  let announced: number | null = null;
  let unsubscribe: (() => void) | undefined;
  /** The instant the last read of due rows used: rows due after it were not seen by that read. */
  let lastRead = 0;
  let ticking: Promise<number> | null = null;
  let stopped = true;

  async function tick(): Promise<number> {
    if (ticking) return ticking;
    ticking = (async () => {
      let done = 0;
      for (;;) {
        const n = await tickOnce();
        done += n;
        if (n < batch || inFlight.size >= maxInFlight) return done;
      }
    })().finally(() => { ticking = null; });
    return ticking;
  }

  async function tickOnce(): Promise<number> {
    const now = svc.clock.now();
    lastRead = now;
    const room = Math.min(batch, maxInFlight - inFlight.size);
    if (room <= 0) return 0;
    const due = await svc.db.selectFrom('schedules').selectAll().where('next_run', '<=', now)
      .where((w) => w.or([w('claim_until', 'is', null), w('claim_until', '<', now)]))
      .orderBy('next_run').limit(room).execute();
    if (due.length === 0) return 0;
    const graceMs = (await settingNumber(svc, 'schedule.missed.run.grace.period')) * 1000;
    // A few runs at a time: each waits on several small writes, which overlap (and share group commits).
    let fired = 0;
    let next = 0;
    const lane = async () => {
      while (next < due.length) {
        const row = due[next++];
        if (await claim(row, now)) { fired++; await fire(row, now, graceMs); }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FIRE_LANES, due.length) }, lane));
    return fired;
  }

  async function claim(row: ScheduleTable, now: number): Promise<boolean> {
    const r = await svc.db.updateTable('schedules').set({ claimed_by: me, claim_until: now + leaseMs })
      .where('id', '=', row.id).where('next_run', '=', row.next_run)
      .where((w) => w.or([w('claim_until', 'is', null), w('claim_until', '<', now)])).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Ends a claimed run without a job (skipped, refused, failed to prepare): records why and advances the row. */
  async function finishWithout(row: ScheduleTable, due: number, runAt: number, next: number | null, outcome: 'skipped' | 'failed',
    error: string, patch: Partial<ScheduleTable> = {}): Promise<void> {
    await svc.db.transaction().execute(async (tx) => {
      const n = await commitRun.run(tx, { id: row.id, due, ms: me, next });
      if (n !== 1) throw new LostClaim();
      if (Object.keys(patch).length) await tx.updateTable('schedules').set(patch).where('id', '=', row.id).execute();
      await insertRun(tx, { id: svc.newId(), schedule_id: row.id, due: runAt, fired: svc.clock.now(), job_id: null,
        outcome, error: error.slice(0, 1000), ms_id: me });
    }).catch((e) => { if (!(e instanceof LostClaim)) throw e; });
    const type = outcome === 'skipped' ? 'SCHEDULE.MISSED' : 'SCHEDULE.RUN';
    await runEvent(row, type, error, outcome === 'failed' ? 'ERROR' : 'WARN');
    if (outcome === 'failed') await alert(row, error);
  }

  async function fire(row: ScheduleTable, now: number, graceMs: number): Promise<void> {
    const due = row.next_run!;
    try {
      const plan = missedRunPlan(row, due, now, graceMs);
      if (plan.run === null) {
        return await finishWithout(row, due, due, plan.next, 'skipped',
          `Scheduled ${row.action} missed: due ${new Date(due).toISOString()}, more than ${graceMs / 1000} s ago; skipped`);
      }
      if (plan.skipped) {
        await runEvent(row, 'SCHEDULE.MISSED', `Scheduled ${row.action} runs due from ${new Date(due).toISOString()} ` +
          `were missed; the latest (${new Date(plan.run).toISOString()}) runs now`, 'WARN');
      }
      const target = await checkScheduleTarget(svc, row);
      if (target) {
        const patch = target.remove ? { removed: now, enabled: 0 } : {};
        return await finishWithout(row, due, plan.run, target.remove ? null : plan.next, target.remove ? 'skipped' : 'failed', target.reason, patch);
      }
      await submitRun(row, due, plan.run, plan.next);
    } catch (e) {
      svc.log.error(`schedule ${row.id}: run failed`, { error: e instanceof Error ? e.stack : String(e) });
      await svc.db.updateTable('schedules').set({ claimed_by: null, claim_until: null }).where('id', '=', row.id)
        .where('claimed_by', '=', me).execute().catch(() => undefined);
    }
  }

  async function submitRun(row: ScheduleTable, due: number, runAt: number, next: number | null): Promise<void> {
    const reg = registry().get(row.command);
    const caller = await svc.identity.byUserId(row.user_id);
    if (!caller) {
      return finishWithout(row, due, runAt, next, 'skipped', `Scheduled ${row.action} not run: its owner's user or account is disabled or removed`);
    }
    if (!reg?.async) return finishWithout(row, due, runAt, next, 'failed', `Scheduled command ${row.command} is not an async command`);
    if (!(await svc.identity.isAllowed(caller, reg.decl))) {
      return finishWithout(row, due, runAt, next, 'failed', `Scheduled ${row.command} not run: its owner ${caller.username} may no longer call it`);
    }
    const ctx: CallContext = { svc, caller, command: row.command, requestId: `schedule-${row.id}` };
    const args = JSON.parse(row.params) as object;
    let plan: AsyncPlan;
    try {
      plan = await reg.async.prepare(ctx, args as never);
    } catch (e) {
      return finishWithout(row, due, runAt, next, 'failed', `Scheduled ${row.command} refused: ${e instanceof Error ? e.message : String(e)}`);
    }
    const jobId = svc.newId();
    const write = async (tx: QueryTarget) => {
      if ((await commitRun.run(tx, { id: row.id, due, ms: me, next })) !== 1) throw new LostClaim();
      await insertRun(tx, { id: svc.newId(), schedule_id: row.id, due: runAt, fired: svc.clock.now(), job_id: jobId, outcome: 'job', error: null, ms_id: me });
      await plan.write?.(tx);
    };
    try {
      await svc.jobs.submit(ctx, reg.decl, args, { ...plan, jobId, write });
    } catch (e) {
      if (e instanceof LostClaim) return;
      throw e;
    }
    await runEvent(row, 'SCHEDULE.RUN', `Scheduled ${row.action} started as job ${jobId}`, 'INFO');
    const watch = svc.jobs.waitFor(jobId).then(async (status) => {
      if (status === 2) {
        const text = await jobError(jobId);
        await runEvent(row, 'SCHEDULE.RUN', `Scheduled ${row.action} failed (job ${jobId}): ${text}`, 'ERROR');
        await alert(row, `Scheduled ${row.action} failed (job ${jobId}): ${text}`);
      }
      await hooks.get(row.kind)?.(row, jobId, status);
    }).catch((e) => svc.log.warn(`schedule ${row.id}: could not follow job ${jobId}`, { error: String(e) }))
      .finally(() => inFlight.delete(watch));
    inFlight.add(watch);
  }

  async function jobError(jobId: string): Promise<string> {
    const j = await svc.db.selectFrom('async_jobs').select('result').where('id', '=', jobId).executeTakeFirst();
    try { return (JSON.parse(j?.result ?? '{}') as { errortext?: string }).errortext ?? 'unknown error'; } catch { return 'unknown error'; }
  }

  async function runEvent(row: ScheduleTable, type: string, description: string, level: 'INFO' | 'WARN' | 'ERROR') {
    await svc.events.record({ type, description, level, state: 'Completed', resourceId: row.resource_id ?? row.id,
      resourceType: row.resource_type ?? 'Schedule', accountId: row.account_id, domainId: row.domain_id, userId: row.user_id })
      .catch((e) => svc.log.warn('could not record a schedule event', { error: String(e) }));
  }

  async function alert(row: ScheduleTable, description: string) {
    await svc.events.alert({ type: ALERT_SCHEDULED_RUN, name: 'ALERT.MANAGEMENT', description: `Schedule ${row.id}: ${description}` })
      .catch((e) => svc.log.warn('could not raise a schedule alert', { error: String(e) }));
  }

  /**
   * How long to sleep: until the earliest next_run the last read of due rows did not see (one indexed read), at
   * most intervalMs, so a run due between two ticks starts on time rather than up to a whole interval late. A run
   * that fell due while the last tick was firing others is such a row: the loop ticks again at once. A row that
   * read saw and left due (claimed elsewhere, or this server is at maxInFlight) waits the full interval, so nothing
   * spins. A schedule written on this server while the loop sleeps wakes it (announce); one written on another
   * server is read here within the interval.
   */
  async function sleepMs(): Promise<number> {
    const now = svc.clock.now();
    const r = await svc.db.selectFrom('schedules').select((eb) => eb.fn.min('next_run').as('t')).where('next_run', '>', lastRead).executeTakeFirst();
    const t = r?.t == null ? null : Number(r.t);
    return t === null ? intervalMs : Math.max(0, Math.min(intervalMs, t - now));
  }

  function arm(ms: number) {
    if (stopped) return;
    const now = svc.clock.now();
    if (announced !== null) ms = Math.min(ms, Math.max(0, announced - now));
    announced = null;
    clearTimeout(timer);
    wakeAt = now + ms;
    timer = setTimeout(() => {
      wakeAt = null;
      tick().catch((e) => svc.log.error('scheduler tick failed', { error: String(e) })).finally(loop);
    }, ms);
  }

  function loop() {
    if (stopped) return;
    sleepMs().then(arm, () => arm(intervalMs));
  }

  /** A schedule written on this server runs before the loop would wake: wake earlier (else a new run due within
   *  the sleep would start up to a whole interval late). */
  function announce(nextRun: number) {
    if (stopped || intervalMs <= 0) return;
    if (wakeAt === null) announced = Math.min(announced ?? nextRun, nextRun);
    else if (nextRun < wakeAt) arm(Math.max(0, nextRun - svc.clock.now()));
  }

  return {
    async start() {
      stopped = false;
      // A claim this server held when it stopped (or crashed) is released at once; the run is still due.
      await svc.db.updateTable('schedules').set({ claimed_by: null, claim_until: null }).where('claimed_by', '=', me).execute();
      if (intervalMs > 0) {
        unsubscribe = svc.events.subscribe((n) => { if (n.kind === 'schedule') announce(n.nextRun); });
        loop();
      }
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      clearTimeout(timer);
      await ticking?.catch(() => undefined);
    },
    tick,
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    onFinished(kind, fn) { hooks.set(kind, fn); },
  };
}
