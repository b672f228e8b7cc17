// The infrastructure module: zones, pods, clusters, hosts, primary and secondary storage, capacity and alerts,
// plus the host monitor. createCore registers `infrastructureModule` and starts `createHostMonitor`.
import { implement } from '../kernel/handler';
import { infraCommands } from '../contract/commands/infra';
import { zoneHandlers } from './zones';
import { podHandlers } from './pods';
import { clusterHandlers } from './clusters';
import { hostHandlers } from '../hosts/hosts';
import { storagePoolHandlers } from './storage-pools';
import { imageStoreHandlers } from './image-stores';
import { monitoringHandlers } from './monitoring';

export const infrastructureModule = implement(infraCommands, {
  ...zoneHandlers, ...podHandlers, ...clusterHandlers, ...hostHandlers, ...storagePoolHandlers,
  ...imageStoreHandlers, ...monitoringHandlers,
});

export { createHostMonitor, type HostMonitor, type HostMonitorOptions } from '../hosts/host-monitor';
export { computeCapacities, CapacityType, type Capacity } from './capacity';
