// A load balancer rule's stickiness policy (SourceBased, LbCookie, AppCookie) and health check policy: one of each
// per rule (the (rule, kind) key), applied to the router with the rule's whole network set.
import type { Selectable } from 'kysely';
import type { CallContext, HandlersFor } from '../../kernel/handler';
import type { networkEdgeCommands } from '../../contract/commands/network-edge';
import type { LBHealthCheckPolicy, LBStickinessPolicy } from '../../contract/responses';
import type { LbPolicyTable } from '../../db/schema';
import { invalidParam, notFound } from '../../kernel/errors';
import { compact } from '../../kernel/format';
import { pageArray } from '../../infrastructure/util';
import { isUniqueViolation } from '../../db/unique';
import { applyEdge, checkOwner, edgeLock, ruleById, type RuleRow } from './edge-common';

type H = HandlersFor<typeof networkEdgeCommands>;
type PolicyRow = Selectable<LbPolicyTable>;
type Kind = 'Stickiness' | 'HealthCheck';

async function owner(ctx: CallContext, r: RuleRow) {
  const acct = r.account_id ? await ctx.svc.identity.accountInfo(r.account_id).catch(() => null) : null;
  const net = await ctx.svc.db.selectFrom('networks').select('zone_id').where('id', '=', r.network_id).executeTakeFirst();
  return { account: acct?.name, domainid: r.domain_id, domain: acct?.domainName, zoneid: net?.zone_id };
}

async function stickinessObject(ctx: CallContext, r: RuleRow, ps: PolicyRow[]): Promise<LBStickinessPolicy> {
  return compact<LBStickinessPolicy>({
    lbruleid: r.id, name: r.name, state: r.state, ...(await owner(ctx, r)),
    stickinesspolicy: ps.map((p) => compact({ id: p.id, name: p.name ?? undefined, methodname: p.method ?? undefined, description: p.description ?? undefined,
      params: JSON.parse(p.params) as Record<string, string>, state: p.state, fordisplay: true })),
  });
}

async function healthObject(ctx: CallContext, r: RuleRow, ps: PolicyRow[]): Promise<LBHealthCheckPolicy> {
  return compact<LBHealthCheckPolicy>({
    lbruleid: r.id, ...(await owner(ctx, r)),
    healthcheckpolicy: ps.map((p) => {
      const v = JSON.parse(p.params) as { pingpath?: string; interval: number; timeout: number; healthy: number; unhealthy: number };
      return compact({ id: p.id, pingpath: v.pingpath ?? '', description: p.description ?? undefined, state: p.state, healthcheckinterval: v.interval,
        responsetime: v.timeout, healthcheckthresshold: v.healthy, unhealthcheckthresshold: v.unhealthy, fordisplay: true });
    }),
  });
}

async function createPolicy(ctx: CallContext, ruleId: string, kind: Kind, cols: Pick<PolicyRow, 'name' | 'description' | 'method' | 'params'>) {
  const r = await ruleById(ctx, ruleId, 'LoadBalancing', 'Ingress', 'lbruleid');
  const id = ctx.svc.newId();
  try {
    await ctx.svc.db.insertInto('lb_policies').values({ id, rule_id: r.id, kind, state: 'Add', created: ctx.svc.clock.now(), ...cols }).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw invalidParam(`Failed to create ${kind === 'Stickiness' ? 'stickiness' : 'health check'} policy: load balancer rule ${r.name} already has one`);
    throw e;
  }
  return { instanceType: 'LoadBalancer', instanceId: r.id, createdId: id, locks: [edgeLock(r.network_id)], payload: { id } };
}

async function applyPolicy(ctx: CallContext, id: string): Promise<{ r: RuleRow; p: PolicyRow }> {
  const p = await ctx.svc.db.selectFrom('lb_policies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const r = await ctx.svc.db.selectFrom('edge_rules').selectAll().where('id', '=', p.rule_id).executeTakeFirstOrThrow();
  await applyEdge(ctx.svc, r.network_id, async () => { await ctx.svc.db.deleteFrom('lb_policies').where('id', '=', id).execute(); });
  await ctx.svc.db.updateTable('lb_policies').set({ state: 'Active' }).where('id', '=', id).execute();
  return { r, p: { ...p, state: 'Active' } };
}

function deletePolicy(kind: Kind) {
  return {
    async prepare(ctx: CallContext, a: { id: string }) {
      const p = await ctx.svc.db.selectFrom('lb_policies').selectAll().where('id', '=', a.id).where('kind', '=', kind).executeTakeFirst();
      if (!p) throw notFound(ctx.command, 'id', a.id);
      const r = await ctx.svc.db.selectFrom('edge_rules').selectAll().where('id', '=', p.rule_id).executeTakeFirstOrThrow();
      await checkOwner(ctx, r.account_id, r.domain_id, `Unable to use policy ${a.id}, permission denied`);
      await ctx.svc.db.updateTable('lb_policies').set({ state: 'Revoke' }).where('id', '=', p.id).execute();
      return { instanceType: 'LoadBalancer', instanceId: r.id, locks: [edgeLock(r.network_id)], payload: { networkId: r.network_id } };
    },
    async execute(ctx: CallContext, a: { id: string }, p: { networkId: string }): Promise<void> {
      await applyEdge(ctx.svc, p.networkId);
      await ctx.svc.db.deleteFrom('lb_policies').where('id', '=', a.id).execute();
    },
  };
}

/** The policies of a rule (lbruleid) or one policy (id). */
async function listPolicies(ctx: CallContext, a: { id?: string; lbruleid?: string }, kind: Kind): Promise<{ r: RuleRow; ps: PolicyRow[] } | null> {
  let ruleId = a.lbruleid;
  if (!ruleId && a.id) ruleId = (await ctx.svc.db.selectFrom('lb_policies').select('rule_id').where('id', '=', a.id).executeTakeFirst())?.rule_id;
  if (!ruleId) {
    if (a.id) return null;
    throw invalidParam('Either lbruleid or id must be given');
  }
  const r = await ruleById(ctx, ruleId, 'LoadBalancing', 'Ingress', 'lbruleid');
  let q = ctx.svc.db.selectFrom('lb_policies').selectAll().where('rule_id', '=', r.id).where('kind', '=', kind);
  if (a.id) q = q.where('id', '=', a.id);
  return { r, ps: await q.orderBy('created').execute() };
}

const positive = (field: string, v: number | undefined, dflt: number) => {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw invalidParam(`${field} must be a positive number: ${v}`);
  return v ?? dflt;
};

export const lbPolicyHandlers: Pick<H, 'createLBStickinessPolicy' | 'listLBStickinessPolicies' | 'deleteLBStickinessPolicy' |
  'createLBHealthCheckPolicy' | 'listLBHealthCheckPolicies' | 'deleteLBHealthCheckPolicy'> = {
  createLBStickinessPolicy: {
    async prepare(ctx, a) {
      const params = Object.fromEntries((a.param ?? []).map((e) => [e.name, e.value]).filter(([k]) => k));
      return createPolicy(ctx, a.lbruleid, 'Stickiness', { name: a.name, description: a.description ?? null, method: a.methodname, params: JSON.stringify(params) });
    },
    async execute(ctx, _a, p: { id: string }) {
      const { r, p: row } = await applyPolicy(ctx, p.id);
      return stickinessObject(ctx, r, [row]);
    },
  },
  async listLBStickinessPolicies(ctx, a) {
    const got = await listPolicies(ctx, a, 'Stickiness');
    const items = got ? [await stickinessObject(ctx, got.r, got.ps)] : [];
    return { count: items.length, items: pageArray(items, a, ctx.svc.config.maxPageSize) };
  },
  deleteLBStickinessPolicy: deletePolicy('Stickiness'),

  createLBHealthCheckPolicy: {
    async prepare(ctx, a) {
      const interval = positive('intervaltime', a.intervaltime, 5);
      const v = { pingpath: a.pingpath, interval, timeout: positive('responsetimeout', a.responsetimeout, Math.min(2, interval)),
        healthy: positive('healthythreshold', a.healthythreshold, 2), unhealthy: positive('unhealthythreshold', a.unhealthythreshold, 2) };
      if (v.pingpath !== undefined && !v.pingpath.startsWith('/')) throw invalidParam(`pingpath must start with /: ${v.pingpath}`);
      if (v.timeout > v.interval) throw invalidParam('responsetimeout must not be more than intervaltime');
      return createPolicy(ctx, a.lbruleid, 'HealthCheck', { name: null, description: a.description ?? null, method: null, params: JSON.stringify(v) });
    },
    async execute(ctx, _a, p: { id: string }) {
      const { r, p: row } = await applyPolicy(ctx, p.id);
      return healthObject(ctx, r, [row]);
    },
  },
  async listLBHealthCheckPolicies(ctx, a) {
    const got = await listPolicies(ctx, a, 'HealthCheck');
    const items = got ? [await healthObject(ctx, got.r, got.ps)] : [];
    return { count: items.length, items: pageArray(items, a, ctx.svc.config.maxPageSize) };
  },
  deleteLBHealthCheckPolicy: deletePolicy('HealthCheck'),
};
