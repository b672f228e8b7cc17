// Capacity alerts from CloudStack's `*.notificationthreshold` settings (default 0.75, kernel/settings.ts): each cluster's allocated
// CPU and memory and its pools' used and allocated storage, and each zone's secondary storage. An alert of the
// capacity's type is raised once when a figure crosses its threshold, and cleared (archived) when it falls back
// below, so an operator sees one open alert per problem. The open alert lives in the database, so any management
// server running this check agrees on it.
import type { Services } from '../kernel/services';
import { computeCapacities, CapacityType, type Capacity } from '../infrastructure/capacity';
import type { MetricsStore } from './store';
import { settingNumber, type SettingName } from '../kernel/settings';

const CLUSTER_RULES: Record<number, { setting: SettingName; name: string; what: string }> = {
  [CapacityType.Cpu]: { setting: 'cluster.cpu.allocated.capacity.notificationthreshold', name: 'ALERT.CPU', what: 'allocated CPU' },
  [CapacityType.Memory]: { setting: 'cluster.memory.allocated.capacity.notificationthreshold', name: 'ALERT.MEMORY', what: 'allocated memory' },
  [CapacityType.Storage]: { setting: 'pool.storage.capacity.notificationthreshold', name: 'ALERT.STORAGE', what: 'used primary storage' },
  [CapacityType.StorageAllocated]: { setting: 'pool.storage.allocated.capacity.notificationthreshold', name: 'ALERT.STORAGE.ALLOCATED', what: 'allocated primary storage' },
};
const ZONE_RULES: Record<number, { setting: SettingName; name: string; what: string }> = {
  [CapacityType.SecondaryStorage]: { setting: 'zone.secstorage.capacity.notificationthreshold', name: 'ALERT.SECONDARY.STORAGE', what: 'used secondary storage' },
};

export interface AlertChange { raised: string[]; cleared: string[] }

/** Raises and clears capacity alerts; returns what changed (tests read it). */
export async function checkUsageAlerts(svc: Services, _store?: MetricsStore): Promise<AlertChange> {
  const change: AlertChange = { raised: [], cleared: [] };
  const clusters = await computeCapacities(svc.db, { level: 'cluster' });
  const zones = await computeCapacities(svc.db, { level: 'zone', type: CapacityType.SecondaryStorage });
  for (const [caps, rules, level] of [[clusters, CLUSTER_RULES, 'cluster'], [zones, ZONE_RULES, 'zone']] as const) {
    for (const c of caps) {
      const rule = rules[c.type];
      if (!rule || c.capacitytotal <= 0) continue;
      // A cluster's own threshold (cluster.*) or its zone's (pool.*, zone.*), else the global one.
      const limit = await settingNumber(svc, rule.setting, { cluster: c.clusterid ?? undefined, zone: c.zoneid });
      await reconcile(svc, c, rule, level, c.capacityused / c.capacitytotal >= limit, limit, change);
    }
  }
  return change;
}

async function reconcile(svc: Services, c: Capacity, rule: { name: string; what: string }, level: 'cluster' | 'zone',
  over: boolean, limit: number, change: AlertChange): Promise<void> {
  let q = svc.db.selectFrom('alerts').select('id').where('type', '=', c.type).where('name', '=', rule.name)
    .where('archived', '=', 0).where('zone_id', '=', c.zoneid);
  q = level === 'cluster' ? q.where('cluster_id', '=', c.clusterid ?? '') : q.where('cluster_id', 'is', null);
  const open = await q.execute();
  const where = level === 'cluster' ? `cluster ${c.clustername ?? c.clusterid} pod ${c.podname ?? c.podid} of availability zone ${c.zonename ?? c.zoneid}`
    : `availability zone ${c.zonename ?? c.zoneid}`;
  if (over && open.length === 0) {
    const pct = ((c.capacityused / c.capacitytotal) * 100).toFixed(2);
    await svc.events.alert({ type: c.type, name: rule.name, zoneId: c.zoneid, podId: c.podid, clusterId: c.clusterid,
      description: `System Alert: Low available ${rule.what.replace(/^(allocated|used) /, '')} in ${where}: ${rule.what} is at ${pct}% (threshold ${(limit * 100).toFixed(0)}%)` });
    change.raised.push(`${rule.name}:${c.clusterid ?? c.zoneid}`);
  } else if (!over && open.length > 0) {
    await svc.db.updateTable('alerts').set({ archived: 1 }).where('id', 'in', open.map((a) => a.id)).execute();
    change.cleared.push(`${rule.name}:${c.clusterid ?? c.zoneid}`);
  }
}
