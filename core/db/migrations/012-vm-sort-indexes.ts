// Indexes for the listVirtualMachines sortby= extension (issue 12): a page sorted by name or state walks one of
// these in order (covering the id selection), so page 1 of 100,000 VMs sorted by name reads one page of index
// entries instead of sorting every VM. The default (created, id) order keeps using vms_created.
import type { Kysely } from 'kysely';

const ADDED: [index: string, columns: string[]][] = [
  ['vms_sort_name', ['removed', 'name', 'id']],
  ['vms_sort_state', ['removed', 'state', 'created', 'id']],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns] of ADDED) await db.schema.createIndex(name).on('vms').columns(columns).execute();
}
