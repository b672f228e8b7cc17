// Reference data every install starts with (OS types, CloudStack's default offerings), the demo lab's built-in
// Simulator template, and copies of cross-zone templates for zones created later.
import type { Db } from '../db/connect';
import type { Services } from '../kernel/services';
import { GiB } from './common';
import { seedOsTypes } from './os-types';
import { applyProgress, planCopies, startDownloads, SIMULATOR_TEMPLATE_BYTES } from './template-download';
import { insertImage } from './template-register';
import type { TemplateRow } from './lookups';

const DEFAULT_SERVICE_OFFERINGS: readonly { name: string; cpu: number; speed: number; memory: number; systemVmType?: string }[] = [
  { name: 'Small Instance', cpu: 1, speed: 500, memory: 512 },
  { name: 'Medium Instance', cpu: 1, speed: 1000, memory: 1024 },
  // CloudStack's default system offerings (listServiceOfferings issystem=true; scripts look them up by name).
  { name: 'System Offering For Software Router', cpu: 1, speed: 500, memory: 256, systemVmType: 'domainrouter' },
  { name: 'System Offering For Console Proxy', cpu: 1, speed: 500, memory: 1024, systemVmType: 'consoleproxy' },
  { name: 'System Offering For Secondary Storage VM', cpu: 1, speed: 500, memory: 512, systemVmType: 'secondarystoragevm' },
];

const DEFAULT_DISK_OFFERINGS = [
  { name: 'Small', text: 'Small Disk, 5 GB', gb: 5 },
  { name: 'Medium', text: 'Medium Disk, 20 GB', gb: 20 },
  { name: 'Large', text: 'Large Disk, 100 GB', gb: 100 },
  { name: 'Custom', text: 'Custom Disk', gb: 0 },
] as const;

/**
 * Seeds OS types and the default offerings. Idempotent: existing rows are matched by name, including removed
 * ones, so an offering an admin deleted does not come back on the next start.
 */
export async function seedCatalog(svc: Pick<Services, 'db' | 'caches' | 'newId' | 'clock'>): Promise<void> {
  const { db, newId, clock } = svc;
  await seedOsTypes(db, svc.caches.osTypes, newId);
  // Distinct creation times keep the CloudStack order (lists sort by creation).
  let now = clock.now();
  const haveSo = new Set((await db.selectFrom('service_offerings').select('name').execute()).map((r) => r.name));
  for (const o of DEFAULT_SERVICE_OFFERINGS) {
    if (haveSo.has(o.name)) continue;
    await db.insertInto('service_offerings').values({
      id: newId(), name: o.name, display_text: o.name, cpu_number: o.cpu, cpu_speed: o.speed, memory: o.memory,
      customized: 0, offer_ha: 0, limit_cpu_use: 0, host_tags: '', storage_tags: '', storage_type: 'shared',
      provisioning_type: 'thin', root_disk_size: null, is_system: o.systemVmType ? 1 : 0, dynamic_scaling: 1, state: 'Active',
      domain_ids: '', zone_ids: '', details: null, created: now++, removed: null, system_vm_type: o.systemVmType ?? null,
    }).execute();
  }
  const haveDo = new Set((await db.selectFrom('disk_offerings').select('name').execute()).map((r) => r.name));
  for (const o of DEFAULT_DISK_OFFERINGS) {
    if (haveDo.has(o.name)) continue;
    await db.insertInto('disk_offerings').values({
      id: newId(), name: o.name, display_text: o.text, disk_size: o.gb * GiB, customized: o.gb === 0 ? 1 : 0,
      tags: '', storage_type: 'shared', provisioning_type: 'thin', state: 'Active', domain_ids: '', zone_ids: '',
      created: now++, removed: null,
    }).execute();
  }
}

export const BUILTIN_TEMPLATE_NAME = 'Simulator Linux';

/** The account built-in images belong to: 'system' if identity made one, else the ROOT domain's admin. */
async function systemOwner(db: Db): Promise<{ accountId: string; domainId: string }> {
  const rows = await db.selectFrom('accounts').innerJoin('domains', 'domains.id', 'accounts.domain_id')
    .select(['accounts.id', 'accounts.name', 'accounts.domain_id']).where('domains.path', '=', '/')
    .where('accounts.type', '=', 1).where('accounts.removed', 'is', null).orderBy('accounts.created').execute();
  const pick = rows.find((r) => r.name === 'system') ?? rows.find((r) => r.name === 'admin') ?? rows[0];
  if (!pick) throw new Error('no root admin account: seed identity before the built-in template');
  return { accountId: pick.id, domainId: pick.domain_id };
}

type SeedSvc = Pick<Services, 'db' | 'events' | 'log' | 'clock' | 'newId' | 'caches' | 'templateDownloaders'>;

/**
 * Makes the built-in "Simulator Linux" template (public, featured, hypervisor Simulator) ready in `zoneId`,
 * creating it on first use. Returns its id.
 */
export async function ensureBuiltinTemplate(svc: SeedSvc, zoneId: string): Promise<string> {
  const { db } = svc;
  let t = await db.selectFrom('templates').selectAll().where('template_type', '=', 'BUILTIN')
    .where('name', '=', BUILTIN_TEMPLATE_NAME).where('hypervisor', '=', 'Simulator').where('removed', 'is', null)
    .executeTakeFirst();
  if (!t) {
    const owner = await systemOwner(db);
    const os = await svc.caches.osTypes.byDescription('Other Linux (64-bit)');
    const row: TemplateRow = {
      id: svc.newId(), name: BUILTIN_TEMPLATE_NAME, display_text: 'Simulator Linux (64-bit), no GUI',
      format: 'QCOW2', hypervisor: 'Simulator', url: 'simulator:builtin/simulator-linux.qcow2', checksum: null,
      template_type: 'BUILTIN', is_public: 1, is_featured: 1, is_extractable: 0, password_enabled: 1, bootable: 1,
      cross_zones: 0, dynamic_scaling: 1, ostype_id: os?.id ?? null, account_id: owner.accountId,
      domain_id: owner.domainId, size: SIMULATOR_TEMPLATE_BYTES, details: '{}', ssh_key_enabled: 1,
      requires_hvm: 1, template_tag: null, created: svc.clock.now(), removed: null, userdata_id: null, userdata_policy: null,
    };
    await insertImage(svc, row, []);
    t = row;
  }
  const copy = await db.selectFrom('template_zones').select(['is_ready']).where('template_id', '=', t.id)
    .where('zone_id', '=', zoneId).executeTakeFirst();
  if (!copy) {
    await db.insertInto('template_zones').values({ template_id: t.id, zone_id: zoneId, store_id: null,
      status: '0% Downloaded', is_ready: 0, download_percent: 0, physical_size: 0, created: svc.clock.now() }).execute();
  }
  if (!copy || !copy.is_ready) {
    // Built in for the Simulator: ready at once, whatever downloaders are installed.
    await applyProgress(svc, t, zoneId, { percent: 100, status: 'Download Complete', ready: true,
      sizeBytes: SIMULATOR_TEMPLATE_BYTES, physicalSizeBytes: SIMULATOR_TEMPLATE_BYTES });
  }
  return t.id;
}

/** Call after creating a zone: cross-zone templates and ISOs (registered with zoneid=-1) get a copy there too. */
export async function addCrossZoneCopies(svc: SeedSvc, zoneId: string): Promise<void> {
  const { db } = svc;
  const missing = await db.selectFrom('templates').selectAll().where('cross_zones', '=', 1).where('removed', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('template_zones').select('zone_id')
      .whereRef('template_zones.template_id', '=', 'templates.id').where('template_zones.zone_id', '=', zoneId))))
    .execute();
  for (const t of missing) {
    const plans = await planCopies(svc, t, [zoneId]);
    await db.insertInto('template_zones').values(plans.map((p) => ({ template_id: t.id, zone_id: p.zoneId, store_id: null,
      status: p.status, is_ready: 0, download_percent: 0, physical_size: 0, created: svc.clock.now() }))).execute();
    await startDownloads(svc, t, plans);
  }
}
