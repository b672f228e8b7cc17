// Which response object each command answers, typed once for the core's formatters, the dispatcher and the
// renderer. The objects come from CloudStack's response types (response-types.ts, generated); the few that file
// does not list are declared here by hand, from CloudStack's API reference.
import type * as R from './response-types';
import type { CommandDecl } from './command';
import type { ConsoleEndpointResponse } from './commands/console';

/** listCapabilities' `capability` object (CloudStack's CapabilitiesResponse). */
export interface Capability {
  cloudstackversion?: string;
  securitygroupsenabled?: boolean;
  userpublictemplateenabled?: boolean;
  allowusercreateprojects?: boolean;
  customdiskofferingmaxsize?: number;
  customdiskofferingminsize?: number;
  kvmsnapshotenabled?: boolean;
  supportELB?: string;
  projectinviterequired?: boolean;
  allowuserviewdestroyedvm?: boolean;
  allowuserexpungerecovervm?: boolean;
  allowuserviewalldomainaccounts?: boolean;
  apilimitinterval?: number;
  apilimitmax?: number;
  dynamicrolesenabled?: boolean;
  regionsecondaryenabled?: boolean;
  defaultuipagesize?: number;
  instancesstatsretentiontime?: number;
  instancesstatsuseronly?: boolean;
  instancesdisksstatsretentionenabled?: boolean;
  instancesdisksstatsretentiontime?: number;
  /** Strata extension: `bridge` when KVM VMs on this server's machine get real guest networks, else why not. */
  kvmguestnetworking?: string;
}

/** registerUserKeys' and getUserKeys' `userkeys` object. */
export interface UserKeys {
  apikey?: string;
  secretkey?: string;
  apikeyaccess?: string;
}

/** Response objects by the name a declaration gives them (`response.item` of lists, `response.name` of objects). */
export interface ResponseObjects {
  account: R.Account;
  alert: R.Alert;
  api: R.Api;
  asyncjobs: R.AsyncJob;
  capability: Capability;
  capacity: R.Capacity;
  cluster: R.Cluster;
  /** CreateConsoleEndpointResponse, with its `websocket` map typed. */
  consoleendpoint: ConsoleEndpointResponse;
  diskoffering: R.DiskOffering;
  domain: R.Domain;
  event: R.Event;
  eventtype: R.EventType;
  host: R.Host;
  hostha: R.HAForHostResponse;
  /** Strata's extension (README, "Host maintenance and high availability"). */
  maintenanceplan: R.HostMaintenancePlan;
  haprovider: R.HAForHostResponse;
  hypervisor: R.Hypervisor;
  imagestore: R.ImageStore;
  iso: R.Iso;
  oscategory: R.OsCategory;
  ostype: R.OsType;
  pod: R.Pod;
  configuration: R.Configuration;
  keypair: R.SSHKeyPair;
  sshkeypair: R.SSHKeyPair;
  userdata: R.UserData;
  instancegroup: R.InstanceGroup;
  affinitygroup: R.AffinityGroup;
  affinityGroupType: R.AffinityGroupType;
  resourcelimit: R.ResourceLimit;
  resourcecount: R.ResourceCount;
  role: R.Role;
  scheduledtask: R.ScheduledTask;
  scheduledrun: R.ScheduledRun;
  snapshotpolicy: R.SnapshotPolicy;
  vmschedule: R.VMSchedule;
  rolepermission: R.RolePermission;
  serviceoffering: R.ServiceOffering;
  snapshot: R.Snapshot;
  storagepool: R.StoragePool;
  tag: R.Tags;
  project: R.Project;
  projectaccount: R.ProjectAccount;
  projectinvitation: R.ProjectInvitation;
  template: R.Template;
  user: R.User;
  userkeys: UserKeys;
  virtualmachine: R.VirtualMachine;
  managementserver: R.ManagementServer;
  network: R.Network;
  networkoffering: R.NetworkOffering;
  nic: R.Nic;
  physicalnetwork: R.PhysicalNetwork;
  router: R.Router;
  ipaddress: R.PublicIpAddress;
  publicipaddress: R.PublicIpAddress;
  firewallrule: R.FirewallRule;
  portforwardingrule: R.PortForwardingRule;
  loadbalancer: R.LoadBalancerRule;
  loadbalancerrule: R.LoadBalancerRule;
  /** listLoadBalancerRuleInstances: the VMs of a rule, as listVirtualMachines shows them. */
  loadbalancerruleinstance: R.VirtualMachine;
  stickinesspolicies: R.LBStickinessPolicy;
  healthcheckpolicies: R.LBHealthCheckPolicy;
  traffictype: R.TrafficType;
  vlaniprange: R.VlanIpRange;
  volume: R.Volume;
  zone: R.Zone;
  /** createVMSnapshot answers `vmsnapshot`; listVMSnapshot's items are keyed `vmSnapshot` (CloudStack's camelCase). */
  vmsnapshot: R.VMSnapshot;
  vmSnapshot: R.VMSnapshot;
  templatepermission: R.TemplatePermission;
}

/** List commands whose items differ from the usual object of their item name. */
export interface ListItemOverrides {
  findHostsForMigration: R.HostForMigration;
  // The metrics plugin: the base object with usage figures, or identity and a time series (stats[]).
  listVirtualMachinesMetrics: R.VirtualMachinesMetric;
  listHostsMetrics: R.HostsMetric;
  listClustersMetrics: R.ClustersMetric;
  listZonesMetrics: R.ZonesMetric;
  listStoragePoolsMetrics: R.StoragePoolsMetric;
  listVolumesMetrics: R.VolumesMetric;
  listVirtualMachinesUsageHistory: R.VirtualMachinesUsageHistory;
  listVolumesUsageHistory: R.VolumesUsageHistory;
  /** Strata's extension (README, "API extensions"); declared beside the reference's objects by the generator. */
  listHostsUsageHistory: R.HostsUsageHistory;
  listZonesUsageHistory: R.ZonesUsageHistory;
}

/** Bodies of the `raw` commands, whose handler answers the whole inner response. */
export interface RawResponses {
  login: R.LoginResponse;
  logout: { description?: string };
  queryAsyncJobResult: R.QueryAsyncJobResultResponse;
}

export type ResponseObjectName = keyof ResponseObjects;

/** The item type of a list command (`listVirtualMachines` -> VirtualMachine). */
export type ItemOf<D> = D extends { name: keyof ListItemOverrides } ? ListItemOverrides[D['name']]
  : D extends { response: { kind: 'list'; item: infer I } }
  ? I extends ResponseObjectName ? ResponseObjects[I] : string extends I ? object : never
  : never;

/**
 * The object a command answers (one object, or the body of a raw command). A declared name missing from the maps
 * above gives never, so its handler fails to compile until the object is typed; an undeclared (generic) command
 * gives object.
 */
export type ObjectOf<D> = D extends { response: { kind: 'object'; name: infer N } }
  ? N extends ResponseObjectName ? ResponseObjects[N] : string extends N ? object : never
  : D extends { response: { kind: 'raw' }; name: infer C } ? C extends keyof RawResponses ? RawResponses[C] : string extends C ? object : never
  : object;

/** The inner response (the value under `<command>response`) a client receives; async commands answer a job id. */
export type ResponseOf<D extends CommandDecl> = D extends { async: true } ? { jobid: string; id?: string }
  : D extends { response: { kind: 'list'; item: infer I } } ? { count?: number } & { [K in I & string]?: ItemOf<D>[] }
  : D extends { response: { kind: 'success' } } ? { success?: boolean; displaytext?: string }
  : [ObjectOf<D>] extends [never] ? never
  : D extends { response: { kind: 'object'; name: infer N } } ? { [K in N & string]: ObjectOf<D> }
  : ObjectOf<D>;

export type * from './response-types';
