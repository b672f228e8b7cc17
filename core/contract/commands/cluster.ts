// Management servers sharing one database (several `strata serve` processes behind a load balancer).
import { defineCommands } from '../command';
import { p, pagingParams } from '../params';
import { ADMIN_ONLY } from '../roles';

export const clusterCommands = defineCommands({
  listManagementServers: {
    description: 'Lists the management servers sharing this database, Up or Down by their heartbeat', async: false,
    authorized: ADMIN_ONLY,
    params: {
      ...pagingParams,
      id: p.uuid({ description: 'The ID of the management server' }),
      name: p.string({ description: 'The name of the management server' }),
      version: p.string({ description: 'Only servers of this version' }),
      peers: p.boolean({ description: 'Include the peers of each server (accepted; every server is every other one\'s peer)' }),
    },
    response: { kind: 'list', item: 'managementserver' },
  },
});
