// Ingress firewall rules (what may reach a public address), egress firewall rules (what guests may send out) and
// port forwarding rules. A rule is written in state Add by the request, goes Active once the router holds the new
// set, and Revoke while its delete is applied; a set the router refuses takes the new rule back and fails the job.
import type { Insertable } from 'kysely';
import type { CallContext, HandlersFor } from '../../kernel/handler';
import type { networkEdgeCommands } from '../../contract/commands/network-edge';
import type { EdgeRuleTable } from '../../db/schema';
import type { FirewallRule, PortForwardingRule } from '../../contract/responses';
import type { Services } from '../../kernel/services';
import { invalidParam, notFound } from '../../kernel/errors';
import { compact } from '../../kernel/format';
import { countOf, paged } from '../../infrastructure/util';
import { checkManage, networkById } from '../access';
import { activate, applyEdge, cidrList, deleteRules, edgeLock, ipById, requirePort, requireRange, revoke, ruleById,
  scoped, vmInNetwork, type IpRow, type Purpose, type RuleRow } from './edge-common';
import { edgeNetwork } from './public-ips';
import { claimedProtocols, claimPorts, insertFirewallRules } from './rule-conflicts';

type H = HandlersFor<typeof networkEdgeCommands>;
const csv = (xs: string[]) => (xs.length ? xs.join(',') : null);

async function ipTexts(svc: Services, rows: RuleRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.ip_id).filter((v): v is string => !!v))];
  const ips = ids.length ? await svc.db.selectFrom('public_ips').select(['id', 'ip_address']).where('id', 'in', ids).execute() : [];
  return new Map(ips.map((i) => [i.id, i.ip_address]));
}

export async function formatFirewall(svc: Services, rows: RuleRow[]): Promise<FirewallRule[]> {
  const ips = await ipTexts(svc, rows);
  return rows.map((r) => compact<FirewallRule>({
    id: r.id, protocol: r.protocol, startport: r.start_port, endport: r.end_port, ipaddressid: r.ip_id, ipaddress: r.ip_id ? ips.get(r.ip_id) : undefined,
    networkid: r.network_id, state: r.state, cidrlist: r.cidr_list ?? (r.traffic_type === 'Ingress' ? '0.0.0.0/0' : ''), destcidrlist: r.dest_cidr_list,
    icmptype: r.icmp_type, icmpcode: r.icmp_code, traffictype: r.traffic_type, fordisplay: true, tags: [],
  }));
}

async function formatForwards(svc: Services, rows: RuleRow[]): Promise<PortForwardingRule[]> {
  const ips = await ipTexts(svc, rows);
  const vmIds = [...new Set(rows.map((r) => r.vm_id!))];
  const vms = vmIds.length ? await svc.db.selectFrom('vms').select(['id', 'name', 'display_name']).where('id', 'in', vmIds).execute() : [];
  const vm = new Map(vms.map((v) => [v.id, v]));
  return rows.map((r) => compact<PortForwardingRule>({
    id: r.id, protocol: r.protocol, publicport: String(r.start_port), publicendport: String(r.end_port), privateport: String(r.private_port),
    privateendport: String(r.private_end_port), ipaddressid: r.ip_id!, ipaddress: ips.get(r.ip_id!), networkid: r.network_id, state: r.state,
    virtualmachineid: r.vm_id!, virtualmachinename: vm.get(r.vm_id!)?.name, virtualmachinedisplayname: vm.get(r.vm_id!)?.display_name ?? vm.get(r.vm_id!)?.name,
    vmguestip: r.vm_ip, cidrlist: r.cidr_list ?? '', fordisplay: true, tags: [],
  }));
}

type FirewallArgs = { protocol: string; startport?: number; endport?: number; icmptype?: number; icmpcode?: number };

/** Validates a firewall match; the columns it writes. */
function firewallMatch(a: FirewallArgs): Pick<EdgeRuleTable, 'protocol' | 'start_port' | 'end_port' | 'icmp_type' | 'icmp_code'> {
  const protocol = a.protocol.toLowerCase();
  if (protocol === 'icmp') {
    if (a.startport !== undefined || a.endport !== undefined) throw invalidParam('Can\'t specify start/end port when protocol is ICMP');
    return { protocol, start_port: null, end_port: null, icmp_type: a.icmptype ?? -1, icmp_code: a.icmpcode ?? -1 };
  }
  if (a.icmptype !== undefined || a.icmpcode !== undefined) throw invalidParam('Can specify icmpCode and icmpType for ICMP protocol only');
  if (protocol === 'all') {
    if (a.startport !== undefined) throw invalidParam('Can\'t specify start/end port when protocol is ALL');
    return { protocol, start_port: null, end_port: null, icmp_type: null, icmp_code: null };
  }
  if (a.startport === undefined && a.endport !== undefined) throw invalidParam('startport is required with endport');
  if (a.startport !== undefined) requireRange('startport', a.startport, 'endport', a.endport ?? a.startport);
  return { protocol, start_port: a.startport ?? null, end_port: a.startport === undefined ? null : a.endport ?? a.startport, icmp_type: null, icmp_code: null };
}

export function ruleRow(ctx: CallContext, ip: Pick<IpRow, 'account_id' | 'domain_id'>, networkId: string, purpose: Purpose, cols: Partial<Insertable<EdgeRuleTable>>): Insertable<EdgeRuleTable> {
  return { id: ctx.svc.newId(), purpose, traffic_type: 'Ingress', network_id: networkId, state: 'Add', account_id: ip.account_id, domain_id: ip.domain_id!,
    created: ctx.svc.clock.now(), protocol: 'tcp', ...cols };
}

/** A created rule's job: the router takes the set (then Add -> Active) or refuses (then the rule is gone). */
export async function applyNew(ctx: CallContext, networkId: string, ruleId: string): Promise<RuleRow> {
  await applyEdge(ctx.svc, networkId, () => deleteRules(ctx.svc, [ruleId]));
  await activate(ctx.svc, [ruleId]);
  const r = await ctx.svc.db.selectFrom('edge_rules').selectAll().where('id', '=', ruleId).executeTakeFirst();
  if (!r) throw notFound(ctx.command, 'id', ruleId);
  return r;
}

/** A delete's two halves: Revoke at once (the rule leaves lists' Active set), then the router's new set, then the rows. */
export function deleteRule(purpose: Purpose, traffic = 'Ingress') {
  return {
    async prepare(ctx: CallContext, a: { id: string }) {
      const r = await ruleById(ctx, a.id, purpose, traffic);
      if (r.related_id) throw invalidParam(`Rule ${r.id} was opened by another rule: delete that rule instead`);
      await revoke(ctx.svc, [r.id]);
      return { instanceType: 'FirewallRule', instanceId: r.id, locks: [edgeLock(r.network_id)], payload: {} };
    },
    async execute(ctx: CallContext, a: { id: string }): Promise<void> {
      const r = await ctx.svc.db.selectFrom('edge_rules').select(['network_id']).where('id', '=', a.id).executeTakeFirst();
      if (!r) return;
      await applyEdge(ctx.svc, r.network_id);
      await deleteRules(ctx.svc, [a.id]);
    },
  };
}

/** Firewall rules opened by port forwarding and load balancer rules (openfirewall, default true). */
async function openFirewall(ctx: CallContext, ip: IpRow, parent: Insertable<EdgeRuleTable>, cidrs: string[]): Promise<void> {
  await insertFirewallRules(ctx.svc, [ruleRow(ctx, ip, parent.network_id, 'Firewall', {
    ip_id: ip.id, protocol: parent.protocol === 'tcp-proxy' ? 'tcp' : parent.protocol, start_port: parent.start_port, end_port: parent.end_port,
    cidr_list: csv(cidrs), related_id: parent.id, created: parent.created,
  })]);
}

/**
 * Writes a port forwarding or load balancer rule: its public ports claimed first (CloudStack's conflict check, as a
 * database key), then the rule, then the firewall rule it opens; a conflict on the way leaves nothing behind.
 */
export async function insertForwardingRule(ctx: CallContext, ip: IpRow, row: Insertable<EdgeRuleTable>, open: boolean, cidrs: string[]): Promise<void> {
  await claimPorts(ctx.svc, ip.id, claimedProtocols(row.purpose, row.protocol), row.start_port!, row.end_port!, row.id);
  try {
    await ctx.svc.db.insertInto('edge_rules').values(row).execute();
    if (open) await openFirewall(ctx, ip, row, cidrs);
  } catch (e) {
    await deleteRules(ctx.svc, [row.id]);
    throw e;
  }
}

async function listRules(ctx: CallContext, a: { id?: string; ipaddressid?: string; networkid?: string; page?: number; pagesize?: number; keyword?: string } &
  Parameters<Services['identity']['listScope']>[1], purpose: Purpose, traffic: string) {
  const scope = await ctx.svc.identity.listScope(ctx.caller, a);
  let q = scoped(ctx.svc.db.selectFrom('edge_rules'), scope, 'account_id', 'domain_id').where('purpose', '=', purpose).where('traffic_type', '=', traffic);
  if (a.id) q = q.where('id', '=', a.id);
  if (a.ipaddressid) q = q.where('ip_id', '=', a.ipaddressid);
  if (a.networkid) q = q.where('network_id', '=', a.networkid);
  const count = await countOf(q.select((e) => e.fn.countAll().as('n')));
  const rows = await paged(q.selectAll().orderBy('created').orderBy('id'), a, ctx.svc.config.maxPageSize).execute();
  return { count, rows };
}

export const firewallHandlers: Pick<H, 'createFirewallRule' | 'listFirewallRules' | 'deleteFirewallRule' | 'createEgressFirewallRule' |
  'listEgressFirewallRules' | 'deleteEgressFirewallRule' | 'createPortForwardingRule' | 'listPortForwardingRules' | 'deletePortForwardingRule'> = {
  createFirewallRule: {
    async prepare(ctx, a) {
      const ip = await ipById(ctx, a.ipaddressid);
      if (!ip.network_id) throw invalidParam(`IP address ${ip.ip_address} is not associated with a network`);
      const row = ruleRow(ctx, ip, ip.network_id, 'Firewall', { ip_id: ip.id, ...firewallMatch(a), cidr_list: csv(cidrList('cidrlist', a.cidrlist)) });
      await insertFirewallRules(ctx.svc, [row]);
      return { instanceType: 'FirewallRule', instanceId: row.id, createdId: row.id, locks: [edgeLock(ip.network_id)], payload: { networkId: ip.network_id, id: row.id } };
    },
    async execute(ctx, _a, p: { networkId: string; id: string }) {
      return (await formatFirewall(ctx.svc, [await applyNew(ctx, p.networkId, p.id)]))[0];
    },
  },
  async listFirewallRules(ctx, a) {
    const { count, rows } = await listRules(ctx, a, 'Firewall', 'Ingress');
    return { count, items: await formatFirewall(ctx.svc, rows) };
  },
  deleteFirewallRule: deleteRule('Firewall'),

  createEgressFirewallRule: {
    async prepare(ctx, a) {
      const n = await networkById(ctx, a.networkid, 'networkid');
      await checkManage(ctx, n);
      if (n.guest_type !== 'Isolated') throw invalidParam(`Egress firewall rules are for isolated networks; ${n.name} is ${n.guest_type}`);
      const row = ruleRow(ctx, n, n.id, 'Firewall', { traffic_type: 'Egress', ...firewallMatch(a),
        cidr_list: csv(cidrList('cidrlist', a.cidrlist)) ?? n.cidr, dest_cidr_list: csv(cidrList('destcidrlist', a.destcidrlist)) });
      await insertFirewallRules(ctx.svc, [row]);
      return { instanceType: 'FirewallRule', instanceId: row.id, createdId: row.id, locks: [edgeLock(n.id)], payload: { networkId: n.id, id: row.id } };
    },
    async execute(ctx, _a, p: { networkId: string; id: string }) {
      return (await formatFirewall(ctx.svc, [await applyNew(ctx, p.networkId, p.id)]))[0];
    },
  },
  async listEgressFirewallRules(ctx, a) {
    const { count, rows } = await listRules(ctx, a, 'Firewall', 'Egress');
    return { count, items: await formatFirewall(ctx.svc, rows) };
  },
  deleteEgressFirewallRule: deleteRule('Firewall', 'Egress'),

  createPortForwardingRule: {
    async prepare(ctx, a) {
      const ip = await ipById(ctx, a.ipaddressid);
      if (!ip.network_id) throw invalidParam(`IP address ${ip.ip_address} is not associated with a network`);
      await edgeNetwork(ctx, ip.network_id);
      if (a.networkid && a.networkid !== ip.network_id) throw invalidParam(`IP address ${ip.ip_address} belongs to another network than ${a.networkid}`);
      if (ip.vm_id) throw invalidParam(`Can't create a port forwarding rule on IP address ${ip.ip_address}: it has static NAT enabled`);
      const pubEnd = a.publicendport ?? a.publicport;
      const privEnd = a.privateendport ?? a.privateport;
      requireRange('publicport', a.publicport, 'publicendport', pubEnd);
      requireRange('privateport', a.privateport, 'privateendport', privEnd);
      requirePort('privateport', a.privateport);
      if (pubEnd - a.publicport !== privEnd - a.privateport) throw invalidParam('Private port range and public port range must be of the same size');
      const vm = await vmInNetwork(ctx, a.virtualmachineid, ip.network_id, ip.account_id, 'virtualmachineid', a.vmguestip);
      const cidrs = cidrList('cidrlist', a.cidrlist);
      const protocol = a.protocol.toLowerCase();
      const row = ruleRow(ctx, ip, ip.network_id, 'PortForwarding', { ip_id: ip.id, protocol, start_port: a.publicport, end_port: pubEnd,
        private_port: a.privateport, private_end_port: privEnd, vm_id: vm.id, vm_ip: vm.ip, cidr_list: csv(cidrs) });
      await insertForwardingRule(ctx, ip, row, a.openfirewall !== false, cidrs);
      return { instanceType: 'FirewallRule', instanceId: row.id, createdId: row.id, locks: [edgeLock(ip.network_id)], payload: { networkId: ip.network_id, id: row.id } };
    },
    async execute(ctx, _a, p: { networkId: string; id: string }) {
      return (await formatForwards(ctx.svc, [await applyNew(ctx, p.networkId, p.id)]))[0];
    },
  },
  async listPortForwardingRules(ctx, a) {
    const { count, rows } = await listRules(ctx, a, 'PortForwarding', 'Ingress');
    return { count, items: await formatForwards(ctx.svc, rows) };
  },
  deletePortForwardingRule: deleteRule('PortForwarding'),
};
