// Placement rules of affinity groups and the claims that keep them under concurrent placements.
export { placementRules, hostAllowed, affinityGroupsOf, NO_RULES, AFFINITY_TYPES, HOST_AFFINITY, HOST_ANTI_AFFINITY } from './rules';
export type { PlacementRules, AffinityGroupRef } from './rules';
export { claimHost, dropClaims, ClaimLost } from './claims';
