// Live migration in three steps, for drivers that offer them (QEMU hosts: local, or run by `strata agent`): the
// destination starts an identical QEMU waiting for the VM's state, the source sends it and lets the VM go once it
// arrived, the destination checks the VM runs. Each host's own driver does its half, so the two hosts may be
// served by different drivers or agents; the Simulator, which offers no steps, keeps its one-call migrateVm.
import type { VmTable } from '../../db/schema';
import type { HypervisorDriver, VmSpec } from '../../hypervisors/driver';
import type { Services } from '../../kernel/services';
import { volumeSpec } from './infra';
import { nicSpecsOf } from '../../network/nics';
import { settingFlag } from '../../kernel/settings';
import { parseDetails, volumesOf } from './vm-rows';
import { configDriveFor } from './vm-access';

export const migratesInSteps = (src: HypervisorDriver, dst: HypervisorDriver) =>
  Boolean(src.sendMigration && dst.prepareMigration && dst.finishMigration);

/** The running VM as the destination must recreate it: same devices, disks and CD-ROM media. */
async function runningSpec(svc: Services, vm: VmTable): Promise<VmSpec> {
  const vols = (await volumesOf(svc.db, vm.id)).filter((v) => v.path && v.pool_id);
  return {
    id: vm.id, instanceName: vm.instance_name, cpuNumber: vm.cpu_number, cpuSpeed: vm.cpu_speed, memoryMb: vm.memory,
    volumes: await Promise.all(vols.map((v) => volumeSpec(svc, v))), isoId: vm.iso_id, details: parseDetails(vm.details),
    isoPath: vm.iso_id ? (await svc.caches.imageFiles.file(vm.iso_id, vm.zone_id)) ?? null : null,
    nics: await nicSpecsOf(svc.db, vm.id, vm.name),
    netMode: (await settingFlag(svc, 'network.kvm.datapath')) ? 'bridge' : 'user',
    configDrive: await configDriveFor(svc, vm.id),
  };
}

/**
 * Moves the running VM from `source` to `target`. On a failure before the state was sent, the incoming QEMU is
 * aborted and the VM keeps running on the source (QEMU resumes it); the error is thrown for the job to report.
 */
export async function migrateInSteps(svc: Services, vm: VmTable, hosts: { source: string; target: string },
  drivers: { src: HypervisorDriver; dst: HypervisorDriver }, progress?: (percent: number) => Promise<void>): Promise<void> {
  const { src, dst } = drivers;
  const { uri } = await dst.prepareMigration!(hosts.target, await runningSpec(svc, vm));
  let shown = -1;
  let at = 0;
  const onProgress = (done: number, total: number) => {
    const pct = total > 0 ? Math.min(99, Math.floor((done / total) * 100)) : 0;
    if (pct === shown || Date.now() - at < 500) return;
    shown = pct;
    at = Date.now();
    void progress?.(pct).catch(() => undefined);
  };
  try {
    await src.sendMigration!(hosts.source, vm.id, uri, onProgress);
  } catch (e) {
    await dst.finishMigration!(hosts.target, vm.id, false)
      .catch((err: Error) => svc.log.warn(`migration of VM ${vm.name}: aborting the incoming VM failed`, { error: err.message }));
    throw e;
  }
  try {
    await dst.finishMigration!(hosts.target, vm.id, true);
  } catch (e) {
    // The source let the VM go once its state was sent: what counts now is whether the destination runs it.
    const power = await dst.vmPowerStates(hosts.target).then((m) => m.get(vm.id), () => undefined);
    if (power !== 'PowerOn') throw e;
    svc.log.warn(`migration of VM ${vm.name}: the destination runs it, though confirming failed`, { error: (e as Error).message });
  }
}
