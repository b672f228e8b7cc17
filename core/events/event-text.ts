// Event and alert descriptions name a VM as "VM <name>" (CloudStack's wording). A VM deployed without a name is
// called "VM-<uuid>" (CloudStack's automatic name), which made "Starting VM VM-5d1c…" and "Failed to create VM
// VM-…". The kind word is dropped before such a name here, once for every producer of events and alerts, so
// "Starting VM-5d1c…"; other names, types and states are untouched.
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const REPEATED_KIND = new RegExp(`\\bVM (?=VM-${UUID}\\b)`, 'gi');

export const withoutRepeatedKind = (description: string): string => description.replace(REPEATED_KIND, '');
