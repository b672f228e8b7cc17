// Claims make the affinity rules hold when several placements run at once, on one server or several sharing the
// database: a VM placed on a host claims (group, slot) in affinity_claims, whose primary key lets one row exist.
// For an anti-affinity group the slot is the host, so two VMs of the group cannot both claim one host; for an
// affinity group the slot is 'host', so every VM of the group must claim the one host the first one took.
// A claim is live while its VM is on the claimed host (vms.host_id, written before the claim is taken); a claim
// whose VM moved, stopped or went away is stale and is replaced. Nothing has to remove claims in time.
import type { Services } from '../kernel/services';
import { ApiError } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import { HOST_ANTI_AFFINITY, type AffinityGroupRef } from './rules';

/** Thrown when another VM of the group holds the slot: the caller releases the host and tries another. */
export class ClaimLost extends ApiError {
  constructor(group: AffinityGroupRef, hostId: string) {
    super(ErrorCode.InsufficientCapacity, `Host ${hostId} breaks the rules of ${group.type} group ${group.name}: ` +
      'another VM of the group was placed at the same time', CsErrorCode.InsufficientServerCapacity);
  }
}

async function claimOne(svc: Services, g: AffinityGroupRef, vmId: string, hostId: string): Promise<void> {
  const db = svc.db;
  const slot = g.type === HOST_ANTI_AFFINITY ? hostId : 'host';
  for (let attempt = 0; attempt < 3; attempt++) {
    await db.insertInto('affinity_claims').values({ group_id: g.id, slot, host_id: hostId, vm_id: vmId }).orIgnore().execute();
    const held = await db.selectFrom('affinity_claims').select(['host_id', 'vm_id']).where('group_id', '=', g.id)
      .where('slot', '=', slot).executeTakeFirst();
    if (!held) continue; // dropped as stale by another placement in between: take it again
    if (held.vm_id === vmId && held.host_id === hostId) return;
    // Someone else's claim (or ours on another host): live while its VM is on the claimed host.
    const owner = held.vm_id === vmId ? undefined : await db.selectFrom('vms').select('host_id').where('id', '=', held.vm_id)
      .where('removed', 'is', null).executeTakeFirst();
    const live = owner?.host_id === held.host_id;
    // An affinity group's live claim on this very host is shared by every VM of the group.
    if (live && held.host_id === hostId && g.type !== HOST_ANTI_AFFINITY) return;
    if (live) throw new ClaimLost(g, hostId);
    await db.deleteFrom('affinity_claims').where('group_id', '=', g.id).where('slot', '=', slot)
      .where('vm_id', '=', held.vm_id).where('host_id', '=', held.host_id).execute();
  }
  throw new ClaimLost(g, hostId);
}

/** Claims `hostId` for `vmId` in each of its groups (in id order, so two placements meet in one order). */
export async function claimHost(svc: Services, groups: AffinityGroupRef[], vmId: string, hostId: string): Promise<void> {
  for (const g of groups) await claimOne(svc, g, vmId, hostId);
}

/** Drops the VM's claims on a host it did not end up on (a failed start attempt). */
export async function dropClaims(svc: Services, vmId: string, hostId: string): Promise<void> {
  await svc.db.deleteFrom('affinity_claims').where('vm_id', '=', vmId).where('host_id', '=', hostId).execute();
}
