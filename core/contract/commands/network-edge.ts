// The virtual router as the tenant's edge (reference section 5.6, issue 18): public IP addresses, static NAT, port
// forwarding, ingress and egress firewall rules, and the load balancer with its stickiness and health-check policies.
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ALL_ROLES } from '../roles';

const id = (what: string) => p.req.uuid({ description: `The ID of the ${what}` });
const SUCCESS = { kind: 'success' } as const;
const FW = { kind: 'object', name: 'firewallrule' } as const;
const LB = { kind: 'object', name: 'loadbalancer' } as const;
export const LB_ALGORITHMS = ['roundrobin', 'leastconn', 'source'] as const;
export const STICKINESS_METHODS = ['LbCookie', 'AppCookie', 'SourceBased'] as const;

const ruleList = {
  ...pagingParams, ...scopeParams,
  id: p.uuid({ description: 'The ID of the rule' }),
  ipaddressid: p.uuid({ description: 'Rules of this public IP address' }),
  networkid: p.uuid({ description: 'Rules of this network' }),
  fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
  tags: p.map({ description: 'Resource tags (accepted and ignored)' }),
} as const;

const firewallParams = {
  protocol: p.req.string({ description: 'tcp, udp, icmp or all', oneOf: ['tcp', 'udp', 'icmp', 'all', 'TCP', 'UDP', 'ICMP', 'ALL'] }),
  startport: p.integer({ description: 'First port of the rule (tcp, udp)' }),
  endport: p.integer({ description: 'Last port of the rule (default: startport)' }),
  cidrlist: p.list({ description: 'Source CIDRs the rule applies to (default 0.0.0.0/0)' }),
  icmptype: p.integer({ description: 'ICMP type (-1: all)' }),
  icmpcode: p.integer({ description: 'ICMP code (-1: all)' }),
  type: p.string({ description: 'user (default) or system' }),
  fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
} as const;

const lbMembers = {
  id: id('load balancer rule'),
  virtualmachineids: p.uuids({ description: 'The virtual machines' }),
  vmidipmap: p.map({ description: 'VM and guest IP pairs: vmidipmap[0].vmid=..&vmidipmap[0].vmip=..' }),
} as const;

const policyList = {
  ...pagingParams,
  id: p.uuid({ description: 'The ID of the policy' }),
  lbruleid: p.uuid({ description: 'The load balancer rule' }),
  fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
} as const;

export const networkEdgeCommands = defineCommands({
  associateIpAddress: {
    description: 'Acquires a public IP address of the zone for a network', async: true, creates: true, instanceType: 'IpAddress', authorized: ALL_ROLES,
    params: {
      networkid: p.uuid({ description: 'The isolated network the address is for' }),
      zoneid: p.uuid({ description: 'The zone (with networkid; an address without a network is not supported)' }),
      ipaddress: p.string({ description: 'The address to acquire (default: the lowest free one)' }),
      vpcid: p.uuid({ description: 'VPC (not supported)' }),
      isportable: p.boolean({ description: 'Portable address (not supported)' }),
      regionid: p.integer({ description: 'Region of a portable address (not supported)' }),
      account: p.string({ description: 'Owner account (with domainid)' }),
      domainid: p.uuid({ description: 'Owner domain' }),
      projectid: p.uuid({ description: 'Owner project (not supported)' }),
      fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
    },
    response: { kind: 'object', name: 'ipaddress' },
  },
  disassociateIpAddress: {
    description: 'Releases a public IP address and removes its rules', async: true, instanceType: 'IpAddress', authorized: ALL_ROLES,
    params: { id: id('public IP address'), ipaddress: p.string({ description: 'The address (accepted)' }) }, response: SUCCESS,
  },
  listPublicIpAddresses: {
    description: 'Lists public IP addresses (allocated ones; allocatedonly=false adds the free addresses of the public ranges, state Free)',
    async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'The ID of the address' }),
      ipaddress: p.string({ description: 'The address' }),
      associatednetworkid: p.uuid({ description: 'Addresses of this network' }),
      networkid: p.uuid({ description: 'Addresses of this network' }),
      zoneid: p.uuid({ description: 'Addresses of this zone' }),
      vlanid: p.uuid({ description: 'Addresses of this public IP range' }),
      physicalnetworkid: p.uuid({ description: 'Addresses of this physical network' }),
      issourcenat: p.boolean({ description: 'Only source NAT addresses' }),
      isstaticnat: p.boolean({ description: 'Only static NAT addresses' }),
      allocatedonly: p.boolean({ description: 'Only allocated addresses (default true); false: the free addresses of the ranges too' }),
      forvirtualnetwork: p.boolean({ description: 'Public addresses (true)' }),
      forloadbalancing: p.boolean({ description: 'Addresses usable for load balancing' }),
      state: p.string({ description: 'Addresses in this state' }),
      vpcid: p.uuid({ description: 'VPC (none)' }),
      forprovider: p.boolean({ description: 'Provider addresses (accepted)' }),
      forsystemvms: p.boolean({ description: 'System VM addresses (accepted)' }),
      fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
      retrieveonlyresourcecount: p.boolean({ description: 'Only the count (accepted)' }),
      tags: p.map({ description: 'Resource tags (accepted and ignored)' }),
    },
    response: { kind: 'list', item: 'publicipaddress' },
  },

  enableStaticNat: {
    description: 'Maps a public IP address one-to-one to a virtual machine', async: false, authorized: ALL_ROLES,
    params: {
      ipaddressid: p.req.uuid({ description: 'The public IP address' }),
      virtualmachineid: p.req.uuid({ description: 'The virtual machine' }),
      networkid: p.uuid({ description: 'The network of the VM\'s NIC (default: the address\'s network)' }),
      vmguestip: p.string({ description: 'The VM\'s address in the network (default: its NIC\'s)' }),
    },
    response: SUCCESS,
  },
  disableStaticNat: {
    description: 'Removes the static NAT of a public IP address', async: true, instanceType: 'IpAddress', authorized: ALL_ROLES,
    params: { ipaddressid: p.req.uuid({ description: 'The public IP address' }) }, response: SUCCESS,
  },

  createPortForwardingRule: {
    description: 'Forwards a public port range of an address to a VM', async: true, creates: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: {
      ipaddressid: p.req.uuid({ description: 'The public IP address' }),
      protocol: p.req.string({ description: 'tcp or udp', oneOf: ['tcp', 'udp', 'TCP', 'UDP'] }),
      publicport: p.req.integer({ description: 'First public port' }),
      privateport: p.req.integer({ description: 'First port on the VM' }),
      virtualmachineid: p.req.uuid({ description: 'The virtual machine' }),
      publicendport: p.integer({ description: 'Last public port (a range as long as the private one)' }),
      privateendport: p.integer({ description: 'Last port on the VM' }),
      cidrlist: p.list({ description: 'Source CIDRs allowed (the firewall rule opened with it)' }),
      openfirewall: p.boolean({ description: 'Also open the public ports with a firewall rule (default true)' }),
      vmguestip: p.string({ description: 'The VM\'s address in the network (default: its NIC\'s)' }),
      networkid: p.uuid({ description: 'The network of the VM\'s NIC' }),
      fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
    },
    response: { kind: 'object', name: 'portforwardingrule' },
  },
  listPortForwardingRules: {
    description: 'Lists port forwarding rules', async: false, authorized: ALL_ROLES,
    params: ruleList, response: { kind: 'list', item: 'portforwardingrule' },
  },
  deletePortForwardingRule: {
    description: 'Deletes a port forwarding rule', async: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: { id: id('port forwarding rule') }, response: SUCCESS,
  },

  createFirewallRule: {
    description: 'Opens public ports of an address to source CIDRs (ingress)', async: true, creates: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: { ipaddressid: p.req.uuid({ description: 'The public IP address' }), ...firewallParams },
    response: FW,
  },
  listFirewallRules: {
    description: 'Lists ingress firewall rules', async: false, authorized: ALL_ROLES,
    params: ruleList, response: { kind: 'list', item: 'firewallrule' },
  },
  deleteFirewallRule: {
    description: 'Deletes an ingress firewall rule', async: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: { id: id('firewall rule') }, response: SUCCESS,
  },
  createEgressFirewallRule: {
    description: 'Adds an egress rule to a network (it blocks when the offering allows egress by default, else it allows)',
    async: true, creates: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: {
      networkid: p.req.uuid({ description: 'The network' }), ...firewallParams,
      destcidrlist: p.list({ description: 'Destination CIDRs (default 0.0.0.0/0)' }),
    },
    response: FW,
  },
  listEgressFirewallRules: {
    description: 'Lists egress firewall rules', async: false, authorized: ALL_ROLES,
    params: ruleList, response: { kind: 'list', item: 'firewallrule' },
  },
  deleteEgressFirewallRule: {
    description: 'Deletes an egress firewall rule', async: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: { id: id('egress firewall rule') }, response: SUCCESS,
  },

  createLoadBalancerRule: {
    description: 'Creates a load balancer rule on a public IP address (haproxy on the virtual router)',
    async: true, creates: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: {
      name: p.req.string({ description: 'Name of the rule' }),
      algorithm: p.req.string({ description: 'roundrobin, leastconn or source', oneOf: LB_ALGORITHMS }),
      publicport: p.req.integer({ description: 'Public port' }),
      privateport: p.req.integer({ description: 'Port on the VMs' }),
      publicipid: p.uuid({ description: 'The public IP address (default: a new address of networkid)' }),
      networkid: p.uuid({ description: 'The network (with publicipid: must be its network)' }),
      zoneid: p.uuid({ description: 'The zone (accepted)' }),
      protocol: p.string({ description: 'tcp (default), udp or tcp-proxy', oneOf: ['tcp', 'udp', 'tcp-proxy', 'TCP', 'UDP'] }),
      cidrlist: p.list({ description: 'Source CIDRs allowed (the firewall rule opened with it)' }),
      openfirewall: p.boolean({ description: 'Also open the public port with a firewall rule (default true)' }),
      description: p.string({ description: 'Description of the rule', length: 4096 }),
      account: p.string({ description: 'Owner account (accepted; the address\'s owner owns the rule)' }),
      domainid: p.uuid({ description: 'Owner domain (accepted)' }),
      fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
    },
    response: LB,
  },
  listLoadBalancerRules: {
    description: 'Lists load balancer rules', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'The ID of the rule' }),
      name: p.string({ description: 'Name of the rule' }),
      publicipid: p.uuid({ description: 'Rules of this public IP address' }),
      networkid: p.uuid({ description: 'Rules of this network' }),
      virtualmachineid: p.uuid({ description: 'Rules this VM is assigned to' }),
      zoneid: p.uuid({ description: 'Rules of this zone' }),
      fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
      tags: p.map({ description: 'Resource tags (accepted and ignored)' }),
    },
    response: { kind: 'list', item: 'loadbalancerrule' },
  },
  updateLoadBalancerRule: {
    description: 'Updates a load balancer rule (name, description, algorithm, source CIDRs)', async: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: {
      id: id('load balancer rule'),
      name: p.string({ description: 'New name' }),
      description: p.string({ description: 'New description', length: 4096 }),
      algorithm: p.string({ description: 'roundrobin, leastconn or source', oneOf: LB_ALGORITHMS }),
      protocol: p.string({ description: 'Protocol (accepted when unchanged)' }),
      cidrlist: p.list({ description: 'Source CIDRs allowed (the firewall rule the rule opened follows)' }),
      customid: p.string({ description: 'Custom id (accepted)' }),
      fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
    },
    response: LB,
  },
  deleteLoadBalancerRule: {
    description: 'Deletes a load balancer rule', async: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: { id: id('load balancer rule') }, response: SUCCESS,
  },
  assignToLoadBalancerRule: {
    description: 'Puts VMs of the rule\'s network behind a load balancer rule', async: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: lbMembers, response: SUCCESS,
  },
  removeFromLoadBalancerRule: {
    description: 'Takes VMs out of a load balancer rule', async: true, instanceType: 'FirewallRule', authorized: ALL_ROLES,
    params: lbMembers, response: SUCCESS,
  },
  listLoadBalancerRuleInstances: {
    description: 'Lists the VMs of a load balancer rule with their health as the router\'s haproxy sees it (servicestate UP or DOWN; applied=false: the network\'s VMs that may still be assigned)',
    async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      id: id('load balancer rule'),
      applied: p.boolean({ description: 'true (default): assigned VMs; false: VMs that can be assigned' }),
      lbvmips: p.boolean({ description: 'Answer lbrulevmidip objects: the VM (loadbalancerruleinstance) and its addresses in the rule (lbvmipaddresses)' }),
    },
    response: { kind: 'list', item: 'loadbalancerruleinstance' },
  },

  createLBStickinessPolicy: {
    description: 'Sets the stickiness of a load balancer rule (SourceBased, LbCookie, AppCookie)',
    async: true, creates: true, instanceType: 'LoadBalancer', authorized: ALL_ROLES,
    params: {
      lbruleid: p.req.uuid({ description: 'The load balancer rule' }),
      name: p.req.string({ description: 'Name of the policy' }),
      methodname: p.req.string({ description: 'SourceBased, LbCookie or AppCookie', oneOf: STICKINESS_METHODS }),
      description: p.string({ description: 'Description of the policy' }),
      param: p.map({ description: 'Method parameters: param[0].name=expire&param[0].value=30m' }),
      fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
    },
    response: { kind: 'object', name: 'stickinesspolicies' },
  },
  listLBStickinessPolicies: {
    description: 'Lists the stickiness policies of a load balancer rule', async: false, authorized: ALL_ROLES,
    params: policyList, response: { kind: 'list', item: 'stickinesspolicies' },
  },
  deleteLBStickinessPolicy: {
    description: 'Deletes a stickiness policy', async: true, instanceType: 'LoadBalancer', authorized: ALL_ROLES,
    params: { id: id('stickiness policy') }, response: SUCCESS,
  },
  createLBHealthCheckPolicy: {
    description: 'Sets the health check of a load balancer rule\'s VMs (a VM failing it leaves the rotation)',
    async: true, creates: true, instanceType: 'LoadBalancer', authorized: ALL_ROLES,
    params: {
      lbruleid: p.req.uuid({ description: 'The load balancer rule' }),
      pingpath: p.string({ description: 'HTTP path to check (default: a TCP connect)' }),
      intervaltime: p.integer({ description: 'Seconds between checks (default 5)' }),
      responsetimeout: p.integer({ description: 'Seconds a check may take (default 2)' }),
      healthythreshold: p.integer({ description: 'Checks passed to count as healthy (default 2)' }),
      unhealthythreshold: p.integer({ description: 'Checks failed to count as unhealthy (default 2)' }),
      description: p.string({ description: 'Description of the policy' }),
      fordisplay: p.boolean({ description: 'Shown to end users (accepted)' }),
    },
    response: { kind: 'object', name: 'healthcheckpolicies' },
  },
  listLBHealthCheckPolicies: {
    description: 'Lists the health check policies of a load balancer rule', async: false, authorized: ALL_ROLES,
    params: policyList, response: { kind: 'list', item: 'healthcheckpolicies' },
  },
  deleteLBHealthCheckPolicy: {
    description: 'Deletes a health check policy', async: true, instanceType: 'LoadBalancer', authorized: ALL_ROLES,
    params: { id: id('health check policy') }, response: SUCCESS,
  },
});
