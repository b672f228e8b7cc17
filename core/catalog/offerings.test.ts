import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createCatalogEnv, type CatalogEnv } from './test-kit';
import { getServiceOffering, getDiskOffering } from './index';

let env: CatalogEnv;
beforeEach(async () => { env = await createCatalogEnv(); });
afterEach(async () => { await env.close(); });

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/;

describe('service offerings', () => {
  it('creates a fixed offering with CloudStack field names and JSON types', async () => {
    const so = await env.call('admin', 'createServiceOffering', {
      name: 'Big', displaytext: 'Big one', cpunumber: '4', cpuspeed: '2000', memory: '8192', offerha: 'true',
      hosttags: 'ssd,fast', tags: 'gold', storagetype: 'local', provisioningtype: 'fat', rootdisksize: '40',
    });
    expect(so).toMatchObject({
      name: 'Big', displaytext: 'Big one', cpunumber: 4, cpuspeed: 2000, memory: 8192, offerha: true,
      limitcpuuse: false, iscustomized: false, issystem: false, hosttags: 'ssd,fast', storagetags: 'gold',
      storagetype: 'local', provisioningtype: 'fat', rootdisksize: 40, dynamicscalingenabled: true, state: 'Active',
    });
    expect(so.created).toMatch(DATE);
    expect(so).not.toHaveProperty('domainid');
    expect(env.events.map((e) => e.type)).toContain('SERVICE.OFFERING.CREATE');
    const row = await getServiceOffering(env.svc.db, so.id);
    expect(row?.root_disk_size).toBe(40 * 1024 ** 3);
  });

  it('creates a customized offering whose bounds appear as serviceofferingdetails', async () => {
    const so = await env.call('admin', 'createServiceOffering', {
      name: 'Custom', displaytext: 'Pick', customized: 'true', cpuspeed: '1000',
      mincpunumber: '1', maxcpunumber: '8', minmemory: '512', maxmemory: '16384',
    });
    expect(so.iscustomized).toBe(true);
    expect(so).not.toHaveProperty('cpunumber');
    expect(so.serviceofferingdetails).toEqual({ mincpunumber: '1', maxcpunumber: '8', minmemory: '512', maxmemory: '16384' });
  });

  it('refuses inconsistent compute values with 431', async () => {
    const cases: Record<string, string>[] = [
      { customized: 'true', cpunumber: '2', memory: '1024' },
      { cpunumber: '2' },
      { customized: 'true', mincpunumber: '4', maxcpunumber: '2' },
      { cpunumber: '0', memory: '1024' },
      { cpunumber: '1', memory: '16' },
    ];
    for (const c of cases) {
      const e = await env.fail('admin', 'createServiceOffering', { name: 'x', displaytext: 'x', ...c });
      expect(e.errorcode, JSON.stringify(c)).toBe(431);
    }
    expect(await env.count('service_offerings')).toBe(0);
  });

  it('lets a domain admin manage only offerings of its own domain', async () => {
    expect((await env.fail('d1admin', 'createServiceOffering', { name: 'p', displaytext: 'p', cpunumber: '1', memory: '512' })).errorcode).toBe(531);
    expect((await env.fail('d1admin', 'createServiceOffering', { name: 'p', displaytext: 'p', cpunumber: '1', memory: '512', domainid: env.domains.D2 })).errorcode).toBe(531);
    const mine = await env.call('d1admin', 'createServiceOffering', { name: 'd1', displaytext: 'd1', cpunumber: '1', memory: '512', domainid: env.domains.D1 });
    expect(mine).toMatchObject({ domainid: env.domains.D1, domain: 'D1' });
    const pub = await env.call('admin', 'createServiceOffering', { name: 'pub', displaytext: 'pub', cpunumber: '1', memory: '512' });
    expect((await env.fail('d1admin', 'deleteServiceOffering', { id: pub.id })).errorcode).toBe(531);
  });

  it('shows users public offerings and those of their domain only', async () => {
    await env.call('admin', 'createServiceOffering', { name: 'pub', displaytext: 'p', cpunumber: '1', memory: '512' });
    await env.call('admin', 'createServiceOffering', { name: 'for-d1', displaytext: 'p', cpunumber: '1', memory: '512', domainid: env.domains.D1 });
    await env.call('admin', 'createServiceOffering', { name: 'for-d2', displaytext: 'p', cpunumber: '2', memory: '512', domainid: env.domains.D2 });
    await env.call('admin', 'createServiceOffering', { name: 'z2-only', displaytext: 'p', cpunumber: '1', memory: '512', zoneid: env.zones.z2 });
    await env.call('admin', 'createServiceOffering', { name: 'sys', displaytext: 'p', cpunumber: '1', memory: '512', issystem: 'true' });
    const names = async (who: 'alice' | 'carol' | 'admin', p: Record<string, string> = {}) =>
      (await env.call(who, 'listServiceOfferings', p)).items.map((o: any) => o.name);
    expect(await names('alice')).toEqual(['pub', 'for-d1', 'z2-only']);
    expect(await names('carol')).toEqual(['pub', 'for-d2', 'z2-only']);
    expect(await names('admin')).toEqual(['pub', 'for-d1', 'for-d2', 'z2-only']);
    expect(await names('admin', { zoneid: env.zones.z1 })).toEqual(['pub', 'for-d1', 'for-d2']);
    expect(await names('admin', { cpunumber: '2' })).toEqual(['for-d2']);
    expect(await names('admin', { keyword: 'Z2' })).toEqual(['z2-only']);
    expect(await names('admin', { issystem: 'true' })).toEqual(['sys']);
    // CloudStack's systemvmtype: domainrouter unless told otherwise, filterable, refused on a non-system offering.
    const sys = (await env.call('admin', 'listServiceOfferings', { issystem: 'true' })).items[0];
    expect(sys.systemvmtype).toBe('domainrouter');
    await env.call('admin', 'createServiceOffering', { name: 'cp', displaytext: 'p', cpunumber: '1', memory: '1024', issystem: 'true', systemvmtype: 'ConsoleProxy' });
    expect(await names('admin', { issystem: 'true', systemvmtype: 'consoleproxy' })).toEqual(['cp']);
    expect((await env.fail('admin', 'createServiceOffering', { name: 'x', displaytext: 'p', cpunumber: '1', memory: '512', issystem: 'true', systemvmtype: 'router' })))
      .toMatchObject({ errorcode: 431, message: 'Invalid systemvmtype router. Supported types are: domainrouter, consoleproxy, secondarystoragevm' });
    expect((await env.fail('admin', 'createServiceOffering', { name: 'x', displaytext: 'p', cpunumber: '1', memory: '512', systemvmtype: 'consoleproxy' })).errorcode).toBe(431);
    expect((await env.call('admin', 'listServiceOfferings', {})).items.every((o: any) => o.systemvmtype === undefined)).toBe(true);
    expect((await env.fail('alice', 'listServiceOfferings', { issystem: 'true' })).errorcode).toBe(531);
    const page = await env.call('admin', 'listServiceOfferings', { page: '2', pagesize: '3' });
    expect(page.count).toBe(4);
    expect(page.items.map((o: any) => o.name)).toEqual(['z2-only']);
  });

  it('updates and deletes; deleted offerings stay readable for VMs but leave the lists', async () => {
    const so = await env.call('admin', 'createServiceOffering', { name: 'old', displaytext: 'x', cpunumber: '1', memory: '512' });
    expect((await getServiceOffering(env.svc.db, so.id))?.name).toBe('old');
    const up = await env.call('admin', 'updateServiceOffering', { id: so.id, name: 'new', state: 'Inactive', zoneid: env.zones.z1 });
    expect(up).toMatchObject({ name: 'new', state: 'Inactive', zoneid: env.zones.z1, zone: 'zone-1' });
    expect((await getServiceOffering(env.svc.db, so.id))?.name).toBe('new');
    expect((await env.call('admin', 'listServiceOfferings', {})).count).toBe(0);
    expect((await env.call('admin', 'listServiceOfferings', { state: 'all' })).count).toBe(1);
    await env.call('admin', 'updateServiceOffering', { id: so.id, zoneid: 'all' });
    expect((await env.call('admin', 'listServiceOfferings', { state: 'all' })).items[0]).not.toHaveProperty('zoneid');
    await env.call('admin', 'deleteServiceOffering', { id: so.id });
    expect((await env.call('admin', 'listServiceOfferings', { state: 'all' })).count).toBe(0);
    const row = await getServiceOffering(env.svc.db, so.id);
    expect(row).toMatchObject({ state: 'Inactive' });
    expect(row?.removed).not.toBeNull();
    const again = await env.fail('admin', 'deleteServiceOffering', { id: so.id });
    expect(again.errorcode).toBe(431);
    expect(again.message).toContain(`value=${so.id}`);
  });
});

describe('disk offerings', () => {
  it('creates fixed and customized offerings with sizes in GB', async () => {
    const d = await env.call('admin', 'createDiskOffering', { name: 'D20', displaytext: '20 GB', disksize: '20', tags: 'ssd', provisioningtype: 'sparse' });
    expect(d).toMatchObject({ name: 'D20', disksize: 20, iscustomized: false, tags: 'ssd', storagetype: 'shared', provisioningtype: 'sparse', state: 'Active' });
    expect((await getDiskOffering(env.svc.db, d.id))?.disk_size).toBe(20 * 1024 ** 3);
    const c = await env.call('admin', 'createDiskOffering', { name: 'Any', displaytext: 'any', customized: 'true' });
    expect(c).toMatchObject({ disksize: 0, iscustomized: true });
    expect((await env.fail('admin', 'createDiskOffering', { name: 'x', displaytext: 'x' })).message).toContain('Disksize is required');
    expect((await env.fail('admin', 'createDiskOffering', { name: 'x', displaytext: 'x', disksize: '0' })).errorcode).toBe(431);
    expect((await env.fail('admin', 'createDiskOffering', { name: 'x', displaytext: 'x', storagetype: 'nvme', disksize: '1' })).errorcode).toBe(431);
  });

  it('lists, updates and deletes', async () => {
    const d = await env.call('admin', 'createDiskOffering', { name: 'A', displaytext: 'a', disksize: '5' });
    await env.call('admin', 'createDiskOffering', { name: 'B', displaytext: 'b', disksize: '5', domainid: env.domains.D2 });
    expect((await env.call('alice', 'listDiskOfferings', {})).items.map((o: any) => o.name)).toEqual(['A']);
    expect((await env.call('admin', 'listDiskOfferings', { name: 'B' })).items[0]).toMatchObject({ domain: 'D2' });
    const up = await env.call('admin', 'updateDiskOffering', { id: d.id, displaytext: 'renamed', tags: 'fast' });
    expect(up).toMatchObject({ displaytext: 'renamed', tags: 'fast' });
    await env.call('admin', 'deleteDiskOffering', { id: d.id });
    expect((await env.call('alice', 'listDiskOfferings', {})).count).toBe(0);
    expect(env.events.map((e) => e.type)).toEqual(['DISK.OFFERING.CREATE', 'DISK.OFFERING.CREATE', 'DISK.OFFERING.EDIT', 'DISK.OFFERING.DELETE']);
  });
});
