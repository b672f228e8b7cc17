// The detail names under which a VM keeps its SSH keys and user data reference (as CloudStack keeps them in
// user_vm_details): hidden from the API's details map, and kept when the details are replaced.
/** Detail names that carry access, not shown in `details`. */
export const ACCESS_DETAILS = ['SSH.PublicKey', 'keypairnames', 'userdataid', 'userdataname', 'password'] as const;

/** The details without the access entries (the same object when it has none, the common case). */
export function shownDetails(d: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (!ACCESS_DETAILS.some((k) => k in d)) return d;
  return Object.fromEntries(Object.entries(d).filter(([k]) => !(ACCESS_DETAILS as readonly string[]).includes(k)));
}

/** The access entries of a VM's details, kept when its details are replaced (updateVirtualMachine). */
export function accessDetails(d: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(d).filter(([k]) => (ACCESS_DETAILS as readonly string[]).includes(k)));
}

