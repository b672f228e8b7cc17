// Settings (CloudStack's ConfigurationService): the declared settings (core/kernel/settings.ts) listed, changed and
// reset globally or for one zone, cluster, storage pool, account or domain where the setting has that scope.
import { defineCommands } from '../command';
import { p, pagingParams } from '../params';
import { ADMIN_ONLY } from '../roles';

/** The scope a call names: at most one of these (CloudStack refuses several). */
const scopeIds = {
  zoneid: p.uuid({ description: 'The zone whose value is meant' }),
  clusterid: p.uuid({ description: 'The cluster whose value is meant' }),
  storageid: p.uuid({ description: 'The primary storage pool whose value is meant' }),
  accountid: p.uuid({ description: 'The account whose value is meant' }),
  domainid: p.uuid({ description: 'The domain whose value is meant' }),
} as const;

export const settingsCommands = defineCommands({
  listConfigurations: {
    description: 'Lists settings with their values (for one scope: the settings of that scope, with that scope\'s values)',
    async: false, authorized: ADMIN_ONLY,
    params: {
      ...pagingParams,
      ...scopeIds,
      name: p.string({ description: 'Settings whose name contains this' }),
      category: p.string({ description: 'Settings of this category' }),
    },
    response: { kind: 'list', item: 'configuration' },
  },
  updateConfiguration: {
    description: 'Changes a setting globally or for one scope; the value "null" resets it',
    async: false, authorized: ADMIN_ONLY,
    params: {
      name: p.req.string({ description: 'The setting' }),
      value: p.string({ description: 'The new value (without it the setting is only shown)', length: 4096 }),
      ...scopeIds,
    },
    response: { kind: 'object', name: 'configuration' },
  },
  resetConfiguration: {
    description: 'Puts a setting back to its default globally, or removes one scope\'s own value',
    async: false, authorized: ADMIN_ONLY,
    params: { name: p.req.string({ description: 'The setting' }), ...scopeIds },
    response: { kind: 'object', name: 'configuration' },
  },
});
