// Instance groups and affinity groups (CloudStack's names and parameters): an account's named groups of VMs, and
// the host affinity / host anti-affinity groups the deployment planner honours (README, "Groups and placement").
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ALL_ROLES } from '../roles';

const owner = {
  account: p.string({ description: 'The account (with domainid), for admins acting for it' }),
  domainid: p.uuid({ description: 'The domain of the account' }),
  projectid: p.uuid({ description: 'The project' }),
} as const;

export const groupsCommands = defineCommands({
  createInstanceGroup: {
    description: 'Creates a VM group', async: false, authorized: ALL_ROLES,
    params: { name: p.req.string({ description: 'The name of the instance group' }), ...owner },
    response: { kind: 'object', name: 'instancegroup' },
  },
  listInstanceGroups: {
    description: 'Lists VM groups', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'List instance groups by ID' }),
      name: p.string({ description: 'List instance groups by name' }),
    },
    response: { kind: 'list', item: 'instancegroup' },
  },
  updateInstanceGroup: {
    description: 'Updates a VM group (its VMs show the new name)', async: false, authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'Instance group ID' }), name: p.string({ description: 'New instance group name' }) },
    response: { kind: 'object', name: 'instancegroup' },
  },
  deleteInstanceGroup: {
    description: 'Deletes a VM group (its VMs leave it)', async: false, authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'The ID of the instance group' }) },
    response: { kind: 'success' },
  },
  listAffinityGroupTypes: {
    description: 'Lists affinity group types available', async: false, authorized: ALL_ROLES,
    params: { ...pagingParams },
    response: { kind: 'list', item: 'affinityGroupType' },
  },
  createAffinityGroup: {
    description: 'Creates an affinity/anti-affinity group', async: true, creates: true, authorized: ALL_ROLES,
    instanceType: 'AffinityGroup',
    params: {
      name: p.req.string({ description: 'Name of the affinity group' }),
      type: p.string({ description: 'Type of the affinity group: host affinity or host anti-affinity' }),
      description: p.string({ description: 'Optional description of the affinity group', length: 4096 }),
      ...owner,
    },
    response: { kind: 'object', name: 'affinitygroup' },
  },
  listAffinityGroups: {
    description: 'Lists affinity groups', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'List the affinity group by the ID provided' }),
      name: p.string({ description: 'Lists affinity groups by name' }),
      type: p.string({ description: 'Lists affinity groups by type' }),
      virtualmachineid: p.uuid({ description: 'Lists affinity groups by virtual machine ID' }),
    },
    response: { kind: 'list', item: 'affinitygroup' },
  },
  updateVMAffinityGroup: {
    description: 'Updates the affinity/anti-affinity group associations of a VM (the VM must be stopped)',
    async: true, authorized: ALL_ROLES, instanceType: 'VirtualMachine', responseName: 'updatevirtualmachineresponse',
    params: {
      id: p.req.uuid({ description: 'The ID of the virtual machine' }),
      affinitygroupids: p.uuids({ description: 'Comma separated list of affinity groups ids; an empty list removes them all' }),
      affinitygroupnames: p.list({ description: 'Comma separated list of affinity groups names' }),
    },
    response: { kind: 'object', name: 'virtualmachine' },
  },
  deleteAffinityGroup: {
    description: 'Deletes an affinity group (its VMs leave it)', async: true, authorized: ALL_ROLES, instanceType: 'AffinityGroup',
    params: {
      id: p.uuid({ description: 'The ID of the affinity group. Mutually exclusive with name parameter' }),
      name: p.string({ description: 'The name of the affinity group. Mutually exclusive with ID parameter' }),
      ...owner,
    },
    response: { kind: 'success' },
  },
});
