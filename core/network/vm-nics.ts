// The NICs a new VM gets (deployVirtualMachine networkids= / ipaddress= / iptonetworklist=). Without networks named,
// the VM goes on its account's network in the zone; an account without one gets "<account>-network" from the
// Required offering, as CloudStack does on a first deploy. A zone with no Guest physical network has no guest
// networking at all (simulated labs made before networking): its VMs get no NIC, as before.
import type { CallContext } from '../kernel/handler';
import type { Owner } from '../kernel/services';
import type { MapEntries } from '../contract/params';
import { invalidParam, notFound } from '../kernel/errors';
import { checkUsable } from './access';
import { implementNetwork } from './implement';
import { planNic, type NicPlan } from './nics';
import { requiredOffering } from './offerings';
import { createNetworkRow } from './networks';
import { requireIp } from './ip';
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/schema';
import { precompiled } from '../db/precompiled';

// Read by every deploy without networkids, in one statement: the account's network in the zone (its id: the NIC
// loop reads the row) and whether the zone has guest networking at all. The deploy reads them with its other inputs
// (accountNetworkColumns); this is the same alone, compiled once (db/precompiled).
export const accountNetworkColumns = (eb: ExpressionBuilder<Database, any>, p: { accountId: string; zoneId: string }) => [
  eb.selectFrom('networks').select('id')
    .where('account_id', '=', p.accountId).where('zone_id', '=', p.zoneId).where('removed', 'is', null)
    .where('guest_type', '=', 'Isolated').orderBy('created').orderBy('id').limit(1).as('own'),
  eb.exists(eb.selectFrom('physical_networks as p').innerJoin('physical_network_traffic_types as t', 't.physical_network_id', 'p.id')
    .select('p.id').where('p.zone_id', '=', p.zoneId).where('p.removed', 'is', null).where('t.traffic_type', '=', 'Guest')).as('guest'),
] as const;
const accountNetworkQ = precompiled((db, p: { accountId: string; zoneId: string }) => db.selectNoFrom((eb) => accountNetworkColumns(eb, p)));

/** What accountNetworkColumns read: the account's network in the zone, whether the zone has guest networking. */
export interface AccountNetworkFacts { own: string | null; guest: unknown }

export interface NicRequest { networkids?: string[]; ipaddress?: string; macaddress?: string; iptonetworklist?: MapEntries }

async function accountNetwork(ctx: CallContext, owner: Owner, zoneId: string, known?: AccountNetworkFacts): Promise<{ id: string } | null> {
  const r = known ?? await accountNetworkQ.first(ctx.svc.db, { accountId: owner.accountId, zoneId });
  if (r?.own) return { id: r.own };
  // (A number on SQLite and MySQL: exists() gives 0 or 1.)
  if (!Number(r?.guest)) return null;
  const off = await requiredOffering(ctx.svc.db);
  if (!off) {
    throw invalidParam(`Unable to find a network to deploy the VM into: account ${owner.accountName} has no network in zone ${zoneId} and no network offering is Required to create one (pass networkids)`);
  }
  return createNetworkRow(ctx, { name: `${owner.accountName}-network`, displaytext: `${owner.accountName}-network`,
    networkofferingid: off.id, zoneid: zoneId }, off, owner);
}

/** Networks (with requested addresses) in NIC order; the first is the default. */
function requested(r: NicRequest): { networkId: string; ip?: string; mac?: string }[] {
  if (r.iptonetworklist?.length) {
    if (r.networkids?.length) throw invalidParam('networkids and iptonetworklist can not be specified at the same time');
    return r.iptonetworklist.map((e, i) => {
      if (!e.networkid) throw invalidParam(`iptonetworklist[${i}].networkid is required`);
      return { networkId: e.networkid, ip: e.ip || undefined, mac: e.mac || undefined };
    });
  }
  return (r.networkids ?? []).map((id, i) => ({ networkId: id, ip: i === 0 ? r.ipaddress : undefined, mac: i === 0 ? r.macaddress : undefined }));
}

/** Plans the NICs of a VM being deployed (implementing networks that need it); [] when the zone has no guest networking.
 *  `known`: the account's network facts as the caller already read them (accountNetworkColumns). */
export async function planDeployNics(ctx: CallContext, owner: Owner, zoneId: string, r: NicRequest, newId: () => string,
  known?: AccountNetworkFacts): Promise<NicPlan[]> {
  const wanted = requested(r);
  const now = ctx.svc.clock.now();
  if (wanted.length === 0) {
    const n = await accountNetwork(ctx, owner, zoneId, known);
    if (!n) {
      if (r.ipaddress) throw invalidParam(`Zone ${zoneId} has no guest networking: ipaddress can not be given`);
      return [];
    }
    wanted.push({ networkId: n.id, ip: r.ipaddress, mac: r.macaddress });
  }
  const seen = new Set<string>();
  const plans: NicPlan[] = [];
  for (const [i, w] of wanted.entries()) {
    if (seen.has(w.networkId)) throw invalidParam(`Network ${w.networkId} is given twice: a VM has one NIC per network`);
    seen.add(w.networkId);
    if (w.ip !== undefined) requireIp('ipaddress', w.ip);
    const row = await ctx.svc.db.selectFrom('networks').selectAll().where('id', '=', w.networkId).where('removed', 'is', null).executeTakeFirst();
    if (!row) throw notFound(ctx.command, r.iptonetworklist?.length ? 'iptonetworklist' : 'networkids', w.networkId);
    if (row.zone_id !== zoneId) throw invalidParam(`Network ${row.name} does not belong to zone ${zoneId}`);
    await checkUsable(ctx, row, owner);
    const n = await implementNetwork(ctx.svc, row);
    plans.push(await planNic(ctx.svc.db, n, { id: newId(), ip: w.ip, mac: w.mac, deviceId: i, isDefault: i === 0, now }));
  }
  return plans;
}
