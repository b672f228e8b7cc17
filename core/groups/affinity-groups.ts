// Affinity groups (CloudStack's names, errors and scoping): an account's host affinity and host anti-affinity groups,
// which VMs join at deploy (affinitygroupids= / affinitygroupnames=) or while stopped (updateVMAffinityGroup), and
// which every placement honours (core/placement).
import { ownerFields } from '../kernel/format';
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { groupsCommands } from '../contract/commands/groups';
import type { AffinityGroup } from '../contract/response-types';
import type { AffinityGroupTable } from '../db/schema';
import type { Owner } from '../kernel/services';
import { invalidParam, notFound, permissionDenied } from '../kernel/errors';
import { isUniqueViolation } from '../db/unique';
import { precompiledInsert } from '../db/precompiled';
import { AFFINITY_TYPES } from '../placement/index';
import { pageOf, scoped } from './owned-list';
import { updateVmAffinityGroups } from './vm-affinity';

type H = HandlersFor<typeof groupsCommands>;

const insertGroup = precompiledInsert('affinity_groups');

export async function formatAffinityGroup(ctx: CallContext, g: AffinityGroupTable, vmIds?: string[]): Promise<AffinityGroup> {
  const acct = await ctx.svc.identity.accountInfo(g.account_id);
  const vms = vmIds ?? (await ctx.svc.db.selectFrom('affinity_group_vms as m').innerJoin('vms as v', 'v.id', 'm.vm_id')
    .select('m.vm_id').where('m.group_id', '=', g.id).where('v.removed', 'is', null).orderBy('m.vm_id').execute()).map((r) => r.vm_id);
  return { id: g.id, name: g.name, type: g.type, description: g.description ?? undefined, ...ownerFields(acct),
    domainid: g.domain_id, domain: acct.domainName, domainpath: acct.domainPath, virtualmachineIds: vms };
}

/**
 * The groups named by id or by name for a VM of `owner` (deploy, updateVMAffinityGroup), with CloudStack's errors:
 * unknown ids or names, and groups of another account.
 */
export async function resolveAffinityGroups(ctx: CallContext, owner: Pick<Owner, 'accountId' | 'accountName'>,
  ids: string[] | undefined, names: string[] | undefined): Promise<AffinityGroupTable[]> {
  if (ids?.length && names?.length) {
    throw invalidParam('affinitygroupids parameter is mutually exclusive with affinitygroupnames parameter');
  }
  const db = ctx.svc.db;
  const out: AffinityGroupTable[] = [];
  for (const id of new Set(ids ?? [])) {
    const g = await db.selectFrom('affinity_groups').selectAll().where('id', '=', id).executeTakeFirst();
    if (!g) throw invalidParam(`Unable to find affinity group by id ${id}`);
    out.push(g);
  }
  for (const name of new Set(names ?? [])) {
    const g = await db.selectFrom('affinity_groups').selectAll().where('account_id', '=', owner.accountId).where('name', '=', name).executeTakeFirst();
    if (!g) throw invalidParam(`Unable to find affinity group by name ${name}`);
    out.push(g);
  }
  for (const g of out) {
    if (g.account_id !== owner.accountId) {
      throw permissionDenied(`Affinity group ${g.name} does not belong to the VM's account ${owner.accountName}`);
    }
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

async function groupToDelete(ctx: CallContext, a: { id?: string; name?: string; account?: string; domainid?: string }) {
  if (a.id === undefined && a.name === undefined) throw invalidParam('Either the affinity group id or name must be specified');
  if (a.id !== undefined && a.name !== undefined) throw invalidParam('Either the affinity group id or name must be specified, not both');
  const db = ctx.svc.db;
  let g: AffinityGroupTable | undefined;
  if (a.id !== undefined) {
    g = await db.selectFrom('affinity_groups').selectAll().where('id', '=', a.id).executeTakeFirst();
    if (!g) throw invalidParam(`Unable to find affinity group: ${a.id}`);
  } else {
    const owner = await ctx.svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid });
    g = await db.selectFrom('affinity_groups').selectAll().where('account_id', '=', owner.accountId).where('name', '=', a.name!).executeTakeFirst();
    if (!g) throw invalidParam(`Unable to find affinity group: ${a.name}`);
  }
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: g.account_id, domainId: g.domain_id });
  return g;
}

export const affinityGroupHandlers: Pick<H, 'listAffinityGroupTypes' | 'createAffinityGroup' | 'listAffinityGroups' |
  'updateVMAffinityGroup' | 'deleteAffinityGroup'> = {
  listAffinityGroupTypes(_ctx, a) {
    const items = AFFINITY_TYPES.filter((t) => a.keyword === undefined || t.includes(a.keyword)).map((type) => ({ type }));
    return { count: items.length, items };
  },

  createAffinityGroup: {
    async prepare(ctx, a) {
      const type = a.type;
      if (type === undefined) throw invalidParam('Unable to create affinity group, please specify the affinity group type');
      if (!(AFFINITY_TYPES as readonly string[]).includes(type)) {
        throw invalidParam(`Unable to create affinity group, invalid affinity group type${type}`);
      }
      const owner = await ctx.svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid, projectid: a.projectid });
      const taken = () => invalidParam(`Unable to create affinity group, a group with name ${a.name} already exists.`);
      const same = await ctx.svc.db.selectFrom('affinity_groups').select('id').where('account_id', '=', owner.accountId)
        .where('name', '=', a.name).executeTakeFirst();
      if (same) throw taken();
      const row: AffinityGroupTable = { id: ctx.svc.newId(), name: a.name, type, description: a.description ?? null,
        account_id: owner.accountId, domain_id: owner.domainId, created: ctx.svc.clock.now() };
      return { instanceType: 'AffinityGroup', instanceId: row.id, createdId: row.id, locks: [], payload: row,
        write: async (trx) => {
          try {
            await insertGroup(trx, row);
          } catch (e) {
            if (isUniqueViolation(e)) throw taken();
            throw e;
          }
        } };
    },
    async execute(ctx, _a, row: AffinityGroupTable) {
      return formatAffinityGroup(ctx, row, []);
    },
  },

  async listAffinityGroups(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = scoped(ctx.svc.db.selectFrom('affinity_groups'), scope);
    if (a.id !== undefined) q = q.where('id', '=', a.id);
    if (a.name !== undefined) q = q.where('name', '=', a.name);
    if (a.type !== undefined) q = q.where('type', '=', a.type);
    if (a.keyword !== undefined) q = q.where('name', 'like', `%${a.keyword}%`);
    if (a.virtualmachineid !== undefined) {
      const vm = await ctx.svc.db.selectFrom('vms').select(['account_id', 'domain_id']).where('id', '=', a.virtualmachineid)
        .where('removed', 'is', null).executeTakeFirst();
      if (!vm) throw notFound(ctx.command, 'virtualmachineid', a.virtualmachineid);
      await ctx.svc.identity.checkAccess(ctx.caller, { accountId: vm.account_id, domainId: vm.domain_id });
      const vmId = a.virtualmachineid;
      q = q.where('id', 'in', (eb: any) => eb.selectFrom('affinity_group_vms').select('group_id').where('vm_id', '=', vmId));
    }
    return pageOf(ctx, q, a, (r: AffinityGroupTable) => formatAffinityGroup(ctx, r));
  },

  updateVMAffinityGroup: updateVmAffinityGroups,

  deleteAffinityGroup: {
    async prepare(ctx, a) {
      const g = await groupToDelete(ctx, a);
      return { instanceType: 'AffinityGroup', instanceId: g.id, locks: [`affinitygroup:${g.id}`], payload: g.id };
    },
    async execute(ctx, _a, id: string) {
      await ctx.svc.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('affinity_group_vms').where('group_id', '=', id).execute();
        await trx.deleteFrom('affinity_claims').where('group_id', '=', id).execute();
        await trx.deleteFrom('affinity_groups').where('id', '=', id).execute();
      });
    },
  },
};
