// The listVirtualMachines sortby=/sortorder= extension (Strata's, CloudStack has none): which columns a sort key
// orders by. Each key ends in the id so pages never overlap, and each column list is the tail of an index
// (vms_created, vms_sort_name after `removed`), so a sorted page seeks instead of sorting every VM.
import { sql } from 'kysely';

export const VM_SORT_KEYS = ['created', 'name'] as const;
export type VmSortKey = (typeof VM_SORT_KEYS)[number];

/** As validated by the contract (oneOf): a key of VM_SORT_KEYS and asc/desc. */
export interface VmSort { sortby?: string; sortorder?: string }

const ORDER_COLUMNS: Record<VmSortKey, string[]> = {
  created: ['created', 'id'],
  name: ['name', 'id'],
};

/** Whether the caller asked for anything but the default (created ascending) order. */
export function customSort(s: VmSort): boolean {
  return (s.sortby ?? 'created') !== 'created' || s.sortorder === 'desc';
}

interface Orderable<Q> { orderBy(expr: ReturnType<typeof sql.ref>, dir: 'asc' | 'desc'): Q }

/** Adds the key's ORDER BY columns (of table alias `alias`) in the requested direction. */
export function orderVms<Q extends Orderable<Q>>(q: Q, alias: string, s: VmSort): Q {
  const dir = s.sortorder === 'desc' ? 'desc' : 'asc';
  for (const c of ORDER_COLUMNS[(s.sortby ?? 'created') as VmSortKey] ?? ORDER_COLUMNS.created) q = q.orderBy(sql.ref(`${alias}.${c}`), dir);
  return q;
}
