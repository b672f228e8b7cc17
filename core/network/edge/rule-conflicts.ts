// CloudStack's rule conflict check (its FirewallManager.detectRulesConflict), made safe across management servers.
// - Port forwarding and load balancer rules claim their public ports in edge_port_claims, one row per port under the
//   (address, protocol, port) key, so the database refuses an overlapping range whichever server inserts it. A load
//   balancer rule claims its port for tcp and udp alike: CloudStack lets only two port forwarding rules of different
//   protocols share a port.
// - Firewall rules may share ports when their source CIDRs differ, which no key can say: a new one is checked against
//   the live firewall rules of its address (ingress) or network (egress) inside a transaction that first locks that
//   address's or network's row, so two servers adding rules to one address take turns.
import type { Insertable, Transaction } from 'kysely';
import type { Services } from '../../kernel/services';
import type { Database, EdgeRuleTable } from '../../db/schema';
import { invalidParam } from '../../kernel/errors';
import { isUniqueViolation } from '../../db/unique';
import { conflict, type RuleRow } from './edge-common';

type FirewallCols = Pick<RuleRow, 'id' | 'protocol' | 'start_port' | 'end_port' | 'icmp_type' | 'icmp_code' | 'cidr_list' | 'traffic_type'>;

/** The source CIDRs a rule applies to (an ingress rule without a list is open to 0.0.0.0/0, as CloudStack stores it). */
const cidrsOf = (r: Pick<RuleRow, 'cidr_list' | 'traffic_type'>) =>
  r.cidr_list ? r.cidr_list.split(',').map((c) => c.trim()).filter(Boolean) : r.traffic_type === 'Ingress' ? ['0.0.0.0/0'] : [];

/** CloudStack's "conflicting CIDRs": both lists empty, or one CIDR in both. */
function sharesCidr(a: string[], b: string[]): boolean {
  if (a.length === 0 && b.length === 0) return true;
  const in1 = new Set(a);
  return b.some((c) => in1.has(c));
}

/** Why a new firewall rule may not join the existing ones (null: it may). */
export function firewallConflict(existing: FirewallCols[], n: FirewallCols): Error | null {
  for (const r of existing) {
    if (r.id === n.id || r.protocol !== n.protocol || !sharesCidr(cidrsOf(r), cidrsOf(n))) continue;
    if (n.protocol === 'icmp') {
      if (r.icmp_type === n.icmp_type && r.icmp_code === n.icmp_code) return invalidParam(`New rule conflicts with existing rule id=${r.id}`);
      continue;
    }
    if (r.start_port === null && n.start_port === null) {
      return conflict(`There is already a firewall rule specified with protocol = ${n.protocol} and no ports`);
    }
    if (r.start_port === null || n.start_port === null) continue;
    const [rs, re, ns, ne] = [r.start_port, r.end_port ?? r.start_port, n.start_port, n.end_port ?? n.start_port];
    if (rs <= ne && ns <= re) return conflict(`The range specified, ${ns}-${ne}, conflicts with rule ${r.id} which has ${rs}-${re}`);
  }
  return null;
}

/** Takes the row lock of the address (or, for egress rules, the network) the rules hang on, until the transaction ends. */
async function lockOwner(trx: Transaction<Database>, row: Insertable<EdgeRuleTable>): Promise<void> {
  // A no-op UPDATE still takes InnoDB's row lock; on SQLite the transaction holds the database's write lock.
  if (row.ip_id) await trx.updateTable('public_ips').set((eb) => ({ state: eb.ref('state') })).where('id', '=', row.ip_id).execute();
  else await trx.updateTable('networks').set((eb) => ({ state: eb.ref('state') })).where('id', '=', row.network_id).execute();
}

/** Inserts firewall rules after CloudStack's conflict check, each against the live rules of its address or network. */
export async function insertFirewallRules(svc: Services, rows: Insertable<EdgeRuleTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await svc.db.transaction().execute(async (trx) => {
    await lockOwner(trx, rows[0]);
    for (const row of rows) {
      let q = trx.selectFrom('edge_rules').select(['id', 'protocol', 'start_port', 'end_port', 'icmp_type', 'icmp_code', 'cidr_list', 'traffic_type'])
        .where('purpose', '=', 'Firewall').where('traffic_type', '=', row.traffic_type).where('state', '!=', 'Revoke');
      q = row.ip_id ? q.where('ip_id', '=', row.ip_id) : q.where('network_id', '=', row.network_id).where('ip_id', 'is', null);
      const n = { id: row.id, protocol: row.protocol, start_port: row.start_port ?? null, end_port: row.end_port ?? null, icmp_type: row.icmp_type ?? null,
        icmp_code: row.icmp_code ?? null, cidr_list: row.cidr_list ?? null, traffic_type: row.traffic_type };
      const why = firewallConflict(await q.execute(), n);
      if (why) throw why;
      await trx.insertInto('edge_rules').values(row).execute();
    }
  });
}

/** The protocols whose ports a rule claims: a load balancer rule's port is its own for every protocol. */
export const claimedProtocols = (purpose: string, protocol: string) =>
  (purpose === 'LoadBalancing' ? ['tcp', 'udp'] : [protocol === 'tcp-proxy' ? 'tcp' : protocol]);

/**
 * Claims public ports of an address for a rule, one row per port and protocol: the database refuses a second claim
 * on any port of the range, whichever management server makes it; the error names the rule holding it.
 */
export async function claimPorts(svc: Services, ipId: string, protocols: string[], start: number, end: number, ruleId: string): Promise<void> {
  const rows = protocols.flatMap((protocol) => Array.from({ length: end - start + 1 }, (_, i) => ({ ip_id: ipId, protocol, port: start + i, rule_id: ruleId })));
  try {
    await svc.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) await trx.insertInto('edge_port_claims').values(rows.slice(i, i + 500)).execute();
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const other = await svc.db.selectFrom('edge_port_claims as c').leftJoin('edge_rules as r', 'r.id', 'c.rule_id')
      .select(['c.rule_id', 'c.port', 'r.start_port', 'r.end_port']).where('c.ip_id', '=', ipId).where('c.protocol', 'in', protocols)
      .where('c.port', '>=', start).where('c.port', '<=', end).where('c.rule_id', '!=', ruleId).executeTakeFirst();
    const has = other ? `${other.start_port ?? other.port}-${other.end_port ?? other.port}` : `${start}-${end}`;
    throw conflict(`The range specified, ${start}-${end}, conflicts with rule ${other?.rule_id ?? 'of another request'} which has ${has}`);
  }
}
