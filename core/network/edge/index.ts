// The virtual router as the tenant's edge (issue 18): public addresses, static NAT, port forwarding, firewall and
// load balancing. Rules are rows; the router gets the network's whole set through router-datapath's applyRouter.
import { implement } from '../../kernel/handler';
import { networkEdgeCommands } from '../../contract/commands/network-edge';
import { publicIpHandlers } from './public-ips';
import { firewallHandlers } from './firewall-rules';
import { loadBalancerHandlers } from './load-balancers';
import { lbPolicyHandlers } from './lb-policies';

export const networkEdgeModule = implement(networkEdgeCommands, {
  ...publicIpHandlers, ...firewallHandlers, ...loadBalancerHandlers, ...lbPolicyHandlers,
});
