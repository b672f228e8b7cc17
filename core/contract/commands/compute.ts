// Virtual machine commands (reference section 5.4): deploy, lifecycle, resize, migration and listing.
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams, sortParams } from '../params';
import { ALL_ROLES, ADMIN_ONLY } from '../roles';
import { tagFilterParam } from './tags';

const VM = { kind: 'object', name: 'virtualmachine' } as const;
const vmId = { id: p.req.uuid({ description: 'The ID of the virtual machine' }) } as const;

/** Placement narrowing an admin may give to deploy/start (ignored for others, as in CloudStack). */
const placement = {
  hostid: p.uuid({ description: 'Destination host (root admin only)' }),
  clusterid: p.uuid({ description: 'Destination cluster (root admin only)' }),
  podid: p.uuid({ description: 'Destination pod (root admin only)' }),
  deploymentplanner: p.string({ description: 'Deployment planner to use (root admin only; accepted, the default planner runs)' }),
} as const;

/** Service-offering change params shared by scaleVirtualMachine and changeServiceForVirtualMachine. */
const offeringChange = {
  ...vmId,
  serviceofferingid: p.req.uuid({ description: 'The new service offering' }),
  details: p.map({ description: 'cpuNumber, cpuSpeed and memory for a customized offering, e.g. details[0].cpuNumber=2' }),
  automigrate: p.boolean({ description: 'Migrate volumes when the new offering needs other storage (accepted, not needed)' }),
  miniops: p.long({ description: 'Minimum IOPS (accepted, not used)' }),
  maxiops: p.long({ description: 'Maximum IOPS (accepted, not used)' }),
  shrinkok: p.boolean({ description: 'Allow shrinking the root disk (accepted, not used)' }),
} as const;

export const computeCommands = defineCommands({
  deployVirtualMachine: {
    description: 'Creates and automatically starts a virtual machine based on a service offering, disk offering, and template',
    async: true, creates: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: {
      zoneid: p.req.uuid({ description: 'Availability zone for the virtual machine' }),
      serviceofferingid: p.req.uuid({ description: 'The service offering (CPU, memory) of the virtual machine' }),
      templateid: p.req.uuid({ description: 'The template (or ISO, with hypervisor and diskofferingid) to deploy from' }),
      name: p.string({ description: 'Host name of the virtual machine; unique per account. Default VM-<uuid>', length: 63 }),
      displayname: p.string({ description: 'Optional display name; defaults to the name' }),
      diskofferingid: p.uuid({ description: 'Disk offering of an extra data disk (or of the root disk for an ISO)' }),
      size: p.long({ description: 'Data disk size in GB for a customized disk offering' }),
      rootdisksize: p.long({ description: 'Root disk size in GB; at least the template size' }),
      hypervisor: p.string({ description: 'Hypervisor to deploy on (required for ISO deployments)' }),
      startvm: p.boolean({ description: 'Start the VM once created (default true)' }),
      group: p.string({ description: 'Optional group name for the VM (the account\'s instance group, made when new)' }),
      userdata: p.string({ description: 'Base64-encoded user data (at most 32 KB; POST for more than 2 KB)', length: 1048576 }),
      details: p.map({ description: 'Extra details, e.g. details[0].cpuNumber=2&details[0].memory=1024 for custom offerings' }),
      displayvm: p.boolean({ description: 'Whether the VM is shown to the end user (default true)' }),
      dynamicscalingenabled: p.boolean({ description: 'Allow live scaling when the template and offering allow it (default true)' }),
      haenable: p.boolean({ description: 'Ignored: HA follows the service offering' }),
      ...placement,
      account: p.string({ description: 'Owner account (with domainid); admins only' }),
      domainid: p.uuid({ description: 'Domain of the owner account' }),
      projectid: p.uuid({ description: 'Owner project: the VM belongs to the project' }),
      networkids: p.uuids({ description: 'Networks to connect, the first one the default (default: the account\'s network in the zone)' }),
      ipaddress: p.string({ description: 'IPv4 address on the default network' }),
      iptonetworklist: p.map({ description: 'NICs with addresses: iptonetworklist[0].networkid=N&iptonetworklist[0].ip=10.1.1.5 (instead of networkids)' }),
      macaddress: p.string({ description: 'MAC address of the default NIC' }),
      keypair: p.string({ description: 'SSH key pair name: its public key reaches the guest on the config drive' }),
      keypairs: p.list({ description: 'SSH key pair names: their public keys reach the guest on the config drive' }),
      userdataid: p.uuid({ description: 'Registered user data (registerUserData) the guest gets on the config drive' }),
      securitygroupids: p.uuids({ description: 'Security groups (accepted, not used)' }),
      affinitygroupids: p.uuids({ description: 'Affinity groups the VM joins; the planner honours them (mutually exclusive with affinitygroupnames)' }),
      affinitygroupnames: p.list({ description: 'Affinity groups the VM joins, by name (mutually exclusive with affinitygroupids)' }),
      bootmode: p.string({ description: 'Boot mode for UEFI boot type: Legacy or Secure' }),
      boottype: p.string({ description: 'Boot type: BIOS or UEFI' }),
    },
    response: VM,
  },
  startVirtualMachine: {
    description: 'Starts a virtual machine', async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: {
      ...vmId, ...placement,
      considerlasthost: p.boolean({ description: 'Try the last host first (default true)' }),
      bootintosetup: p.boolean({ description: 'Boot into the hardware setup (accepted, not used)' }),
    },
    response: VM,
  },
  resetSSHKeyForVirtualMachine: {
    description: 'Gives a stopped VM other SSH key pairs; its config drive has them at the next start',
    async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The virtual machine' }),
      keypair: p.string({ description: 'Name of the key pair' }),
      keypairs: p.list({ description: 'Names of the key pairs' }),
      account: p.string({ description: 'The account (with domainid), for admins acting for it' }),
      domainid: p.uuid({ description: 'The domain of the account' }),
      projectid: p.uuid({ description: 'The project (not supported)' }),
    },
    response: VM,
  },
  stopVirtualMachine: {
    description: 'Stops a virtual machine', async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: { ...vmId, forced: p.boolean({ description: 'Force stop (power off) the VM' }) },
    response: VM,
  },
  rebootVirtualMachine: {
    description: 'Reboots a virtual machine', async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: {
      ...vmId,
      forced: p.boolean({ description: 'Force reboot (power cycle) the VM' }),
      bootintosetup: p.boolean({ description: 'Boot into the hardware setup (accepted, not used)' }),
    },
    response: VM,
  },
  destroyVirtualMachine: {
    description: 'Destroys a virtual machine; it stays recoverable until expunged',
    async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: {
      ...vmId,
      expunge: p.boolean({ description: 'Expunge the VM at once (admins only)' }),
      volumeids: p.uuids({ description: 'Data volumes of the VM to delete with it' }),
    },
    response: VM,
  },
  recoverVirtualMachine: {
    description: 'Recovers a destroyed virtual machine (it becomes Stopped)', async: false, authorized: ALL_ROLES,
    params: vmId, response: VM,
  },
  expungeVirtualMachine: {
    description: 'Expunges a destroyed virtual machine and deletes its root disk',
    async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: vmId, response: { kind: 'success' },
  },
  scaleVirtualMachine: {
    description: 'Scales the virtual machine to a new service offering (live when dynamic scaling is enabled)',
    async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: offeringChange, response: { kind: 'success' },
  },
  changeServiceForVirtualMachine: {
    description: 'Changes the service offering of a stopped virtual machine', async: false, authorized: ALL_ROLES,
    params: offeringChange, response: VM,
  },
  updateVirtualMachine: {
    description: 'Updates properties of a virtual machine', async: false, authorized: ALL_ROLES,
    params: {
      ...vmId,
      displayname: p.string({ description: 'New display name' }),
      name: p.string({ description: 'New host name; unique per account', length: 63 }),
      group: p.string({ description: 'Group of the VM' }),
      haenable: p.boolean({ description: 'Enable HA for the VM' }),
      userdata: p.string({ description: 'Base64-encoded user data', length: 1048576 }),
      details: p.map({ description: 'Details to set (replace the existing ones), e.g. details[0].key=value' }),
      cleanupdetails: p.boolean({ description: 'Remove all details of the VM' }),
      displayvm: p.boolean({ description: 'Whether the VM is shown to the end user' }),
      isdynamicallyscalable: p.boolean({ description: 'Whether the VM may be scaled live' }),
      ostypeid: p.uuid({ description: 'OS type (accepted, follows the template)' }),
      deleteprotection: p.boolean({ description: 'Delete protection (accepted, not enforced)' }),
    },
    response: VM,
  },
  listVirtualMachines: {
    description: 'Lists virtual machines', async: false, authorized: ALL_ROLES,
    params: {
      ...tagFilterParam,
      ...pagingParams, ...scopeParams, ...sortParams(['created', 'name'] as const),
      id: p.uuid({ description: 'The ID of the virtual machine' }),
      ids: p.uuids({ description: 'The IDs of the virtual machines' }),
      name: p.string({ description: 'Name of the virtual machine (substring match)' }),
      state: p.string({ description: 'State of the virtual machine (Running, Stopped, Present, Destroyed, ...)' }),
      zoneid: p.uuid({ description: 'Zone' }),
      podid: p.uuid({ description: 'Pod (admins)' }),
      clusterid: p.uuid({ description: 'Cluster (admins)' }),
      hostid: p.uuid({ description: 'Host (admins)' }),
      storageid: p.uuid({ description: 'Storage pool holding one of its volumes (admins)' }),
      templateid: p.uuid({ description: 'Template' }),
      isoid: p.uuid({ description: 'Attached ISO' }),
      serviceofferingid: p.uuid({ description: 'Service offering' }),
      haenable: p.boolean({ description: 'HA enabled or not' }),
      hypervisor: p.string({ description: 'Hypervisor' }),
      groupid: p.uuid({ description: 'List VMs of this instance group' }),
      affinitygroupid: p.uuid({ description: 'List VMs of this affinity group' }),
      displayvm: p.boolean({ description: 'Displayed to the end user or not' }),
      details: p.list({ description: 'Detail groups: all, group, nics, stats, secgrp, tmpl, servoff, diskoff, iso, volume, min, affgrp' }),
      networkid: p.uuid({ description: 'VMs with a NIC on this network' }),
      vpcid: p.uuid({ description: 'VPC (accepted, not used)' }),
      tags: p.map({ description: 'Resource tags (accepted, not used)' }),
      showicon: p.boolean({ description: 'Show icons (accepted, no icons here)' }),
      userid: p.uuid({ description: 'User who created the VM' }),
    },
    response: { kind: 'list', item: 'virtualmachine' },
  },
  migrateVirtualMachine: {
    description: 'Live-migrates a running virtual machine to another host of its cluster',
    async: true, instanceType: 'VirtualMachine', authorized: ADMIN_ONLY,
    params: {
      virtualmachineid: p.req.uuid({ description: 'The virtual machine to migrate' }),
      hostid: p.uuid({ description: 'Destination host' }),
      autoselect: p.boolean({ description: 'Let the planner choose the destination when hostid is absent (default true)' }),
      storageid: p.uuid({ description: 'Destination storage pool of a stopped VM (storage migration is not supported yet)' }),
    },
    response: VM,
  },
  attachIso: {
    description: 'Attaches an ISO to a virtual machine as CD-ROM media (inserted at once when the VM runs)',
    async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The ID of the ISO file' }),
      virtualmachineid: p.req.uuid({ description: 'The ID of the virtual machine' }),
      forced: p.boolean({ description: 'Force the attach (accepted; only VMware hosts need it)' }),
    },
    response: VM,
  },
  detachIso: {
    description: 'Detaches any ISO file currently attached to a virtual machine',
    async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: {
      virtualmachineid: p.req.uuid({ description: 'The ID of the virtual machine' }),
      forced: p.boolean({ description: 'Force the eject even if the guest locked the drive (accepted; the eject is always forced)' }),
    },
    response: VM,
  },
  findHostsForMigration: {
    description: 'Finds hosts suitable for migrating a virtual machine', async: false, authorized: ADMIN_ONLY,
    params: { ...pagingParams, virtualmachineid: p.req.uuid({ description: 'The virtual machine to migrate' }) },
    response: { kind: 'list', item: 'host' },
  },
});
