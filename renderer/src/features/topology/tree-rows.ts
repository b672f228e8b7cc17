// The tree's visible rows: the hierarchy flattened through the expanded set, so a virtualized list can show
// thousands of hosts while only ~30 rows are in the DOM.
import type { ClusterNode, HostNode, PodNode, Topology, VmDot, ZoneNode } from './topology-data';

export type TreeRow =
  | { key: string; level: number; parent: string | null; kind: 'zone'; node: ZoneNode; expandable: true }
  | { key: string; level: number; parent: string | null; kind: 'pod'; node: PodNode; expandable: true }
  | { key: string; level: number; parent: string | null; kind: 'cluster'; node: ClusterNode; expandable: true }
  | { key: string; level: number; parent: string | null; kind: 'host'; node: HostNode; expandable: true }
  | { key: string; level: number; parent: string | null; kind: 'vm'; node: VmDot; expandable: false }
  | { key: string; level: number; parent: string | null; kind: 'note'; text: 'loading' | 'none' | 'more' | 'error'; n?: number; error?: string; expandable: false };

export interface HostVms { status: 'loading' | 'ok' | 'error'; vms: VmDot[]; count: number; error?: string }

export const keyOf = {
  zone: (id: string) => `z-${id}`, pod: (id: string) => `p-${id}`, cluster: (id: string) => `c-${id}`, host: (id: string) => `h-${id}`,
};

export function flattenTree(t: Topology, expanded: Set<string>, vms: Map<string, HostVms>): TreeRow[] {
  const rows: TreeRow[] = [];
  for (const z of t.zones) {
    const zk = keyOf.zone(z.id);
    rows.push({ key: zk, level: 1, parent: null, kind: 'zone', node: z, expandable: true });
    if (!expanded.has(zk)) continue;
    for (const p of z.pods) {
      const pk = keyOf.pod(p.id);
      rows.push({ key: pk, level: 2, parent: zk, kind: 'pod', node: p, expandable: true });
      if (!expanded.has(pk)) continue;
      for (const c of p.clusters) {
        const ck = keyOf.cluster(c.id);
        rows.push({ key: ck, level: 3, parent: pk, kind: 'cluster', node: c, expandable: true });
        if (!expanded.has(ck)) continue;
        for (const h of c.hosts) {
          const hk = keyOf.host(h.id);
          rows.push({ key: hk, level: 4, parent: ck, kind: 'host', node: h, expandable: true });
          if (!expanded.has(hk)) continue;
          const v = vms.get(h.id);
          if (!v || v.status === 'loading') rows.push({ key: `${hk}-loading`, level: 5, parent: hk, kind: 'note', text: 'loading', expandable: false });
          else if (v.status === 'error') rows.push({ key: `${hk}-error`, level: 5, parent: hk, kind: 'note', text: 'error', error: v.error, expandable: false });
          else if (v.vms.length === 0) rows.push({ key: `${hk}-none`, level: 5, parent: hk, kind: 'note', text: 'none', expandable: false });
          else {
            for (const vm of v.vms) rows.push({ key: `v-${vm.id}`, level: 5, parent: hk, kind: 'vm', node: vm, expandable: false });
            if (v.count > v.vms.length) rows.push({ key: `${hk}-more`, level: 5, parent: hk, kind: 'note', text: 'more', n: v.count - v.vms.length, expandable: false });
          }
        }
      }
    }
  }
  return rows;
}

/** Keys to expand so that a host (and optionally its VM list) is visible. */
export function pathTo(t: Topology, hostId: string, withVms: boolean): string[] {
  const h = t.hostById.get(hostId);
  if (!h) return [];
  return [keyOf.zone(h.zoneid), keyOf.pod(h.podid), keyOf.cluster(h.clusterid), ...(withVms ? [keyOf.host(h.id)] : [])];
}
