// createDomain, updateDomain, deleteDomain, listDomains, listDomainChildren.
import { resourceFields } from '../limits/owner-fields';
import type { CallContext } from '../kernel/handler';
import { invalidParam, notFound, resourceInUse, permissionDenied } from '../kernel/errors';
import { AccountType } from '../contract/roles';
import { dirOf, changed, emit, managedDomain, pageItems, lc, type IdentityHandlers } from './common';
import { managesDomain, domainDenied } from './scope';
import { domainViews } from './views';
import type { DomainRec } from './directory';
import { refuseIfResources, removeAccounts } from './account-ops';
import type { Domain } from '../contract/responses';

type H = Pick<IdentityHandlers, 'createDomain' | 'updateDomain' | 'deleteDomain' | 'listDomains' | 'listDomainChildren'>;

function validName(name: string): string {
  const n = name.trim();
  if (!n || n.includes('/')) throw invalidParam(`Invalid domain name ${name}: it must not be empty or contain "/"`);
  return n;
}

async function refuseSibling(ctx: CallContext, parent: DomainRec, name: string, self?: string): Promise<void> {
  for (const d of (await dirOf(ctx).domains()).values()) {
    if (d.parentId === parent.id && d.removed === null && d.id !== self && lc(d.name) === lc(name)) {
      throw invalidParam(`Domain with name ${name} already exists for the parent id=${parent.id}`);
    }
  }
}

async function viewOf(ctx: CallContext, id: string): Promise<Domain> {
  const all = await dirOf(ctx).domains();
  return domainViews([all.get(id)!], all)[0];
}

/** What deleting a domain touches: its subtree and the live accounts in it. */
async function deletion(ctx: CallContext, id: string, cleanup: boolean) {
  const d = await managedDomain(ctx, id, 'id');
  if (d.path === '/') throw invalidParam('Cannot delete the ROOT domain');
  if (d.id === ctx.caller.domainId) throw permissionDenied('Cannot delete the domain of the caller');
  const tree = await dirOf(ctx).subtree(d.path);
  const ids = tree.map((x) => x.id);
  const accounts = (await ctx.svc.db.selectFrom('accounts').select('id').where('domain_id', 'in', ids)
    .where('removed', 'is', null).execute()).map((a) => a.id);
  if (!cleanup && (accounts.length > 0 || tree.length > 1)) {
    throw resourceInUse(`Cannot delete domain ${d.name}: it still has ${accounts.length} account(s) and ` +
      `${tree.length - 1} subdomain(s); use cleanup=true`);
  }
  if (cleanup) await refuseIfResources(ctx, accounts);
  return { d, ids, accounts };
}

export const domainHandlers: H = {
  async createDomain(ctx, a) {
    const parent = await managedDomain(ctx, a.parentdomainid ?? ctx.caller.domainId, 'parentdomainid');
    const name = validName(a.name);
    await refuseSibling(ctx, parent, name);
    const id = a.domainid ?? ctx.svc.newId();
    if (a.domainid && await dirOf(ctx).domain(a.domainid)) throw invalidParam(`A domain with id ${a.domainid} already exists`);
    await ctx.svc.db.insertInto('domains').values({ id, name, parent_id: parent.id, path: `${parent.path}${name}/`,
      level: parent.level + 1, state: 'Active', network_domain: a.networkdomain ?? null, created: ctx.svc.clock.now(),
      removed: null }).execute();
    changed(ctx);
    await emit(ctx, 'DOMAIN.CREATE', `Domain ${name} created`, { id, type: 'Domain', name });
    return viewOf(ctx, id);
  },

  async updateDomain(ctx, a) {
    const d = await managedDomain(ctx, a.id, 'id');
    const db = ctx.svc.db;
    if (a.name !== undefined && a.name.trim() !== d.name) {
      if (d.path === '/') throw invalidParam('ROOT domain can not be edited with a new name');
      const name = validName(a.name);
      const parent = (await dirOf(ctx).domain(d.parentId!))!;
      await refuseSibling(ctx, parent, name, d.id);
      const newPath = `${parent.path}${name}/`;
      // Renaming moves the path of every descendant (removed ones too, so their history stays consistent).
      const below = [...(await dirOf(ctx).domains()).values()].filter((x) => x.path.startsWith(d.path));
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('domains').set({ name }).where('id', '=', d.id).execute();
        for (const x of below) {
          await trx.updateTable('domains').set({ path: newPath + x.path.slice(d.path.length) }).where('id', '=', x.id).execute();
        }
      });
    }
    if (a.networkdomain !== undefined) {
      await db.updateTable('domains').set({ network_domain: a.networkdomain || null }).where('id', '=', d.id).execute();
    }
    changed(ctx);
    await emit(ctx, 'DOMAIN.UPDATE', `Domain ${d.name} updated`, { id: d.id, type: 'Domain', name: d.name });
    return viewOf(ctx, d.id);
  },

  deleteDomain: {
    async prepare(ctx, a) {
      const { d } = await deletion(ctx, a.id, a.cleanup ?? false);
      return { instanceType: 'Domain', instanceId: d.id, locks: [`domain:${d.id}`], payload: {} };
    },
    async execute(ctx, a) {
      // Checked again: accounts or resources may have appeared while the job waited.
      const { d, ids, accounts } = await deletion(ctx, a.id, a.cleanup ?? false);
      await removeAccounts(ctx, accounts);
      await ctx.svc.db.updateTable('domains').set({ removed: ctx.svc.clock.now(), state: 'Inactive' })
        .where('id', 'in', ids).execute();
      changed(ctx);
      await emit(ctx, 'DOMAIN.DELETE', `Domain ${d.name} deleted`, { id: d.id, type: 'Domain', name: d.name });
    },
  },

  async listDomains(ctx, a) {
    const dir = dirOf(ctx);
    const all = await dir.domains();
    const caller = ctx.caller;
    const isUser = caller.accountType === AccountType.User;
    let ds: DomainRec[];
    if (a.id) {
      const d = all.get(a.id);
      if (!d || d.removed !== null) throw notFound(ctx.command, 'id', a.id);
      if (isUser ? d.id !== caller.domainId : !managesDomain(caller, d.path)) throw domainDenied(caller, d.id);
      ds = [d];
    } else if (a.listall && !isUser) {
      ds = await dir.subtree(caller.domainPath);
    } else {
      ds = [all.get(caller.domainId)!];
    }
    ds = ds.filter((d) => (a.name === undefined || lc(d.name) === lc(a.name)) &&
      (a.level === undefined || d.level === a.level) &&
      (a.keyword === undefined || lc(d.name).includes(lc(a.keyword))));
    ds.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    const items = domainViews(pageItems(ds, a, ctx.svc.config.maxPageSize), all);
    // CloudStack's vmtotal/vmlimit/vmavailable... when one domain is asked for (counting costs a few queries).
    if (a.id && items.length === 1) Object.assign(items[0], await resourceFields(ctx.svc, 'domain', a.id, { projects: true }));
    return { count: ds.length, items };
  },

  async listDomainChildren(ctx, a) {
    const dir = dirOf(ctx);
    const parent = await managedDomain(ctx, a.id ?? ctx.caller.domainId, 'id');
    const all = await dir.domains();
    let ds = (a.isrecursive || a.listall)
      ? (await dir.subtree(parent.path)).filter((d) => d.id !== parent.id)
      : [...all.values()].filter((d) => d.parentId === parent.id && d.removed === null);
    ds = ds.filter((d) => (a.name === undefined || lc(d.name) === lc(a.name)) &&
      (a.keyword === undefined || lc(d.name).includes(lc(a.keyword))));
    ds.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    return { count: ds.length, items: domainViews(pageItems(ds, a, ctx.svc.config.maxPageSize), all) };
  },
};
