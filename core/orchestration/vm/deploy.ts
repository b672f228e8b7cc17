// deployVirtualMachine. prepare validates everything a client can get wrong (answered at once with 4xx), then
// plans the VM row (Stopped, as CloudStack allocates it) and its ROOT (+ DATADISK) volume rows (Allocated), which the
// job manager writes in the job row's transaction, so the id can be returned with the job id. execute starts it (Stopped -> Starting -> Running) from
// the payload alone, without re-reading what prepare already knew; a failed first start leaves the VM in Error.
import { sharedWith } from '../../catalog/template-permissions';
import type { ArgsOf } from '../../contract/command';
import type { AsyncHandler, CallContext, JobContext } from '../../kernel/handler';
import type { computeCommands } from '../../contract/commands/compute';
import type { ServiceOfferingTable, TemplateTable, VmTable, VolumeTable } from '../../db/schema';
import type { DeploymentPlan, Services } from '../../kernel/services';
import { deployAccess } from './vm-access';
import { ApiError, internalError, invalidParam, notFound, permissionDenied } from '../../kernel/errors';
import { isRootAdmin } from '../../identity/caller';
import { changeVmState, vmEvent } from '../vm-states';
import { startVm, type StartableVm, type StartVolume } from './power';
import { GB } from './infra';
import { checkNameFree, checkOfferingUsable, checkVmName, mergeMap, vmById } from './vm-rows';
import { vmObject } from './vm-view';
import { formatVms, type TemplateNames, type VmRow } from './vm-format';
import { reconcileVm } from './reconcile';
import { precompiled, precompiledInsert, type QueryTarget } from '../../db/precompiled';
import type { VirtualMachine } from '../../contract/responses';
import { accountNetworkColumns, planDeployNics } from '../../network/vm-nics';
import { writeNic } from '../../network/nics';
import { groupNamed, resolveAffinityGroups } from '../../groups/index';
import { enforceInTx, limitGuard, RT } from '../../limits/index';
import type { AffinityGroupRef } from '../../placement/index';

type Decl = typeof computeCommands.deployVirtualMachine;
type Args = ArgsOf<Decl>;

export interface DeployPayload {
  /**
   * The columns starting needs. Left out of payloads stored since the job row was made to fit two to a database
   * page: they are all in `row` (startableOf). Older payloads have them.
   */
  vm?: StartableVm;
  /**
   * The row as inserted and the names prepare read: the job's result is built from them, not re-read. Without
   * `display_name` when it is the name and without `host_id` (null until started) in payloads stored since.
   */
  row: PayloadRow;
  names: { zone: string; template: TemplateNames; offering: { name: string; dynamic_scaling: number } };
  /** Without `state`, `pool_id` and `path` for volumes still Allocated, in no pool (every new one) since. */
  volumes: PayloadVolume[];
  /** Absent when empty (payloads stored since). */
  hostTags?: string[];
  storageTags?: string[];
  /** Admin placement narrowing (absent when none was given). */
  placement?: { podId: string | null; clusterId: string | null; hostId: string | null };
  /** false: the VM is left Stopped (absent since, when true). */
  startVm?: boolean;
  /** NICs written with the VM (absent in payloads stored by older versions: then they are read). */
  nicCount?: number;
  /** The VM's affinity groups (absent in older payloads: then they are read). */
  affinity?: AffinityGroupRef[];
}

type PayloadRow = Omit<VmRow, 'display_name' | 'host_id'> & { display_name?: string; host_id?: string | null };
type PayloadVolume = Omit<StartVolume, 'state' | 'pool_id' | 'path'> & Partial<Pick<StartVolume, 'state' | 'pool_id' | 'path'>>;

/** A payload's volume as starting takes it (a new volume: Allocated, in no pool yet). */
const startVolumeOf = (v: PayloadVolume): StartVolume => ({ id: v.id, name: v.name, type: v.type, state: v.state ?? 'Allocated',
  size: v.size, pool_id: v.pool_id ?? null, path: v.path ?? null, device_id: v.device_id, template_id: v.template_id });

/**
 * The start columns of the VM a payload deploys. The stored payload is the job row's biggest column: without a
 * second copy of these the row (~1.9 KB instead of ~2.4 KB) fits two to a 4 KiB page, and the job's three writes
 * (insert, started, outcome) share pages with its neighbours' instead of rewriting a page each (3.1 of the 7.2 WAL
 * frames a deploy wrote were the job table's).
 */
function startableOf(pl: DeployPayload): StartableVm {
  // A literal with every column the start writes (host, pod, cluster, updated), so updating it never changes its
  // shape; not a spread (see orchestration/vm-states on spreads that add properties).
  const v = pl.vm ?? pl.row;
  return { id: v.id, name: v.name, state: v.state, account_id: v.account_id, domain_id: v.domain_id,
    instance_name: v.instance_name, zone_id: v.zone_id, cpu_number: v.cpu_number, cpu_speed: v.cpu_speed,
    memory: v.memory, hypervisor: v.hypervisor, last_host_id: pl.vm?.last_host_id ?? null, iso_id: v.iso_id,
    details: v.details, host_id: null, pod_id: null, cluster_id: null, updated: pl.row.updated };
}

const orNone = <T>(list: T[]) => (list.length ? list : undefined);
const tags = (s: string | null | undefined) => (s ? s.split(',').map((t) => t.trim()).filter(Boolean) : []);

// The columns a deploy uses: the long texts (template url, details, display texts) are left out of the hot reads.
const OFFERING_COLUMNS = ['id', 'name', 'cpu_number', 'cpu_speed', 'memory', 'offer_ha', 'host_tags', 'storage_tags',
  'provisioning_type', 'root_disk_size', 'is_system', 'dynamic_scaling', 'state', 'domain_ids', 'zone_ids'] as const;
type Offering = Pick<ServiceOfferingTable, (typeof OFFERING_COLUMNS)[number]>;
const TEMPLATE_COLUMNS = ['t.id', 't.name', 't.display_text', 't.format', 't.hypervisor', 't.template_type', 't.is_public',
  't.password_enabled', 't.dynamic_scaling', 't.ostype_id', 't.account_id', 't.size', 't.userdata_id', 't.userdata_policy'] as const;
type Template = Pick<TemplateTable, 'id' | 'name' | 'display_text' | 'format' | 'hypervisor' | 'template_type' | 'is_public' |
  'password_enabled' | 'dynamic_scaling' | 'ostype_id' | 'account_id' | 'size' | 'userdata_id' | 'userdata_policy'>;

// The reads and writes of every deploy, compiled once (db/precompiled).
// The zone, the offering and the template (with its readiness in the zone and its OS name) in one statement: no row
// when the zone is not there (checked first anyway); the offering's or the template's columns null when it is not.
// The account's network in the zone comes with them (network/vm-nics).
const inputsQ = precompiled((db, p: { zoneId: string; offeringId: string; templateId: string; accountId: string }) => db.selectFrom('zones as z')
  .leftJoin('service_offerings as so', (j) => j.on('so.id', '=', p.offeringId).on('so.removed', 'is', null))
  .leftJoin('templates as t', (j) => j.on('t.id', '=', p.templateId).on('t.removed', 'is', null))
  .leftJoin('template_zones as tz', (j) => j.onRef('tz.template_id', '=', 't.id').onRef('tz.zone_id', '=', 'z.id'))
  .leftJoin('os_types as os', 'os.id', 't.ostype_id')
  .select(['z.id as zone_id', 'z.name as zone_name', 'z.allocation_state'])
  .select(OFFERING_COLUMNS.map((c) => `so.${c} as so_${c}` as const))
  .select(TEMPLATE_COLUMNS).select(['tz.is_ready', 'os.description as os_name'])
  .select((eb) => accountNetworkColumns(eb, p))
  .where('z.id', '=', p.zoneId).where('z.removed', 'is', null));
const diskOfferingQ = precompiled((db, p: { id: string }) =>
  db.selectFrom('disk_offerings').selectAll().where('id', '=', p.id).where('removed', 'is', null));
const insertVm = precompiledInsert('vms');
const insertVolume = precompiledInsert('volumes');
const insertAffinityMember = precompiledInsert('affinity_group_vms');

async function loadInputs(ctx: CallContext, a: Args, accountId: string) {
  const db = ctx.svc.db;
  const [r, dof] = await Promise.all([
    inputsQ.first(db, { zoneId: a.zoneid, offeringId: a.serviceofferingid, templateId: a.templateid, accountId }),
    a.diskofferingid ? diskOfferingQ.first(db, { id: a.diskofferingid }) : Promise.resolve(undefined),
  ]);
  const zone = r && { id: r.zone_id, name: r.zone_name, allocation_state: r.allocation_state };
  const so = r?.so_id == null ? undefined : offeringOf(r as unknown as Record<string, unknown>);
  // (The template's columns keep their names; the row is used as the template as it is.)
  const tpl = r?.id == null ? undefined : r as unknown as Template & { is_ready: number | null; os_name: string | null };
  if (!zone) throw notFound(ctx.command, 'zoneid', a.zoneid);
  if (!so || so.is_system === 1 || so.state !== 'Active') throw notFound(ctx.command, 'serviceofferingid', a.serviceofferingid);
  if (!tpl) throw notFound(ctx.command, 'templateid', a.templateid);
  if (a.diskofferingid && (!dof || dof.state !== 'Active')) throw notFound(ctx.command, 'diskofferingid', a.diskofferingid);
  if (zone.allocation_state !== 'Enabled' && !isRootAdmin(ctx.caller)) {
    throw permissionDenied(`Cannot perform this operation, Zone is currently disabled: ${zone.id}`);
  }
  if (tpl.is_ready !== 1) {
    throw invalidParam(`Template ${tpl.id} has not been completely downloaded to zone ${zone.id}`);
  }
  return { zone, so, tpl, dof, network: { own: r.own, guest: r.guest } };
}

/** The offering's columns of the inputs' row (so_<column>). */
function offeringOf(r: Record<string, unknown>): Offering {
  const o: Record<string, unknown> = {};
  for (const c of OFFERING_COLUMNS) o[c] = r[`so_${c}`];
  return o as unknown as Offering;
}

/** CPU and memory: the offering's, or details[0].cpuNumber/cpuSpeed/memory for a customized offering. */
function computeOf(so: Offering, details: Record<string, string>) {
  const num = (k: string) => (details[k] !== undefined && /^\d+$/.test(details[k]) ? Number(details[k]) : null);
  const cpu = so.cpu_number ?? num('cpuNumber');
  const speed = so.cpu_speed ?? num('cpuSpeed') ?? 1000;
  const memory = so.memory ?? num('memory');
  if (cpu === null || memory === null || cpu < 1 || memory < 32) {
    throw invalidParam('Need to specify custom parameter values for cpu, cpu speed and memory when using custom offering');
  }
  return { cpu, speed, memory };
}

async function checkAccessToTemplate(ctx: CallContext, tpl: Template, ownerAccount: string): Promise<void> {
  if (tpl.is_public === 1 || tpl.account_id === ownerAccount || isRootAdmin(ctx.caller)) return;
  if (await sharedWith(ctx.svc.db, tpl.id, ownerAccount)) return; // updateTemplatePermissions op=add
  throw permissionDenied(`Account ${ctx.caller.accountName} does not have permission to use template ${tpl.id}`);
}

function hypervisorOf(svc: Services, a: Args, tpl: Template, iso: boolean): string {
  const want = a.hypervisor ?? (iso || !tpl.hypervisor || tpl.hypervisor === 'None' ? null : tpl.hypervisor);
  if (want === null) {
    if (iso) throw invalidParam('Hypervisor parameter is needed to deploy VM or the hypervisor parameter value passed is invalid');
    return '';
  }
  return svc.drivers.get(want).hypervisor;
}

/** Root and data disk sizes in bytes, with CloudStack's checks. */
function diskSizes(a: Args, so: Offering, tpl: Template, dof: { disk_size: number; customized: number } | undefined, iso: boolean) {
  const custom = (d: { disk_size: number; customized: number }) => {
    if (d.customized !== 1) return d.disk_size;
    if (a.size === undefined || a.size <= 0) throw invalidParam('This disk offering requires a custom size specified');
    return a.size * GB;
  };
  if (iso) {
    if (!dof) throw invalidParam('Installing from ISO requires a disk offering to be specified for the root disk.');
    return { root: custom(dof), data: null };
  }
  let root = Math.max(tpl.size, so.root_disk_size ?? 0);
  if (a.rootdisksize !== undefined) {
    if (a.rootdisksize * GB < tpl.size) {
      throw invalidParam(`Unsupported: rootdisksize of ${a.rootdisksize} GB is smaller than template size of ${Math.ceil(tpl.size / GB)} GB`);
    }
    root = a.rootdisksize * GB;
  }
  return { root, data: dof ? custom(dof) : null };
}

async function prepare(ctx: CallContext, a: Args) {
  const svc = ctx.svc;
  if ((a.hostid || a.podid || a.clusterid) && !isRootAdmin(ctx.caller)) {
    const which = a.hostid ? 'hostid' : a.podid ? 'podid' : 'clusterid';
    throw permissionDenied(`Parameter ${which} can only be specified by a Root Admin, permission denied`);
  }
  const owner = await svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid, projectid: a.projectid });
  const { zone, so, tpl, dof, network } = await loadInputs(ctx, a, owner.accountId);
  await checkAccessToTemplate(ctx, tpl, owner.accountId);
  await checkOfferingUsable(ctx, 'Service', so, zone.id);
  if (dof) await checkOfferingUsable(ctx, 'Disk', dof, zone.id);
  const access = await deployAccess(ctx, owner.accountId, a, tpl);
  const iso = tpl.format === 'ISO';
  const details = mergeMap(a.details);
  const { cpu, speed, memory } = computeOf(so, details);
  const sizes = diskSizes(a, so, tpl, dof, iso);
  const hypervisor = hypervisorOf(svc, a, tpl, iso);
  const id = svc.newId();
  const name = a.name ?? `VM-${id}`;
  if (a.name !== undefined) {
    checkVmName(a.name);
    await checkNameFree(svc, owner.accountId, a.name);
  }
  // The VM's NICs: networks implemented now (VLAN, router), addresses chosen when the rows are written.
  const affinity = await resolveAffinityGroups(ctx, owner, a.affinitygroupids, a.affinitygroupnames);
  const group = a.group ? await groupNamed(ctx, owner, a.group) : null;
  const nics = await planDeployNics(ctx, owner, zone.id, a, svc.newId, network);
  // (The account's number as the identity directory read it: its first deploy here need not read it again.)
  const instanceName = await svc.instanceNames.next(owner.accountId, (await svc.caches.directory.account(owner.accountId))?.number);
  const n = instanceName.split('-')[2];
  const now = svc.clock.now();
  const vm: VmTable = {
    id, name, display_name: a.displayname ?? name, instance_name: instanceName, account_id: owner.accountId,
    domain_id: owner.domainId, user_id: owner.userId, zone_id: zone.id, pod_id: null, cluster_id: null, host_id: null,
    last_host_id: null, template_id: tpl.id, iso_id: iso ? tpl.id : null, service_offering_id: so.id, cpu_number: cpu,
    cpu_speed: speed, memory, state: 'Stopped', ha_enable: so.offer_ha, group_name: group?.name ?? null, hypervisor,
    details: JSON.stringify({ ...details, ...access.details }), userdata: access.userdata ?? null, created: now, updated: now, removed: null,
  };
  const volume = (type: 'ROOT' | 'DATADISK', size: number, device: number, diskOffering: string | null): VolumeTable => ({
    id: svc.newId(), name: `${type === 'ROOT' ? 'ROOT' : 'DATA'}-${n}`, type, state: 'Allocated', size, vm_id: id,
    device_id: device, disk_offering_id: diskOffering, pool_id: null, account_id: owner.accountId,
    domain_id: owner.domainId, zone_id: zone.id, template_id: type === 'ROOT' && !iso ? tpl.id : null, path: null,
    provisioning_type: dof?.provisioning_type ?? so.provisioning_type ?? 'thin', created: now, attached: now, removed: null,
  });
  if (group) vm.group_id = group.id;
  const volumes = [volume('ROOT', sizes.root, 0, iso ? dof!.id : null)];
  if (sizes.data !== null) volumes.push(volume('DATADISK', sizes.data, 1, dof!.id));
  // What the account and its domains may still hold (null: nothing bounds this owner), checked again, exactly,
  // in the transaction that writes the rows.
  const guard = await limitGuard(svc, owner, { [RT.user_vm]: 1, [RT.cpu]: cpu, [RT.memory]: memory,
    [RT.volume]: volumes.length, [RT.primary_storage]: volumes.reduce((n, v) => n + v.size, 0) });
  // Written by the job manager in the job's own transaction (AsyncPlan.write): a crash between the VM rows and the
  // job row would otherwise leave a Stopped VM that no job finishes, holding its name.
  const write = async (trx: QueryTarget) => {
    await enforceInTx(trx, guard, owner.domainId);
    await insertVm(trx, vm);
    for (const g of affinity) await insertAffinityMember(trx, { group_id: g.id, vm_id: id });
    for (const v of volumes) await insertVolume(trx, v);
    for (const nic of nics) await writeNic(trx, id, nic);
  };
  const committed = () => vmEvent(svc, vm, { type: 'VM.CREATE', state: 'Created', description: `Created VM ${name}` }, ctx.caller.userId);
  // The payload is most of the job row: what every new VM has, or has in another field, is left out (row fits two
  // to a page; see startableOf).
  const row: PayloadRow = { id, name, display_name: vm.display_name === name ? undefined : vm.display_name,
    instance_name: vm.instance_name, account_id: vm.account_id, domain_id: vm.domain_id, user_id: vm.user_id,
    zone_id: vm.zone_id, template_id: vm.template_id, iso_id: vm.iso_id, service_offering_id: vm.service_offering_id,
    cpu_number: cpu, cpu_speed: speed, memory, state: vm.state, ha_enable: vm.ha_enable, group_name: vm.group_name,
    hypervisor, details: vm.details, created: now, updated: now, group_id: vm.group_id };
  const payload: DeployPayload = {
    row,
    names: { zone: zone.name, offering: { name: so.name, dynamic_scaling: so.dynamic_scaling },
      template: { name: tpl.name, display_text: tpl.display_text, password_enabled: tpl.password_enabled,
        ostype_id: tpl.ostype_id, dynamic_scaling: tpl.dynamic_scaling, format: tpl.format,
        template_type: tpl.template_type, os_name: tpl.os_name } },
    volumes: volumes.map((v) => ({ id: v.id, name: v.name, type: v.type, size: v.size, device_id: v.device_id,
      template_id: v.template_id })),
    hostTags: orNone(tags(so.host_tags)), storageTags: orNone([...new Set([...tags(so.storage_tags), ...tags(dof?.tags)])]),
    placement: a.podid || a.clusterid || a.hostid ? { podId: a.podid ?? null, clusterId: a.clusterid ?? null, hostId: a.hostid ?? null } : undefined,
    startVm: a.startvm === false ? false : undefined,
    nicCount: nics.length,
    affinity: affinity.map((g) => ({ id: g.id, name: g.name, type: g.type })),
  };
  return { instanceType: 'VirtualMachine', instanceId: id, createdId: id, locks: [`vm:${id}`], payload, write, committed };
}

async function result(ctx: JobContext, id: string): Promise<VirtualMachine> {
  const o = await vmObject(ctx.svc, ctx.caller, id);
  if (!o) throw internalError(`VM ${id} was removed while it was being deployed`);
  return o;
}

/** The result object from what the job already knows (the row as prepared plus what the start changed). */
async function resultFromPayload(ctx: JobContext, pl: DeployPayload, vm: StartableVm, hostName?: string): Promise<VirtualMachine> {
  const r = pl.row;
  const row: VmRow = { id: r.id, name: r.name, display_name: r.display_name ?? r.name, instance_name: r.instance_name,
    account_id: r.account_id, domain_id: r.domain_id, user_id: r.user_id, zone_id: r.zone_id,
    host_id: vm.host_id ?? null, template_id: r.template_id, iso_id: r.iso_id, service_offering_id: r.service_offering_id,
    cpu_number: r.cpu_number, cpu_speed: r.cpu_speed, memory: r.memory, state: vm.state, ha_enable: r.ha_enable,
    group_name: r.group_name, hypervisor: vm.hypervisor, details: r.details, created: r.created,
    updated: vm.updated ?? r.updated, group_id: r.group_id,
    // The planner named the host it chose (undefined: formatVms looks it up).
    host_name: vm.host_id ? hostName : undefined };
  const n = pl.names;
  const [o] = await formatVms(ctx.svc, [row], { caller: ctx.caller }, {
    zones: new Map([[row.zone_id, n.zone]]), templates: new Map([[row.template_id, n.template]]),
    offerings: new Map([[row.service_offering_id, n.offering]]),
    // The job holds the VM's lock, under which NICs are added: a VM deployed without NICs still has none.
    nics: pl.nicCount === 0 ? new Map([[row.id, []]]) : undefined,
    affinity: pl.affinity ? new Map([[row.id, pl.affinity.map((g) => ({ id: g.id, name: g.name, type: g.type }))]]) : undefined });
  return o;
}

async function execute(ctx: JobContext, _a: Args, pl: DeployPayload): Promise<VirtualMachine> {
  if (pl.startVm === false) return result(ctx, pl.row.id);
  // Every column the start writes is present from the outset, so updating this object never changes its shape.
  const vm = startableOf(pl);
  let plan: DeploymentPlan;
  try {
    const at = pl.placement;
    plan = await startVm(ctx.svc, { vm, volumes: pl.volumes.map(startVolumeOf), hostTags: pl.hostTags ?? [],
      storageTags: pl.storageTags ?? [], podId: at?.podId ?? null, clusterId: at?.clusterId ?? null, hostId: at?.hostId ?? null,
      considerLastHost: false, userId: ctx.caller.userId, progress: ctx.progress,
      noNics: pl.nicCount === 0, affinity: pl.affinity });
  } catch (e) {
    // A VM whose first start fails is marked Error (CloudStack's OperationFailedToError), not left Stopped.
    if (vm.state === 'Stopped') {
      await changeVmState(ctx.svc, vm, 'OperationFailedToError', { userId: ctx.caller.userId, reason: (e as Error).message })
        .catch(() => undefined);
    }
    throw e;
  }
  return resultFromPayload(ctx, pl, vm, plan.hostName);
}

/** After a restart: converge the VM with what its host reports; a deploy that never got going is resumed. */
async function recover(ctx: JobContext, a: Args, pl: DeployPayload): Promise<VirtualMachine> {
  const row = await vmById(ctx.svc.db, pl.row.id);
  if (!row) throw internalError(`VM ${pl.row.id} was removed while it was being deployed`);
  await reconcileVm(ctx.svc, row);
  if (row.state === 'Stopped' && pl.startVm !== false) {
    const volumes = await ctx.svc.db.selectFrom('volumes').selectAll().where('vm_id', '=', row.id)
      .where('removed', 'is', null).orderBy('device_id').execute();
    const vm = startableOf(pl);
    vm.state = row.state;
    vm.last_host_id = row.last_host_id;
    return execute(ctx, a, { ...pl, vm, volumes });
  }
  if (row.state === 'Running' || row.state === 'Stopped') return result(ctx, row.id);
  throw new ApiError(530, `Deployment of VM ${row.name} was interrupted by a management server restart; it is ${row.state}`);
}

export const deployHandler: AsyncHandler<Decl, DeployPayload> = { prepare, execute, recover };
