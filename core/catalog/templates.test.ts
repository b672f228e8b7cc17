import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createCatalogEnv, type CatalogEnv, type AccountName } from './test-kit';
import { seedCatalog, getTemplate, addCrossZoneCopies, type TemplateDownloader } from './index';

let env: CatalogEnv;
beforeEach(async () => {
  env = await createCatalogEnv();
  await seedCatalog(env.svc);
});
afterEach(async () => { await env.close(); });

const URL_OK = 'http://images.example.org/debian-12.qcow2';

function register(who: AccountName, extra: Record<string, string> = {}) {
  return env.call(who, 'registerTemplate', {
    name: 'debian', displaytext: 'Debian 12', url: URL_OK, format: 'qcow2', hypervisor: 'simulator',
    zoneid: env.zones.z1, ...extra,
  });
}

describe('registerTemplate', () => {
  it('answers a list with one ready row for the Simulator, with CloudStack field types', async () => {
    const r = await register('alice', { checksum: '{SHA-256}' + 'ab'.repeat(32) });
    expect(r.count).toBe(1);
    const t = r.items[0];
    expect(t).toMatchObject({
      name: 'debian', displaytext: 'Debian 12', format: 'QCOW2', hypervisor: 'Simulator', isready: true,
      status: 'Download Complete', ispublic: false, isfeatured: false, crossZones: false, templatetype: 'USER',
      zoneid: env.zones.z1, zonename: 'zone-1', account: 'alice', domain: 'D1', bootable: true,
      ostypename: 'Other (64-bit)', checksum: '{SHA-256}' + 'ab'.repeat(32), url: URL_OK, tags: [],
    });
    expect(typeof t.size).toBe('number');
    expect(t.size).toBeGreaterThan(0);
    expect(env.events.map((e) => e.type)).toEqual(expect.arrayContaining(['TEMPLATE.CREATE', 'TEMPLATE.DOWNLOAD.SUCCESS']));
  });

  it('registers in every zone with zoneid=-1 and in new zones later', async () => {
    const r = await register('admin', { zoneid: '-1', ispublic: 'true', isfeatured: 'true' });
    expect(r.items.map((t: any) => t.zonename).sort()).toEqual(['zone-1', 'zone-2']);
    expect(r.items.every((t: any) => t.crossZones === true && t.isfeatured === true)).toBe(true);
    const z3 = await env.addZone('zone-3');
    await addCrossZoneCopies(env.svc, z3);
    const rows = await env.call('alice', 'listTemplates', { templatefilter: 'featured', zoneid: z3 });
    expect(rows.items).toHaveLength(1);
    expect(rows.items[0]).toMatchObject({ zonename: 'zone-3', isready: true });
  });

  it('leaves copies of hypervisors without a downloader at Not Downloaded', async () => {
    const t = (await register('alice', { hypervisor: 'kvm' })).items[0];
    expect(t).toMatchObject({ hypervisor: 'KVM', isready: false });
    expect(t.status).toContain('no template downloader for hypervisor KVM');
    expect(t).not.toHaveProperty('size');
  });

  it('writes a downloader progress back to the zone copy', async () => {
    const seen: string[] = [];
    const fake: TemplateDownloader = {
      async start(_id, _zone, url, checksum, onProgress) {
        seen.push(`${url} ${checksum}`);
        await onProgress({ percent: 40, status: '40% Downloaded', ready: false });
        await onProgress({ percent: 100, status: 'Download Complete', ready: true, sizeBytes: 10 * 1024 ** 3, physicalSizeBytes: 1234 });
      },
    };
    const dispose = env.svc.templateDownloaders.register('KVM', fake);
    try {
      const t = (await register('alice', { hypervisor: 'KVM', checksum: 'd41d8cd98f00b204e9800998ecf8427e' })).items[0];
      expect(seen).toEqual([`${URL_OK} d41d8cd98f00b204e9800998ecf8427e`]);
      expect(t).toMatchObject({ isready: true, size: 10 * 1024 ** 3, physicalsize: 1234 });
    } finally {
      dispose();
    }
  });

  it('refuses bad input with clear 431 texts and writes nothing', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ format: 'qcow' }, 'Image format is incorrect qcow'],
      [{ format: 'ISO' }, 'registerIso'],
      [{ url: 'ftp://host/x.qcow2' }, 'Unsupported scheme'],
      [{ url: 'images/x.qcow2' }, 'Invalid URL'],
      [{ url: 'file:///srv/images/x.qcow2', checksum: '{SHA-256}abc' }, 'Invalid checksum'],
      [{ checksum: 'xyz' }, 'Invalid checksum'],
      [{ hypervisor: 'XenServer' }, 'Hypervisor XenServer is not supported'],
      [{ ostypeid: randomUUID() }, 'ostypeid'],
      [{ zoneid: randomUUID() }, 'zoneid'],
    ];
    for (const [extra, text] of cases) {
      const e = await env.fail('alice', 'registerTemplate', {
        name: 'x', displaytext: 'x', url: URL_OK, format: 'QCOW2', hypervisor: 'Simulator', zoneid: env.zones.z1, ...extra,
      });
      expect(e.errorcode, JSON.stringify(extra)).toBe(431);
      expect(e.message).toContain(text);
    }
    const missingZone = await env.fail('alice', 'registerTemplate', { name: 'x', displaytext: 'x', url: URL_OK, format: 'RAW', hypervisor: 'KVM' });
    expect(missingZone.errorcode).toBe(431);
    expect(await env.count('templates')).toBe(0);
    expect(await env.count('template_zones')).toBe(0);
  });

  it('accepts local absolute paths and file URLs', async () => {
    expect((await register('alice', { url: '/srv/images/debian.qcow2' })).count).toBe(1);
    expect((await register('alice', { url: 'file:///srv/images/debian.qcow2', format: 'raw' })).items[0].format).toBe('RAW');
  });
});

describe('listTemplates filters', () => {
  async function fixture() {
    await register('admin', { name: 'featured', ispublic: 'true', isfeatured: 'true' });
    await register('admin', { name: 'community', ispublic: 'true' });
    await register('alice', { name: 'alice-own' });
    await register('bob', { name: 'bob-own' });
    // A user may not feature a template: the flag is dropped, as CloudStack does.
    await register('alice', { name: 'alice-public', ispublic: 'true', isfeatured: 'true', hypervisor: 'KVM' });
  }
  const names = async (who: AccountName, p: Record<string, string>) =>
    (await env.call(who, 'listTemplates', p)).items.map((t: any) => t.name).sort();

  it('applies templatefilter semantics per caller', async () => {
    await fixture();
    expect(await names('alice', { templatefilter: 'featured' })).toEqual(['featured']);
    expect(await names('alice', { templatefilter: 'community' })).toEqual(['alice-public', 'community']);
    expect(await names('alice', { templatefilter: 'self' })).toEqual(['alice-own', 'alice-public']);
    expect(await names('alice', { templatefilter: 'selfexecutable' })).toEqual(['alice-own']);
    expect(await names('alice', { templatefilter: 'executable' })).toEqual(['alice-own', 'community', 'featured']);
    expect(await names('bob', { templatefilter: 'executable' })).toEqual(['bob-own', 'community', 'featured']);
    expect(await names('alice', { templatefilter: 'sharedexecutable' })).toEqual([]);
    expect(await names('admin', { templatefilter: 'all' })).toEqual(['alice-own', 'alice-public', 'bob-own', 'community', 'featured']);
    expect(await names('admin', { templatefilter: 'self' })).toEqual(['community', 'featured']);
    const e = await env.fail('alice', 'listTemplates', { templatefilter: 'all' });
    expect(e.errorcode).toBe(431);
    expect(e.message).toBe('Filter all can be specified by admin only');
    expect((await env.fail('alice', 'listTemplates', {})).errorcode).toBe(431);
  });

  it('filters by zone, hypervisor, readiness, keyword and id, and pages per zone row', async () => {
    await fixture();
    await register('admin', { name: 'everywhere', zoneid: '-1', ispublic: 'true', isfeatured: 'true' });
    expect(await names('admin', { templatefilter: 'all', zoneid: env.zones.z2 })).toEqual(['everywhere']);
    expect(await names('admin', { templatefilter: 'all', hypervisor: 'kvm' })).toEqual(['alice-public']);
    expect(await names('admin', { templatefilter: 'all', isready: 'false' })).toEqual(['alice-public']);
    expect(await names('admin', { templatefilter: 'all', keyword: 'OWN' })).toEqual(['alice-own', 'bob-own']);
    const all = await env.call('admin', 'listTemplates', { templatefilter: 'all', pagesize: '4', page: '2' });
    expect(all.count).toBe(7);
    expect(all.items).toHaveLength(3);
    const one = await env.call('alice', 'listTemplates', { templatefilter: 'featured', name: 'everywhere' });
    expect(one.count).toBe(2);
    const byId = await env.call('alice', 'listTemplates', { templatefilter: 'featured', id: one.items[0].id, zoneid: env.zones.z1 });
    expect(byId.items).toHaveLength(1);
    expect(byId.items[0]).not.toHaveProperty('url');
  });
});

describe('updateTemplate and deleteTemplate', () => {
  async function vmUsing(templateId: string, who: AccountName = 'alice') {
    const c = env.callers[who];
    const so = await env.svc.db.selectFrom('service_offerings').select('id').executeTakeFirstOrThrow();
    await env.svc.db.insertInto('vms').values({ id: randomUUID(), name: 'web-1', display_name: 'web-1', instance_name: 'i-2-1-VM',
      account_id: c.accountId, domain_id: c.domainId, user_id: c.userId, zone_id: env.zones.z1, pod_id: null, cluster_id: null,
      host_id: null, last_host_id: null, template_id: templateId, iso_id: null, service_offering_id: so.id, cpu_number: 1,
      cpu_speed: 500, memory: 512, state: 'Running', ha_enable: 0, group_name: null, hypervisor: 'Simulator', details: '{}',
      userdata: null, created: 0, updated: 0, removed: null }).execute();
  }

  it('updates the owner template and refuses other users', async () => {
    const t = (await register('alice')).items[0];
    const ubuntu = (await env.call('alice', 'listOsTypes', { keyword: 'Ubuntu 22.04' })).items[0];
    const up = await env.call('alice', 'updateTemplate', {
      id: t.id, name: 'debian-12', ostypeid: ubuntu.id, passwordenabled: 'true', 'details[0].rootDiskController': 'scsi',
    });
    expect(up).toMatchObject({ name: 'debian-12', ostypeid: ubuntu.id, ostypename: 'Ubuntu 22.04 LTS', passwordenabled: true, details: { rootDiskController: 'scsi' } });
    expect((await getTemplate(env.svc.db, t.id))?.name).toBe('debian-12');
    expect((await env.fail('bob', 'updateTemplate', { id: t.id, name: 'mine' })).errorcode).toBe(531);
    expect((await env.fail('alice', 'updateTemplate', { id: t.id, templatetype: 'SYSTEM' })).errorcode).toBe(531);
    expect((await env.fail('alice', 'updateIso', { id: t.id, name: 'x' })).errorcode).toBe(431);
  });

  it('refuses to delete a template in use with 536 unless forced', async () => {
    const t = (await register('alice')).items[0];
    await vmUsing(t.id);
    const e = await env.fail('alice', 'deleteTemplate', { id: t.id });
    expect(e.errorcode).toBe(536);
    expect(e.message).toContain('web-1');
    expect((await getTemplate(env.svc.db, t.id))?.removed).toBeNull();
    await env.call('alice', 'deleteTemplate', { id: t.id, forced: 'true' });
    expect((await getTemplate(env.svc.db, t.id))?.removed).not.toBeNull();
    expect((await env.call('alice', 'listTemplates', { templatefilter: 'self' })).count).toBe(0);
    expect(env.events.at(-1)?.type).toBe('TEMPLATE.DELETE');
  });

  it('deletes one zone copy, then the template with its last copy', async () => {
    const r = await register('admin', { zoneid: '-1' });
    const id = r.items[0].id;
    await env.call('admin', 'deleteTemplate', { id, zoneid: env.zones.z1 });
    const left = await env.call('admin', 'listTemplates', { templatefilter: 'all' });
    expect(left.items.map((t: any) => t.zonename)).toEqual(['zone-2']);
    expect((await env.fail('admin', 'deleteTemplate', { id, zoneid: env.zones.z1 })).errorcode).toBe(431);
    await env.call('admin', 'deleteTemplate', { id, zoneid: env.zones.z2 });
    expect((await getTemplate(env.svc.db, id))?.removed).not.toBeNull();
    expect((await env.fail('bob', 'deleteTemplate', { id })).errorcode).toBe(431);
  });
});

describe('ISOs', () => {
  it('registers, lists, updates and deletes an ISO', async () => {
    const r = await env.call('alice', 'registerIso', { name: 'netinst', displaytext: 'Debian netinst', url: 'https://cdimage.example.org/netinst.iso', zoneid: env.zones.z1 });
    expect(r.count).toBe(1);
    const iso = r.items[0];
    expect(iso).toMatchObject({ format: 'ISO', bootable: true, isready: true, status: 'Download Complete', zonename: 'zone-1' });
    expect(iso).not.toHaveProperty('hypervisor');
    expect((await env.call('alice', 'listIsos', {})).items.map((i: any) => i.name)).toEqual(['netinst']);
    expect((await env.call('bob', 'listIsos', {})).count).toBe(0);
    expect((await env.call('alice', 'listTemplates', { templatefilter: 'self' })).count).toBe(0);
    expect((await env.call('alice', 'listIsos', { bootable: 'false' })).count).toBe(0);
    expect(await env.call('alice', 'updateIso', { id: iso.id, displaytext: 'netinst 12' })).toMatchObject({ displaytext: 'netinst 12' });
    await env.call('alice', 'deleteIso', { id: iso.id });
    expect((await env.call('alice', 'listIsos', {})).count).toBe(0);
    expect(env.events.map((e) => e.type)).toEqual(expect.arrayContaining(['ISO.CREATE', 'ISO.DELETE']));
  });

  it('stays Not Downloaded in a zone whose clusters run a hypervisor without downloader', async () => {
    const pod = randomUUID();
    await env.svc.db.insertInto('pods').values({ id: pod, zone_id: env.zones.z2, name: 'p', gateway: null, netmask: null, allocation_state: 'Enabled', created: 0, removed: null }).execute();
    await env.svc.db.insertInto('clusters').values({ id: randomUUID(), zone_id: env.zones.z2, pod_id: pod, name: 'c', hypervisor: 'KVM', cluster_type: 'CloudManaged', allocation_state: 'Enabled', managed_state: 'Managed', cpu_overcommit: 1, memory_overcommit: 1, created: 0, removed: null }).execute();
    const iso = (await env.call('alice', 'registerIso', { name: 'x', displaytext: 'x', url: '/srv/x.iso', zoneid: env.zones.z2 })).items[0];
    expect(iso.isready).toBe(false);
    expect(iso.status).toContain('KVM');
  });
});
