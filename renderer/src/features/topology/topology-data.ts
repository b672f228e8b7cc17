// The zone > pod > cluster > host hierarchy as the topology views need it, loaded with paged list calls (500 per
// page, all pages in parallel after the first) so 1,000 hosts cost two listHosts requests. VMs are not loaded
// here: at 100,000 VMs that would be far too heavy; the map and the tree fetch them per cluster or host on demand.
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCan, useCloud } from '../../app/client-context';
import type { CloudClient, Params } from '../../api/cloud-client';
import { listItems, type ListCommand, type ListItem } from '../../api/list-types';

export interface HostNode {
  id: string; name: string; state: string; resourcestate: string; hypervisor: string; ipaddress?: string;
  zoneid: string; podid: string; clusterid: string; clustername: string;
  cpunumber: number; cpuspeed: number; cpuPct: number; memPct: number;
  /** What the host uses now, in percent (0 when the server has no sample or the caller cannot read metrics). */
  cpuUsedPct: number; memUsedPct: number; memorytotal: number; memoryallocated: number;
  /** Position in Topology.hosts (the map's typed arrays are indexed by it). */
  index: number;
}
export interface ClusterNode { id: string; name: string; podid: string; zoneid: string; hypervisor: string; allocationstate: string; hosts: HostNode[] }
export interface PodNode { id: string; name: string; zoneid: string; allocationstate: string; clusters: ClusterNode[]; hostCount: number }
export interface ZoneNode { id: string; name: string; allocationstate: string; networktype: string; pods: PodNode[]; hostCount: number; clusterCount: number }

export interface Topology {
  zones: ZoneNode[];
  /** Hosts grouped by cluster, in tree order. */
  hosts: HostNode[];
  hostById: Map<string, HostNode>;
  clusterById: Map<string, ClusterNode>;
  podCount: number;
  clusterCount: number;
}

const PAGE = 500;

/** Every item of a list command: first page, then the remaining pages concurrently. */
export async function fetchAll<N extends ListCommand>(client: CloudClient, command: N, params: Params = {}): Promise<ListItem<N>[]> {
  type T = ListItem<N>;
  const first = await client.call(command, { ...params, page: 1, pagesize: PAGE });
  const items: T[] = listItems<T>(first);
  const pages = Math.ceil(((first.count as number) ?? items.length) / PAGE);
  if (pages > 1) {
    const rest = await Promise.all(Array.from({ length: pages - 1 }, (_, i) => client.call(command, { ...params, page: i + 2, pagesize: PAGE })));
    for (const r of rest) items.push(...listItems<T>(r));
  }
  return items;
}

/** "12.50%" -> 12.5 (CloudStack sends allocation percentages as strings). */
export function pct(v: unknown): number {
  const n = typeof v === 'number' ? v : parseFloat(String(v ?? ''));
  return Number.isFinite(n) ? n : 0;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name, undefined, { numeric: true });

export function buildTopology(zonesIn: any[], podsIn: any[], clustersIn: any[], hostsIn: any[]): Topology {
  const zones: ZoneNode[] = zonesIn.map((z) => ({ id: z.id, name: z.name, allocationstate: z.allocationstate, networktype: z.networktype, pods: [], hostCount: 0, clusterCount: 0 }));
  const zoneById = new Map(zones.map((z) => [z.id, z]));
  const podById = new Map<string, PodNode>();
  for (const p of podsIn) {
    const node: PodNode = { id: p.id, name: p.name, zoneid: p.zoneid, allocationstate: p.allocationstate, clusters: [], hostCount: 0 };
    podById.set(p.id, node);
    zoneById.get(p.zoneid)?.pods.push(node);
  }
  const clusterById = new Map<string, ClusterNode>();
  for (const c of clustersIn) {
    const node: ClusterNode = { id: c.id, name: c.name, podid: c.podid, zoneid: c.zoneid, hypervisor: c.hypervisortype, allocationstate: c.allocationstate, hosts: [] };
    clusterById.set(c.id, node);
    podById.get(c.podid)?.clusters.push(node);
  }
  for (const h of hostsIn) {
    // Only hypervisor hosts belong on the map (system VMs' hosts such as storage or console proxies do not).
    if (h.type && h.type !== 'Routing') continue;
    clusterById.get(h.clusterid)?.hosts.push({
      id: h.id, name: h.name, state: h.state, resourcestate: h.resourcestate, hypervisor: h.hypervisor, ipaddress: h.ipaddress,
      zoneid: h.zoneid, podid: h.podid, clusterid: h.clusterid, clustername: h.clustername,
      cpunumber: h.cpunumber ?? 0, cpuspeed: h.cpuspeed ?? 0, cpuPct: pct(h.cpuallocatedpercentage ?? h.cpuallocated),
      memPct: pct(h.memoryallocatedpercentage),
      cpuUsedPct: pct(h.cpuused), memUsedPct: h.memorytotal ? (Number(h.memoryused ?? 0) / h.memorytotal) * 100 : 0, memorytotal: h.memorytotal ?? 0, memoryallocated: h.memoryallocated ?? 0, index: 0,
    });
  }
  const hosts: HostNode[] = [];
  let clusterCount = 0;
  zones.sort(byName);
  for (const z of zones) {
    z.pods.sort(byName);
    for (const p of z.pods) {
      p.clusters.sort(byName);
      for (const c of p.clusters) {
        c.hosts.sort(byName);
        for (const h of c.hosts) { h.index = hosts.length; hosts.push(h); }
        p.hostCount += c.hosts.length;
      }
      z.hostCount += p.hostCount;
      z.clusterCount += p.clusters.length;
    }
    clusterCount += z.clusterCount;
  }
  return { zones, hosts, hostById: new Map(hosts.map((h) => [h.id, h])), clusterById, podCount: podById.size, clusterCount };
}

/** The whole hierarchy, cached per connection; actions elsewhere invalidate it like any other query. */
export function useTopology() {
  const { client } = useCloud();
  const canMetrics = useCan('listHostsMetrics');
  const qc = useQueryClient();
  const options = {
    queryKey: [client.connectionId, 'topology', canMetrics],
    queryFn: async () => {
      const [zones, pods, clusters, hosts] = await Promise.all([
        fetchAll(client, 'listZones'),
        fetchAll(client, 'listPods'),
        fetchAll(client, 'listClusters'),
        // capacity only: skips per-host live stats, which the map does not show and which cost a driver call each.
        // listHostsMetrics (same rows, plus what each host uses now) where the role allows it, for colouring by use.
        fetchAll(client, canMetrics ? 'listHostsMetrics' : 'listHosts', { type: 'Routing', details: 'capacity' }),
      ]);
      return buildTopology(zones, pods, clusters, hosts);
    },
    staleTime: 30_000,
  };
  // Start loading during the first render rather than at commit: React holds a lazily loaded view behind its
  // Suspense fallback for ~300 ms, and the requests can run in that time (react-query dedupes the later fetch).
  useState(() => void qc.prefetchQuery(options));
  return useQuery(options);
}

export interface VmDot { id: string; name: string; state: string; hostid?: string }

/** VMs of a cluster grouped by host (the map shows them when zoomed in). Capped: a cluster rarely needs more. */
export async function fetchClusterVms(client: CloudClient, clusterId: string, cap = 5000): Promise<Map<string, VmDot[]>> {
  const first = await client.call('listVirtualMachines', { clusterid: clusterId, listall: true, details: 'min', page: 1, pagesize: PAGE });
  const all: any[] = [...(first.virtualmachine ?? [])];
  const pages = Math.min(Math.ceil((first.count ?? 0) / PAGE), Math.ceil(cap / PAGE));
  if (pages > 1) {
    const rest = await Promise.all(Array.from({ length: pages - 1 }, (_, i) =>
      client.call('listVirtualMachines', { clusterid: clusterId, listall: true, details: 'min', page: i + 2, pagesize: PAGE })));
    for (const r of rest) all.push(...(r.virtualmachine ?? []));
  }
  const byHost = new Map<string, VmDot[]>();
  for (const v of all) {
    if (!v.hostid) continue;
    const list = byHost.get(v.hostid) ?? [];
    list.push({ id: v.id, name: v.name, state: v.state, hostid: v.hostid });
    byHost.set(v.hostid, list);
  }
  return byHost;
}
