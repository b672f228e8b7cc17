import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { defineCommands, type CommandDecl } from '../contract/command';
import { p } from '../contract/params';
import { ALL_ROLES } from '../contract/roles';
import type { AsyncHandler } from '../kernel/handler';
import { makeEnv, type AccountName, type TestEnv } from './test-env';
import { jobsModule, javaCommandClass } from './index';

const decls = defineCommands({
  stopVirtualMachine: { description: 'stop', async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: { id: p.req.uuid() }, response: { kind: 'object', name: 'virtualmachine' } },
  deleteThing: { description: 'delete', async: true, authorized: ALL_ROLES, params: {}, response: { kind: 'success' } },
});

const CS_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
const query = (e: TestEnv, who: AccountName, jobid: string) =>
  jobsModule.handlers.queryAsyncJobResult(e.ctx(who, 'queryAsyncJobResult'), { jobid }) as Promise<Record<string, unknown>>;
const list = (e: TestEnv, who: AccountName, args: Record<string, unknown> = {}) =>
  jobsModule.handlers.listAsyncJobs(e.ctx(who, 'listAsyncJobs'), args) as unknown as Promise<{ count: number; items: Record<string, unknown>[] }>;

let e: TestEnv;
let release: () => void;
beforeEach(async () => {
  e = await makeEnv();
  let open!: () => void;
  const gate = new Promise<void>((r) => { open = r; });
  release = open;
  const m = new Map<string, { decl: CommandDecl; handler: AsyncHandler<CommandDecl> }>();
  m.set('stopVirtualMachine', { decl: decls.stopVirtualMachine, handler: { prepare: async () => { throw new Error(); },
    execute: async (_c, a) => { await gate; return { id: (a as { id: string }).id, state: 'Stopped' }; } } });
  m.set('deleteThing', { decl: decls.deleteThing, handler: { prepare: async () => { throw new Error(); }, execute: async () => {} } });
  e.svc.jobs.bind(m);
  await e.svc.jobs.start();
});
afterEach(async () => { release(); await e.svc.jobs.stop(1000); await e.close(); });

const stopVm = (who: AccountName, vm: string) => e.svc.jobs.submit(e.ctx(who, 'stopVirtualMachine'), decls.stopVirtualMachine,
  { id: vm }, { instanceType: 'VirtualMachine', instanceId: vm, locks: [`vm:${vm}`], payload: {} });

describe('queryAsyncJobResult', () => {
  it('answers a pending job without jobresult or completed, then the finished job with typed fields', async () => {
    const id = await stopVm('alice', 'vm-1');
    const pending = await query(e, 'alice', id);
    expect(pending).toEqual({
      accountid: 'acc-alice', userid: 'usr-alice', cmd: 'org.apache.cloudstack.api.command.user.vm.StopVMCmd',
      jobstatus: 0, jobprocstatus: 0, jobresultcode: 0, jobinstancetype: 'VirtualMachine', jobinstanceid: 'vm-1',
      created: '2024-05-01T12:00:00+0000', jobid: id, managementserverid: 'ms-1', managementservername: 'test-ms',
      account: 'alice', domainid: 'dom-d1', domainpath: 'ROOT/D1',
    });
    e.clock.t += 2_000;
    release();
    await e.svc.jobs.waitFor(id);
    const done = await query(e, 'alice', id);
    expect(done).toMatchObject({ jobstatus: 1, jobresultcode: 0, jobresulttype: 'object', jobprocstatus: 0,
      jobresult: { virtualmachine: { id: 'vm-1', state: 'Stopped' } }, completed: '2024-05-01T12:00:02+0000' });
    expect(done.created).toMatch(CS_DATE);
    // Key order as CloudStack sends it: jobresult before the instance fields, completed after created.
    expect(Object.keys(done)).toEqual(['accountid', 'userid', 'cmd', 'jobstatus', 'jobprocstatus', 'jobresultcode',
      'jobresulttype', 'jobresult', 'jobinstancetype', 'jobinstanceid', 'created', 'completed', 'jobid',
      'managementserverid', 'managementservername', 'account', 'domainid', 'domainpath']);
  });

  it('lets the owner and admins over the owner domain query, and denies others with 531', async () => {
    const id = await stopVm('alice', 'vm-1');
    for (const who of ['alice', 'admin', 'd1admin'] as const) await expect(query(e, who, id)).resolves.toMatchObject({ jobid: id });
    for (const who of ['bob', 'd2admin'] as const) await expect(query(e, who, id)).rejects.toMatchObject({ errorcode: 531 });
  });

  it('answers 431 with CloudStack text for an unknown job id', async () => {
    await expect(query(e, 'alice', '0b3c8c3e-0000-4000-8000-000000000000')).rejects.toMatchObject({
      errorcode: 431,
      message: expect.stringContaining('Invalid parameter jobid value=0b3c8c3e-0000-4000-8000-000000000000'),
    });
  });
});

describe('listAsyncJobs', () => {
  it('scopes to the caller: users see their own jobs, admins with listall see what they manage', async () => {
    const a1 = await stopVm('alice', 'vm-1');
    const b1 = await stopVm('bob', 'vm-2');
    const r1 = await stopVm('admin', 'vm-3');
    expect((await list(e, 'alice')).items.map((j) => j.jobid)).toEqual([a1]);
    expect((await list(e, 'bob', { listall: true })).items.map((j) => j.jobid)).toEqual([b1]);
    expect(new Set((await list(e, 'd1admin', { listall: true })).items.map((j) => j.jobid))).toEqual(new Set([a1, b1]));
    const all = await list(e, 'admin', { listall: true });
    expect(all.count).toBe(3);
    expect(new Set(all.items.map((j) => j.jobid))).toEqual(new Set([a1, b1, r1]));
    expect(all.items.find((j) => j.jobid === b1)).toMatchObject({ account: 'bob', jobstatus: 0, domainpath: 'ROOT/D1' });
  });

  it('filters by resource, type, start date and keyword, and pages with the total count', async () => {
    const first = await stopVm('admin', 'vm-1');
    e.clock.t = Date.UTC(2024, 4, 3, 8, 0, 0);
    const ids = [await stopVm('admin', 'vm-2'), await stopVm('admin', 'vm-3')];
    const del = await e.svc.jobs.submit(e.ctx('admin', 'deleteThing'), decls.deleteThing, {}, { instanceType: 'None', instanceId: null, locks: [], payload: null });
    expect((await list(e, 'admin', { resourceid: 'vm-1' })).items.map((j) => j.jobid)).toEqual([first]);
    expect((await list(e, 'admin', { resourcetype: 'virtualmachine' })).count).toBe(3);
    expect((await list(e, 'admin', { startdate: '2024-05-02' })).count).toBe(3);
    expect((await list(e, 'admin', { startdate: '2024-05-03 08:00:01' })).count).toBe(0);
    expect((await list(e, 'admin', { keyword: 'delete' })).items.map((j) => j.jobid)).toEqual([del]);
    const page = await list(e, 'admin', { page: 2, pagesize: 3 });
    expect(page.count).toBe(4);
    expect(page.items.map((j) => j.jobid)).toEqual([first]); // newest first: the oldest job is last
    expect(ids).toHaveLength(2);
  });

  it('pages through every job once, newest first, the later pages read from the oldest end', async () => {
    for (let i = 1; i <= 7; i++) await stopVm('admin', `vm-${i}`);
    const whole = (await list(e, 'admin', { listall: true, pagesize: 500 })).items.map((j) => j.jobid);
    const paged: unknown[] = [];
    for (let page = 1; page <= 4; page++) {
      const r = await list(e, 'admin', { listall: true, page, pagesize: 2 });
      expect(r.count).toBe(7);
      paged.push(...r.items.map((j) => j.jobid));
    }
    expect(paged).toEqual(whole);
    expect((await list(e, 'admin', { listall: true, page: 5, pagesize: 2 })).items).toEqual([]);
  });
});

describe('javaCommandClass', () => {
  it('derives CloudStack-like class names', () => {
    expect(javaCommandClass('deployVirtualMachine', 'VirtualMachine')).toBe('org.apache.cloudstack.api.command.user.vm.DeployVMCmd');
    expect(javaCommandClass('prepareHostForMaintenance', 'Host')).toBe('org.apache.cloudstack.api.command.admin.host.PrepareHostForMaintenanceCmd');
    expect(javaCommandClass('createVolume', 'Volume')).toBe('org.apache.cloudstack.api.command.user.volume.CreateVolumeCmd');
  });
});
