// createTemplate: a template made from the root volume of a stopped VM (volumeid) or from a volume snapshot
// (snapshotid). The template row and its zone copy are written at once (status Creating, not ready); the job has
// the driver of a host that reaches the volume write it as one standalone qcow2 into the zone's image store,
// where registered templates live (image-files.ts), then the copy is ready like a downloaded one.
import type { AsyncHandler, CallContext } from '../kernel/handler';
import type { templateDeriveCommands } from '../contract/commands/template-derive';
import type { SnapshotTable, VmTable, VolumeTable } from '../db/schema';
import type { Services } from '../kernel/services';
import type { TemplateRow } from './lookups';
import { ApiError, invalidParam, notFound } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import { isAdmin } from '../identity/caller';
import { flag, mergeMapEntries, recordEvent } from './common';
import { checkOsType } from './template-validate';
import { imageFileIn, storeDirOf } from './image-files';
import { imageResponses } from './template-format';
import { driverFor, volumeSpec } from '../orchestration/vm/infra';
import { errText, hostForVolume } from '../orchestration/storage/volume-ops';
import { enforceInTx, limitGuard, RT } from '../limits/index';

type C = typeof templateDeriveCommands;
interface Source { vol: VolumeTable; vm: VmTable | undefined; snap: SnapshotTable | undefined }

async function volumeSource(ctx: CallContext, volumeId: string, vmId: string | undefined): Promise<Source> {
  const { db } = ctx.svc;
  const vol = await db.selectFrom('volumes').selectAll().where('id', '=', volumeId).where('removed', 'is', null).executeTakeFirst();
  if (!vol) throw notFound(ctx.command, 'volumeid', volumeId);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: vol.account_id, domainId: vol.domain_id });
  if (vol.state !== 'Ready' || !vol.path) throw invalidParam(`Volume ${vol.name} is not in Ready state but ${vol.state}; a template needs a Ready volume`);
  const vm = vol.vm_id ? await db.selectFrom('vms').selectAll().where('id', '=', vol.vm_id).executeTakeFirst() : undefined;
  if (vmId !== undefined && vm?.id !== vmId) throw invalidParam(`Volume ${vol.name} is not attached to VM ${vmId}`);
  if (vm && vm.state !== 'Stopped') {
    throw invalidParam(`Unable to create a template from volume ${vol.name}: its VM ${vm.name} is ${vm.state}; stop the VM first`);
  }
  return { vol, vm, snap: undefined };
}

async function snapshotSource(ctx: CallContext, snapshotId: string): Promise<Source> {
  const { db } = ctx.svc;
  const snap = await db.selectFrom('snapshots').selectAll().where('id', '=', snapshotId).where('removed', 'is', null).executeTakeFirst();
  if (!snap) throw notFound(ctx.command, 'snapshotid', snapshotId);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: snap.account_id, domainId: snap.domain_id });
  if (snap.state !== 'BackedUp' || !snap.path) {
    throw invalidParam(`Snapshot id=${snap.id} is not in BackedUp state yet and can't be used for template creation`);
  }
  const vol = await db.selectFrom('volumes').selectAll().where('id', '=', snap.volume_id).executeTakeFirst();
  if (!vol) throw invalidParam(`The volume of snapshot ${snap.name} no longer exists`);
  const vm = vol.vm_id ? await db.selectFrom('vms').selectAll().where('id', '=', vol.vm_id).executeTakeFirst() : undefined;
  return { vol, vm, snap };
}

/** The hypervisor and format of the new template: those of the template the volume came from, else the VM's. */
async function originOf(svc: Services, src: Source): Promise<{ hypervisor: string; format: string }> {
  const from = src.vol.template_id ? await svc.db.selectFrom('templates').select(['hypervisor', 'format'])
    .where('id', '=', src.vol.template_id).executeTakeFirst() : undefined;
  const hypervisor = src.vm?.hypervisor ?? from?.hypervisor;
  if (!hypervisor) throw invalidParam(`Cannot tell the hypervisor of volume ${src.vol.name}`);
  return { hypervisor, format: from && from.format !== 'ISO' && from.hypervisor === hypervisor ? from.format : 'QCOW2' };
}

export const createTemplateHandler: AsyncHandler<C['createTemplate'], { volumeId?: string; snapshotId?: string; templateId: string }> = {
  async prepare(ctx, a) {
    if (a.volumeid === undefined && a.snapshotid === undefined) {
      throw invalidParam('Failed to create private template record, need to specify snapshotId or volumeId');
    }
    if (a.volumeid !== undefined && a.snapshotid !== undefined) {
      throw invalidParam('Failed to create private template record, please specify only one of volumeId or snapshotId');
    }
    if (a.url !== undefined) throw invalidParam('Parameter url is not supported: register a template from a URL with registerTemplate');
    if (a.projectid !== undefined) throw invalidParam('Projects are not supported');
    const svc = ctx.svc;
    const src = a.volumeid !== undefined ? await volumeSource(ctx, a.volumeid, a.virtualmachineid) : await snapshotSource(ctx, a.snapshotid!);
    if (a.zoneid !== undefined && a.zoneid !== src.vol.zone_id) throw invalidParam(`The volume is in zone ${src.vol.zone_id}, not ${a.zoneid}`);
    const ostypeId = await checkOsType(svc.caches.osTypes, ctx.command, a.ostypeid);
    const owner = await svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid });
    const { hypervisor, format } = await originOf(svc, src);
    const store = await storeDirOf(svc.db, src.vol.zone_id);
    if (!store && hypervisor !== 'Simulator') throw invalidParam(`Zone ${src.vol.zone_id} has no secondary storage this server reaches`);
    const now = svc.clock.now();
    const row: TemplateRow = {
      id: svc.newId(), name: a.name, display_text: a.displaytext, format, hypervisor, url: '', checksum: null,
      template_type: 'USER', is_public: flag(a.ispublic, false), is_featured: isAdmin(ctx.caller) ? flag(a.isfeatured, false) : 0,
      is_extractable: 0, password_enabled: flag(a.passwordenabled, false), bootable: 1, cross_zones: 0,
      dynamic_scaling: flag(a.isdynamicallyscalable, false), ostype_id: ostypeId, account_id: owner.accountId,
      domain_id: owner.domainId, size: src.vol.size, details: JSON.stringify(mergeMapEntries(a.details)),
      ssh_key_enabled: flag(a.sshkeyenabled, false), requires_hvm: flag(a.requireshvm, true), template_tag: a.templatetag ?? null,
      created: now, removed: null, userdata_id: null, userdata_policy: null,
    };
    // The owner's template and secondary storage limits, checked under the count rows' lock in the insert's
    // transaction, as registerTemplate does (core/limits).
    const guard = await limitGuard(svc, owner, { [RT.template]: 1, [RT.secondary_storage]: src.vol.size });
    await svc.db.transaction().execute(async (trx) => {
      await enforceInTx(trx, guard, row.domain_id);
      await trx.insertInto('templates').values(row).execute();
      await trx.insertInto('template_zones').values({ template_id: row.id, zone_id: src.vol.zone_id, store_id: store?.storeId ?? null,
        status: 'Creating', is_ready: 0, download_percent: 0, physical_size: 0, created: now }).execute();
    });
    return { instanceType: 'Template', instanceId: row.id, createdId: row.id,
      locks: [`template:${row.id}`, `volume:${src.vol.id}`, ...(src.vm ? [`vm:${src.vm.id}`] : [])],
      payload: { volumeId: a.volumeid, snapshotId: a.snapshotid, templateId: row.id } };
  },
  async execute(ctx, a, pl) {
    const svc = ctx.svc;
    const t = await svc.db.selectFrom('templates').selectAll().where('id', '=', pl.templateId).executeTakeFirst();
    if (!t || t.removed !== null) throw invalidParam('The template of this job was deleted');
    try {
      const src = pl.volumeId !== undefined ? await volumeSource(ctx, pl.volumeId, a.virtualmachineid) : await snapshotSource(ctx, pl.snapshotId!);
      const store = await storeDirOf(svc.db, src.vol.zone_id);
      const dest = store ? imageFileIn(store.dir, t.id, t.format) : `simulated/${t.id}`;
      const host = await hostForVolume(svc, src.vol, src.vm);
      const driver = await driverFor(svc, host);
      if (!driver.exportImage) throw invalidParam(`Hypervisor ${t.hypervisor} cannot make templates from volumes`);
      const onProgress = (done: number, total: number) => { if (total > 0) void ctx.progress(Math.floor((done / total) * 100)).catch(() => undefined); };
      const made = await driver.exportImage(host, src.snap ? { file: src.snap.path! } : { volume: await volumeSpec(svc, src.vol) }, dest, onProgress);
      await svc.db.transaction().execute(async (trx) => {
        await trx.updateTable('templates').set({ size: made.virtualSize }).where('id', '=', t.id).execute();
        await trx.updateTable('template_zones').set({ status: 'Download Complete', is_ready: 1, download_percent: 100, physical_size: made.physicalSize })
          .where('template_id', '=', t.id).execute();
      });
    } catch (e) {
      await svc.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('template_zones').where('template_id', '=', t.id).execute();
        await trx.updateTable('templates').set({ removed: svc.clock.now() }).where('id', '=', t.id).execute();
      });
      throw e instanceof ApiError ? e : new ApiError(ErrorCode.InternalError, `Failed to create template ${t.name}: ${errText(e)}`, CsErrorCode.InternalError);
    }
    await recordEvent(ctx, 'TEMPLATE.CREATE', 'Template', t.id, t.name, `Created template ${t.name} from ${pl.volumeId ? 'volume' : 'snapshot'}`);
    const [first] = await imageResponses(svc, ctx.caller, t.id);
    return first;
  },
};
