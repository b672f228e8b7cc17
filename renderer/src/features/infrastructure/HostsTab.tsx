// Hosts: filter by zone/pod/cluster and by agent and resource state; open a host for its details.
import { useMemo, useState } from 'react';
import { useCan } from '../../app/client-context';
import { StateBadge } from '../../components/StateBadge';
import type { Column } from '../../components/DataTable';
import { useRoute } from '../../state/route-store';
import { InfraList } from './InfraList';
import { ParentFilters, StateFilter } from './ParentFilters';
import { hostActions } from './infra-actions';
import { AddHostDialog } from './AddDialogs';
import { useIntent } from '../../app/intents';
import { Meter } from './Meter';
import { bytes, mhz, pctOf } from './format';
import { useInfraMessages } from './messages';
import { hostCpuPercent, hostMemoryPercent, rateColumns, usageColumns } from '../metrics/usage-columns';
import { useMetricsMessages } from '../metrics/messages';
import { CloudTrend } from '../metrics/CloudTrend';
import type { Host } from '../../../../core/contract/responses';

export type { Host };

// Routing hosts only (no storage/console-proxy hosts) and no per-host live stats: the list does not show them.
const BASE = { type: 'Routing', details: 'capacity' };
const HOST_STATES = ['Up', 'Alert', 'Disconnected', 'Down', 'Connecting', 'Error'];
const RESOURCE_STATES = ['Enabled', 'Disabled', 'Maintenance', 'PrepareForMaintenance', 'ErrorInMaintenance'];

export function HostsTab() {
  const m = useInfraMessages();
  const navigate = useRoute((s) => s.navigate);
  const canAdd = useCan('addHost');
  // The metrics variant adds what each host uses now (CPU %, memory) for the usage columns.
  const canMetrics = useCan('listHostsMetrics');
  // Filtered to one cluster (where a cluster's links lead): that cluster's usage over the day above its hosts.
  const clusterId = useRoute((s) => s.query.clusterid);
  const canTrend = useCan('listHostsUsageHistory');
  const mm = useMetricsMessages();
  const [adding, setAdding] = useState(false);
  useIntent('add', canAdd, () => setAdding(true));
  const columns = useMemo((): Column<Host>[] => [
    { key: 'name', header: m.name, width: 'minmax(140px, 1.2fr)', render: (h) => <strong>{h.name}</strong> },
    { key: 'state', header: m.state, width: 120, render: (h) => <StateBadge state={h.state} /> },
    // Use now, beside the state (at 1024 px the allocation meters and later columns need a scroll).
    ...(canMetrics ? usageColumns<Host>({ cpu: mm.cpuPct, memory: mm.memPct }, hostCpuPercent, hostMemoryPercent) : []),
    ...(canMetrics ? rateColumns<Host>({ disk: mm.diskRate, network: mm.networkRate, read: mm.read, write: mm.write }, (h) => h.state === 'Up') : []),
    { key: 'rstate', header: m.resourceState, width: 130, render: (h) => <StateBadge state={h.resourcestate} /> },
    { key: 'hv', header: m.hypervisor, width: 100, render: (h) => h.hypervisor },
    { key: 'cluster', header: m.cluster, render: (h) => <span title={`${h.zonename} / ${h.podname}`}>{h.clustername}</span> },
    { key: 'cpu', header: m.cpu, width: 'minmax(170px, 1fr)', render: (h) => (
      <Meter value={pctOf(h.cpuallocatedpercentage)} text={`${h.cpunumber ?? '?'} × ${mhz(h.cpuspeed)}`} />
    ) },
    { key: 'mem', header: m.memory, width: 'minmax(170px, 1fr)', render: (h) => (
      <Meter value={pctOf(h.memoryallocatedpercentage)} text={bytes(h.memorytotal)} />
    ) },
    { key: 'ip', header: m.ip, render: (h) => h.ipaddress ?? '—' },
  ], [m, mm, canMetrics]);
  const actions = useMemo(() => hostActions(m, true), [m]);
  return (
    <>
      {clusterId && canTrend && <CloudTrend clusterId={clusterId} />}
      <InfraList<Host> label={m.hosts} command={canMetrics ? 'listHostsMetrics' : 'listHosts'} baseParams={BASE} columns={columns} actions={actions}
        filterKeys={['zoneid', 'podid', 'clusterid', 'state', 'resourcestate']} nameOf={(h) => h.name}
        onOpen={(h) => navigate(['infrastructure', 'hosts', h.id])}
        sortKeys={canMetrics ? ['cpuused', 'memoryused', 'diskrate', 'networkrate'] : undefined}
        filters={<>
          <ParentFilters levels={['zone', 'pod', 'cluster']} />
          <StateFilter label={m.state} queryKey="state" options={HOST_STATES} />
          <StateFilter label={m.resourceState} queryKey="resourcestate" options={RESOURCE_STATES} />
        </>}
        toolbar={canAdd && <button className="primary" onClick={() => setAdding(true)}>{m.addHost}</button>} />
      {adding && <AddHostDialog onClose={() => setAdding(false)} />}
    </>
  );
}
