// Load balancer rules on a public address (haproxy on the router for TCP, the router's nftables for UDP):
// create, list, update, delete, and the VMs behind a rule (assign, remove, list). Members are VMs of the rule's
// network owned by the rule's account; the (rule, VM) key keeps a VM from being assigned twice.
import type { CallContext, HandlersFor } from '../../kernel/handler';
import type { networkEdgeCommands } from '../../contract/commands/network-edge';
import type { LoadBalancerRule } from '../../contract/responses';
import type { Services } from '../../kernel/services';
import type { MapEntries } from '../../contract/params';
import { invalidParam } from '../../kernel/errors';
import { compact } from '../../kernel/format';
import { countOf, paged, pageArray } from '../../infrastructure/util';
import { isUniqueViolation } from '../../db/unique';
import { vmObject } from '../../orchestration/vm/vm-view';
import { applyEdge, cidrList, edgeLock, ipById, requirePort, ruleById, scoped, vmInNetwork, type RuleRow } from './edge-common';
import { applyNew, deleteRule, insertForwardingRule, ruleRow } from './firewall-rules';
import { edgeNetwork, takePublicIp } from './public-ips';
import { memberStates } from './lb-health';

type H = HandlersFor<typeof networkEdgeCommands>;

export async function formatLbs(svc: Services, rows: RuleRow[]): Promise<LoadBalancerRule[]> {
  const ipIds = [...new Set(rows.map((r) => r.ip_id!))];
  const ips = ipIds.length ? await svc.db.selectFrom('public_ips as p').innerJoin('zones as z', 'z.id', 'p.zone_id')
    .select(['p.id', 'p.ip_address', 'p.zone_id', 'z.name as zone_name']).where('p.id', 'in', ipIds).execute() : [];
  const ip = new Map(ips.map((i) => [i.id, i]));
  const accts = new Map(await Promise.all([...new Set(rows.map((r) => r.account_id).filter((v): v is string => !!v))]
    .map(async (id) => [id, await svc.identity.accountInfo(id).catch(() => null)] as const)));
  return rows.map((r) => {
    const i = ip.get(r.ip_id!);
    const acct = r.account_id ? accts.get(r.account_id) : undefined;
    return compact<LoadBalancerRule>({
      id: r.id, name: r.name ?? '', description: r.description, algorithm: r.algorithm ?? 'roundrobin', publicip: i?.ip_address, publicipid: r.ip_id,
      publicport: String(r.start_port), privateport: String(r.private_port), protocol: r.protocol, state: r.state, networkid: r.network_id,
      zoneid: i?.zone_id, zonename: i?.zone_name, cidrlist: r.cidr_list ?? '', account: acct?.name, domainid: r.domain_id, domain: acct?.domainName,
      fordisplay: true, tags: [],
    });
  });
}

/** The VM ids of assign / remove: virtualmachineids, or vmidipmap[i].vmid (with vmip). */
function memberArgs(a: { virtualmachineids?: string[]; vmidipmap?: MapEntries }): { vmId: string; ip?: string }[] {
  const list = [...(a.virtualmachineids ?? []).map((vmId) => ({ vmId })), ...(a.vmidipmap ?? []).map((e) => ({ vmId: e.vmid, ip: e.vmip }))];
  if (list.length === 0 || list.some((m) => !m.vmId)) throw invalidParam('Either virtualmachineids or vmidipmap must be given');
  return list;
}

async function lbPrepare(ctx: CallContext, id: string) {
  const r = await ruleById(ctx, id, 'LoadBalancing');
  if (r.state === 'Revoke') throw invalidParam(`Load balancer rule ${r.name} is being deleted`);
  return r;
}

export const loadBalancerHandlers: Pick<H, 'createLoadBalancerRule' | 'listLoadBalancerRules' | 'updateLoadBalancerRule' | 'deleteLoadBalancerRule' |
  'assignToLoadBalancerRule' | 'removeFromLoadBalancerRule' | 'listLoadBalancerRuleInstances'> = {
  createLoadBalancerRule: {
    async prepare(ctx, a) {
      requirePort('publicport', a.publicport);
      requirePort('privateport', a.privateport);
      let ip;
      if (a.publicipid) {
        ip = await ipById(ctx, a.publicipid, 'publicipid');
        if (!ip.network_id) throw invalidParam(`IP address ${ip.ip_address} is not associated with a network`);
        if (a.networkid && a.networkid !== ip.network_id) throw invalidParam(`IP address ${ip.ip_address} belongs to another network than ${a.networkid}`);
        await edgeNetwork(ctx, ip.network_id);
      } else if (a.networkid) {
        ip = await takePublicIp(ctx.svc, await edgeNetwork(ctx, a.networkid));
      } else throw invalidParam('Either publicipid or networkid must be given');
      if (ip.vm_id) throw invalidParam(`Can't create a load balancer rule on IP address ${ip.ip_address}: it has static NAT enabled`);
      const cidrs = cidrList('cidrlist', a.cidrlist);
      const protocol = (a.protocol ?? 'tcp').toLowerCase();
      const row = ruleRow(ctx, ip, ip.network_id!, 'LoadBalancing', { ip_id: ip.id, protocol, start_port: a.publicport, end_port: a.publicport,
        private_port: a.privateport, private_end_port: a.privateport, name: a.name, description: a.description ?? null, algorithm: a.algorithm.toLowerCase(),
        cidr_list: cidrs.length ? cidrs.join(',') : null });
      await insertForwardingRule(ctx, ip, row, a.openfirewall !== false, cidrs);
      return { instanceType: 'FirewallRule', instanceId: row.id, createdId: row.id, locks: [edgeLock(ip.network_id!)], payload: { networkId: ip.network_id!, id: row.id } };
    },
    async execute(ctx, _a, p: { networkId: string; id: string }) {
      return (await formatLbs(ctx.svc, [await applyNew(ctx, p.networkId, p.id)]))[0];
    },
  },
  async listLoadBalancerRules(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = scoped(ctx.svc.db.selectFrom('edge_rules'), scope, 'account_id', 'domain_id').where('purpose', '=', 'LoadBalancing');
    if (a.id) q = q.where('id', '=', a.id);
    if (a.name) q = q.where('name', '=', a.name);
    if (a.publicipid) q = q.where('ip_id', '=', a.publicipid);
    if (a.networkid) q = q.where('network_id', '=', a.networkid);
    if (a.zoneid) q = q.where('network_id', 'in', ctx.svc.db.selectFrom('networks').select('id').where('zone_id', '=', a.zoneid));
    if (a.virtualmachineid) q = q.where('id', 'in', ctx.svc.db.selectFrom('lb_members').select('rule_id').where('vm_id', '=', a.virtualmachineid));
    if (a.keyword) q = q.where('name', 'like', `%${a.keyword}%`);
    const count = await countOf(q.select((e) => e.fn.countAll().as('n')));
    const rows = await paged(q.selectAll().orderBy('created').orderBy('id'), a, ctx.svc.config.maxPageSize).execute();
    return { count, items: await formatLbs(ctx.svc, rows) };
  },
  updateLoadBalancerRule: {
    async prepare(ctx, a) {
      const r = await lbPrepare(ctx, a.id);
      if (a.protocol && a.protocol.toLowerCase() !== r.protocol) throw invalidParam('The protocol of a load balancer rule cannot be changed');
      if (a.cidrlist) cidrList('cidrlist', a.cidrlist);
      return { instanceType: 'FirewallRule', instanceId: r.id, locks: [edgeLock(r.network_id)], payload: {} };
    },
    async execute(ctx, a) {
      const before = await ctx.svc.db.selectFrom('edge_rules').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
      // cidrlist (as CloudStack 4.20): the rule's sources, and so those of the firewall rule it opened.
      const cidrs = a.cidrlist === undefined ? before.cidr_list : cidrList('cidrlist', a.cidrlist).join(',') || null;
      const patch = { name: a.name ?? before.name, description: a.description ?? before.description, algorithm: a.algorithm?.toLowerCase() ?? before.algorithm,
        cidr_list: cidrs };
      const opened = ctx.svc.db.updateTable('edge_rules').where('related_id', '=', a.id).where('purpose', '=', 'Firewall');
      await ctx.svc.db.updateTable('edge_rules').set(patch).where('id', '=', a.id).execute();
      if (cidrs !== before.cidr_list) await opened.set({ cidr_list: cidrs }).execute();
      await applyEdge(ctx.svc, before.network_id, async () => {
        await ctx.svc.db.updateTable('edge_rules').set({ name: before.name, description: before.description, algorithm: before.algorithm,
          cidr_list: before.cidr_list }).where('id', '=', a.id).execute();
        if (cidrs !== before.cidr_list) await opened.set({ cidr_list: before.cidr_list }).execute();
      });
      return (await formatLbs(ctx.svc, [{ ...before, ...patch }]))[0];
    },
  },
  deleteLoadBalancerRule: deleteRule('LoadBalancing'),

  assignToLoadBalancerRule: {
    async prepare(ctx, a) {
      const r = await lbPrepare(ctx, a.id);
      const members = [];
      for (const m of memberArgs(a)) members.push(await vmInNetwork(ctx, m.vmId, r.network_id, r.account_id, 'virtualmachineids', m.ip));
      const now = ctx.svc.clock.now();
      try {
        await ctx.svc.db.insertInto('lb_members').values(members.map((m) => ({ rule_id: r.id, vm_id: m.id, vm_ip: m.ip, state: 'Add', created: now }))).execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw invalidParam(`A virtual machine of ${members.map((m) => m.name).join(', ')} is already assigned to load balancer rule ${r.name}`);
        throw e;
      }
      return { instanceType: 'FirewallRule', instanceId: r.id, locks: [edgeLock(r.network_id)], payload: { vmIds: members.map((m) => m.id), networkId: r.network_id } };
    },
    async execute(ctx, a, p: { vmIds: string[]; networkId: string }) {
      const undo = async () => { await ctx.svc.db.deleteFrom('lb_members').where('rule_id', '=', a.id).where('vm_id', 'in', p.vmIds).execute(); };
      await applyEdge(ctx.svc, p.networkId, undo);
      await ctx.svc.db.updateTable('lb_members').set({ state: 'Active' }).where('rule_id', '=', a.id).where('vm_id', 'in', p.vmIds).execute();
    },
  },
  removeFromLoadBalancerRule: {
    async prepare(ctx, a) {
      const r = await lbPrepare(ctx, a.id);
      const ids = memberArgs(a).map((m) => m.vmId);
      const have = await ctx.svc.db.selectFrom('lb_members').select('vm_id').where('rule_id', '=', r.id).where('vm_id', 'in', ids).execute();
      const missing = ids.filter((id) => !have.some((h) => h.vm_id === id));
      if (missing.length) throw invalidParam(`Virtual machines ${missing.join(', ')} are not assigned to load balancer rule ${r.name}`);
      await ctx.svc.db.updateTable('lb_members').set({ state: 'Revoke' }).where('rule_id', '=', r.id).where('vm_id', 'in', ids).execute();
      return { instanceType: 'FirewallRule', instanceId: r.id, locks: [edgeLock(r.network_id)], payload: { vmIds: ids, networkId: r.network_id } };
    },
    async execute(ctx, a, p: { vmIds: string[]; networkId: string }) {
      const gone = await ctx.svc.db.selectFrom('lb_members').selectAll().where('rule_id', '=', a.id).where('vm_id', 'in', p.vmIds).execute();
      await ctx.svc.db.deleteFrom('lb_members').where('rule_id', '=', a.id).where('vm_id', 'in', p.vmIds).execute();
      await applyEdge(ctx.svc, p.networkId, async () => {
        if (gone.length) await ctx.svc.db.insertInto('lb_members').values(gone.map((m) => ({ ...m, state: 'Active' }))).execute();
      });
    },
  },
  // Assigned members carry haproxy's view of them (servicestate, CloudStack's field); lbvmips=true answers
  // CloudStack's lbrulevmidip objects: the VM and the addresses the rule sends its traffic to.
  async listLoadBalancerRuleInstances(ctx, a) {
    const r = await ruleById(ctx, a.id, 'LoadBalancing');
    const members = await ctx.svc.db.selectFrom('lb_members').select(['vm_id', 'vm_ip']).where('rule_id', '=', r.id).orderBy('created').orderBy('vm_id').execute();
    let ids = members.map((m) => m.vm_id);
    if (a.applied === false) {
      const inNet = await ctx.svc.db.selectFrom('nics as c').innerJoin('vms as v', 'v.id', 'c.vm_id').select('v.id').where('c.network_id', '=', r.network_id)
        .where('v.removed', 'is', null).where('v.account_id', '=', r.account_id ?? '-').orderBy('v.created').execute();
      ids = inNet.map((v) => v.id).filter((id) => !ids.includes(id));
    }
    const states = a.applied === false ? new Map<string, string>() : await memberStates(ctx.svc, r);
    const vms = (await Promise.all(pageArray(ids, a, ctx.svc.config.maxPageSize).map((id) => vmObject(ctx.svc, ctx.caller, id))))
      .filter((v) => v !== undefined).map((v) => compact({ ...v, servicestate: states.get(v.id) }));
    if (!a.lbvmips) return { count: ids.length, items: vms };
    const ips = (vmId: string) => members.filter((m) => m.vm_id === vmId).map((m) => m.vm_ip);
    const items = vms.map((v) => ({ loadbalancerruleinstance: v, lbvmipaddresses: ips(v.id) })) as unknown as typeof vms;
    return { count: ids.length, items, itemKey: 'lbrulevmidip' };
  },
};
