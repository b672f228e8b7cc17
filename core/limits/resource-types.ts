// CloudStack's resource types as its API numbers and names them (Resource.ResourceType), with the settings that
// give an account's or a domain's limit when none was set, and the unit the API's limits are in.

export const RESOURCE_TYPES = [
  { type: 0, name: 'user_vm', setting: 'user.vms' },
  { type: 1, name: 'public_ip', setting: 'public.ips' },
  { type: 2, name: 'volume', setting: 'volumes' },
  { type: 3, name: 'snapshot', setting: 'snapshots' },
  { type: 4, name: 'template', setting: 'templates' },
  { type: 5, name: 'project', setting: 'projects' },
  { type: 6, name: 'network', setting: 'networks' },
  { type: 7, name: 'vpc', setting: 'vpcs' },
  { type: 8, name: 'cpu', setting: 'cpus' },
  /** MB. */
  { type: 9, name: 'memory', setting: 'memory' },
  /** Limits in GiB, counts in bytes (as CloudStack). */
  { type: 10, name: 'primary_storage', setting: 'primary.storage' },
  { type: 11, name: 'secondary_storage', setting: 'secondary.storage' },
] as const;

export type ResourceTypeNumber = (typeof RESOURCE_TYPES)[number]['type'];
export type ResourceTypeName = (typeof RESOURCE_TYPES)[number]['name'];

export const RT = {
  user_vm: 0, public_ip: 1, volume: 2, snapshot: 3, template: 4, project: 5, network: 6, vpc: 7, cpu: 8, memory: 9,
  primary_storage: 10, secondary_storage: 11,
} as const satisfies Record<ResourceTypeName, ResourceTypeNumber>;

export const GiB = 1024 * 1024 * 1024;

/** Storage limits are set in GiB and counted in bytes. */
export const isStorage = (t: number) => t === RT.primary_storage || t === RT.secondary_storage;

export function typeInfo(t: number) {
  return RESOURCE_TYPES.find((r) => r.type === t);
}
