// Index for the listVirtualMachines sortby=name extension (issue 12): a page sorted by name walks it in order
// (covering the id selection), so a page of 100,000 VMs sorted by name reads one page of index entries instead of
// sorting every VM. The default (created, id) order keeps using vms_created. No state sort: its index would
// shadow vms_state for state filters and cost every VM write; the state filter answers that need.
import type { Kysely } from 'kysely';

const ADDED: [index: string, columns: string[]][] = [
  ['vms_sort_name', ['removed', 'name', 'id']],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns] of ADDED) await db.schema.createIndex(name).on('vms').columns(columns).execute();
}
