// SSH key pairs and registered user data: owned by an account (an admin may act for one with account+domainid),
// unique by name per account, listed like the account's other resources.
import { whereScope } from '../kernel/list-scope';
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { guestAccessCommands } from '../contract/commands/guest-access';
import type { SSHKeyPair, UserData } from '../contract/response-types';
import type { Owner } from '../kernel/services';
import type { SshKeyPairTable, UserDataTable } from '../db/schema';
import { invalidParam, notFound } from '../kernel/errors';
import { pageWindow } from '../kernel/paging';
import { isUniqueViolation } from '../db/unique';
import { fingerprint, newRsaKeyPair, parsePublicKey } from './ssh-keys';
import { checkUserDataText } from './user-data';
import { linkUserDataToTemplate } from './template-link';

type H = HandlersFor<typeof guestAccessCommands>;

async function ownerOf(ctx: CallContext, a: { account?: string; domainid?: string; projectid?: string }): Promise<Owner> {
  return ctx.svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid, projectid: a.projectid });
}

async function formatKeyPair(ctx: CallContext, k: SshKeyPairTable, privateKey?: string): Promise<SSHKeyPair> {
  const acct = await ctx.svc.identity.accountInfo(k.account_id);
  return { id: k.id, name: k.name, fingerprint: k.fingerprint, account: acct.name, accountid: k.account_id,
    domainid: k.domain_id, domain: acct.domainName, hasannotations: false, ...(privateKey ? { privatekey: privateKey } : {}) };
}

async function formatUserData(ctx: CallContext, u: UserDataTable): Promise<UserData> {
  const acct = await ctx.svc.identity.accountInfo(u.account_id);
  return { id: u.id, name: u.name, userdata: u.user_data, params: u.params ?? undefined, account: acct.name, accountid: u.account_id,
    domainid: u.domain_id, domain: acct.domainName, domainpath: acct.domainPath, hasannotations: false };
}

async function insertKeyPair(ctx: CallContext, owner: Owner, name: string, publicKey: string, print: string): Promise<SshKeyPairTable> {
  const db = ctx.svc.db;
  const same = await db.selectFrom('ssh_keypairs').select(['name', 'fingerprint']).where('account_id', '=', owner.accountId)
    .where((eb) => eb.or([eb('name', '=', name), eb('fingerprint', '=', print)])).executeTakeFirst();
  if (same?.name === name) throw invalidParam(`A key pair with name '${name}' already exists.`);
  if (same) throw invalidParam(`A key pair with the same public key already exists for this account: '${same.name}'`);
  const row: SshKeyPairTable = { id: ctx.svc.newId(), name, account_id: owner.accountId, domain_id: owner.domainId,
    fingerprint: print, public_key: publicKey, created: ctx.svc.clock.now() };
  try {
    await db.insertInto('ssh_keypairs').values(row).execute();
  } catch (e) {
    // Another request registered the same name or key in between (the unique keys hold across servers).
    if (isUniqueViolation(e)) throw invalidParam(`A key pair with name '${name}' or the same public key already exists.`);
    throw e;
  }
  return row;
}

export const guestAccessHandlers: H = {
  async createSSHKeyPair(ctx, a) {
    const owner = await ownerOf(ctx, a);
    const pair = newRsaKeyPair(a.name);
    const row = await insertKeyPair(ctx, owner, a.name, pair.publicKey.text, fingerprint(pair.publicKey.blob));
    return formatKeyPair(ctx, row, pair.privateKey);
  },

  async registerSSHKeyPair(ctx, a) {
    const owner = await ownerOf(ctx, a);
    const key = parsePublicKey(a.publickey);
    if (!key) throw invalidParam('Public key is invalid');
    return formatKeyPair(ctx, await insertKeyPair(ctx, owner, a.name, key.text, fingerprint(key.blob)));
  },

  async listSSHKeyPairs(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = whereScope(ctx.svc.db.selectFrom('ssh_keypairs'), scope);
    if (a.id !== undefined) q = q.where('id', '=', a.id);
    if (a.name !== undefined) q = q.where('name', '=', a.name);
    if (a.fingerprint !== undefined) q = q.where('fingerprint', '=', a.fingerprint);
    if (a.keyword !== undefined) q = q.where('name', 'like', `%${a.keyword}%`);
    const { offset, limit } = pageWindow(a, ctx.svc.config.maxPageSize);
    let page = q.selectAll().orderBy('name').orderBy('id');
    if (limit !== null) page = page.limit(limit).offset(offset);
    const [total, rows] = await Promise.all([q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(), page.execute()]);
    const items = [];
    for (const r of rows) items.push(await formatKeyPair(ctx, r));
    return { count: Number(total.n), items };
  },

  async deleteSSHKeyPair(ctx, a) {
    const owner = await ownerOf(ctx, a);
    const gone = await ctx.svc.db.deleteFrom('ssh_keypairs').where('account_id', '=', owner.accountId).where('name', '=', a.name)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) {
      throw invalidParam(`A key pair with name '${a.name}' does not exist for account ${owner.accountName} in specified domain id`);
    }
  },

  async registerUserData(ctx, a) {
    const owner = await ownerOf(ctx, a);
    checkUserDataText(a.userdata);
    const row: UserDataTable = { id: ctx.svc.newId(), name: a.name, account_id: owner.accountId, domain_id: owner.domainId,
      user_data: a.userdata, params: a.params ?? null, created: ctx.svc.clock.now() };
    const taken = () => invalidParam(`A userdata with name ${a.name} already exists for this account.`);
    if (await ctx.svc.db.selectFrom('user_data').select('id').where('account_id', '=', owner.accountId).where('name', '=', a.name).executeTakeFirst()) {
      throw taken();
    }
    try {
      await ctx.svc.db.insertInto('user_data').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw taken();
      throw e;
    }
    return formatUserData(ctx, row);
  },

  async listUserData(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = whereScope(ctx.svc.db.selectFrom('user_data'), scope);
    if (a.id !== undefined) q = q.where('id', '=', a.id);
    if (a.name !== undefined) q = q.where('name', '=', a.name);
    if (a.keyword !== undefined) q = q.where('name', 'like', `%${a.keyword}%`);
    const { offset, limit } = pageWindow(a, ctx.svc.config.maxPageSize);
    let page = q.selectAll().orderBy('name').orderBy('id');
    if (limit !== null) page = page.limit(limit).offset(offset);
    const [total, rows] = await Promise.all([q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(), page.execute()]);
    const items = [];
    for (const r of rows) items.push(await formatUserData(ctx, r));
    return { count: Number(total.n), items };
  },

  async deleteUserData(ctx, a) {
    const db = ctx.svc.db;
    const u = await db.selectFrom('user_data').selectAll().where('id', '=', a.id).executeTakeFirst();
    if (!u) throw notFound(ctx.command, 'id', a.id);
    await ctx.svc.identity.checkAccess(ctx.caller, { accountId: u.account_id, domainId: u.domain_id });
    const linked = await db.selectFrom('templates').select('name').where('userdata_id', '=', u.id).where('removed', 'is', null).executeTakeFirst();
    if (linked) throw invalidParam(`Userdata ${u.name} is linked to template ${linked.name}: unlink it first (linkUserDataToTemplate without userdataid)`);
    await db.deleteFrom('user_data').where('id', '=', u.id).execute();
  },

  linkUserDataToTemplate,
};
