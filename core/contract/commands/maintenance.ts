// Host and primary storage maintenance, and high availability (issue 16; reference §6.3, §6.4, §7.1, §7.2).
// Names, params and answers as CloudStack has them: the maintenance commands answer the host or pool, the HA
// commands of a host answer its `hostha` object, the cluster and zone variants answer success.
import { defineCommands } from '../command';
import { p } from '../params';
import { ADMIN_ONLY, INFRA_ADMINS } from '../roles';

const hostId = p.req.uuid({ description: 'The ID of the host' });

export const maintenanceCommands = defineCommands({
  prepareHostForMaintenance: {
    description: 'Prepares a host for maintenance: its running VMs are live-migrated to other hosts of its cluster',
    async: true, authorized: ADMIN_ONLY, instanceType: 'Host',
    params: { id: hostId }, response: { kind: 'object', name: 'host' },
  },
  listHostMaintenancePlan: {
    description: 'Strata extension: what prepareHostForMaintenance would do now with each VM of the host (a dry run of the ' +
      'same planner, nothing reserved): the host each running VM would be live-migrated to, or that it would be stopped ' +
      'or would block the maintenance, and why. Refused with the same errors as prepareHostForMaintenance',
    async: false, authorized: ADMIN_ONLY, params: { id: hostId }, response: { kind: 'list', item: 'maintenanceplan' },
  },
  cancelHostMaintenance: {
    description: 'Cancels maintenance of a host (its VMs are not moved back)', async: true, authorized: ADMIN_ONLY, instanceType: 'Host',
    params: { id: hostId }, response: { kind: 'object', name: 'host' },
  },
  enableStorageMaintenance: {
    description: 'Puts a primary storage pool into maintenance: the VMs using it are stopped', async: true,
    authorized: ADMIN_ONLY, instanceType: 'StoragePool',
    params: { id: p.req.uuid({ description: 'The ID of the primary storage pool' }) }, response: { kind: 'object', name: 'storagepool' },
  },
  cancelStorageMaintenance: {
    description: 'Cancels maintenance of a primary storage pool: the VMs its maintenance stopped are started again', async: true,
    authorized: ADMIN_ONLY, instanceType: 'StoragePool',
    params: { id: p.req.uuid({ description: 'The ID of the primary storage pool' }) }, response: { kind: 'object', name: 'storagepool' },
  },
  configureHAForHost: {
    description: 'Configures the HA provider of a host', since: '4.11', async: true, authorized: ADMIN_ONLY, instanceType: 'Host',
    params: { hostid: hostId, provider: p.req.string({ description: 'HA provider (listHostHAProviders): kvmhaprovider, simulatorhaprovider' }) },
    response: { kind: 'object', name: 'hostha' },
  },
  enableHAForHost: {
    description: 'Enables HA for a host', since: '4.11', async: true, authorized: ADMIN_ONLY, instanceType: 'Host',
    params: { hostid: hostId }, response: { kind: 'object', name: 'hostha' },
  },
  disableHAForHost: {
    description: 'Disables HA for a host', since: '4.11', async: true, authorized: ADMIN_ONLY, instanceType: 'Host',
    params: { hostid: hostId }, response: { kind: 'object', name: 'hostha' },
  },
  enableHAForCluster: {
    description: 'Enables HA for the hosts of a cluster', since: '4.11', async: true, authorized: ADMIN_ONLY, instanceType: 'Cluster',
    params: { clusterid: p.req.uuid({ description: 'The ID of the cluster' }) }, response: { kind: 'success' },
  },
  disableHAForCluster: {
    description: 'Disables HA for the hosts of a cluster', since: '4.11', async: true, authorized: ADMIN_ONLY, instanceType: 'Cluster',
    params: { clusterid: p.req.uuid({ description: 'The ID of the cluster' }) }, response: { kind: 'success' },
  },
  enableHAForZone: {
    description: 'Enables HA for the hosts of a zone', since: '4.11', async: true, authorized: ADMIN_ONLY, instanceType: 'Zone',
    params: { zoneid: p.req.uuid({ description: 'The ID of the zone' }) }, response: { kind: 'success' },
  },
  disableHAForZone: {
    description: 'Disables HA for the hosts of a zone', since: '4.11', async: true, authorized: ADMIN_ONLY, instanceType: 'Zone',
    params: { zoneid: p.req.uuid({ description: 'The ID of the zone' }) }, response: { kind: 'success' },
  },
  listHostHAResources: {
    description: 'Lists the HA configuration of hosts', since: '4.11', async: false, authorized: INFRA_ADMINS,
    params: { hostid: p.uuid({ description: 'The ID of the host' }) }, response: { kind: 'list', item: 'hostha' },
  },
  listHostHAProviders: {
    description: 'Lists the HA providers of a hypervisor', since: '4.11', async: false, authorized: INFRA_ADMINS,
    params: { hypervisor: p.req.string({ description: 'Hypervisor: KVM or Simulator' }) }, response: { kind: 'list', item: 'haprovider' },
  },
});
