import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, type World } from './test-world';
import { reconcileVms } from './index';

let w: World;
beforeEach(async () => { w = await createWorld(); });
afterEach(async () => { await w.close(); });

const list = (caller: World['ids']['admin'], args: object = {}) => w.call(caller, 'listVirtualMachines', args);

describe('listVirtualMachines', () => {
  it('returns CloudStack field types, host and instance name for admins only', async () => {
    const id = await w.deploy(w.ids.admin, { name: 'web', group: 'g1' });
    const r = await list(w.ids.admin);
    expect(r.count).toBe(1);
    const vm = r.items[0];
    expect(vm).toMatchObject({ id, name: 'web', group: 'g1', state: 'Running', zoneid: w.ids.zone, hostname: 'host1',
      account: 'admin', domain: 'ROOT', domainid: w.ids.root, osdisplayname: 'Debian GNU/Linux 12 (64-bit)' });
    for (const k of ['cpunumber', 'cpuspeed', 'memory', 'rootdeviceid']) expect(typeof vm[k]).toBe('number');
    for (const k of ['haenable', 'passwordenabled', 'isdynamicallyscalable', 'displayvm']) expect(typeof vm[k]).toBe('boolean');
    for (const k of ['nic', 'tags', 'affinitygroup', 'securitygroup']) expect(vm[k]).toEqual([]);
    expect(vm.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    expect(vm.instancename).toMatch(/^i-1-1-VM$/);
    expect(vm.cpuused).toBeUndefined();
    // On the wire (JSON and XML leave undefined fields out) no field is null and absent ones are missing.
    const wire = JSON.parse(JSON.stringify(vm)) as Record<string, unknown>;
    expect(Object.values(wire).some((v) => v === null)).toBe(false);
    for (const k of ['isoid', 'isoname', 'jobid', 'cpuused']) expect(k in wire).toBe(false);
    expect(Object.keys(wire).slice(0, 3)).toEqual(['id', 'name', 'displayname']);
    const withStats = await list(w.ids.admin, { details: ['all'] });
    expect(withStats.items[0].cpuused).toBe('12.5%');
  });

  it('scopes users to their own account and admins to theirs unless listall', async () => {
    const a = await w.deploy(w.ids.alice);
    const b = await w.deploy(w.ids.bob);
    await w.deploy(w.ids.admin);
    expect((await list(w.ids.alice)).items.map((v: { id: string }) => v.id)).toEqual([a]);
    expect((await list(w.ids.alice, { listall: true })).items.map((v: { id: string }) => v.id)).toEqual([a]);
    expect((await list(w.ids.bob)).items.map((v: { id: string }) => v.id)).toEqual([b]);
    expect((await list(w.ids.admin)).count).toBe(1);
    expect((await list(w.ids.admin, { listall: true })).count).toBe(3);
    expect((await list(w.ids.admin, { domainid: w.ids.child })).items.map((v: { id: string }) => v.id)).toEqual([b]);
  });

  it('filters by state, name, keyword, host, zone, template, offering, ids and pages with a total count', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await w.deploy(w.ids.admin, { name: `node-${i}`, startvm: i < 3 }));
    const big = await w.deploy(w.ids.admin, { name: 'other', serviceofferingid: w.ids.big });
    const L = (a: object) => list(w.ids.admin, { listall: true, ...a });
    expect((await L({ state: 'Running' })).count).toBe(4);
    expect((await L({ state: 'stopped' })).count).toBe(2);
    expect((await L({ state: 'Present' })).count).toBe(6);
    expect((await L({ state: 'Bogus' })).count).toBe(0);
    expect((await L({ name: 'node' })).count).toBe(5);
    const searched = await L({ name: 'node', page: 2, pagesize: 2 }); // one scan gives the count and the page
    expect([searched.count, searched.items.map((v: { id: string }) => v.id)]).toEqual([5, [ids[2], ids[3]]]);
    expect((await L({ keyword: 'node', page: 4, pagesize: 2 })).items).toEqual([]);
    expect((await L({ keyword: 'oth' })).items[0].id).toBe(big);
    expect((await L({ serviceofferingid: w.ids.big })).count).toBe(1);
    expect((await L({ templateid: w.ids.template, zoneid: w.ids.zone })).count).toBe(6);
    expect((await L({ hostid: w.ids.hosts[0] })).count).toBe(4);
    expect((await L({ ids: [ids[0], ids[4]] })).count).toBe(2);
    expect((await L({ hypervisor: 'simulator', state: 'Running' })).count).toBe(4);
    expect((await L({ storageid: w.ids.pool1 })).count).toBe(4);
    const p2 = await L({ page: 2, pagesize: 4 });
    expect([p2.count, p2.items.length]).toEqual([6, 2]);
    expect(p2.items.map((v: { id: string }) => v.id)).toEqual([ids[4], big]);
    const all = await L({ pagesize: -1 });
    expect(all.items.length).toBe(6);
  });
});

describe('migration', () => {
  it('lists hosts of the VM cluster with suitability and migrates live, moving the reservation', async () => {
    const id = await w.deploy();
    const src = (await w.vm(id)).host_id!;
    const found = await w.call(w.ids.admin, 'findHostsForMigration', { virtualmachineid: id });
    expect(found.items.map((h: { name: string }) => h.name)).toEqual(['host2', 'host3']); // host4 is in another cluster
    expect(found.items[0]).toMatchObject({ suitableformigration: true, requiresStorageMotion: false, cpuallocated: '0.00%' });
    const dst = found.items[1].id;
    const r = await w.call(w.ids.admin, 'migrateVirtualMachine', { virtualmachineid: id, hostid: dst });
    expect(r.result).toMatchObject({ state: 'Running', hostid: dst });
    expect((await w.host(src)).cpu_allocated).toBe(0);
    expect((await w.host(dst)).cpu_allocated).toBe(500);
    expect(w.driver.vms.get(id)?.host).toBe(dst);
  });

  it('a failed migration leaves the VM running on its host and releases the target', async () => {
    const id = await w.deploy();
    const src = (await w.vm(id)).host_id!;
    w.driver.fail.set('migrateVm', 'all');
    const e = await w.call(w.ids.admin, 'migrateVirtualMachine', { virtualmachineid: id }).catch((x) => x);
    expect(e.errorcode).toBe(530);
    expect(await w.vm(id)).toMatchObject({ state: 'Running', host_id: src });
    for (const h of w.ids.hosts) expect((await w.host(h)).cpu_allocated).toBe(h === src ? 500 : 0);
    const other = await w.call(w.ids.admin, 'migrateVirtualMachine', { virtualmachineid: id, hostid: w.ids.hosts[3] }).catch((x) => x);
    expect(other.errorcode).toBe(431);
  });
});

describe('recovery after a restart', () => {
  it('a VM left Starting becomes Running when its host runs it, Stopped (capacity released) when not', async () => {
    const a = await w.deploy();
    const b = await w.deploy();
    const hostA = (await w.vm(a)).host_id!;
    const hostB = (await w.vm(b)).host_id!;
    // Simulate a crash in the middle of start: rows say Starting; the hypervisor ran only A.
    await w.db.updateTable('vms').set({ state: 'Starting' }).where('id', 'in', [a, b]).execute();
    w.driver.vms.delete(b);
    const n = await reconcileVms(w.svc);
    expect(n.vms).toBe(2);
    expect(await w.vm(a)).toMatchObject({ state: 'Running', host_id: hostA });
    expect(await w.vm(b)).toMatchObject({ state: 'Stopped', host_id: null, last_host_id: hostB });
    expect((await w.host(hostB)).cpu_allocated).toBe(hostA === hostB ? 500 : 0);
  });

  it('skips VMs an unfinished job holds, and the job recover() converges them', async () => {
    const plan = await w.prepare(w.ids.admin, 'deployVirtualMachine', { zoneid: w.ids.zone, serviceofferingid: w.ids.small, templateid: w.ids.template });
    const id = plan.createdId!;
    await w.db.insertInto('async_jobs').values({ id: 'job-1', user_id: 'u', account_id: 'a', domain_id: 'd', command: 'deployVirtualMachine',
      params: '{}', payload: '{}', status: 0, proc_status: 0, result_code: 0, result_type: '', result: null, instance_type: 'VirtualMachine',
      instance_id: id, lock_keys: JSON.stringify(plan.locks), created: 1, started: 1, completed: null, ms_id: 'ms' }).execute();
    // Crash after the host was chosen and reserved, before the VM was started.
    await w.db.updateTable('vms').set({ state: 'Starting', host_id: w.ids.hosts[0] }).where('id', '=', id).execute();
    await w.db.updateTable('hosts').set({ cpu_allocated: 500, memory_allocated: 512 * 1024 * 1024 }).where('id', '=', w.ids.hosts[0]).execute();
    expect((await reconcileVms(w.svc)).vms).toBe(0);
    const r = await w.recover(w.ids.admin, 'deployVirtualMachine', {}, plan);
    expect(r.state).toBe('Running'); // released, then the deployment was resumed
    expect((await w.host(w.ids.hosts[0])).cpu_allocated).toBe(500);
    expect(await w.db.selectFrom('vms').select('state').where('state', 'in', ['Starting', 'Stopping']).execute()).toEqual([]);
  });

  it('resumes a never-started deploy from its stored payload, as stored now and as older versions stored it', async () => {
    for (const older of [false, true]) {
      const plan = await w.prepare(w.ids.admin, 'deployVirtualMachine', { zoneid: w.ids.zone, serviceofferingid: w.ids.small, templateid: w.ids.template });
      // What a restart reads back: the payload through JSON (fields left out of today's payloads stay out).
      const stored = JSON.parse(JSON.stringify(plan.payload));
      expect(stored.vm).toBeUndefined();
      if (older) {
        const r = stored.row;
        Object.assign(stored, { vm: { id: r.id, name: r.name, state: 'Stopped', account_id: r.account_id, domain_id: r.domain_id,
          instance_name: r.instance_name, zone_id: r.zone_id, cpu_number: r.cpu_number, cpu_speed: r.cpu_speed, memory: r.memory,
          hypervisor: r.hypervisor, last_host_id: null, iso_id: r.iso_id, details: r.details }, hostTags: [], storageTags: [],
          placement: { podId: null, clusterId: null, hostId: null }, startVm: true });
        Object.assign(r, { display_name: r.name, host_id: null });
        stored.volumes = stored.volumes.map((v: object) => ({ ...v, state: 'Allocated', pool_id: null, path: null }));
      }
      const vm = await w.recover(w.ids.admin, 'deployVirtualMachine', {}, { ...plan, payload: stored });
      expect(vm).toMatchObject({ id: plan.createdId, state: 'Running', displayname: vm.name });
      expect((await w.volumes(plan.createdId!)).map((v) => v.state)).toEqual(['Ready']);
    }
  });

  it('a VM left Stopping ends Stopped when its host has it powered off', async () => {
    const id = await w.deploy();
    const host = (await w.vm(id)).host_id!;
    await w.db.updateTable('vms').set({ state: 'Stopping' }).where('id', '=', id).execute();
    w.driver.vms.get(id)!.power = 'PowerOff';
    await reconcileVms(w.svc);
    expect((await w.vm(id)).state).toBe('Stopped');
    expect((await w.host(host)).cpu_allocated).toBe(0);
  });
});
