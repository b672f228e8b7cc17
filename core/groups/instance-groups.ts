// Instance groups (CloudStack's VM groups): a name per account that VMs are filed under (deployVirtualMachine and
// updateVirtualMachine group=, listVirtualMachines groupid=). A VM keeps the group's id and name; renaming the
// group renames it on its VMs in the same statement set.
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { groupsCommands } from '../contract/commands/groups';
import type { InstanceGroup } from '../contract/response-types';
import type { InstanceGroupTable } from '../db/schema';
import type { Db } from '../db/connect';
import { invalidParam } from '../kernel/errors';
import { csDate, ownerFields } from '../kernel/format';
import { isUniqueViolation } from '../db/unique';
import { pageOf, scoped } from './owned-list';

type H = HandlersFor<typeof groupsCommands>;

export async function formatInstanceGroup(ctx: CallContext, g: InstanceGroupTable): Promise<InstanceGroup> {
  const acct = await ctx.svc.identity.accountInfo(g.account_id);
  return { id: g.id, name: g.name, ...ownerFields(acct), domainid: g.domain_id, domain: acct.domainName,
    domainpath: acct.domainPath, created: csDate(g.created), hasannotations: false };
}

const taken = (name: string, accountId: string) =>
  invalidParam(`Unable to create vm group, a group with name ${name} already exists for account ${accountId}`);

async function insertGroup(db: Db, row: InstanceGroupTable): Promise<void> {
  try {
    await db.insertInto('instance_groups').values(row).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw taken(row.name, row.account_id);
    throw e;
  }
}

/**
 * The group named `name` of the account, made when it does not exist yet (CloudStack's deploy and updateVirtualMachine
 * group= create it). Two requests naming a new group at once both end with the one row the unique key kept.
 */
export async function groupNamed(ctx: CallContext, owner: { accountId: string; domainId: string }, name: string): Promise<InstanceGroupTable> {
  const db = ctx.svc.db;
  const find = () => db.selectFrom('instance_groups').selectAll().where('account_id', '=', owner.accountId).where('name', '=', name).executeTakeFirst();
  const found = await find();
  if (found) return found;
  const row: InstanceGroupTable = { id: ctx.svc.newId(), name, account_id: owner.accountId, domain_id: owner.domainId, created: ctx.svc.clock.now() };
  try {
    await insertGroup(db, row);
    return row;
  } catch (e) {
    const raced = await find();
    if (raced) return raced;
    throw e;
  }
}

async function groupById(ctx: CallContext, id: string): Promise<InstanceGroupTable> {
  const g = await ctx.svc.db.selectFrom('instance_groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!g) throw invalidParam(`unable to find a vm group with id ${id}`);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: g.account_id, domainId: g.domain_id });
  return g;
}

export const instanceGroupHandlers: Pick<H, 'createInstanceGroup' | 'listInstanceGroups' | 'updateInstanceGroup' | 'deleteInstanceGroup'> = {
  async createInstanceGroup(ctx, a) {
    const owner = await ctx.svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid, projectid: a.projectid });
    const exists = await ctx.svc.db.selectFrom('instance_groups').select('id').where('account_id', '=', owner.accountId)
      .where('name', '=', a.name).executeTakeFirst();
    if (exists) throw taken(a.name, owner.accountId);
    const row: InstanceGroupTable = { id: ctx.svc.newId(), name: a.name, account_id: owner.accountId, domain_id: owner.domainId,
      created: ctx.svc.clock.now() };
    await insertGroup(ctx.svc.db, row);
    return formatInstanceGroup(ctx, row);
  },

  async listInstanceGroups(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = scoped(ctx.svc.db.selectFrom('instance_groups'), scope);
    if (a.id !== undefined) q = q.where('id', '=', a.id);
    if (a.name !== undefined) q = q.where('name', '=', a.name);
    if (a.keyword !== undefined) q = q.where('name', 'like', `%${a.keyword}%`);
    return pageOf(ctx, q, a, (r: InstanceGroupTable) => formatInstanceGroup(ctx, r));
  },

  async updateInstanceGroup(ctx, a) {
    const g = await groupById(ctx, a.id);
    if (a.name === undefined || a.name === g.name) return formatInstanceGroup(ctx, g);
    const db = ctx.svc.db;
    const other = await db.selectFrom('instance_groups').select('id').where('account_id', '=', g.account_id).where('name', '=', a.name).executeTakeFirst();
    if (other) throw invalidParam(`Unable to update vm group, a group with name ${a.name} already exists for account`);
    const name = a.name;
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('instance_groups').set({ name }).where('id', '=', g.id).execute();
      await trx.updateTable('vms').set({ group_name: name }).where('group_id', '=', g.id).execute();
    }).catch((e: unknown) => {
      if (isUniqueViolation(e)) throw invalidParam(`Unable to update vm group, a group with name ${name} already exists for account`);
      throw e;
    });
    return formatInstanceGroup(ctx, { ...g, name });
  },

  async deleteInstanceGroup(ctx, a) {
    const g = await groupById(ctx, a.id);
    await ctx.svc.db.transaction().execute(async (trx) => {
      await trx.updateTable('vms').set({ group_id: null, group_name: null }).where('group_id', '=', g.id).execute();
      await trx.deleteFrom('instance_groups').where('id', '=', g.id).execute();
    });
  },
};
