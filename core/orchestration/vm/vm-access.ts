// What a VM is given to let its user in: SSH public keys (from key pairs, by name) and user data (its own, or
// registered user data by id, or its template's linked user data). A VM keeps them in its details under the names
// CloudStack uses in user_vm_details, hidden from the API's details map; the config drive carries them to the guest.
import type { AsyncHandler, CallContext, JobContext } from '../../kernel/handler';
import type { computeCommands } from '../../contract/commands/compute';
import type { ConfigDriveSpec } from '../../hypervisors/driver';
import type { Services } from '../../kernel/services';
import { invalidParam, notFound } from '../../kernel/errors';
import { checkUserDataText, effectiveUserData, type UserDataPolicy } from '../../guest-access/user-data';
import { patchVmInState } from '../vm-states';
import { loadVm, parseDetails, vmById } from './vm-rows';
import { vmResult } from './lifecycle';
export { accessDetails, shownDetails } from './access-details';

const keyNames = (a: { keypair?: string; keypairs?: string[] }) =>
  [...new Set([...(a.keypair ? [a.keypair] : []), ...(a.keypairs ?? [])].map((n) => n.trim()).filter(Boolean))];

/** The owner's key pairs by name, in the order given; a missing one is a 431. */
async function keyPairs(ctx: CallContext, accountId: string, names: string[]): Promise<Record<string, string>> {
  if (names.length === 0) return {};
  const rows = await ctx.svc.db.selectFrom('ssh_keypairs').select(['name', 'public_key']).where('account_id', '=', accountId)
    .where('name', 'in', names).execute();
  const byName = new Map(rows.map((r) => [r.name, r.public_key]));
  const missing = names.find((n) => !byName.has(n));
  if (missing !== undefined) throw invalidParam(`A key pair with name '${missing}' was not found.`);
  return { 'SSH.PublicKey': names.map((n) => byName.get(n)!).join('\n'), keypairnames: names.join(',') };
}

export interface DeployAccess { details: Record<string, string>; userdata: string | undefined }

/** Keys and user data for a new VM (queries only when the deploy or its template names any). */
export async function deployAccess(ctx: CallContext, accountId: string,
  a: { keypair?: string; keypairs?: string[]; userdata?: string; userdataid?: string },
  tpl: { userdata_id: string | null; userdata_policy: string | null }): Promise<DeployAccess> {
  checkUserDataText(a.userdata);
  const details = await keyPairs(ctx, accountId, keyNames(a));
  let own = a.userdata;
  if (a.userdataid !== undefined) {
    const u = await ctx.svc.db.selectFrom('user_data').selectAll().where('id', '=', a.userdataid).executeTakeFirst();
    if (!u) throw notFound(ctx.command, 'userdataid', a.userdataid);
    await ctx.svc.identity.checkAccess(ctx.caller, { accountId: u.account_id, domainId: u.domain_id });
    if (a.userdata !== undefined) throw invalidParam('Both userdata and userdataid are specified: give one of them');
    own = u.user_data;
    Object.assign(details, { userdataid: u.id, userdataname: u.name });
  }
  let linked: { text: string; policy: UserDataPolicy } | null = null;
  if (tpl.userdata_id) {
    const u = await ctx.svc.db.selectFrom('user_data').select(['user_data']).where('id', '=', tpl.userdata_id).executeTakeFirst();
    if (u) linked = { text: u.user_data, policy: (tpl.userdata_policy ?? 'ALLOWOVERRIDE') as UserDataPolicy };
  }
  return { details, userdata: effectiveUserData(own, linked) };
}

/** What the guest's config drive carries, or undefined when the VM was given neither keys nor user data. */
export async function configDriveFor(svc: Services, vmId: string): Promise<ConfigDriveSpec | undefined> {
  const vm = await svc.db.selectFrom('vms as v').innerJoin('zones as z', 'z.id', 'v.zone_id')
    .select(['v.id', 'v.name', 'v.instance_name', 'v.userdata', 'v.details', 'z.name as zone']).where('v.id', '=', vmId).executeTakeFirst();
  if (!vm) return undefined;
  const details = parseDetails(vm.details);
  const keys = (details['SSH.PublicKey'] ?? '').split('\n').filter(Boolean);
  // The password resetPasswordForVirtualMachine set (CloudStack's config drive carries it too).
  const password = details.password ?? null;
  if (keys.length === 0 && !vm.userdata && !password) return undefined;
  return { uuid: vm.id, hostname: vm.name, instanceName: vm.instance_name, availabilityZone: vm.zone, publicKeys: keys,
    userData: vm.userdata, password };
}

type ResetArgs = { id: string; keypair?: string; keypairs?: string[] };

async function applyKeys(ctx: JobContext, a: ResetArgs, keys: Record<string, string>) {
  const vm = await vmById(ctx.svc.db, a.id);
  if (!vm) throw invalidParam(`Unable to find VM ${a.id}: it was expunged`);
  if (parseDetails(vm.details).keypairnames !== keys.keypairnames) {
    if (vm.state !== 'Stopped') throw invalidParam(`Vm ${vm.name} should be stopped to do SSH Key reset`);
    await patchVmInState(ctx.svc, vm, { details: JSON.stringify({ ...parseDetails(vm.details), ...keys }) });
  }
  return vmResult(ctx.svc, ctx, vm.id);
}

export const resetSshKeyHandler: AsyncHandler<typeof computeCommands['resetSSHKeyForVirtualMachine'], Record<string, string>> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.id);
    if (vm.state !== 'Stopped') throw invalidParam(`Vm ${vm.name} should be stopped to do SSH Key reset`);
    const names = keyNames(a);
    if (names.length === 0) throw invalidParam('Specify at least one key pair: keypair or keypairs');
    const keys = await keyPairs(ctx, vm.account_id, names);
    return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: keys };
  },
  // Both end where the VM has the keys: a recovered job whose write landed only answers the VM.
  execute: applyKeys,
  recover: applyKeys,
};
