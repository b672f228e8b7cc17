// CloudStack's network, NIC, router and IP range objects, as the contract types them.
import type { Network, NetworkOffering, Nic, Router, VirtualMachine, VlanIpRange, Zone } from '../../../../core/contract/responses';

export type { Network, NetworkOffering, Nic, Router, VlanIpRange, Zone };
export type Vm = VirtualMachine;
export type { PublicIpAddress as PublicIp, FirewallRule, PortForwardingRule, LoadBalancerRule } from '../../../../core/contract/responses';
