// URLs the server fetches for a caller (template and ISO registration, later webhooks) must not reach the
// server's own services: CloudStack refuses hosts that are loopback, link-local, any-local or multicast with
// "Illegal host specified in url". The host is checked after name resolution, and again for every connection
// the fetch opens (each redirect, and a name that resolves differently the second time).
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';

export const ILLEGAL_HOST_TEXT = 'Illegal host specified in url';

function ipv4Internal(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  return a === 127 || a === 0 || (a === 169 && b === 254) || (a >= 224 && a <= 239);
}

/** Loopback, link-local, any-local ("this network") or multicast, for IPv4 and IPv6 (IPv4-mapped included). */
export function isInternalAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return ipv4Internal(ip);
  if (kind !== 6) return false;
  const v6 = ip.toLowerCase();
  const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped) return ipv4Internal(mapped[1]);
  const hextets = expand(v6);
  if (hextets.every((h) => h === 0)) return true; // ::
  if (hextets.slice(0, 7).every((h) => h === 0) && hextets[7] === 1) return true; // ::1
  if (hextets.slice(0, 6).every((h) => h === 0) || (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff)) {
    // ::a.b.c.d and ::ffff:a.b.c.d written in hex
    return ipv4Internal(`${hextets[6] >> 8}.${hextets[6] & 255}.${hextets[7] >> 8}.${hextets[7] & 255}`);
  }
  return (hextets[0] & 0xffc0) === 0xfe80 || (hextets[0] & 0xff00) === 0xff00;
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tails converted). */
function expand(v6: string): number[] {
  let s = v6.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    s = s.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((x) => parseInt(x || '0', 16));
}

/** The host of a URL as a bare name or address (IPv6 brackets removed). */
const bareHost = (u: URL) => u.hostname.replace(/^\[|\]$/g, '');

/**
 * Throws Error(ILLEGAL_HOST_TEXT) when the URL's host is, or resolves to, an internal address. A name that does
 * not resolve passes: the fetch fails on it anyway, and checks again when it connects.
 */
export async function checkUrlHost(url: string): Promise<void> {
  const host = bareHost(new URL(url));
  if (isIP(host)) {
    if (isInternalAddress(host)) throw new Error(ILLEGAL_HOST_TEXT);
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      dnsLookup(host, { all: true }, (e, a) => (e ? reject(e) : resolve(a))));
  } catch { return; }
  if (addresses.some((a) => isInternalAddress(a.address))) throw new Error(ILLEGAL_HOST_TEXT);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses internal addresses: the address checked is the address connected to,
 * so a name cannot resolve to a public address for the check and to 127.0.0.1 for the connection.
 */
export function guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...(options as LookupAllOptions), all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    if (addresses.some((a) => isInternalAddress(a.address))) {
      return callback(Object.assign(new Error(ILLEGAL_HOST_TEXT), { code: 'EILLEGALHOST' }), []);
    }
    if ((options as { all?: boolean }).all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}
