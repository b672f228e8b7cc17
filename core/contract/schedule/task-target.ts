// What a scheduled task acts on, from its command's declaration and parameters: the server records it with the
// task (its runs are listed and flagged for that resource) and the console's save-time conflict check uses the
// same rule for a task not saved yet.

/** A VM (virtualmachineid, or id of a VM command) or else a volume (volumeid, or id of a volume command); null: neither. */
export function taskTargetOf(decl: { instanceType?: string }, args: Record<string, unknown>): { type: 'VirtualMachine' | 'Volume'; id: string } | null {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const vm = str(args.virtualmachineid) ?? (decl.instanceType === 'VirtualMachine' ? str(args.id) : null);
  if (vm) return { type: 'VirtualMachine', id: vm };
  const vol = str(args.volumeid) ?? (decl.instanceType === 'Volume' ? str(args.id) : null);
  return vol ? { type: 'Volume', id: vol } : null;
}
