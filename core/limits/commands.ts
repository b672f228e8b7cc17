// listResourceLimits, updateResourceLimit and updateResourceCount for accounts and domains (CloudStack's rules:
// a user sees its own account's limits; an admin names an account with domainid, or a domain alone).
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { limitsCommands } from '../contract/commands/limits';
import type { ResourceCount, ResourceLimit } from '../contract/response-types';
import { invalidParam, permissionDenied } from '../kernel/errors';
import { isRootAdmin } from '../identity/caller';
import { RESOURCE_TYPES, typeInfo } from './resource-types';
import { exempt, limitsOf, UNLIMITED, type OwnerKind } from './limits';
import { usageOf, VM_VOLUME_TYPES, type UsageOwner } from './usage';
import { recountUsage } from '../db/account-usage';
import { visibleProject } from '../projects/project-admin';

type H = HandlersFor<typeof limitsCommands>;

interface Target { kind: OwnerKind; id: string; domainId: string; project?: { id: string; name: string } }

async function targetOf(ctx: CallContext, a: { account?: string; domainid?: string; projectid?: string }): Promise<Target> {
  // A project's limits are those of the account that owns its resources (CloudStack's PROJECT account).
  if (a.projectid !== undefined) {
    if (a.account !== undefined) throw invalidParam("Account and projectId can't be specified together");
    const p = await visibleProject(ctx, a.projectid);
    return { kind: 'account', id: p.account_id, domainId: p.domain_id, project: { id: p.id, name: p.name } };
  }
  if (a.account !== undefined) {
    const o = await ctx.svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid });
    return { kind: 'account', id: o.accountId, domainId: o.domainId };
  }
  if (a.domainid !== undefined) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, { domainid: a.domainid });
    // A user's scope is its own account whatever it names (CloudStack answers its own limits).
    if (scope.kind === 'account') return { kind: 'account', id: ctx.caller.accountId, domainId: ctx.caller.domainId };
    return { kind: 'domain', id: a.domainid, domainId: a.domainid };
  }
  return { kind: 'account', id: ctx.caller.accountId, domainId: ctx.caller.domainId };
}

function typesOf(a: { resourcetype?: number; resourcetypename?: string }): number[] {
  let types: number[] = RESOURCE_TYPES.map((r) => r.type);
  if (a.resourcetype !== undefined) {
    if (!typeInfo(a.resourcetype)) throw invalidParam('Please specify a valid resource type.');
    types = [a.resourcetype];
  }
  if (a.resourcetypename !== undefined) {
    const t = RESOURCE_TYPES.find((r) => r.name === a.resourcetypename);
    if (!t) throw invalidParam('Please specify a valid resource type name.');
    types = types.filter((x) => x === t.type);
  }
  return types;
}

async function ownerFields(ctx: CallContext, t: Target) {
  if (t.project) {
    const d = await ctx.svc.identity.domainInfo(t.domainId);
    return { project: t.project.name, projectid: t.project.id, domainid: t.domainId, domain: d.name, domainpath: d.path };
  }
  if (t.kind === 'account') {
    const acct = await ctx.svc.identity.accountInfo(t.id);
    return { account: acct.name, domainid: acct.domainId, domain: acct.domainName, domainpath: acct.domainPath };
  }
  const d = await ctx.svc.identity.domainInfo(t.id);
  return { domainid: t.id, domain: d.name, domainpath: d.path };
}

const limitItem = (fields: object, type: number, max: number): ResourceLimit =>
  ({ ...fields, resourcetype: String(type), resourcetypename: typeInfo(type)!.name, max });

export const limitsHandlers: H = {
  async listResourceLimits(ctx, a) {
    const t = await targetOf(ctx, a);
    const types = typesOf(a);
    const [limits, fields] = await Promise.all([limitsOf(ctx.svc, t.kind, t.id, types), ownerFields(ctx, t)]);
    const items = types.map((type) => limitItem(fields, type, limits.get(type)!));
    return { count: items.length, items };
  },

  async updateResourceLimit(ctx, a) {
    const t = await targetOf(ctx, a);
    if (!typeInfo(a.resourcetype)) throw invalidParam('Please specify a valid resource type.');
    const max = a.max ?? UNLIMITED;
    if (max < UNLIMITED) throw invalidParam("Please specify either '-1' for an infinite limit, or a limit that is at least '0'.");
    if (await exempt(ctx.svc.db, t.kind, t.id)) {
      throw invalidParam(t.kind === 'account' ? 'The limits of a root admin account cannot be changed'
        : 'The limits of the ROOT domain cannot be changed');
    }
    // A domain admin sets the limits of the domains and accounts below it, not of its own domain.
    if (t.kind === 'domain' && !isRootAdmin(ctx.caller) && t.id === ctx.caller.domainId) {
      throw permissionDenied(`Account ${ctx.caller.accountName} may not change the limits of its own domain id=${t.id}`);
    }
    const db = ctx.svc.db;
    const key = { owner_type: t.kind, owner_id: t.id, resource_type: a.resourcetype };
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('resource_limits').where('owner_type', '=', key.owner_type).where('owner_id', '=', key.owner_id)
        .where('resource_type', '=', key.resource_type).execute();
      await trx.insertInto('resource_limits').values({ ...key, max }).execute();
    });
    return limitItem(await ownerFields(ctx, t), a.resourcetype, max);
  },

  async updateResourceCount(ctx, a) {
    const t = await targetOf(ctx, { account: a.account, domainid: a.domainid, projectid: a.projectid });
    const types = typesOf({ resourcetype: a.resourcetype });
    // The internal path ('/Child/'), by which the subtree's accounts are found.
    const path = t.kind === 'domain' ? (await ctx.svc.db.selectFrom('domains').select('path').where('id', '=', t.id).executeTakeFirstOrThrow()).path : '';
    const owner: UsageOwner = t.kind === 'account' ? { kind: 'account', id: t.id } : { kind: 'domain', path };
    // The deploy's five types are kept in account rows by triggers: repaired from a recount first, then read.
    if (types.some((type) => VM_VOLUME_TYPES.includes(type))) await recountUsage(ctx.svc.db, owner);
    const usage = await usageOf(ctx.svc.db, owner, types, await exempt(ctx.svc.db, t.kind, t.id));
    const db = ctx.svc.db;
    const rows = types.map((type) => ({ owner_type: t.kind, owner_id: t.id, resource_type: type, count: usage.get(type) ?? 0 }));
    await db.insertInto('resource_counts').values(rows).orIgnore().execute();
    for (const r of rows) {
      await db.updateTable('resource_counts').set({ count: r.count }).where('owner_type', '=', r.owner_type)
        .where('owner_id', '=', r.owner_id).where('resource_type', '=', r.resource_type).execute();
    }
    const fields = await ownerFields(ctx, t);
    const items: ResourceCount[] = rows.map((r) => ({ ...fields, resourcetype: String(r.resource_type),
      resourcetypename: typeInfo(r.resource_type)!.name, resourcecount: r.count }));
    return { count: items.length, items };
  },
};
