// The virtual router as the tenant's edge (issue 18): public addresses, static NAT, port forwarding, firewall and
// load balancing. Rules are rows; the router gets the network's whole set through router-datapath's applyRouter.
import { implement, type AsyncHandler } from '../../kernel/handler';
import type { CommandDecl } from '../../contract/command';
import { networkEdgeCommands } from '../../contract/commands/network-edge';
import { publicIpHandlers } from './public-ips';
import { firewallHandlers } from './firewall-rules';
import { loadBalancerHandlers } from './load-balancers';
import { lbPolicyHandlers } from './lb-policies';

const handlers = { ...publicIpHandlers, ...firewallHandlers, ...loadBalancerHandlers, ...lbPolicyHandlers };

// Every edge job applies the network's whole set from the database and then settles its own rows, so a job that a
// management server crash interrupted is finished by running it again (a rule is not left in Add for good).
for (const h of Object.values(handlers) as unknown[]) {
  const job = h as Partial<AsyncHandler<CommandDecl>>;
  if (typeof job === 'object' && job.execute && !job.recover) job.recover = job.execute;
}

export const networkEdgeModule = implement(networkEdgeCommands, handlers);
