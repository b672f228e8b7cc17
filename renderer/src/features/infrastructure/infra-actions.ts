// What can be done to each kind of infrastructure object. Each action names its API command, so ActionBar shows
// it only when the role's listApis allows it, and `when` hides what does not apply to the selected rows' state.
import { createElement } from 'react';
import type { Action } from '../../components/actions';
import { MaintenancePreview } from './MaintenancePreview';
import { HostEvacuation } from './HostEvacuation';
import { fmt } from '../../i18n/messages';
import type { InfraMessages } from './messages';
import type { Host, StoragePool } from '../../../../core/contract/responses';

interface Named { id: string; name: string }
interface Allocatable extends Named { allocationstate?: string }

/** Enable / Disable / Delete for zones, pods and clusters (same shape, different commands). */
export function allocationActions<T extends Allocatable>(m: InfraMessages, kind: 'Zone' | 'Pod' | 'Cluster'): Action<T>[] {
  const update = `update${kind}`;
  return [
    { id: 'enable', command: update, label: m.enable, bulk: true, when: (r) => r.allocationstate === 'Disabled',
      params: (r) => ({ id: r.id, allocationstate: 'Enabled' }), describe: (r) => fmt(m.enableJob, { name: r.name }) },
    { id: 'disable', command: update, label: m.disable, bulk: true, when: (r) => r.allocationstate === 'Enabled',
      params: (r) => ({ id: r.id, allocationstate: 'Disabled' }), describe: (r) => fmt(m.disableJob, { name: r.name }) },
    { id: 'delete', command: `delete${kind}`, label: m.delete, bulk: true, danger: true,
      params: (r) => ({ id: r.id }), describe: (r) => fmt(m.deleteJob, { name: r.name }) },
  ];
}

export type HostRow = Host;
const IN_MAINTENANCE = new Set(['PrepareForMaintenance', 'ErrorInPrepareForMaintenance', 'Maintenance', 'ErrorInMaintenance']);

/** `follow`: after "Enter maintenance" is confirmed, show the evacuation live in a dialog (the hosts list; the host's
 * own page shows it in place). */
export function hostActions(m: InfraMessages, follow = false): Action<HostRow>[] {
  return [
    { id: 'enable', command: 'updateHost', label: m.enable, bulk: true, when: (h) => h.resourcestate === 'Disabled',
      params: (h) => ({ id: h.id, allocationstate: 'Enable' }), describe: (h) => fmt(m.enableJob, { name: h.name }) },
    { id: 'disable', command: 'updateHost', label: m.disable, bulk: true, when: (h) => h.resourcestate === 'Enabled',
      params: (h) => ({ id: h.id, allocationstate: 'Disable' }), describe: (h) => fmt(m.disableJob, { name: h.name }) },
    // Hosts of one cluster enter maintenance one at a time (the server refuses a second): one host per action.
    // The confirmation shows the server's dry run of the evacuation: where each VM would go, or why it cannot.
    { id: 'maintain', command: 'prepareHostForMaintenance', label: m.maintain, when: (h) => h.resourcestate === 'Enabled' || h.resourcestate === 'Disabled',
      preview: (h) => createElement(MaintenancePreview, { hostId: h.id }),
      follow: follow ? (h, startedAt) => createElement(HostEvacuation, { hostId: h.id, startedAt }) : undefined, params: (h) => ({ id: h.id }), describe: (h) => fmt(m.maintainJob, { name: h.name }) },
    { id: 'cancel-maintenance', command: 'cancelHostMaintenance', label: m.cancelMaintenance, bulk: true,
      when: (h) => IN_MAINTENANCE.has(h.resourcestate ?? ''), params: (h) => ({ id: h.id }), describe: (h) => fmt(m.cancelMaintenanceJob, { name: h.name }) },
    { id: 'reconnect', command: 'reconnectHost', label: m.reconnect, bulk: true, when: (h) => h.state !== 'Connecting',
      params: (h) => ({ id: h.id }), describe: (h) => fmt(m.reconnectJob, { name: h.name }) },
    // CloudStack refuses to delete an enabled host without `forced`; offer delete once it is out of service.
    { id: 'delete', command: 'deleteHost', label: m.delete, bulk: true, danger: true, when: (h) => h.resourcestate !== 'Enabled',
      params: (h) => ({ id: h.id }), describe: (h) => fmt(m.deleteJob, { name: h.name }) },
  ];
}

export type PoolRow = StoragePool;

export function poolActions(m: InfraMessages): Action<PoolRow>[] {
  return [
    { id: 'enable', command: 'updateStoragePool', label: m.enable, bulk: true, when: (p) => p.state === 'Disabled',
      params: (p) => ({ id: p.id, enabled: true }), describe: (p) => fmt(m.enableJob, { name: p.name }) },
    { id: 'disable', command: 'updateStoragePool', label: m.disable, bulk: true, when: (p) => p.state === 'Up',
      params: (p) => ({ id: p.id, enabled: false }), describe: (p) => fmt(m.disableJob, { name: p.name }) },
    { id: 'maintain', command: 'enableStorageMaintenance', label: m.maintain, danger: true, when: (p) => p.state === 'Up' || p.state === 'Disabled',
      params: (p) => ({ id: p.id }), describe: (p) => fmt(m.maintainPoolJob, { name: p.name }) },
    { id: 'cancel-maintenance', command: 'cancelStorageMaintenance', label: m.cancelMaintenance,
      when: (p) => IN_MAINTENANCE.has(p.state ?? ''), params: (p) => ({ id: p.id }), describe: (p) => fmt(m.cancelMaintenanceJob, { name: p.name }) },
    { id: 'delete', command: 'deleteStoragePool', label: m.delete, bulk: true, danger: true,
      params: (p) => ({ id: p.id }), describe: (p) => fmt(m.deleteJob, { name: p.name }) },
  ];
}

export function storeActions(m: InfraMessages): Action<Named>[] {
  return [
    { id: 'delete', command: 'deleteImageStore', label: m.delete, bulk: true, danger: true,
      params: (s) => ({ id: s.id }), describe: (s) => fmt(m.deleteJob, { name: s.name }) },
  ];
}
