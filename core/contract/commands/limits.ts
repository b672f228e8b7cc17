// Resource limits and counts of accounts and domains (CloudStack's resource types 0..11; README, "Limits").
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ADMINS, ALL_ROLES } from '../roles';

export const limitsCommands = defineCommands({
  listResourceLimits: {
    description: 'Lists resource limits', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      id: p.long({ description: 'Lists resource limits by ID (not kept: accepted and ignored)' }),
      resourcetype: p.integer({ description: 'Type of resource: 0 Instance, 1 IP, 2 Volume, 3 Snapshot, 4 Template, 5 Project, ' +
        '6 Network, 7 VPC, 8 CPU, 9 Memory, 10 PrimaryStorage, 11 SecondaryStorage' }),
      resourcetypename: p.string({ description: 'Type of resource by name: user_vm, public_ip, volume, snapshot, template, project, ' +
        'network, vpc, cpu, memory, primary_storage, secondary_storage' }),
      tag: p.string({ description: 'Tag for the resource type (not supported)' }),
    },
    response: { kind: 'list', item: 'resourcelimit' },
  },
  updateResourceLimit: {
    description: 'Updates resource limits for an account or domain', async: false, authorized: ADMINS,
    params: {
      resourcetype: p.req.integer({ description: 'Type of resource to update (0..11, see listResourceLimits)' }),
      max: p.long({ description: 'Maximum resource limit; -1 for unlimited' }),
      account: p.string({ description: 'Update the limit of this account (with domainid)' }),
      domainid: p.uuid({ description: 'Update the limit of this domain, or of the account in it' }),
      projectid: p.uuid({ description: 'Update the limit of this project' }),
      tag: p.string({ description: 'Tag for the resource type (not supported)' }),
    },
    response: { kind: 'object', name: 'resourcelimit' },
  },
  updateResourceCount: {
    description: 'Recalculates the resource counts of an account or domain from its resources', async: false, authorized: ADMINS,
    params: {
      domainid: p.req.uuid({ description: 'The domain whose counts (or whose account\'s, with account) are recalculated' }),
      account: p.string({ description: 'The account in the domain' }),
      projectid: p.uuid({ description: 'The project' }),
      resourcetype: p.integer({ description: 'Only this type (0..11); all when absent' }),
      tag: p.string({ description: 'Tag for the resource type (not supported)' }),
    },
    response: { kind: 'list', item: 'resourcecount' },
  },
});
