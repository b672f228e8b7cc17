// Virtual routers: listRouters, startRouter, stopRouter, rebootRouter, destroyRouter. A router belongs to one
// isolated network (gateway address, DHCP, DNS, source NAT). Simulated zones keep its state only.
import { whereScope } from '../kernel/list-scope';
import type { Selectable } from 'kysely';
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { networkCommands } from '../contract/commands/network';
import type { RouterTable } from '../db/schema';
import type { Router } from '../contract/responses';
import { invalidParam, notFound } from '../kernel/errors';
import { compact, csDate } from '../kernel/format';
import { countOf, likeOf, paged } from '../infrastructure/util';
import { applyRouter, removeRouterDatapath } from './router-datapath';
import { releaseRouterAddresses } from './implement';

type H = HandlersFor<typeof networkCommands>;
type RouterRow = Selectable<RouterTable>;

async function formatRouters(ctx: CallContext, rows: RouterRow[]): Promise<Router[]> {
  const ids = (f: (r: RouterRow) => string | null) => [...new Set(rows.map(f).filter((v): v is string => !!v))];
  const [nets, zones, hosts] = await Promise.all([
    ids((r) => r.network_id).length ? ctx.svc.db.selectFrom('networks').select(['id', 'name', 'netmask', 'gateway', 'dns1', 'dns2', 'network_domain'])
      .where('id', 'in', ids((r) => r.network_id)).execute() : [],
    ids((r) => r.zone_id).length ? ctx.svc.db.selectFrom('zones').select(['id', 'name', 'dns1', 'dns2']).where('id', 'in', ids((r) => r.zone_id)).execute() : [],
    ids((r) => r.host_id).length ? ctx.svc.db.selectFrom('hosts').select(['id', 'name', 'hypervisor']).where('id', 'in', ids((r) => r.host_id)).execute() : [],
  ]);
  const byId = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));
  const [n, z, h] = [byId(nets), byId(zones), byId(hosts)];
  const accounts = new Map(await Promise.all(ids((r) => r.account_id).map(async (id) => [id, await ctx.svc.identity.accountInfo(id).catch(() => null)] as const)));
  return rows.map((r) => {
    const net = n.get(r.network_id);
    const zone = z.get(r.zone_id);
    const host = r.host_id ? h.get(r.host_id) : undefined;
    const acct = r.account_id ? accounts.get(r.account_id) : undefined;
    return compact<Router>({
      id: r.id, name: r.name, state: r.state, role: 'VIRTUAL_ROUTER', zoneid: r.zone_id, zonename: zone?.name,
      guestnetworkid: r.network_id, guestnetworkname: net?.name, guestipaddress: r.guest_ip, guestnetmask: net?.netmask,
      guestmacaddress: r.mac_address, gateway: net?.gateway, publicip: r.public_ip, networkdomain: net?.network_domain,
      dns1: net?.dns1 ?? zone?.dns1, dns2: net?.dns2 ?? zone?.dns2,
      hostid: r.state === 'Running' ? r.host_id : undefined, hostname: r.state === 'Running' ? host?.name : undefined,
      hypervisor: host?.hypervisor, account: acct?.name, domainid: r.domain_id, domain: acct?.domainName,
      created: csDate(r.created), isredundantrouter: false, redundantstate: 'UNKNOWN', requiresupgrade: false,
      healthchecksfailed: r.state === 'Error', version: '4.20.0', scriptsversion: 'strata', nic: [], hasannotations: false,
    });
  });
}

async function routerById(ctx: CallContext, id: string): Promise<RouterRow> {
  const r = await ctx.svc.db.selectFrom('routers').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!r) throw notFound(ctx.command, 'id', id);
  return r;
}

/** One router state change as an async command: checks the state it must be in, moves it, answers the router. */
function routerAction(event: string, from: string[], to: string | null) {
  return {
    async prepare(ctx: CallContext, a: { id: string }) {
      const r = await routerById(ctx, a.id);
      if (!from.includes(r.state)) throw invalidParam(`Unable to ${event.toLowerCase()} router ${r.name}: it is ${r.state}`);
      return { instanceType: 'DomainRouter', instanceId: r.id, locks: [`router:${r.id}`], payload: {} };
    },
    async execute(ctx: CallContext, a: { id: string }): Promise<Router> {
      const r = await routerById(ctx, a.id);
      const now = ctx.svc.clock.now();
      const patch = to === null ? { state: 'Destroyed', removed: now, updated: now } : { state: to, updated: now };
      // The data path on a KVM host follows: stopped (stop, destroy, the first half of a reboot), then started.
      if (event !== 'START') await removeRouterDatapath(ctx.svc, r.network_id, r.host_id);
      if (to === null) await releaseRouterAddresses(ctx.svc.db, r.network_id);
      await ctx.svc.db.updateTable('routers').set(patch).where('id', '=', r.id).execute();
      if (to === 'Running') await applyRouter(ctx.svc, r.network_id);
      await ctx.svc.events.record({ type: `ROUTER.${event}`, description: `${event.charAt(0)}${event.slice(1).toLowerCase()} router ${r.name}`,
        state: 'Completed', resourceId: r.id, resourceType: 'DomainRouter', resourceName: r.name, userId: ctx.caller.userId,
        accountId: r.account_id, domainId: r.domain_id });
      return (await formatRouters(ctx, [{ ...r, ...patch }]))[0];
    },
  };
}

export const routerHandlers: Pick<H, 'listRouters' | 'startRouter' | 'stopRouter' | 'rebootRouter' | 'destroyRouter'> = {
  async listRouters(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, { ...a, listall: a.listall ?? true });
    let q = ctx.svc.db.selectFrom('routers').where('removed', 'is', null);
    q = whereScope(q, scope);
    if (a.vpcid || a.forvpc) q = q.where('id', '=', '-');
    if (a.id) q = q.where('id', '=', a.id);
    if (a.name) q = q.where('name', '=', a.name);
    if (a.networkid) q = q.where('network_id', '=', a.networkid);
    if (a.zoneid) q = q.where('zone_id', '=', a.zoneid);
    if (a.hostid) q = q.where('host_id', '=', a.hostid);
    if (a.state) q = q.where('state', '=', a.state);
    if (a.keyword) q = q.where('name', 'like', likeOf(a.keyword));
    const count = await countOf(q.select((e) => e.fn.countAll().as('n')));
    const rows = await paged(q.selectAll().orderBy('created').orderBy('id'), a, ctx.svc.config.maxPageSize).execute();
    return { count, items: await formatRouters(ctx, rows) };
  },
  // Error: the router monitor could not restart it; an operator may start or stop it by hand.
  startRouter: routerAction('START', ['Stopped', 'Error'], 'Running'),
  stopRouter: routerAction('STOP', ['Running', 'Error'], 'Stopped'),
  rebootRouter: routerAction('REBOOT', ['Running'], 'Running'),
  destroyRouter: routerAction('DESTROY', ['Running', 'Stopped', 'Error'], null),
};
