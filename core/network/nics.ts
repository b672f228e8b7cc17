// NICs: a VM's place on a guest network, with its MAC and (except on L2 networks) its address. Addresses are
// handed out lowest first; the unique key (network_id, ip_address) decides between two writers that chose the
// same one, and the loser takes the next. An expunged VM's NICs are deleted, which frees their addresses.
import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/schema';
import type { Db } from '../db/connect';
import { precompiled, precompiledIn, precompiledInsert, type QueryTarget } from '../db/precompiled';
import type { Nic } from '../contract/responses';
import type { VmNicSpec } from '../hypervisors/driver';
import { insufficientCapacity, invalidParam } from '../kernel/errors';
import { isUniqueViolation } from '../db/unique';
import { broadcastUriOf, hostRange, intToIp, ipToInt, parseCidr } from './ip';
import type { NetworkRow } from './access';

/** What a NIC row needs, decided before the VM's rows are written (prepare); the address may be chosen at write time. */
export interface NicPlan {
  id: string; networkId: string; networkName: string; guestType: string; ip: string | null; requestedIp: boolean;
  mac: string | null; deviceId: number; isDefault: boolean; gateway: string | null; netmask: string | null;
  broadcastUri: string | null; pools: [number, number][]; created: number;
}

// Run inside the deploy's job transaction, which takes precompiled queries only.
const insertNic = precompiledInsert('nics');
const takenIps = precompiled((db, p: { networkId: string }) => db.selectFrom('nics').select('ip_address').where('network_id', '=', p.networkId));

/** 02:00:xx:xx:xx:xx, a locally administered unicast address, as CloudStack's guest MACs. */
const randomMac = () => `02:00:${[...randomBytes(4)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

/** The address pools of a network: its CIDR's hosts for an isolated network, its IP ranges for a shared one. */
export async function addressPools(db: Db, n: NetworkRow): Promise<[number, number][]> {
  if (n.guest_type === 'L2' || !n.cidr) return [];
  if (n.guest_type === 'Shared') {
    const rows = await db.selectFrom('vlan_ip_ranges').select(['start_ip', 'end_ip']).where('network_id', '=', n.id).orderBy('created').execute();
    return rows.map((r) => [ipToInt(r.start_ip), ipToInt(r.end_ip)]);
  }
  return [hostRange(parseCidr(n.cidr))];
}

export async function planNic(db: Db, n: NetworkRow, o: { id: string; ip?: string; mac?: string; deviceId: number; isDefault: boolean; now: number }): Promise<NicPlan> {
  const pools = await addressPools(db, n);
  if (o.ip !== undefined) {
    if (n.guest_type === 'L2') throw invalidParam(`Network ${n.name} is an L2 network: its NICs have no IP address`);
    const v = ipToInt(o.ip);
    if (!pools.some(([lo, hi]) => v >= lo && v <= hi) || o.ip === n.gateway) {
      throw invalidParam(`IP address ${o.ip} is not available in network ${n.name} (${n.cidr}; the gateway ${n.gateway} is reserved)`);
    }
  }
  if (o.mac !== undefined && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(o.mac)) throw invalidParam(`Invalid MAC address ${o.mac}`);
  return { id: o.id, networkId: n.id, networkName: n.name, guestType: n.guest_type, ip: o.ip ?? null, requestedIp: o.ip !== undefined,
    mac: o.mac?.toLowerCase() ?? null, deviceId: o.deviceId, isDefault: o.isDefault, gateway: n.gateway, netmask: n.netmask,
    broadcastUri: n.vlan ? broadcastUriOf(n.broadcast_domain_type, n.vlan) : null, pools, created: o.now };
}

/**
 * Writes the NIC row for `vmId`, choosing its address (lowest free of the pools, never the gateway) and MAC. Runs in
 * the caller's transaction: a conflicting insert fails alone (statement-level rollback on SQLite and InnoDB), so the
 * loop moves on to the next address. Fills plan.ip and plan.mac with what was written.
 */
export async function writeNic(db: QueryTarget, vmId: string, p: NicPlan): Promise<void> {
  const gateway = p.gateway ? ipToInt(p.gateway) : -1;
  const taken = new Set<number>();
  const size = p.pools.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
  // A big pool (a shared /16) is tried at random addresses first: reading every address in use would cost each
  // deploy a scan of the network's NICs. The unique key settles any clash; a crowded pool falls back to the scan.
  if (!p.requestedIp && size > 4096) {
    for (let i = 0; i < 16; i++) {
      const v = nthAddress(p.pools, Math.floor(Math.random() * size));
      if (v !== gateway && await tryInsert(db, vmId, p, intToIp(v))) return;
    }
  }
  if (!p.requestedIp && p.pools.length) {
    for (const r of await takenIps.rows(db, { networkId: p.networkId })) {
      if (r.ip_address) taken.add(ipToInt(r.ip_address));
    }
  }
  const candidates = function* (): Generator<string | null> {
    if (p.requestedIp || p.pools.length === 0) { yield p.ip; return; }
    for (const [lo, hi] of p.pools) for (let v = lo; v <= hi; v++) if (v !== gateway && !taken.has(v)) yield intToIp(v);
  };
  for (const ip of candidates()) {
    if (await tryInsert(db, vmId, p, ip)) return;
    if (p.requestedIp) throw invalidParam(`IP address ${ip} is already in use in network ${p.networkName}`);
  }
  throw insufficientCapacity(`Unable to allocate an IP address in network ${p.networkName}: all of its addresses are in use`);
}

/** The k-th address (0-based) of the pools taken one after another. */
function nthAddress(pools: [number, number][], k: number): number {
  for (const [lo, hi] of pools) {
    if (k <= hi - lo) return lo + k;
    k -= hi - lo + 1;
  }
  return pools[pools.length - 1][1];
}

/** Inserts the NIC with this address (a fresh MAC on a MAC clash); false when another NIC holds the address. */
async function tryInsert(db: QueryTarget, vmId: string, p: NicPlan, ip: string | null): Promise<boolean> {
  const userMac = p.mac;
  for (let macTry = 0; macTry < 5; macTry++) {
    const mac = userMac ?? randomMac();
    try {
      await insertNic(db, { id: p.id, vm_id: vmId, network_id: p.networkId, ip_address: ip, mac_address: mac,
        device_id: p.deviceId, is_default: p.isDefault ? 1 : 0, gateway: p.gateway, netmask: p.netmask,
        broadcast_uri: p.broadcastUri, state: 'Reserved', created: p.created });
      p.ip = ip;
      p.mac = mac;
      return true;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      if (!/mac/i.test((e as Error).message)) return false;
      if (userMac) throw invalidParam(`MAC address ${userMac} is already in use`);
    }
  }
  throw insufficientCapacity(`Unable to choose a free MAC address for a NIC in network ${p.networkName}`);
}

/** Frees a VM's addresses (expunge). */
export async function deleteNicsOf(db: Kysely<Database>, vmId: string): Promise<void> {
  await db.deleteFrom('nics').where('vm_id', '=', vmId).execute();
}

/** A NIC's MTU when its network sets none (CloudStack's default, as the network's `privatemtu` answers). */
const DEFAULT_MTU = 1500;

// Read for every VM start and every VM object (a list page, each deploy's result): compiled once (db/precompiled).
const nicsOfVmsQ = precompiledIn((db, ids) => db.selectFrom('nics as c').innerJoin('networks as n', 'n.id', 'c.network_id')
  .select(['c.id', 'c.vm_id', 'c.network_id', 'c.ip_address', 'c.mac_address', 'c.device_id', 'c.is_default', 'c.gateway',
    'c.netmask', 'c.broadcast_uri', 'n.name as network_name', 'n.guest_type', 'n.private_mtu'])
  .where('c.vm_id', 'in', ids).orderBy('c.vm_id').orderBy('c.device_id'));
const nicSpecsQ = precompiled((db, p: { vmId: string }) => db.selectFrom('nics as c').innerJoin('networks as n', 'n.id', 'c.network_id')
  .leftJoin('physical_network_traffic_types as t', (j) => j.onRef('t.physical_network_id', '=', 'n.physical_network_id').on('t.traffic_type', '=', 'Guest'))
  .select(['c.id', 'c.mac_address', 'c.device_id', 'c.network_id', 'c.ip_address', 'n.vlan', 'n.cidr', 'n.gateway', 'n.private_mtu', 'n.broadcast_domain_type', 't.kvm_label'])
  .where('c.vm_id', '=', p.vmId).orderBy('c.is_default', 'desc').orderBy('c.device_id'));

/** The `nic` objects of the given VMs, by VM id, default NIC first then by device. */
export async function nicsOfVms(db: Db, vmIds: string[], withVm = false): Promise<Map<string, Nic[]>> {
  const out = new Map<string, Nic[]>();
  if (vmIds.length === 0) return out;
  const rows = await nicsOfVmsQ(db, vmIds, {});
  for (const r of rows) {
    // Absent fields stay undefined (JSON and XML leave them out) rather than deleted, which would slow every object.
    const nic: Nic = {
      id: r.id, networkid: r.network_id, networkname: r.network_name, ipaddress: r.ip_address ?? undefined,
      macaddress: r.mac_address, gateway: r.gateway ?? undefined, netmask: r.netmask ?? undefined, isdefault: r.is_default === 1,
      deviceid: String(r.device_id), traffictype: 'Guest', type: r.guest_type, broadcasturi: r.broadcast_uri ?? undefined,
      isolationuri: r.broadcast_uri ?? undefined, virtualmachineid: withVm ? r.vm_id : undefined, extradhcpoption: [],
      mtu: r.private_mtu ?? DEFAULT_MTU,
    };
    const list = out.get(r.vm_id);
    if (list) list.push(nic); else out.set(r.vm_id, [nic]);
  }
  return out;
}

/** What a hypervisor needs to wire a VM's NICs (start, migration): MAC, VLAN, guest interface and addressing. */
export async function nicSpecsOf(db: Db, vmId: string, hostname: string): Promise<VmNicSpec[]> {
  const rows = await nicSpecsQ.rows(db, { vmId });
  return rows.map((r) => ({ id: r.id, mac: r.mac_address, deviceId: r.device_id, networkId: r.network_id,
    vlan: r.vlan ? Number(r.vlan) : null, guestIf: r.kvm_label ?? null, isolation: r.broadcast_domain_type === 'Vxlan' ? 'Vxlan' : 'Vlan', ip: r.ip_address, cidr: r.cidr, gateway: r.gateway, hostname,
    mtu: r.private_mtu }));
}
