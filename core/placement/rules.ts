// What a VM's affinity groups ask of its host (CloudStack's HostAffinityProcessor and HostAntiAffinityProcessor):
// - host anti-affinity: not a host where another VM of the group is placed;
// - host affinity: the host where the group's other VMs are placed, once one of them is.
// Every place that chooses a host asks here: the planner's callers (deploy, start, HA restarts), migration and
// findHostsForMigration, and maintenance evacuation. The rules are read from the database at each placement (no
// cache), and claims.ts makes them hold between two placements that run at once.
import type { Db } from '../db/connect';

export const HOST_AFFINITY = 'host affinity';
export const HOST_ANTI_AFFINITY = 'host anti-affinity';
export const AFFINITY_TYPES = [HOST_AFFINITY, HOST_ANTI_AFFINITY] as const;

export interface AffinityGroupRef { id: string; name: string; type: string }

export interface PlacementRules {
  groups: AffinityGroupRef[];
  /** Hosts where a VM of one of its anti-affinity groups is placed. */
  avoidHosts: string[];
  /** The host its affinity groups' placed VMs are on (null: none placed yet, or no affinity group). */
  requiredHost: string | null;
}

export const NO_RULES: PlacementRules = { groups: [], avoidHosts: [], requiredHost: null };

export async function affinityGroupsOf(db: Db, vmId: string): Promise<AffinityGroupRef[]> {
  return db.selectFrom('affinity_group_vms as m').innerJoin('affinity_groups as g', 'g.id', 'm.group_id')
    .select(['g.id', 'g.name', 'g.type']).where('m.vm_id', '=', vmId).orderBy('g.id').execute();
}

/** The rules for placing `vmId`; `groups` when the caller already knows them (a deploy), else they are read. */
export async function placementRules(db: Db, vmId: string, groups?: AffinityGroupRef[]): Promise<PlacementRules> {
  const gs = groups ?? await affinityGroupsOf(db, vmId);
  if (gs.length === 0) return NO_RULES;
  const members = await db.selectFrom('affinity_group_vms as m').innerJoin('vms as v', 'v.id', 'm.vm_id')
    .select(['m.group_id', 'v.host_id']).where('m.group_id', 'in', gs.map((g) => g.id)).where('m.vm_id', '!=', vmId)
    .where('v.host_id', 'is not', null).where('v.removed', 'is', null).execute();
  const typeOf = new Map(gs.map((g) => [g.id, g.type]));
  const avoid = new Set<string>();
  let required: string | null = null;
  for (const m of members) {
    if (typeOf.get(m.group_id) === HOST_ANTI_AFFINITY) avoid.add(m.host_id!);
    else if (required === null) required = m.host_id;
  }
  return { groups: gs, avoidHosts: [...avoid], requiredHost: required };
}

/** Whether the rules allow `hostId` (migration targets, maintenance evacuation). */
export function hostAllowed(rules: PlacementRules, hostId: string): boolean {
  if (rules.avoidHosts.includes(hostId)) return false;
  return rules.requiredHost === null || rules.requiredHost === hostId;
}
