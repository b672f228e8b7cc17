// Guest networking: physical networks, network offerings, guest networks, IP ranges, NICs and virtual routers.
import { implement } from '../kernel/handler';
import { networkCommands } from '../contract/commands/network';
import { physicalNetworkHandlers } from './physical-networks';
import { offeringHandlers } from './offerings';
import { networkHandlers } from './networks';
import { ipRangeHandlers } from './ip-ranges';
import { nicHandlers } from './nic-commands';
import { routerHandlers } from './routers';

export const networkModule = implement(networkCommands, {
  ...physicalNetworkHandlers, ...offeringHandlers, ...networkHandlers, ...ipRangeHandlers, ...nicHandlers, ...routerHandlers,
});

export { seedNetworkOfferings } from './offerings';
export { networkEdgeModule } from './edge/index';
export { planDeployNics, type NicRequest } from './vm-nics';
export { writeNic, deleteNicsOf, nicsOfVms, nicSpecsOf, type NicPlan } from './nics';
