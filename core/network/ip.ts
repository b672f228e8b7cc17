// IPv4 arithmetic of guest networks: CIDRs, ranges and the addresses a network hands out.
import { invalidParam } from '../kernel/errors';
import { isIPv4, ipToInt, maskBits } from '../infrastructure/util';

export { isIPv4, ipToInt, maskBits };
export const intToIp = (n: number) => [24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join('.');
export const maskOf = (bits: number) => intToIp(bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits));

export interface Subnet { network: number; bits: number; netmask: string; cidr: string }

export function subnetOf(gateway: string, netmask: string, field = 'netmask'): Subnet {
  const bits = maskBits(netmask);
  if (!isIPv4(gateway)) throw invalidParam(`Please enter a valid IPv4 address for the field gateway: ${gateway}`);
  if (bits < 1 || bits > 30) throw invalidParam(`Please enter a valid netmask for the field ${field}: ${netmask}`);
  const size = 2 ** (32 - bits);
  const network = Math.floor(ipToInt(gateway) / size) * size;
  return { network, bits, netmask, cidr: `${intToIp(network)}/${bits}` };
}

export function parseCidr(cidr: string): Subnet {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(cidr);
  if (!m || !isIPv4(m[1])) throw invalidParam(`Please enter a valid CIDR: ${cidr}`);
  return subnetOf(m[1], maskOf(Number(m[2])));
}

/** The usable host addresses of a subnet (not the network and broadcast addresses), as integers. */
export function hostRange(s: Subnet): [number, number] {
  return [s.network + 1, s.network + 2 ** (32 - s.bits) - 2];
}

export const inSubnet = (ip: string, s: Subnet) => {
  const [lo, hi] = hostRange(s);
  const n = ipToInt(ip);
  return n >= lo && n <= hi;
};

export function requireIp(field: string, v: string): void {
  if (!isIPv4(v)) throw invalidParam(`Please enter a valid IPv4 address for the field ${field}: ${v}`);
}

/** Guest VLAN ranges as CloudStack writes them: "100-199" or "100-199,300-310" (each within 1..4094). */
/** The highest VXLAN network identifier CloudStack takes (a VNI has 24 bits; 16777215 is reserved). */
export const MAX_VXLAN_VNI = 16777214;

/** A physical network's isolation method as its networks' broadcast domain type: VXLAN, or 802.1q VLANs otherwise. */
export const broadcastTypeOf = (isolationMethods: string | null | undefined): 'Vlan' | 'Vxlan' =>
  /(^|,)VXLAN(,|$)/i.test(isolationMethods ?? '') ? 'Vxlan' : 'Vlan';

/** The highest guest VLAN or VNI of a physical network's range. */
export const vnetMaxOf = (isolationMethods: string) => (broadcastTypeOf(isolationMethods) === 'Vxlan' ? MAX_VXLAN_VNI : 4094);

/** A network's broadcast URI: vlan://100 or vxlan://5001. */
export const broadcastUriOf = (type: string | null | undefined, vlan: string | number) => `${type === 'Vxlan' ? 'vxlan' : 'vlan'}://${vlan}`;

/** Guest VLAN ranges, or VNI ranges (up to MAX_VXLAN_VNI) on a VXLAN physical network. */
export function parseVlanRanges(text: string, max = 4094): [number, number][] {
  const out: [number, number][] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 1 || hi > max || lo > hi) {
      throw invalidParam(`Please specify a valid vlan range: ${part} (start-end within 1-${max}, start not above end)`);
    }
    out.push([lo, hi]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** A VLAN given as "100", "vlan://100", a VNI as "vxlan://5001", or "untagged"; null for untagged. */
export function parseVlanTag(v: string): number | null {
  const vxlan = /^vxlan:\/\//i.test(v);
  const t = v.replace(/^v(x)?lan:\/\//i, '');
  if (/^untagged$/i.test(t)) return null;
  const n = Number(t);
  const max = vxlan ? MAX_VXLAN_VNI : 4094;
  if (!/^\d+$/.test(t) || n < 1 || n > max) throw invalidParam(`Invalid VLAN ${v}: a ${vxlan ? 'VNI' : 'VLAN id'} is between 1 and ${max}, or untagged`);
  return n;
}
