// The evacuation view's reading of the server's lists: which VM jobs belong to the evacuation, and each VM's state.
import { describe, expect, it } from 'vitest';
import type { AsyncJob, VirtualMachine } from '../../../../core/contract/responses';
import { evacuationJobs, evacuationRows } from './evacuation-model';

const MIG = 'org.apache.cloudstack.api.command.user.vm.MigrateVMCmd';
const STOP = 'org.apache.cloudstack.api.command.user.vm.StopVMCmd';
const job = (cmd: string, vm: string, status: number, extra: Partial<AsyncJob> = {}): AsyncJob =>
  ({ jobid: `${cmd}-${vm}-${status}`, cmd, jobinstanceid: vm, jobstatus: status, userid: 'u1', created: '2026-12-07T10:00:05+0000', ...extra });
const prepare = job('org.apache.cloudstack.api.command.admin.host.PrepareHostForMaintenanceCmd', 'h1', 0, { created: '2026-12-07T10:00:05+0000' });

describe('evacuation view model', () => {
  it('takes only the migrate/stop jobs of the preparing user since the prepare job began', () => {
    const jobs = [job(MIG, 'a', 0), job(MIG, 'b', 0, { userid: 'other' }), job(MIG, 'c', 1, { created: '2026-12-07T09:59:00+0000' }),
      job('org.apache.cloudstack.api.command.user.vm.StartVMCmd', 'd', 0)];
    expect(evacuationJobs(prepare, jobs).map((j) => j.jobinstanceid)).toEqual(['a']);
  });

  it('shows queued, migrating with progress, migrated to its host, stopped with the reason, and failed', () => {
    const onHost = [{ id: 'q', name: 'queued-vm' }, { id: 'm', name: 'moving-vm' }] as VirtualMachine[];
    const rows = evacuationRows({
      preparing: true, onHost,
      plan: [{ virtualmachineid: 'q', virtualmachinename: 'queued-vm', action: 'Migrate', hostname: 'h2', state: 'Running' }],
      jobs: [
        job(MIG, 'm', 0, { jobprocstatus: 40 }),
        job(MIG, 'd', 1, { jobresult: { virtualmachine: { name: 'done-vm', hostname: 'h3' } } }),
        job(MIG, 's', 2, { jobresult: { errortext: 'no room' } }), job(STOP, 's', 1, { created: '2026-12-07T10:00:06+0000' }),
        job(MIG, 'f', 2, { jobresult: { errortext: 'link lost' } }),
      ],
    });
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(by.q).toMatchObject({ state: 'queued', host: 'h2', name: 'queued-vm' });
    expect(by.m).toMatchObject({ state: 'migrating', progress: 40, name: 'moving-vm' });
    expect(by.d).toMatchObject({ state: 'migrated', host: 'h3', name: 'done-vm' });
    expect(by.s).toMatchObject({ state: 'stopped', error: 'no room' });
    expect(by.f).toMatchObject({ state: 'failed', error: 'link lost' });
  });

  it('says a VM left on the host after the evacuation ended was not moved', () => {
    const rows = evacuationRows({ preparing: false, jobs: [], onHost: [{ id: 'x', name: 'x' }] as VirtualMachine[] });
    expect(rows[0].state).toBe('notMoved');
  });
});
