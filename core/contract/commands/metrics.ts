// CloudStack's metrics plugin: the list*Metrics variants take their base list's parameters and answer its items
// with usage figures added; the *UsageHistory commands answer each object with `stats[]`, a time series over
// startdate..enddate. listHostsUsageHistory is our extension in the same style (README, "API extensions").
import { defineCommands } from '../command';
import { p, pagingParams, sortParams } from '../params';
import { INFRA_ADMINS } from '../roles';
import { computeCommands } from './compute';
import { infraCommands } from './infra';
import { storageCommands } from './storage';

const range = {
  startdate: p.date({ description: 'Start of the period (yyyy-MM-dd or yyyy-MM-dd HH:mm:ss, UTC); default one hour before enddate' }),
  enddate: p.date({ description: 'End of the period (same forms, UTC); default now' }),
} as const;
const history = (what: string) => ({
  id: p.uuid({ description: `The ID of the ${what}` }),
  ids: p.uuids({ description: `The IDs of the ${what}s` }),
  name: p.string({ description: `Name of the ${what}` }),
  ...pagingParams,
  ...range,
});

/** A base list's declaration without its name (the metrics variant keeps params, roles and item key). */
function variant<D extends { name: string }>(d: D): Omit<D, 'name'> {
  const { name: _name, ...rest } = d;
  return rest;
}

export const metricsCommands = defineCommands({
  // sortby=cpuused|memoryused|diskrate|networkrate: the whole filtered list by current use, not one page
  // (metrics/usage-sort.ts).
  listVirtualMachinesMetrics: {
    ...variant(computeCommands.listVirtualMachines), description: 'Lists VMs with their current usage metrics', since: '4.9.3',
    params: { ...computeCommands.listVirtualMachines.params, ...sortParams(['created', 'name', 'cpuused', 'memoryused', 'diskrate', 'networkrate'] as const) },
    response: { kind: 'list', item: 'virtualmachine' },
  },
  listHostsMetrics: {
    ...variant(infraCommands.listHosts), description: 'Lists hosts with their usage metrics', since: '4.9.3',
    params: { ...infraCommands.listHosts.params, ...sortParams(['cpuused', 'memoryused', 'diskrate', 'networkrate'] as const) },
    response: { kind: 'list', item: 'host' },
  },
  listClustersMetrics: {
    ...variant(infraCommands.listClusters), description: 'Lists clusters with their usage metrics', since: '4.9.3',
    response: { kind: 'list', item: 'cluster' },
  },
  listZonesMetrics: {
    ...variant(infraCommands.listZones), description: 'Lists zones with their usage metrics', since: '4.9.3',
    response: { kind: 'list', item: 'zone' },
  },
  listStoragePoolsMetrics: {
    ...variant(infraCommands.listStoragePools), description: 'Lists primary storage pools with their usage metrics', since: '4.9.3',
    response: { kind: 'list', item: 'storagepool' },
  },
  listVolumesMetrics: {
    ...variant(storageCommands.listVolumes), description: 'Lists volumes with their usage metrics', since: '4.9.3',
    response: { kind: 'list', item: 'volume' },
  },
  listVirtualMachinesUsageHistory: {
    description: 'Lists VMs with their usage over a period (stats[], at most about 1,000 points each)', since: '4.17.0',
    async: false, authorized: computeCommands.listVirtualMachines.authorized,
    params: history('virtual machine'),
    response: { kind: 'list', item: 'virtualmachine' },
  },
  listVolumesUsageHistory: {
    description: 'Lists volumes with their I/O over a period (stats[], at most about 1,000 points each)', since: '4.18.0',
    async: false, authorized: storageCommands.listVolumes.authorized,
    params: history('volume'),
    response: { kind: 'list', item: 'volume' },
  },
  listZonesUsageHistory: {
    description: 'Strata extension: lists zones with their hosts\' CPU and memory use and their pools\' storage use over a period (stats[], at most about 1,000 points each)',
    async: false, authorized: INFRA_ADMINS,
    params: history('zone'),
    response: { kind: 'list', item: 'zone' },
  },
  listHostsUsageHistory: {
    description: 'Strata extension: lists hosts with their usage over a period (stats[], at most about 1,000 points each)',
    async: false, authorized: INFRA_ADMINS,
    params: history('host'),
    response: { kind: 'list', item: 'host' },
  },
});
