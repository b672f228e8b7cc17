// The network's rules as its router must hold them (RouterEdgeSpec), read from the database every time: a rule
// change, a router start or restart and a new router all apply the same complete set.
import type { Services } from '../../kernel/services';
import type { EdgeLoadBalancer, EdgeMatch, RouterEdgeSpec } from '../../hypervisors/driver';
import type { RuleRow } from './edge-common';

const LIVE = ['Add', 'Active'];
const list = (s: string | null) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
const opt = (n: number | null) => (n === null ? undefined : n);
const matchOf = (r: RuleRow): EdgeMatch => ({ protocol: r.protocol, startPort: opt(r.start_port), endPort: opt(r.end_port),
  icmpType: opt(r.icmp_type), icmpCode: opt(r.icmp_code) });

export async function edgeSpecOf(svc: Pick<Services, 'db'>, n: { id: string; cidr: string | null; network_offering_id: string }): Promise<RouterEdgeSpec> {
  const db = svc.db;
  const [ips, rules, offering] = await Promise.all([
    db.selectFrom('public_ips').select(['id', 'ip_address', 'is_source_nat', 'vm_ip']).where('network_id', '=', n.id).execute(),
    db.selectFrom('edge_rules').selectAll().where('network_id', '=', n.id).where('state', 'in', LIVE).orderBy('created').orderBy('id').execute(),
    db.selectFrom('network_offerings').select('egress_default_policy').where('id', '=', n.network_offering_id).executeTakeFirst(),
  ]);
  const ipOf = new Map(ips.map((i) => [i.id, i.ip_address]));
  const lbRules = rules.filter((r) => r.purpose === 'LoadBalancing');
  const lbIds = lbRules.map((r) => r.id);
  const [members, policies] = lbIds.length ? await Promise.all([
    db.selectFrom('lb_members').select(['rule_id', 'vm_id', 'vm_ip']).where('rule_id', 'in', lbIds).orderBy('created').orderBy('vm_id').execute(),
    db.selectFrom('lb_policies').selectAll().where('rule_id', 'in', lbIds).where('state', 'in', LIVE).execute(),
  ]) : [[], []];
  const loadBalancers: EdgeLoadBalancer[] = lbRules.map((r) => {
    const stick = policies.find((p) => p.rule_id === r.id && p.kind === 'Stickiness');
    const hc = policies.find((p) => p.rule_id === r.id && p.kind === 'HealthCheck');
    const hcp = hc ? JSON.parse(hc.params) as { pingpath?: string; interval: number; timeout: number; healthy: number; unhealthy: number } : undefined;
    return {
      id: r.id, publicIp: ipOf.get(r.ip_id!) ?? '', publicPort: r.start_port!, privatePort: r.private_port!, protocol: r.protocol,
      algorithm: r.algorithm ?? 'roundrobin',
      stickiness: stick ? { method: stick.method!, params: JSON.parse(stick.params) as Record<string, string> } : undefined,
      healthCheck: hcp ? { pingPath: hcp.pingpath, intervalS: hcp.interval, timeoutS: hcp.timeout, rise: hcp.healthy, fall: hcp.unhealthy } : undefined,
      members: members.filter((m) => m.rule_id === r.id).map((m) => ({ vmId: m.vm_id, ip: m.vm_ip })),
    };
  });
  return {
    extraIps: ips.filter((i) => !i.is_source_nat).map((i) => i.ip_address),
    guestCidr: n.cidr ?? '0.0.0.0/0',
    staticNat: ips.filter((i) => i.vm_ip).map((i) => ({ publicIp: i.ip_address, vmIp: i.vm_ip! })),
    ingress: rules.filter((r) => r.purpose === 'Firewall' && r.traffic_type === 'Ingress' && r.ip_id)
      .map((r) => ({ ...matchOf(r), publicIp: ipOf.get(r.ip_id!) ?? '', cidrs: list(r.cidr_list) })),
    egressDefaultAllow: (offering?.egress_default_policy ?? 1) === 1,
    egress: rules.filter((r) => r.purpose === 'Firewall' && r.traffic_type === 'Egress')
      .map((r) => ({ ...matchOf(r), cidrs: list(r.cidr_list), destCidrs: list(r.dest_cidr_list) })),
    portForwards: rules.filter((r) => r.purpose === 'PortForwarding').map((r) => ({
      publicIp: ipOf.get(r.ip_id!) ?? '', protocol: r.protocol, publicPort: r.start_port!, publicEndPort: r.end_port ?? r.start_port!,
      vmIp: r.vm_ip!, privatePort: r.private_port!, privateEndPort: r.private_end_port ?? r.private_port!,
    })),
    loadBalancers,
  };
}
