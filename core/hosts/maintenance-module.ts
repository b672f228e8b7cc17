// The command module of host and storage maintenance and HA (issue 16); createCore registers it.
import { implement } from '../kernel/handler';
import { maintenanceCommands } from '../contract/commands/maintenance';
import { prepareMaintenanceHandler, cancelMaintenanceHandler } from './maintenance';
import { enableStorageMaintenanceHandler, cancelStorageMaintenanceHandler } from './storage-maintenance';
import { haHandlers } from './host-ha';
import { listHostMaintenancePlanHandler } from './maintenance-plan';

export const maintenanceModule = implement(maintenanceCommands, {
  prepareHostForMaintenance: prepareMaintenanceHandler,
  listHostMaintenancePlan: listHostMaintenancePlanHandler,
  cancelHostMaintenance: cancelMaintenanceHandler,
  enableStorageMaintenance: enableStorageMaintenanceHandler,
  cancelStorageMaintenance: cancelStorageMaintenanceHandler,
  ...haHandlers,
});
