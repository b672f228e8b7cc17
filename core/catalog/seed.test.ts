import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createCatalogEnv, type CatalogEnv } from './test-kit';
import { seedCatalog, ensureBuiltinTemplate, osCategoryId, BUILTIN_TEMPLATE_NAME } from './index';

let env: CatalogEnv;
beforeEach(async () => { env = await createCatalogEnv(); });
afterEach(async () => { await env.close(); });

describe('seedCatalog', () => {
  it('creates CloudStack-like defaults once, and never resurrects deleted ones', async () => {
    await seedCatalog(env.svc);
    const so = await env.call('alice', 'listServiceOfferings', {});
    expect(so.items.map((o: any) => [o.name, o.cpunumber, o.cpuspeed, o.memory])).toEqual([
      ['Small Instance', 1, 500, 512], ['Medium Instance', 1, 1000, 1024],
    ]);
    expect((await env.call('admin', 'listServiceOfferings', { issystem: 'true' })).items.map((o: any) => [o.name, o.systemvmtype])).toEqual([
      ['System Offering For Software Router', 'domainrouter'], ['System Offering For Console Proxy', 'consoleproxy'],
      ['System Offering For Secondary Storage VM', 'secondarystoragevm'],
    ]);
    const disks = await env.call('alice', 'listDiskOfferings', {});
    expect(disks.items.map((o: any) => [o.name, o.disksize, o.iscustomized])).toEqual([
      ['Small', 5, false], ['Medium', 20, false], ['Large', 100, false], ['Custom', 0, true],
    ]);
    const osCount = (await env.call('alice', 'listOsTypes', {})).count;
    await env.call('admin', 'deleteServiceOffering', { id: so.items[0].id });
    await seedCatalog(env.svc);
    expect((await env.call('alice', 'listServiceOfferings', {})).items.map((o: any) => o.name)).toEqual(['Medium Instance']);
    expect(await env.count('disk_offerings')).toBe(4);
    expect((await env.call('alice', 'listOsTypes', {})).count).toBe(osCount);
  });

  it('lists OS types and categories with stable category ids', async () => {
    await seedCatalog(env.svc);
    const types = (await env.call('alice', 'listOsTypes', {})).items;
    const names = types.map((t: any) => t.description);
    // CloudStack's own spellings, irregular spacing included: scripts name OS types by these exact strings.
    for (const n of ['Other Linux (64-bit)', 'Debian GNU/Linux 12 (64-bit)', 'Debian GNU/Linux 7(64-bit)', 'CentOS 5.5 (64-bit)',
      'Ubuntu 22.04 LTS', 'Windows Server 2022 (64-bit)', 'Other PV (64-bit)', 'Other (64-bit)']) {
      expect(names).toContain(n);
    }
    const cats = (await env.call('alice', 'listOsCategories', {})).items;
    const windows = cats.find((c: any) => c.name === 'Windows');
    expect(windows.id).toBe(osCategoryId('Windows'));
    const win = await env.call('alice', 'listOsTypes', { oscategoryid: windows.id });
    expect(win.items.every((t: any) => t.oscategoryname === 'Windows' && t.oscategoryid === windows.id)).toBe(true);
    expect(win.count).toBeGreaterThan(0);
    const byDesc = await env.call('alice', 'listOsTypes', { description: 'ubuntu 22.04 lts' });
    expect(byDesc.items).toHaveLength(1);
  });
});

describe('ensureBuiltinTemplate', () => {
  it('makes the Simulator template ready, public and featured in a zone, once', async () => {
    await seedCatalog(env.svc);
    const id = await ensureBuiltinTemplate(env.svc, env.zones.z1);
    expect(await ensureBuiltinTemplate(env.svc, env.zones.z1)).toBe(id);
    expect(await ensureBuiltinTemplate(env.svc, env.zones.z2)).toBe(id);
    expect(await env.count('templates')).toBe(1);
    const rows = (await env.call('carol', 'listTemplates', { templatefilter: 'featured' })).items;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id, name: BUILTIN_TEMPLATE_NAME, templatetype: 'BUILTIN', hypervisor: 'Simulator',
      isready: true, ispublic: true, isfeatured: true, account: 'admin', ostypename: 'Other Linux (64-bit)' });
    const exec = await env.call('carol', 'listTemplates', { templatefilter: 'executable', zoneid: env.zones.z2 });
    expect(exec.items.map((t: any) => t.id)).toEqual([id]);
  });
});
