// listCapacity reads per-host counters (allocated CPU MHz, memory and cores) that the operations keep current, as
// CloudStack's op_host_capacity; after every operation that moves a VM's reservation the counters must equal a
// full recount of the VMs holding capacity, and listCapacity must report that recount.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../testing/harness';
import { buildLab, type Lab } from '../bench/lab';

const ACTIVE = ['Running', 'Starting', 'Stopping', 'Migrating'];
let t: TestServer;
let lab: Lab;
let bigOffering: string;

async function call(command: string, params: Record<string, string>): Promise<any> {
  const r = await t.core.dispatcher.invoke(await t.core.admin(), command, params) as any;
  if (r.jobid) expect(await t.core.svc.jobs.waitFor(r.jobid)).toBe(1);
  return r;
}

/** Every live host's counters beside a recount of the VMs that hold capacity on it. */
async function countersAndRecount() {
  const r = await sql<{ id: string; cpu: number; mem: number; cores: number; rcpu: number; rmem: number; rcores: number }>`
    select h.id, h.cpu_allocated as cpu, h.memory_allocated as mem, h.cpu_cores_allocated as cores,
      coalesce(sum(v.cpu_number * v.cpu_speed), 0) as rcpu, coalesce(sum(v.memory), 0) * 1048576 as rmem,
      coalesce(sum(v.cpu_number), 0) as rcores
    from hosts h left join vms v on v.host_id = h.id and v.removed is null and v.state in (${sql.join(ACTIVE)})
    where h.removed is null group by h.id, h.cpu_allocated, h.memory_allocated, h.cpu_cores_allocated`.execute(t.core.svc.db);
  return r.rows.map((x) => ({ id: x.id, counters: [Number(x.cpu), Number(x.mem), Number(x.cores)], recount: [Number(x.rcpu), Number(x.rmem), Number(x.rcores)] }));
}

async function expectCountersTrue() {
  const hosts = await countersAndRecount();
  for (const h of hosts) expect(h.counters, `host ${h.id}`).toEqual(h.recount);
  const cores = hosts.reduce((n, h) => n + h.recount[2], 0);
  const caps = (await call('listCapacity', { zoneid: lab.zoneId, type: '90' })).capacity;
  expect(caps[0].capacityused).toBe(cores);
  return cores;
}

beforeAll(async () => {
  t = await startTestServer();
  lab = await buildLab(t.core, { hosts: 3 });
  bigOffering = (await call('createServiceOffering', { name: 'two-core', displaytext: 'two', cpunumber: '2', cpuspeed: '500', memory: '512' })).serviceoffering.id;
}, 60_000);
afterAll(() => t.stop());

describe('host capacity counters', () => {
  it('equal a full recount after deploy, stop, start, migrate, scale, destroy and host delete', async () => {
    const deploy = (offering: string) => call('deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: offering });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await deploy(i % 2 ? bigOffering : lab.offeringId)).id);
    expect(await expectCountersTrue()).toBe(9);

    await call('stopVirtualMachine', { id: ids[1] });
    expect(await expectCountersTrue()).toBe(7);
    await call('startVirtualMachine', { id: ids[1] });
    expect(await expectCountersTrue()).toBe(9);

    const vm = (await call('listVirtualMachines', { id: ids[3] })).virtualmachine[0];
    const hosts = (await call('listHosts', { zoneid: lab.zoneId })).host.map((h: { id: string }) => h.id);
    await call('migrateVirtualMachine', { virtualmachineid: ids[3], hostid: hosts.find((h: string) => h !== vm.hostid) });
    expect(await expectCountersTrue()).toBe(9);

    await call('destroyVirtualMachine', { id: ids[5], expunge: 'true' });
    expect(await expectCountersTrue()).toBe(7);

    const victim = (await call('listVirtualMachines', { id: ids[1] })).virtualmachine[0].hostid as string;
    await call('deleteHost', { id: victim, forced: 'true' });
    const left = await expectCountersTrue();
    expect(left).toBeLessThan(7);
  });

  it('migration 011b fills the counter from a recount of an existing database', async () => {
    const { up } = await import('../db/migrations/011b-host-core-counter');
    const db = t.core.svc.db;
    await db.updateTable('hosts').set({ cpu_cores_allocated: 0 }).execute();
    // MySQL names the table of a dropped index; SQLite refuses the ON.
    const drop = db.schema.dropIndex('hosts_capacity');
    await (t.core.svc.dbKind === 'mysql' ? drop.on('hosts') : drop).execute();
    await db.schema.alterTable('hosts').dropColumn('cpu_cores_allocated').execute();
    await up(db as never);
    await expectCountersTrue();
  });
});
