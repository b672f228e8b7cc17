// Starting and stopping a VM: placement with retries, volume creation on first start, capacity reservation and
// release. Shared by deploy, start, stop, destroy and HA-like callers. Every state change goes through
// changeVmState; the hot path (deploy) is kept to a handful of statements: the planner's reservation, Starting with
// the chosen host, the new volumes Ready, Running.
import type { VmTable, VolumeTable } from '../../db/schema';
import type { DeploymentPlan, Services } from '../../kernel/services';
import type { HypervisorDriver, VmSpec, VolumeSpec } from '../../hypervisors/driver';
import { nicSpecsOf } from '../../network/nics';
import { applyRoutersForVm } from '../../network/router-datapath';
import { settingFlag } from '../../kernel/settings';
import { ApiError, insufficientCapacity, internalError } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { changeVmState, patchVmInState, transitionVm, type VmStateRef } from '../vm-states';
import { notifyVolumes, transitionVolume } from '../volume-states';
import { allocateOnPool, driverFor, hostFacts, poolFacts, releasePoolBytes, volumeSpec } from './infra';
import { cpuMhzOf, memBytesOf, parseDetails } from './vm-rows';
import { precompiled } from '../../db/precompiled';
import { configDriveFor } from './vm-access';
import { ClaimLost, claimHost, dropClaims, placementRules, NO_RULES, type AffinityGroupRef, type PlacementRules } from '../../placement/index';

/** The VM columns starting needs (deploy has them in its payload; start reads the row). */
export type StartableVm = VmStateRef & Pick<VmTable, 'instance_name' | 'zone_id' | 'cpu_number' | 'cpu_speed' |
  'memory' | 'hypervisor' | 'last_host_id' | 'iso_id' | 'details'>;
export type StartVolume = Pick<VolumeTable, 'id' | 'name' | 'type' | 'state' | 'size' | 'pool_id' | 'path' |
  'device_id' | 'template_id'>;

export interface StartRequest {
  vm: StartableVm;
  volumes: StartVolume[];
  hostTags: string[];
  storageTags: string[];
  /** Admin placement narrowing. */
  podId?: string | null;
  clusterId?: string | null;
  hostId?: string | null;
  considerLastHost?: boolean;
  userId?: string | null;
  /** Progress of long host work (a template's first copy into a pool), 0..100, for the job. */
  progress?: (percent: number) => Promise<void>;
  /** True when the caller knows the VM has no NIC (a deploy that planned none and holds the VM's lock, under
   *  which NICs are added): the NICs are then not read again. */
  noNics?: boolean;
  /** The VM's affinity groups when the caller knows them (a deploy: [] for none); otherwise they are read. */
  affinity?: AffinityGroupRef[];
}

export const MAX_START_ATTEMPTS = 3;
/** Placements lost to another VM of an affinity group (claims.ts) retried on top of MAX_START_ATTEMPTS. */
const MAX_CLAIM_LOSSES = 20;

export const noDeployment = (vm: Pick<VmTable, 'instance_name'>, detail?: string) =>
  insufficientCapacity(`Unable to create a deployment for VM[User|${vm.instance_name}]${detail ? `: ${detail}` : ''}`);

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The cluster existing volumes pin the VM to (a cluster-wide pool), or null when they allow any host. */
async function pinnedCluster(svc: Services, volumes: StartVolume[]): Promise<string | null> {
  for (const v of volumes) {
    if (!v.pool_id || !v.path) continue;
    const pool = await poolFacts(svc, v.pool_id);
    if (pool.clusterId) return pool.clusterId;
  }
  return null;
}

/** A plan on the VM's last host when it still has room (CloudStack's considerlasthost). */
async function planOnLastHost(svc: Services, r: StartRequest, pinned: string | null, rules: PlacementRules): Promise<DeploymentPlan | null> {
  const last = r.vm.last_host_id;
  if (!last || r.considerLastHost === false || r.hostId || r.podId || r.clusterId) return null;
  if (rules.avoidHosts.includes(last) || (rules.requiredHost !== null && rules.requiredHost !== last)) return null;
  const h = await hostFacts(svc, last).catch(() => null);
  if (!h || (pinned && h.clusterId !== pinned)) return null;
  if (!(await svc.planner.reserveOn(last, cpuMhzOf(r.vm), memBytesOf(r.vm), r.vm.cpu_number))) return null;
  const need = newBytes(r);
  try {
    const poolId = need > 0 ? await allocateOnPool(svc, { zoneId: h.zoneId, clusterId: h.clusterId, sizeBytes: need, tags: r.storageTags }) : '';
    return { hostId: last, podId: h.podId, clusterId: h.clusterId, poolId };
  } catch {
    await svc.planner.release(last, cpuMhzOf(r.vm), memBytesOf(r.vm), r.vm.cpu_number);
    return null;
  }
}

/** Bytes of the volumes that do not exist yet; the plan reserves them on its pool. */
const newBytes = (r: StartRequest) => r.volumes.filter((v) => !v.path).reduce((n, v) => n + v.size, 0);

async function plan(svc: Services, r: StartRequest, pinned: string | null, avoid: string[], rules: PlacementRules): Promise<DeploymentPlan> {
  if (avoid.length === 0) {
    const onLast = await planOnLastHost(svc, r, pinned, rules);
    if (onLast) return onLast;
  }
  return svc.planner.planAndReserve({
    zoneId: r.vm.zone_id, cpuNumber: r.vm.cpu_number, cpuSpeed: r.vm.cpu_speed, memoryMb: r.vm.memory,
    hypervisor: r.vm.hypervisor || null, hostTags: r.hostTags, storageTags: r.storageTags,
    rootDiskBytes: newBytes(r), podId: r.podId ?? null, clusterId: r.clusterId ?? pinned, hostId: r.hostId ?? rules.requiredHost,
    preferHostId: r.vm.last_host_id, avoidHostIds: rules.avoidHosts.length ? [...avoid, ...rules.avoidHosts] : avoid,
  });
}

interface Created { vol: StartVolume; poolId: string; path: string }

/** Creates the volumes that do not exist yet and starts the VM on the planned host. */
async function startOn(svc: Services, r: StartRequest, p: DeploymentPlan, created: Created[]): Promise<void> {
  const driver = await driverFor(svc, p.hostId);
  const specs: VolumeSpec[] = [];
  for (const v of r.volumes) {
    if (v.path && v.pool_id) { specs.push(await volumeSpec(svc, v)); continue; }
    if (!p.poolId) throw internalError(`No storage pool was planned for volume ${v.name}`);
    const spec = await volumeSpec(svc, v, p.poolId);
    if (spec.templateId && spec.templateSourcePath && driver.ensureTemplate) await copyTemplate(driver, p.hostId, spec, r.progress);
    spec.path = await driver.createVolume(p.hostId, spec);
    created.push({ vol: v, poolId: p.poolId, path: spec.path });
    specs.push(spec);
  }
  const vm = r.vm;
  const spec: VmSpec = { id: vm.id, instanceName: vm.instance_name, cpuNumber: vm.cpu_number, cpuSpeed: vm.cpu_speed,
    memoryMb: vm.memory, volumes: specs, isoId: vm.iso_id, details: parseDetails(vm.details),
    isoPath: vm.iso_id ? (await svc.caches.imageFiles.file(vm.iso_id, vm.zone_id)) ?? null : null,
    nics: r.noNics ? [] : await nicSpecsOf(svc.db, vm.id, vm.name) };
  // Drivers of real guests (those that take CD-ROM media) attach SSH keys and user data as a config drive; the
  // simulator has no guest to read one, so its starts skip the lookup.
  if (driver.attachIso) spec.configDrive = await configDriveFor(svc, vm.id);
  if (spec.nics?.length && driver.applyRouter && await settingFlag(svc, 'network.kvm.datapath')) {
    spec.netMode = 'bridge';
    await applyRoutersForVm(svc, vm.id, p.hostId);
    // A VXLAN network's MTU may just have been lowered to what its router's host underlay carries (router-datapath).
    if (spec.nics.some((n) => n.isolation === 'Vxlan')) spec.nics = await nicSpecsOf(svc.db, vm.id, vm.name);
  }
  await driver.startVm(p.hostId, spec);
}

/** The template's one-time copy into the pool (a no-op once there), its progress reported to the job. */
async function copyTemplate(driver: HypervisorDriver, hostId: string, spec: VolumeSpec, progress?: (pct: number) => Promise<void>) {
  let last = -1;
  const onProgress = progress && ((done: number, total: number) => {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
    if (pct > last) { last = pct; void progress(pct).catch(() => undefined); }
  });
  await driver.ensureTemplate!(hostId, { templateId: spec.templateId!, sourcePath: spec.templateSourcePath!, poolId: spec.poolId,
    poolPath: spec.poolPath }, onProgress);
}

const volumeCreated = precompiled((db, p: { id: string; from: string; pool: string; path: string }) =>
  db.updateTable('volumes').set({ state: 'Ready', pool_id: p.pool, path: p.path }).where('id', '=', p.id).where('state', '=', p.from));

/**
 * Marks the new volumes Ready on their pool. Written before the VM becomes Running, without a transaction: a crash
 * in between leaves a Starting VM whose volumes all exist, which reconciliation turns into Running (or Stopped).
 */
async function volumesReady(svc: Services, created: Created[]): Promise<void> {
  for (const c of created) {
    // Allocated -> Creating -> Ready happens while the VM is Starting; only the end state is written.
    transitionVolume(transitionVolume(c.vol.state, 'CreateRequested', c.vol.name), 'OperationSucceeded', c.vol.name);
    await volumeCreated.run(svc.db, { id: c.vol.id, from: c.vol.state, pool: c.poolId, path: c.path });
    Object.assign(c.vol, { state: 'Ready', pool_id: c.poolId, path: c.path });
  }
  notifyVolumes(svc, created.map((c) => c.vol.id), 'Ready');
}

async function undoAttempt(svc: Services, r: StartRequest, p: DeploymentPlan, created: Created[]): Promise<void> {
  const logged = (e: unknown) => svc.log.error('could not release a reservation', { host: p.hostId, error: errText(e) });
  await svc.planner.release(p.hostId, cpuMhzOf(r.vm), memBytesOf(r.vm), r.vm.cpu_number).catch(logged);
  const bytes = newBytes(r);
  if (bytes > 0 && p.poolId) await releasePoolBytes(svc.db, p.poolId, bytes).catch(logged);
  const driver = await driverFor(svc, p.hostId).catch(() => null);
  for (const c of created) {
    await driver?.deleteVolume(p.hostId, await volumeSpec(svc, { ...c.vol, path: c.path }, c.poolId)).catch(() => undefined);
  }
  await driver?.destroyVm(p.hostId, r.vm.id).catch(() => undefined);
}

/**
 * Stopped -> Starting -> Running (resolves with the plan it started on). Plans (last host first) and reserves, then enters Starting with the chosen host
 * recorded in the same update (so a crash can always find and release the reservation), creates missing volumes
 * and starts. A host that fails is released and avoided and the next one is tried, up to MAX_START_ATTEMPTS hosts.
 * When nothing works the VM is Stopped with nothing reserved and a 533 "Unable to create a deployment for VM" is
 * thrown. (CloudStack enters Starting before planning; planning first saves a write per start and only changes
 * what a list shows during the few milliseconds of planning.)
 */
export async function startVm(svc: Services, r: StartRequest): Promise<DeploymentPlan> {
  const vm = r.vm;
  transitionVm(vm.state, 'StartRequested', vm.name);
  const pinned = await pinnedCluster(svc, r.volumes).catch(() => null);
  const avoid: string[] = [];
  let last: unknown;
  const known = r.affinity;
  let claimsLost = 0;
  for (let attempt = 0; attempt < MAX_START_ATTEMPTS; attempt++) {
    let p: DeploymentPlan;
    // Read at each attempt: a VM of the group placed meanwhile (a lost claim) changes where this one may go.
    const rules = known?.length === 0 ? NO_RULES : await placementRules(svc.db, vm.id, known);
    try {
      p = await plan(svc, r, pinned, avoid, rules);
    } catch (e) {
      // No further host: what the operator needs is why the tried hosts failed, not that none is left.
      if (avoid.length === 0 || last instanceof ClaimLost) last = e;
      break;
    }
    const created: Created[] = [];
    try {
      const placed = { host_id: p.hostId, pod_id: p.podId, cluster_id: p.clusterId };
      if (vm.state === 'Starting') await patchVmInState(svc, vm, placed);
      else await changeVmState(svc, vm, 'StartRequested', { userId: r.userId, patch: placed });
      // After the host is written on the VM: a claim is live while its VM is on the claimed host.
      if (rules.groups.length) await claimHost(svc, rules.groups, vm.id, p.hostId);
      await startOn(svc, r, p, created);
    } catch (e) {
      last = e;
      avoid.push(p.hostId);
      if (rules.groups.length) await dropClaims(svc, vm.id, p.hostId).catch(() => undefined);
      await undoAttempt(svc, r, p, created);
      // A host taken by another VM of the group at the same moment is not a failed host: plan again.
      if (e instanceof ClaimLost && ++claimsLost <= MAX_CLAIM_LOSSES) attempt--;
      svc.log.warn(`start of VM ${vm.name} failed on host ${p.hostId}`, { error: errText(e) });
      if (e instanceof ApiError && e.cserrorcode === CsErrorCode.ConcurrentOperation) break; // the row changed under us
      continue;
    }
    await volumesReady(svc, created);
    const hv = (await hostFacts(svc, p.hostId)).hypervisor;
    // host, pod and cluster were written on entering Starting (or by patchVmInState for a retry): leaving them out
    // here spares the foreign-key checks and the vms_host index update of writing them again.
    await changeVmState(svc, vm, 'OperationSucceeded', { userId: r.userId, patch: { last_host_id: p.hostId, hypervisor: hv } });
    return p;
  }
  const reason = last === undefined ? undefined : errText(last);
  if (vm.state === 'Starting') await changeVmState(svc, vm, 'OperationFailed', { userId: r.userId, reason, patch: { host_id: null } });
  const capacity = last instanceof ApiError && last.errorcode === ErrorCode.InsufficientCapacity;
  throw noDeployment(vm, capacity && avoid.length === 0 ? await shortfall(svc, vm, last as ApiError)
    : `${avoid.length ? `start failed on ${avoid.length} host(s), ` : ''}last error: ${reason}`);
}

/**
 * What the planner found short, and where: "no suitable host has 1 x 500 MHz CPU and 8192 MB memory free in zone
 * lab-1", so the operator knows which resource to add (the planner's own prefix is dropped: noDeployment has one).
 */
async function shortfall(svc: Services, vm: Pick<VmTable, 'zone_id'>, e: ApiError): Promise<string> {
  const what = e.message.replace(/^Unable to create a deployment for VM:\s*/, '');
  const zone = await svc.db.selectFrom('zones').select('name').where('id', '=', vm.zone_id).executeTakeFirst();
  return zone && !what.startsWith('zone ') ? `${what} in zone ${zone.name}` : what;
}

/**
 * Running -> Stopping -> Stopped, releasing the host's CPU and memory. A forced stop ends Stopped even when the
 * host does not answer (CloudStack's forced stop cleans up the database regardless).
 */
export async function stopVm(svc: Services, vm: VmStateRef & Pick<VmTable, 'host_id' | 'cpu_number' | 'cpu_speed' | 'memory'>,
  opts: { forced?: boolean; userId?: string | null } = {}): Promise<void> {
  if (vm.state === 'Stopped') return;
  await changeVmState(svc, vm, 'StopRequested', { userId: opts.userId });
  const host = vm.host_id;
  if (host) {
    try {
      await (await driverFor(svc, host)).stopVm(host, vm.id, { forced: !!opts.forced });
    } catch (e) {
      if (!opts.forced) {
        await changeVmState(svc, vm, 'OperationFailed', { userId: opts.userId, reason: errText(e) });
        throw new ApiError(ErrorCode.ResourceUnavailable, `Unable to stop VM ${vm.name}: ${errText(e)}`, CsErrorCode.ResourceUnavailable);
      }
      svc.log.warn(`forced stop of VM ${vm.name}: host did not answer`, { error: errText(e) });
    }
  }
  await changeVmState(svc, vm, 'OperationSucceeded', { userId: opts.userId, patch: { host_id: null, last_host_id: host ?? vm.last_host_id ?? null } });
  if (host) await svc.planner.release(host, cpuMhzOf(vm), memBytesOf(vm), vm.cpu_number);
}
