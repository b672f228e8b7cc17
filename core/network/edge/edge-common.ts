// What every edge command leans on: looking up addresses and rules with the caller's access checked, validating
// ports and CIDRs, and applying the network's whole rule set to its router, undoing the rows when the router refuses them.
import { whereScope } from '../../kernel/list-scope';
import type { Selectable } from 'kysely';
import type { CallContext } from '../../kernel/handler';
import type { Services } from '../../kernel/services';
import type { EdgeRuleTable, PublicIpTable } from '../../db/schema';
import { ApiError, invalidParam, notFound, permissionDenied, resourceUnavailable } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { requireCidr } from '../../infrastructure/util';
import { isRootAdmin } from '../../identity/caller';
import { applyRouter } from '../router-datapath';

export type IpRow = Selectable<PublicIpTable>;
export type RuleRow = Selectable<EdgeRuleTable>;
export type Purpose = 'Firewall' | 'PortForwarding' | 'LoadBalancing';

export const conflict = (text: string) => new ApiError(ErrorCode.NetworkRuleConflict, text, CsErrorCode.NetworkRuleConflict);

/** A public address the caller may use (its owner, or an admin over the owner). */
export async function ipById(ctx: CallContext, id: string, param = 'ipaddressid'): Promise<IpRow> {
  const ip = await ctx.svc.db.selectFrom('public_ips').selectAll().where('id', '=', id).executeTakeFirst();
  if (!ip) throw notFound(ctx.command, param, id);
  await checkOwner(ctx, ip.account_id, ip.domain_id, `Unable to use public IP address ${ip.ip_address}, permission denied`);
  return ip;
}

export async function checkOwner(ctx: CallContext, accountId: string | null, domainId: string | null, denied: string): Promise<void> {
  if (isRootAdmin(ctx.caller)) return;
  if (!accountId || !domainId) throw permissionDenied(denied);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId, domainId });
}

/** A rule of one purpose and direction the caller may use (Revoke rules too: their delete can be retried). */
export async function ruleById(ctx: CallContext, id: string, purpose: Purpose, traffic = 'Ingress', param = 'id'): Promise<RuleRow> {
  const r = await ctx.svc.db.selectFrom('edge_rules').selectAll().where('id', '=', id).where('purpose', '=', purpose)
    .where('traffic_type', '=', traffic).executeTakeFirst();
  if (!r) throw notFound(ctx.command, param, id);
  await checkOwner(ctx, r.account_id, r.domain_id, `Unable to use rule ${id}, permission denied`);
  return r;
}

/** A VM with a NIC on the network, owned by the same account as the address or rule: its guest address. */
export async function vmInNetwork(ctx: CallContext, vmId: string, networkId: string, accountId: string | null, param = 'virtualmachineid',
  guestIp?: string): Promise<{ id: string; name: string; ip: string }> {
  const vm = await ctx.svc.db.selectFrom('vms').select(['id', 'name', 'account_id', 'domain_id', 'state']).where('id', '=', vmId)
    .where('removed', 'is', null).executeTakeFirst();
  if (!vm) throw notFound(ctx.command, param, vmId);
  await checkOwner(ctx, vm.account_id, vm.domain_id, `Unable to use virtual machine ${vm.name}, permission denied`);
  if (vm.account_id !== accountId) throw permissionDenied(`Virtual machine ${vm.name} and the rule belong to different accounts, permission denied`);
  const nic = await ctx.svc.db.selectFrom('nics').select(['ip_address']).where('vm_id', '=', vmId).where('network_id', '=', networkId).executeTakeFirst();
  if (!nic?.ip_address) throw invalidParam(`Virtual machine ${vm.name} has no NIC in the network of the rule`);
  if (guestIp !== undefined && guestIp !== nic.ip_address) throw invalidParam(`Virtual machine ${vm.name} has no address ${guestIp} in the network of the rule`);
  return { id: vm.id, name: vm.name, ip: nic.ip_address };
}

export function requirePort(field: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 65535)) throw invalidParam(`Invalid port specified for ${field}: ${v}; a port is 1-65535`);
}

export function requireRange(startField: string, start: number, endField: string, end: number): void {
  requirePort(startField, start);
  requirePort(endField, end);
  if (end < start) throw invalidParam(`Start port can't be bigger than end port: ${startField}=${start} ${endField}=${end}`);
}

export function cidrList(field: string, list: string[] | undefined): string[] {
  const out = (list ?? []).map((c) => c.trim()).filter(Boolean);
  for (const c of out) requireCidr(field, c);
  return out;
}

/** Removes rules and everything hanging off them (port claims, the firewall rules they opened, LB members and policies). */
export async function deleteRules(svc: Services, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const related = await svc.db.selectFrom('edge_rules').select('id').where('related_id', 'in', ids).execute();
  const all = [...ids, ...related.map((r) => r.id)];
  await svc.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('edge_port_claims').where('rule_id', 'in', all).execute();
    await trx.deleteFrom('lb_members').where('rule_id', 'in', all).execute();
    await trx.deleteFrom('lb_policies').where('rule_id', 'in', all).execute();
    await trx.deleteFrom('edge_rules').where('id', 'in', all).execute();
  });
}

/** Rules move Add -> Active once their router holds them (or when the network has no router data path). */
export async function activate(svc: Services, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await svc.db.updateTable('edge_rules').set({ state: 'Active' }).where((e) => e.or([e('id', 'in', ids), e('related_id', 'in', ids)]))
    .where('state', '=', 'Add').execute();
}

export async function revoke(svc: Services, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await svc.db.updateTable('edge_rules').set({ state: 'Revoke' }).where((e) => e.or([e('id', 'in', ids), e('related_id', 'in', ids)])).execute();
}

/**
 * Puts the network's rules (Add and Active) on its router as one set. When the router refuses it, `undo` takes the
 * new rows back (the router keeps the previous set) and the job fails with the router's reason.
 */
export async function applyEdge(svc: Services, networkId: string, undo?: () => Promise<void>): Promise<void> {
  try {
    await applyRouter(svc, networkId);
  } catch (e) {
    await undo?.().catch((u: Error) => svc.log.warn(`undoing rules of network ${networkId} failed`, { error: u.message }));
    throw resourceUnavailable(`Failed to apply the rules of network ${networkId} on its virtual router: ${(e as Error).message}`);
  }
}

/** `where` for rows owned by accounts the caller may list. */
export const scoped = whereScope;

/** The network's edge jobs run one at a time (each applies the whole set). */
export const edgeLock = (networkId: string) => `network-edge:${networkId}`;
