// Search for the map and tree: host names match locally (all hosts are loaded), VM names go to the server
// (listVirtualMachines keyword, first 20) because the console never holds every VM.
import { useEffect, useMemo, useState } from 'react';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { useCloud } from '../../app/client-context';
import type { HostNode, Topology } from './topology-data';

const MAX_RESULTS = 20;

export interface VmMatch { id: string; name: string; state: string; hostid?: string; hostname?: string }

export interface MapSearch {
  /** The query the results belong to (debounced). */
  query: string;
  hosts: HostNode[];
  hostTotal: number;
  /** Every matching host (not only the listed ones), for highlighting. */
  hostIndexes: number[];
  vms: VmMatch[];
  vmTotal: number;
  vmLoading: boolean;
  vmError: string | null;
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function useMapSearch(topo: Topology | undefined, raw: string): MapSearch {
  const { client } = useCloud();
  const query = useDebounced(raw.trim(), 250);
  const hostHits = useMemo(() => {
    if (!topo || !query) return [];
    const q = query.toLowerCase();
    const exact: HostNode[] = [], partial: HostNode[] = [];
    for (const h of topo.hosts) {
      const n = h.name.toLowerCase();
      if (n === q) exact.push(h); else if (n.includes(q) || h.ipaddress === query) partial.push(h);
    }
    return [...exact, ...partial];
  }, [topo, query]);
  const hostIndexes = useMemo(() => hostHits.map((h) => h.index), [hostHits]);
  const vmQ = useQuery({
    queryKey: [client.connectionId, 'listVirtualMachines', { keyword: query, listall: true, page: 1, pagesize: MAX_RESULTS }],
    queryFn: () => client.call('listVirtualMachines', { keyword: query, listall: true, details: 'min', page: 1, pagesize: MAX_RESULTS }),
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  // Results of the previous query (kept to avoid flicker) must not drive highlighting.
  const fresh = query && vmQ.data && !vmQ.isPlaceholderData ? vmQ.data : null;
  const vms: VmMatch[] = useMemo(() => (fresh?.virtualmachine ?? []).map((v: any) => ({ id: v.id, name: v.name, state: v.state, hostid: v.hostid, hostname: v.hostname })), [fresh]);
  return {
    query, hosts: hostHits.slice(0, MAX_RESULTS), hostTotal: hostHits.length, hostIndexes,
    vms, vmTotal: query && !vmQ.isPlaceholderData ? (vmQ.data?.count ?? 0) : 0, vmLoading: vmQ.isFetching,
    vmError: vmQ.error ? (vmQ.error instanceof Error ? vmQ.error.message : String(vmQ.error)) : null,
  };
}
