// The run calendar's API on a fake clock: listScheduledRuns answers the upcoming runs of a VM schedule and, once
// they have fired, their outcome and job; cancelScheduledRun skips only the next run (it never fires, the one after
// does); another account neither sees nor cancels the runs; a bad window is refused with a clear 431.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness';
import { buildSimLab, type SimLab } from '../testing/sim-lab';
import type { Caller } from '../identity/caller';

const clock = { t: Date.UTC(2026, 11, 7, 1, 0), now: () => clock.t };
const at = (iso: string) => { clock.t = Date.parse(iso); };
let srv: TestServer;
let lab: SimLab;
let admin: Caller;

beforeAll(async () => {
  srv = await startTestServer({ clock });
  lab = await buildSimLab(srv.core, 1, 'runs');
  admin = await srv.core.admin();
});
afterAll(async () => { await srv.stop(); });

const invoke = (command: string, p: Record<string, string>, as: Caller = admin) => srv.core.dispatcher.invoke(as, command, p) as Promise<any>;
const failure = (command: string, p: Record<string, string>, as: Caller = admin) =>
  invoke(command, p, as).then(() => { throw new Error(`${command} succeeded`); }, (e) => e as { errorcode: number; message: string });
const window = { listall: 'true', startdate: '2026-12-07 01:00:00', enddate: '2026-12-07 05:00:00' };
const runs = async (as: Caller = admin) => ((await invoke('listScheduledRuns', window, as)).scheduledrun ?? [])
  .map((r: any) => `${r.runat.slice(11, 16)} ${r.action} ${r.state}${r.jobid ? ' job' : ''}`);
async function tick() { const n = await srv.core.scheduler.tick(); await srv.core.scheduler.settled(); return n; }

describe('listScheduledRuns and cancelScheduledRun', () => {
  it('list upcoming runs, cancel the next one only, then show the fired run with its job', async () => {
    const dep = await invoke('deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, name: 'cal-vm' });
    expect(await srv.core.svc.jobs.waitFor(dep.jobid)).toBe(1);
    const s = (await invoke('createVMSchedule', { virtualmachineid: dep.id, action: 'REBOOT', schedule: '0 * * * *', timezone: 'UTC' })).vmschedule;
    expect(await runs()).toEqual(['02:00 REBOOT Scheduled', '03:00 REBOOT Scheduled', '04:00 REBOOT Scheduled']);
    const one = (await invoke('listScheduledRuns', { ...window, pagesize: '-1' })).scheduledrun[0];
    expect(one).toMatchObject({ scheduleid: s.id, kind: 'vm', resourcetype: 'VirtualMachine', resourceid: dep.id, virtualmachineid: dep.id,
      resourcename: 'cal-vm', zoneid: lab.zoneId, account: 'admin' });

    await invoke('cancelScheduledRun', { scheduleid: s.id });
    expect(await runs()).toEqual(['02:00 REBOOT Cancelled', '03:00 REBOOT Scheduled', '04:00 REBOOT Scheduled']);
    at('2026-12-07T02:00:30Z');
    expect(await tick()).toBe(0);
    at('2026-12-07T03:00:00.200Z');
    expect(await tick()).toBe(1);
    expect(await runs()).toEqual(['02:00 REBOOT Cancelled', '03:00 REBOOT Succeeded job', '04:00 REBOOT Scheduled']);
  });

  it('another account sees no runs and cannot cancel them; a bad window says what is wrong', async () => {
    const r = await invoke('createAccount', { accounttype: '0', username: 'calu', password: 'pw-pw-pw-1', firstname: 'c', lastname: 'u', email: 'c@x', account: 'calu' });
    const user = (await srv.core.svc.identity.byUserId(r.account.user[0].id))!;
    expect(await runs(user)).toEqual([]);
    const s = (await invoke('listScheduledRuns', window)).scheduledrun[0];
    expect((await failure('cancelScheduledRun', { scheduleid: s.scheduleid }, user)).errorcode).toBe(531);
    const bad = await failure('listScheduledRuns', { startdate: '2026-12-07 05:00:00', enddate: '2026-12-07 01:00:00' });
    expect(bad).toMatchObject({ errorcode: 431, message: 'Invalid value for enddate: it must be after startdate' });
    expect((await failure('listScheduledRuns', { startdate: 'soon', enddate: '2026-12-07 01:00:00' })).message).toMatch(/Invalid value for startdate: "soon"/);
  });
});
