// The health of load balancer members (listLoadBalancerRuleInstances' servicestate), read from the network's router:
// its haproxy's own checks, through the router host's driver (the agent on a remote host). The reading is kept in
// lb_members with its time, so all management servers answer from the same one and the router is asked again only
// when it is older than FRESH_MS (one stats read covers every rule of the network). A reading older than STALE_MS
// (the router does not answer) is not shown: no state rather than an old one.
import type { Services } from '../../kernel/services';
import { driverFor } from '../../orchestration/vm/infra';
import { settingFlag } from '../../kernel/settings';

const FRESH_MS = 2_000;
const STALE_MS = 60_000;
const READ_TIMEOUT_MS = 3_000;

/** haproxy's status as CloudStack's service state: UP or DOWN ("UP 1/2" is still in rotation, "DOWN 1/2" not yet). */
export function serviceStateOf(status: string): string {
  const s = status.trim().toUpperCase();
  if (s.startsWith('UP')) return 'UP';
  if (s.startsWith('DOWN') || s === 'MAINT' || s.startsWith('NOLB')) return 'DOWN';
  return s;
}

async function readRouter(svc: Services, networkId: string) {
  if (!(await settingFlag(svc, 'network.kvm.datapath'))) return null;
  const router = await svc.db.selectFrom('routers').select(['host_id']).where('network_id', '=', networkId).where('removed', 'is', null)
    .where('state', '=', 'Running').executeTakeFirst();
  if (!router?.host_id) return null;
  const driver = await driverFor(svc, router.host_id).catch(() => null);
  if (!driver?.routerLbHealth) return null;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), READ_TIMEOUT_MS); });
  return Promise.race([driver.routerLbHealth(router.host_id, networkId).catch(() => null), late]).finally(() => clearTimeout(timer));
}

/** The service state of each member (VM id) of a rule; members without a fresh enough reading are left out. */
export async function memberStates(svc: Services, rule: { id: string; network_id: string; protocol: string }): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (rule.protocol === 'udp') return out; // balanced in nftables: no checks
  const rows = () => svc.db.selectFrom('lb_members').select(['vm_id', 'service_state', 'service_state_at']).where('rule_id', '=', rule.id).execute();
  let members = await rows();
  const now = svc.clock.now();
  if (members.some((m) => m.service_state_at === null || now - Number(m.service_state_at) > FRESH_MS)) {
    const read = await readRouter(svc, rule.network_id);
    if (read) {
      const at = svc.clock.now();
      for (const h of read) {
        await svc.db.updateTable('lb_members').set({ service_state: serviceStateOf(h.status), service_state_at: at })
          .where('rule_id', '=', h.ruleId).where('vm_id', '=', h.vmId).execute();
      }
      members = await rows();
    }
  }
  for (const m of members) {
    if (m.service_state && m.service_state_at !== null && now - Number(m.service_state_at) <= STALE_MS) out.set(m.vm_id, m.service_state);
  }
  return out;
}
