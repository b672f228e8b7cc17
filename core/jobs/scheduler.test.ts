// The scheduler end to end on a fake clock: a real core (SQLite file, job manager, simulator hosts), schedules
// made through the API's handlers, and scheduler ticks at chosen instants. What a user notices: the VM stops at
// 18:00 Shanghai time once, a late server runs a recent missed run once and skips an old one (saying so), a failed
// run raises an alert, a disabled account's and an expunged VM's schedules stop, two servers never fire one run
// twice, snapshot policies keep maxsnaps snapshots, and no user sees or schedules another account's resources.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness';
import { buildSimLab, type SimLab } from '../testing/sim-lab';
import { createScheduler } from './scheduler';
import type { Caller } from '../identity/caller';

const clock = { t: Date.UTC(2026, 11, 7, 1, 0), now: () => clock.t };
const at = (iso: string) => { clock.t = Date.parse(iso); };
let srv: TestServer;
let lab: SimLab;
let admin: Caller;

beforeAll(async () => {
  srv = await startTestServer({ clock });
  lab = await buildSimLab(srv.core, 1, 'sched');
  admin = await srv.core.admin();
});
afterAll(async () => { await srv.stop(); });

const invoke = (command: string, p: Record<string, string>, as: Caller = admin) => srv.core.dispatcher.invoke(as, command, p) as Promise<any>;
const failure = (command: string, p: Record<string, string>, as: Caller = admin) =>
  invoke(command, p, as).then(() => { throw new Error(`${command} succeeded`); }, (e) => e as { errorcode: number; message: string });

async function deploy(name: string, as: Caller = admin): Promise<string> {
  const r = await invoke('deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, name }, as);
  expect(await srv.core.svc.jobs.waitFor(r.jobid)).toBe(1);
  return r.id;
}
const vmState = async (id: string) => (await srv.core.svc.db.selectFrom('vms').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
const runsOf = (scheduleId: string) => srv.core.svc.db.selectFrom('schedule_runs').selectAll().where('schedule_id', '=', scheduleId).orderBy('due').execute();
async function tick() {
  const n = await srv.core.scheduler.tick();
  await srv.core.scheduler.settled();
  return n;
}
async function userCaller(name: string): Promise<Caller> {
  const r = await invoke('createAccount', { accounttype: '0', username: name, password: 'pw-pw-pw-1', firstname: name, lastname: name, email: `${name}@x`, account: name });
  return (await srv.core.svc.identity.byUserId(r.account.user[0].id))!;
}

describe('the loop', () => {
  // First in the file: the loop reads every due row, and the other tests leave rows due at their fake instants.
  it('a schedule saved while the loop sleeps wakes it: the run starts when due, not when the loop would have woken', async () => {
    at(new Date().toISOString());
    const vm = await deploy('wake-me');
    // This server's loop, on the real clock, asleep for a minute: nothing is stored yet.
    const loop = createScheduler({ ...srv.core.svc, clock: { now: () => Date.now() }, config: { ...srv.core.svc.config, msId: 'ms-loop' } },
      () => srv.core.registry, { intervalMs: 60_000 });
    await loop.start();
    try {
      const now = Date.now();
      at(new Date(now).toISOString());
      const runat = new Date(Math.floor(now / 1000) * 1000 + 2000).toISOString().slice(0, 19).replace('T', ' ');
      const t = (await invoke('createScheduledTask', { apicommand: 'rebootVirtualMachine', 'params[0].name': 'id', 'params[0].value': vm, runat })).scheduledtask;
      await expect.poll(async () => (await runsOf(t.id)).map((r) => r.outcome), { timeout: 10_000, interval: 100 }).toEqual(['job']);
    } finally {
      await loop.stop();
      await loop.settled();
    }
  });

  it('a run that falls due while the loop fires another starts right after it, not an interval later', async () => {
    const vm = await deploy('busy-loop');
    const T = Date.parse('2026-12-06T12:00:00Z');
    at('2026-12-06T11:59:00Z');
    const task = (runat: string) => invoke('createScheduledTask', { apicommand: 'rebootVirtualMachine', 'params[0].name': 'id', 'params[0].value': vm, runat });
    const a = (await task('2026-12-06 12:00:00')).scheduledtask;
    const b = (await task('2026-12-06 12:00:01')).scheduledtask;
    // The loop's clock stands at A's instant, and moves 2 s on while A is being fired (its SCHEDULE.RUN event), so
    // B falls due during that tick, after the tick read the due rows.
    const moving = { t: T, now: () => moving.t };
    const off = srv.core.svc.events.subscribe((n) => { if (n.kind === 'event' && n.event.type === 'SCHEDULE.RUN') moving.t = T + 2000; });
    const loop = createScheduler({ ...srv.core.svc, clock: moving, config: { ...srv.core.svc.config, msId: 'ms-busy' } }, () => srv.core.registry, { intervalMs: 60_000 });
    await loop.start();
    try {
      await expect.poll(async () => [...await runsOf(a.id), ...await runsOf(b.id)].map((r) => r.outcome), { timeout: 10_000, interval: 100 }).toEqual(['job', 'job']);
    } finally {
      off();
      await loop.stop();
      await loop.settled();
    }
  });
});

describe('VM schedules', () => {
  it('stop every weekday at 18:00 Asia/Shanghai: fires once at 10:00 UTC, as a job linked to its run', async () => {
    at('2026-12-07T01:00:00Z');
    const vm = await deploy('sched-stop');
    const s = (await invoke('createVMSchedule', { virtualmachineid: vm, action: 'stop', schedule: '0 18 * * 1-5', timezone: 'Asia/Shanghai' })).vmschedule;
    expect(s).toMatchObject({ virtualmachineid: vm, action: 'STOP', schedule: '0 18 * * 1-5', timezone: 'Asia/Shanghai', enabled: true,
      startdate: '2026-12-07T01:01:00+0000' });
    at('2026-12-07T09:59:59Z');
    expect(await tick()).toBe(0);
    expect(await vmState(vm)).toBe('Running');
    at('2026-12-07T10:00:00.400Z');
    expect(await tick()).toBe(1);
    expect(await tick()).toBe(0);
    expect(await vmState(vm)).toBe('Stopped');
    const runs = await runsOf(s.id);
    expect(runs).toMatchObject([{ due: Date.parse('2026-12-07T10:00:00Z'), outcome: 'job' }]);
    const job = await srv.core.svc.db.selectFrom('async_jobs').select(['command', 'status', 'instance_id']).where('id', '=', runs[0].job_id!).executeTakeFirstOrThrow();
    expect(job).toEqual({ command: 'stopVirtualMachine', status: 1, instance_id: vm });
    const next = await srv.core.svc.db.selectFrom('schedules').select('next_run').where('id', '=', s.id).executeTakeFirstOrThrow();
    expect(new Date(next.next_run!).toISOString()).toBe('2026-12-08T10:00:00.000Z');
    const events = await invoke('listEvents', { type: 'SCHEDULE.RUN', listall: 'true' });
    expect(events.event.some((e: any) => e.description.includes(runs[0].job_id))).toBe(true);

    const listed = await invoke('listVMSchedule', { virtualmachineid: vm });
    expect(listed).toMatchObject({ count: 1, vmschedule: [{ id: s.id }] });
    const upd = (await invoke('updateVMSchedule', { id: s.id, schedule: '30 7 * * *', enabled: 'false' })).vmschedule;
    expect(upd).toMatchObject({ schedule: '30 7 * * *', enabled: false });
    await invoke('deleteVMSchedule', { virtualmachineid: vm, id: s.id });
    expect(await invoke('listVMSchedule', { virtualmachineid: vm })).toEqual({});
  });

  it('refuses bad input with CloudStack errors', async () => {
    const vm = await deploy('sched-bad');
    const e1 = await failure('createVMSchedule', { virtualmachineid: vm, action: 'START', schedule: '0 25 * * *', timezone: 'UTC' });
    expect(e1).toMatchObject({ errorcode: 431, message: expect.stringContaining('hour field "25"') });
    const e2 = await failure('createVMSchedule', { virtualmachineid: vm, action: 'START', schedule: '0 1 * * *', timezone: 'Mars/Base' });
    expect(e2).toMatchObject({ errorcode: 431, message: expect.stringContaining('Invalid timezone: Mars/Base') });
    const e3 = await failure('createVMSchedule', { virtualmachineid: vm, action: 'PAUSE', schedule: '0 1 * * *', timezone: 'UTC' });
    expect(e3).toMatchObject({ errorcode: 431, message: expect.stringContaining('Invalid value for action: PAUSE') });
    const e4 = await failure('createVMSchedule', { virtualmachineid: vm, action: 'START', schedule: '0 1 * * *', timezone: 'UTC',
      startdate: '2027-01-02 00:00:00', enddate: '2027-01-01 00:00:00' });
    expect(e4).toMatchObject({ errorcode: 431, message: expect.stringContaining("End date") });
  });

  it('missed runs: a recent one runs once after a late start, an old one is skipped with an event', async () => {
    const vm = await deploy('sched-missed');
    at('2026-12-08T00:00:00Z');
    const every = (await invoke('createVMSchedule', { virtualmachineid: vm, action: 'REBOOT', schedule: '* * * * *', timezone: 'UTC' })).vmschedule;
    // Down from 00:01 to 00:04:30: three runs were missed, within the 300 s grace period: one runs.
    at('2026-12-08T00:04:30Z');
    expect(await tick()).toBe(1);
    expect((await runsOf(every.id)).map((r) => [new Date(r.due).toISOString(), r.outcome])).toEqual([['2026-12-08T00:04:00.000Z', 'job']]);
    await invoke('deleteVMSchedule', { virtualmachineid: vm });

    const daily = (await invoke('createVMSchedule', { virtualmachineid: vm, action: 'REBOOT', schedule: '0 3 * * *', timezone: 'UTC' })).vmschedule;
    at('2026-12-08T05:00:00Z'); // two hours late
    expect(await tick()).toBe(1);
    expect(await runsOf(daily.id)).toMatchObject([{ outcome: 'skipped', job_id: null }]);
    const missed = await invoke('listEvents', { type: 'SCHEDULE.MISSED', listall: 'true' });
    expect(missed.event[0].description).toMatch(/missed: due 2026-12-08T03:00:00.000Z, more than 300 s ago; skipped/);
    await invoke('deleteVMSchedule', { virtualmachineid: vm });
  });

  it('a run that fails raises an alert', async () => {
    const vm = await deploy('sched-fail');
    await srv.core.svc.jobs.waitFor((await invoke('stopVirtualMachine', { id: vm })).jobid);
    at('2026-12-09T00:00:00Z');
    const s = (await invoke('createVMSchedule', { virtualmachineid: vm, action: 'REBOOT', schedule: '5 0 * * *', timezone: 'UTC' })).vmschedule;
    at('2026-12-09T00:05:00Z');
    await tick();
    const [run] = await runsOf(s.id);
    expect(run.outcome).not.toBe('skipped');
    const alerts = await invoke('listAlerts', {});
    expect(alerts.alert.some((a: any) => a.description.includes(`Schedule ${s.id}`))).toBe(true);
    await invoke('deleteVMSchedule', { virtualmachineid: vm });
  });

  it("a disabled account's schedules do not run; an expunged VM's schedules are removed", async () => {
    const carol = await userCaller('carol');
    const vm = await deploy('carol-vm', carol);
    at('2026-12-10T00:00:00Z');
    const s = (await invoke('createVMSchedule', { virtualmachineid: vm, action: 'STOP', schedule: '10 0 * * *', timezone: 'UTC' }, carol)).vmschedule;
    await srv.core.svc.jobs.waitFor((await invoke('disableAccount', { account: 'carol', domainid: carol.domainId, lock: 'true' })).jobid);
    at('2026-12-10T00:10:00Z');
    await tick();
    expect(await runsOf(s.id)).toMatchObject([{ outcome: 'skipped' }]);
    expect(await vmState(vm)).not.toBe('Stopped');
    await invoke('enableAccount', { account: 'carol', domainid: carol.domainId });
    const r = await invoke('destroyVirtualMachine', { id: vm, expunge: 'true' });
    expect(await srv.core.svc.jobs.waitFor(r.jobid)).toBe(1);
    at('2026-12-11T00:10:00Z');
    await tick();
    const row = await srv.core.svc.db.selectFrom('schedules').select(['removed', 'next_run']).where('id', '=', s.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ removed: Date.parse('2026-12-11T00:10:00Z'), next_run: null });
    expect((await runsOf(s.id)).map((x) => x.outcome)).toEqual(['skipped', 'skipped']);
  });
});

describe('exactly once across management servers', () => {
  it('two schedulers on one database claim each due run once', async () => {
    at('2026-12-11T23:00:00Z');
    const vm = await deploy('two-servers');
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const t = await invoke('createScheduledTask', { apicommand: 'rebootVirtualMachine', 'params[0].name': 'id', 'params[0].value': vm,
        runat: '2026-12-12 08:00:00', timezone: 'Asia/Shanghai' });
      ids.push(t.scheduledtask.id);
    }
    // A second management server sharing the database: same services, its own id.
    const other = createScheduler({ ...srv.core.svc, config: { ...srv.core.svc.config, msId: 'ms-other' } }, () => srv.core.registry, { intervalMs: 0, batch: 7 });
    at('2026-12-12T00:00:01Z');
    const [a, b] = await Promise.all([srv.core.scheduler.tick(), other.tick()]);
    await Promise.all([srv.core.scheduler.settled(), other.settled()]);
    expect(a + b).toBe(30);
    const runs = await srv.core.svc.db.selectFrom('schedule_runs').select(['schedule_id', 'job_id']).where('schedule_id', 'in', ids).execute();
    expect(runs).toHaveLength(30);
    expect(new Set(runs.map((r) => r.schedule_id)).size).toBe(30);
    const jobs = await srv.core.svc.db.selectFrom('async_jobs').select('id').where('id', 'in', runs.map((r) => r.job_id!)).execute();
    expect(jobs).toHaveLength(30);
    // One-time tasks are done: nothing is due any more.
    at('2026-12-13T00:00:00Z');
    expect(await tick()).toBe(0);
    const listed = await invoke('listScheduledTasks', { id: ids[0] });
    expect(listed.scheduledtask[0]).toMatchObject({ apicommand: 'rebootVirtualMachine', params: { id: vm }, timezone: 'Asia/Shanghai',
      runat: '2026-12-12T00:00:00+0000' });
    expect(listed.scheduledtask[0].nextrun).toBeUndefined();
  });
});

describe('scheduled tasks', () => {
  it('are validated against the command when saved', async () => {
    const e1 = await failure('createScheduledTask', { apicommand: 'listVirtualMachines', schedule: '0 1 * * *' });
    expect(e1).toMatchObject({ errorcode: 431, message: expect.stringContaining('listVirtualMachines is not an async API command') });
    const e2 = await failure('createScheduledTask', { apicommand: 'stopVirtualMachine', schedule: '0 1 * * *' });
    expect(e2).toMatchObject({ errorcode: 431, message: expect.stringContaining('id') });
    const e3 = await failure('createScheduledTask', { apicommand: 'stopVirtualMachine', 'params[0].name': 'id', 'params[0].value': '00000000-0000-4000-8000-000000000000',
      schedule: '0 1 * * *', runat: '2030-01-01 00:00:00' });
    expect(e3).toMatchObject({ errorcode: 431, message: expect.stringContaining('either runat') });
  });
});

describe('snapshot policies', () => {
  it('take HOURLY snapshots and keep exactly maxsnaps, deleting the oldest', async () => {
    at('2026-12-14T00:00:00Z');
    const vm = await deploy('snappy');
    const vol = (await invoke('listVolumes', { virtualmachineid: vm })).volume[0];
    const p = (await invoke('createSnapshotPolicy', { volumeid: vol.id, intervaltype: 'hourly', schedule: '15', maxsnaps: '2', timezone: 'Europe/Berlin' })).snapshotpolicy;
    expect(p).toMatchObject({ volumeid: vol.id, intervaltype: 0, schedule: '15', maxsnaps: 2, timezone: 'Europe/Berlin', fordisplay: true });
    for (const h of ['00', '01', '02', '03']) { at(`2026-12-14T${h}:15:00Z`); expect(await tick()).toBe(1); }
    const snaps = (await invoke('listSnapshots', { volumeid: vol.id })).snapshot;
    expect(snaps.map((s: any) => [s.intervaltype, s.state])).toEqual([['HOURLY', 'BackedUp'], ['HOURLY', 'BackedUp']]);
    const created = snaps.map((s: any) => s.created).sort();
    expect(created).toEqual(['2026-12-14T02:15:00+0000', '2026-12-14T03:15:00+0000']);
    // Same interval type again: the policy is updated, not doubled (CloudStack).
    const again = (await invoke('createSnapshotPolicy', { volumeid: vol.id, intervaltype: 'HOURLY', schedule: '30', maxsnaps: '1', timezone: 'UTC' })).snapshotpolicy;
    expect(again.id).toBe(p.id);
    expect((await invoke('listSnapshotPolicies', { volumeid: vol.id })).count).toBe(1);
    const e = await failure('createSnapshotPolicy', { volumeid: vol.id, intervaltype: 'MONTHLY', schedule: '00:01:31', maxsnaps: '1', timezone: 'UTC' });
    expect(e).toMatchObject({ errorcode: 431, message: expect.stringContaining('day of month must be 1-28') });
    const upd = await invoke('updateSnapshotPolicy', { id: p.id, fordisplay: 'false' });
    expect(await srv.core.svc.jobs.waitFor(upd.jobid)).toBe(1);
    expect((await invoke('listSnapshotPolicies', { volumeid: vol.id, fordisplay: 'false' })).snapshotpolicy[0]).toMatchObject({ id: p.id, fordisplay: false });
    await invoke('deleteSnapshotPolicies', { id: p.id });
    expect(await invoke('listSnapshotPolicies', { volumeid: vol.id })).toEqual({});
  });
});

describe('scoping', () => {
  it('a user cannot schedule, or see the schedules of, another account\'s resources', async () => {
    const dave = await userCaller('dave');
    const vm = await deploy('admins-vm');
    const vol = (await invoke('listVolumes', { virtualmachineid: vm })).volume[0];
    await invoke('createVMSchedule', { virtualmachineid: vm, action: 'STOP', schedule: '0 1 * * *', timezone: 'UTC' });
    await invoke('createSnapshotPolicy', { volumeid: vol.id, intervaltype: 'DAILY', schedule: '00:01', maxsnaps: '3', timezone: 'UTC' });
    for (const [cmd, p] of [['createVMSchedule', { virtualmachineid: vm, action: 'STOP', schedule: '0 1 * * *', timezone: 'UTC' }],
      ['listVMSchedule', { virtualmachineid: vm }], ['deleteVMSchedule', { virtualmachineid: vm }],
      ['createSnapshotPolicy', { volumeid: vol.id, intervaltype: 'DAILY', schedule: '00:01', maxsnaps: '3', timezone: 'UTC' }]] as const) {
      expect((await failure(cmd, p, dave)).errorcode, cmd).toBe(531);
    }
    expect(await invoke('listSnapshotPolicies', {}, dave)).toEqual({});
    expect(await invoke('listScheduledTasks', {}, dave)).toEqual({});
    // Nor through a scheduled task: it is saved (rights are checked when it runs), and its run is refused.
    at('2026-12-15T00:00:00Z');
    const t = (await invoke('createScheduledTask', { apicommand: 'stopVirtualMachine', 'params[0].name': 'id', 'params[0].value': vm,
      schedule: '5 0 * * *' }, dave)).scheduledtask;
    at('2026-12-15T00:05:00Z');
    await tick();
    expect(await runsOf(t.id)).toMatchObject([{ outcome: 'failed', job_id: null }]);
    expect(await vmState(vm)).toBe('Running');
  });
});
