// VM dots for the map: when the operator zooms in far enough to read host tiles, the VMs of the clusters in view
// are fetched (one listVirtualMachines clusterid= per cluster, cached by react-query) and merged per host.
// Zoomed out, nothing is fetched: the map then shows allocation, which listHosts already carries.
import { useCallback, useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useCloud } from '../../app/client-context';
import { fetchClusterVms, type Topology, type VmDot } from './topology-data';

/** More clusters than this in view means the operator is looking at the big picture: skip VM loading. */
const MAX_CLUSTERS = 12;

export function useClusterVms(topo: Topology | undefined, onLoaded: () => void) {
  const { client } = useCloud();
  const qc = useQueryClient();
  const byHost = useRef(new Map<string, VmDot[]>());
  const loaded = useRef(new Set<string>());
  const inflight = useRef(new Set<string>());
  const generation = useRef(0);

  // New topology (refresh or another connection): VM placement may have changed too.
  useEffect(() => {
    byHost.current = new Map();
    loaded.current = new Set();
    inflight.current = new Set();
    generation.current++;
  }, [topo]);

  const request = useCallback((clusterIds: string[]) => {
    if (clusterIds.length > MAX_CLUSTERS) return;
    for (const id of clusterIds) {
      if (loaded.current.has(id) || inflight.current.has(id)) continue;
      inflight.current.add(id);
      const gen = generation.current;
      qc.fetchQuery({ queryKey: [client.connectionId, 'topology-vms', id], queryFn: () => fetchClusterVms(client, id), staleTime: 30_000 })
        .then((m) => {
          if (gen !== generation.current) return;
          const hosts = topo?.clusterById.get(id)?.hosts ?? [];
          // Hosts without VMs get an empty list, so the map can say "0 VMs" rather than nothing.
          for (const h of hosts) byHost.current.set(h.id, m.get(h.id) ?? []);
          loaded.current.add(id);
          onLoaded();
        }, () => undefined)
        .finally(() => inflight.current.delete(id));
    }
  }, [client, qc, topo, onLoaded]);

  return { byHost, request };
}
