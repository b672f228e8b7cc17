// A guest network on the topology: its virtual router and its VMs, and from them the hosts the network spans (on KVM
// hosts each of them holds the network's bridge, joined to the others by its VLAN or VXLAN). Loaded when a network
// is chosen: the network list (first page, by name) for the picker, then the chosen network's router and VMs.
import { useQuery } from '@tanstack/react-query';
import { useCan, useCloud } from '../../app/client-context';

export interface NetworkChoice { id: string; name: string; type: string; zoneid: string }
export interface SpanVm { id: string; name: string; state: string; hostid?: string; hostname?: string; ip?: string }
export interface SpanRouter { id: string; name: string; state: string; hostid?: string; hostname?: string; guestipaddress?: string; publicip?: string }
export interface NetworkSpan {
  network: { id: string; name: string; type: string; state: string; cidr?: string; broadcasturi?: string; broadcastdomaintype?: string };
  router: SpanRouter | null;
  vms: SpanVm[];
  /** VMs beyond the first page, not listed (the hosts they add are then missing too). */
  moreVms: number;
  /** Host id -> how many of the network's VMs run there; the router's host is in it with 0 when it has none. */
  hosts: Map<string, number>;
}

const PAGE = 500;

export function useNetworkChoices(enabled: boolean) {
  const { client } = useCloud();
  return useQuery({
    queryKey: [client.connectionId, 'topology-networks'],
    enabled,
    staleTime: 30_000,
    queryFn: async (): Promise<NetworkChoice[]> => {
      const r = await client.call('listNetworks', { listall: true, page: 1, pagesize: PAGE });
      return ((r.network ?? []) as NetworkChoice[]).map((n) => ({ id: n.id, name: n.name, type: n.type, zoneid: n.zoneid }))
        .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    },
  });
}

export function useNetworkSpan(networkId: string | undefined) {
  const { client } = useCloud();
  const canRouters = useCan('listRouters');
  return useQuery({
    queryKey: [client.connectionId, 'topology-network', networkId, canRouters],
    enabled: !!networkId,
    staleTime: 15_000,
    queryFn: async (): Promise<NetworkSpan> => {
      const [nets, vmPage, routers] = await Promise.all([
        client.call('listNetworks', { id: networkId, listall: true }),
        client.call('listVirtualMachines', { networkid: networkId, listall: true, page: 1, pagesize: PAGE }),
        canRouters ? client.call('listRouters', { networkid: networkId, listall: true }) : Promise.resolve({ router: [] }),
      ]);
      const n = nets.network?.[0];
      if (!n) throw new Error(`network ${networkId} not found`);
      const vms: SpanVm[] = (vmPage.virtualmachine ?? []).map((v: any) => ({ id: v.id, name: v.name, state: v.state, hostid: v.hostid,
        hostname: v.hostname, ip: (v.nic ?? []).find((c: any) => c.networkid === networkId)?.ipaddress }));
      const r = routers.router?.[0];
      const router: SpanRouter | null = r ? { id: r.id, name: r.name, state: r.state, hostid: r.hostid, hostname: r.hostname,
        guestipaddress: r.guestipaddress, publicip: r.publicip } : null;
      const hosts = new Map<string, number>();
      if (router?.hostid) hosts.set(router.hostid, 0);
      for (const v of vms) if (v.hostid) hosts.set(v.hostid, (hosts.get(v.hostid) ?? 0) + 1);
      return {
        network: { id: n.id, name: n.name, type: n.type, state: n.state, cidr: n.cidr, broadcasturi: n.broadcasturi, broadcastdomaintype: n.broadcastdomaintype },
        router, vms, moreVms: Math.max(0, (vmPage.count ?? vms.length) - vms.length), hosts,
      };
    },
  });
}
