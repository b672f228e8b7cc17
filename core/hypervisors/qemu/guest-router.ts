// A guest network's router on this QEMU host, from the management server's NetworkRouterSpec: the network's bridge,
// then the router namespace started, or its DHCP reservations and names refreshed when it already runs.
import { join } from 'node:path';
import type { LbMemberHealth, NetworkRouterSpec, RouterApplied } from '../driver';
import { bridgeLayout, canManageNetworks, ensureBridge, fitToUnderlay, masterOf, netKey, pruneBridge, routerNs, withBridge, routerRunning as running, startRouter, stopRouter, updateRouterHosts, type RouterSpec } from './guest-net';
import { applyEdge, lbHealth, stopEdge } from './router-edge';

const ipToInt = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join('.');
const maskOf = (bits: number) => intToIp(bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits));
const bitsOf = (mask: string) => 32 - Math.log2(2 ** 32 - ipToInt(mask));

const routerDir = (workDir: string, key: string) => join(workDir, 'routers', key);

/** Starts or refreshes the router; answers false without a data path, else the guest-side MTU it gave the network. */
export async function applyRouter(workDir: string, given: NetworkRouterSpec): Promise<RouterApplied> {
  if (!canManageNetworks().ok) return false;
  // On VXLAN, the MTU that fits this host's underlay (guest-net.ts), which the server then reports on the network.
  const r = fitToUnderlay(given);
  const key = netKey(r.networkId);
  const [network, bits] = r.cidr.split('/');
  const guest = { key, vlan: r.vlan, guestIf: r.guestIf, mtu: r.mtu, isolation: r.isolation };
  // The bridge's turn from making it to the router's leg in it: a NIC leaving the bridge meanwhile cannot prune it.
  return withBridge(bridgeLayout(guest).bridge, async () => {
    const spec: RouterSpec = {
      key, bridge: await ensureBridge(guest), gateway: r.gateway, address: r.routerIp,
      mtu: r.mtu, prefix: Number(bits), network,
      netmask: maskOf(Number(bits)), domain: r.domain, hosts: r.hosts, dir: routerDir(workDir, key),
      public: r.public ? { bridge: r.public.bridge, ip: r.public.ip, prefix: bitsOf(r.public.netmask), gateway: r.public.gateway } : undefined,
    };
    // A router missing its namespace or its dnsmasq (crashed, killed, host rebooted) is started afresh.
    if (running(key, spec.dir)) updateRouterHosts(spec);
    else {
      stopEdge(spec.dir);
      await startRouter(spec);
    }
    // The edge (issue 18) needs the public leg; a new or restarted router gets every rule again.
    if (r.edge && spec.public) await applyEdge({ ns: routerNs(key), dir: spec.dir, publicIp: spec.public.ip, publicPrefix: spec.public.prefix }, r.edge);
    return { guestMtu: r.mtu ?? null };
  });
}

export async function removeRouter(workDir: string, networkId: string): Promise<void> {
  if (!canManageNetworks().ok) return;
  const key = netKey(networkId);
  stopEdge(routerDir(workDir, key));
  const bridge = masterOf(`vg${key}`);
  await stopRouter(key, routerDir(workDir, key));
  // The network's bridge goes too when no VM of it is left on this host (deleteNetwork, or the router moved away).
  if (bridge) await pruneBridge(bridge);
}

export async function routerRunning(workDir: string, networkId: string): Promise<boolean> {
  const key = netKey(networkId);
  return canManageNetworks().ok && running(key, routerDir(workDir, key));
}

export async function routerLbHealth(workDir: string, networkId: string): Promise<LbMemberHealth[] | null> {
  return canManageNetworks().ok ? lbHealth(routerDir(workDir, netKey(networkId))) : null;
}
