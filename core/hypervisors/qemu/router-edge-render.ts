// The router's edge as text, from the management server's RouterEdgeSpec: one nftables ruleset (table
// `ip strata_edge`, replaced as a whole by one `nft -f` transaction) and one haproxy configuration. Pure functions:
// the same spec always gives the same text, which the benchmarks time for 1,000 rules.
//
// Inside the router namespace eth0 is the guest leg, eth1 the public leg. Chains:
// - edge_in (prerouting, before NAT): new connections to a public address are dropped unless an ingress rule
//   opens them; answers to guests' own connections (established, related) pass;
// - nat_in (dstnat): port forwarding, static NAT, and UDP load balancing (nft's numgen / jhash; haproxy does TCP);
// - nat_out (before the source NAT table of the router, priority 90 < srcnat): a static NAT VM leaves from its own
//   address, ahead of the network's source NAT address;
// - edge_out (forward): egress rules on what guests send out.
import type { EdgeLoadBalancer, EdgeMatch, RouterEdgeSpec } from '../driver';

const set = (xs: string[]) => `{ ${xs.join(', ')} }`;

/** The L4 part of a match: `tcp dport 80-90`, `icmp type 8 icmp code 0`, or nothing for `all`. */
function l4(m: EdgeMatch): string {
  const proto = m.protocol.toLowerCase();
  if (proto === 'all') return '';
  if (proto === 'icmp') {
    const type = m.icmpType !== undefined && m.icmpType >= 0 ? ` icmp type ${m.icmpType}` : '';
    const code = type && m.icmpCode !== undefined && m.icmpCode >= 0 ? ` icmp code ${m.icmpCode}` : '';
    return type ? type.trim() + code : 'meta l4proto icmp';
  }
  if (m.startPort === undefined) return `meta l4proto ${proto}`;
  const end = m.endPort ?? m.startPort;
  return `${proto} dport ${end === m.startPort ? m.startPort : `${m.startPort}-${end}`}`;
}

const words = (...parts: string[]) => parts.filter(Boolean).join(' ');

function portForward(pf: RouterEdgeSpec['portForwards'][number]): string {
  const head = `iifname "eth1" ip daddr ${pf.publicIp} ${pf.protocol} dport ${pf.publicPort === pf.publicEndPort ? pf.publicPort : `${pf.publicPort}-${pf.publicEndPort}`}`;
  if (pf.publicPort === pf.privatePort) return `${head} dnat to ${pf.vmIp}`; // ports kept as they are
  if (pf.publicPort === pf.publicEndPort) return `${head} dnat to ${pf.vmIp}:${pf.privatePort}`;
  const pairs = Array.from({ length: pf.publicEndPort - pf.publicPort + 1 }, (_, i) => `${pf.publicPort + i} : ${pf.privatePort + i}`);
  return `${head} dnat to ${pf.vmIp} : ${pf.protocol} dport map ${set(pairs)}`;
}

/** UDP balancing in the kernel: round robin by a counter, source by a hash of the client address. */
function udpBalancer(lb: EdgeLoadBalancer): string | null {
  if (lb.members.length === 0) return null;
  const pick = lb.algorithm === 'source' || lb.stickiness?.method === 'SourceBased' ? 'jhash ip saddr' : 'numgen inc';
  const map = set(lb.members.map((m, i) => `${i} : ${m.ip}`));
  return `iifname "eth1" ip daddr ${lb.publicIp} udp dport ${lb.publicPort} dnat to ${pick} mod ${lb.members.length} map ${map} : ${lb.privatePort}`;
}

/** The nftables ruleset of the router's edge; `publicIp` is the router's own (source NAT) public address. */
export function renderNft(spec: RouterEdgeSpec, publicIp: string): string {
  const publics = [publicIp, ...spec.extraIps.filter((ip) => ip !== publicIp)];
  const ingress = spec.ingress.map((r) => words(`ip daddr ${r.publicIp}`, r.cidrs.length ? `ip saddr ${set(r.cidrs)}` : '', l4(r), 'accept'));
  const natIn = [
    ...spec.portForwards.map(portForward),
    ...spec.loadBalancers.filter((lb) => lb.protocol === 'udp').map(udpBalancer).filter((x): x is string => !!x),
    ...spec.staticNat.map((s) => `iifname "eth1" ip daddr ${s.publicIp} dnat to ${s.vmIp}`),
  ];
  const natOut = spec.staticNat.map((s) => `oifname "eth1" ip saddr ${s.vmIp} snat to ${s.publicIp}`);
  const verdict = spec.egressDefaultAllow ? 'drop' : 'accept';
  const egress = spec.egress.map((r) => words('iifname "eth0" oifname "eth1"', `ip saddr ${set(r.cidrs.length ? r.cidrs : [spec.guestCidr])}`,
    r.destCidrs.length ? `ip daddr ${set(r.destCidrs)}` : '', l4(r), verdict));
  // Answers of connections already let through (port forwarding's replies too) pass before any egress rule.
  egress.unshift('iifname "eth0" oifname "eth1" ct state established,related accept');
  if (!spec.egressDefaultAllow) egress.push('iifname "eth0" oifname "eth1" drop');
  const chain = (name: string, hook: string, rules: string[]) => [`  chain ${name} {`, `    ${hook}`, ...rules.map((r) => `    ${r}`), '  }'];
  return [
    // Declared, deleted and declared again in one transaction: the whole table is replaced or nothing is.
    'table ip strata_edge', 'delete table ip strata_edge', 'table ip strata_edge {',
    ...chain('edge_in', 'type filter hook prerouting priority -150; policy accept;', [
      'iifname != "eth1" accept', `ip daddr != ${set(publics)} accept`, 'ct state established,related accept', ...ingress,
      `ip daddr ${set(publics)} drop`]),
    ...chain('nat_in', 'type nat hook prerouting priority dstnat; policy accept;', natIn),
    ...chain('nat_out', 'type nat hook postrouting priority 90; policy accept;', natOut),
    ...chain('edge_out', 'type filter hook forward priority filter; policy accept;', egress),
    '}', '',
  ].join('\n');
}

/** Stickiness in haproxy terms (SourceBased: a table of client addresses; cookies need HTTP mode). */
function stickiness(lb: EdgeLoadBalancer): string[] {
  const s = lb.stickiness;
  if (!s) return [];
  const p = s.params;
  if (s.method === 'SourceBased') {
    return [`stick-table type ip size ${p.tablesize ?? '200k'} expire ${p.expire ?? '30m'}`, 'stick on src'];
  }
  if (s.method === 'LbCookie') {
    return [`cookie ${p.cookiename ?? 'SRVID'} insert${p.indirect === 'false' ? '' : ' indirect'}${p.nocache === 'false' ? '' : ' nocache'}`];
  }
  return [`cookie ${p.cookiename ?? 'JSESSIONID'} prefix`];
}

/**
 * haproxy's configuration for the TCP rules; null when there is none (haproxy is then stopped). `statsSocket`: where
 * haproxy answers `show stat` (each member's health as its checks see it), read by routerLbHealth.
 */
export function renderHaproxy(spec: RouterEdgeSpec, statsSocket?: string): string | null {
  const tcp = spec.loadBalancers.filter((lb) => lb.protocol !== 'udp');
  if (tcp.length === 0) return null;
  const out = [
    // The pid file is given on the command line (-p); maxconn stays within a container's file limit.
    'global', '  maxconn 4096', ...(statsSocket ? [`  stats socket ${statsSocket} mode 600 level user`] : []),
    'defaults', '  mode tcp', '  timeout connect 5s', '  timeout client 60s', '  timeout server 60s', '',
  ];
  for (const lb of tcp) {
    const hc = lb.healthCheck;
    const http = lb.stickiness && lb.stickiness.method !== 'SourceBased';
    out.push(`listen lb-${lb.id}`, `  bind ${lb.publicIp}:${lb.publicPort}`, `  mode ${http ? 'http' : 'tcp'}`, `  balance ${lb.algorithm}`);
    out.push(...stickiness(lb).map((l) => `  ${l}`));
    if (lb.protocol === 'tcp-proxy') out.push('  # tcp-proxy: the PROXY protocol header goes to each VM');
    if (hc?.pingPath) out.push(`  option httpchk GET ${hc.pingPath}`);
    // Without a policy a plain TCP connect every 5 s: a dead VM still leaves the rotation.
    const check = `check inter ${hc?.intervalS ?? 5}s fall ${hc?.fall ?? 2} rise ${hc?.rise ?? 2}`;
    if (hc) out.push(`  timeout check ${hc.timeoutS}s`);
    for (const m of lb.members) {
      const cookie = http ? ` cookie ${m.vmId.slice(0, 8)}` : '';
      out.push(`  server vm-${m.vmId} ${m.ip}:${lb.privatePort} ${check}${cookie}${lb.protocol === 'tcp-proxy' ? ' send-proxy' : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}
