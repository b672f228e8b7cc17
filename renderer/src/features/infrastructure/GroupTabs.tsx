// Zones, pods and clusters: the grouping levels. Opening a row drills down to its children's tab, filtered.
import { useMemo } from 'react';
import { useCan } from '../../app/client-context';
import { StateBadge } from '../../components/StateBadge';
import type { Column } from '../../components/DataTable';
import { useRoute } from '../../state/route-store';
import { InfraList } from './InfraList';
import { ParentFilters, StateFilter } from './ParentFilters';
import { allocationActions } from './infra-actions';
import { useInfraMessages } from './messages';
import type { Cluster, Pod, Zone } from '../../../../core/contract/responses';

const ALLOCATION = ['Enabled', 'Disabled'];

export function ZonesTab() {
  const m = useInfraMessages();
  const navigate = useRoute((s) => s.navigate);
  const canCreate = useCan('createZone');
  const columns = useMemo((): Column<Zone>[] => [
    { key: 'name', header: m.name, width: 'minmax(160px, 1.4fr)', render: (z) => <strong>{z.name}</strong> },
    { key: 'alloc', header: m.allocation, width: 120, render: (z) => <StateBadge state={z.allocationstate} /> },
    { key: 'net', header: m.networkType, width: 120, render: (z) => z.networktype },
    { key: 'dns', header: m.dns, render: (z) => z.dns1 ?? '—' },
    { key: 'idns', header: m.internalDns, render: (z) => z.internaldns1 ?? '—' },
    { key: 'cidr', header: m.guestCidr, render: (z) => z.guestcidraddress ?? '—' },
  ], [m]);
  const actions = useMemo(() => allocationActions<Zone>(m, 'Zone'), [m]);
  return (
    <InfraList<Zone> label={m.zones} command="listZones" filterKeys={[]} columns={columns} actions={actions}
      nameOf={(z) => z.name} onOpen={(z) => navigate(['infrastructure', 'pods'], { zoneid: z.id })}
      toolbar={canCreate && <button className="primary" onClick={() => navigate(['infrastructure', 'zones', 'wizard'])}>{m.addZone}</button>} />
  );
}

export function PodsTab() {
  const m = useInfraMessages();
  const navigate = useRoute((s) => s.navigate);
  const columns = useMemo((): Column<Pod>[] => [
    { key: 'name', header: m.name, width: 'minmax(140px, 1.2fr)', render: (p) => <strong>{p.name}</strong> },
    { key: 'alloc', header: m.allocation, width: 120, render: (p) => <StateBadge state={p.allocationstate} /> },
    { key: 'zone', header: m.zone, render: (p) => p.zonename },
    { key: 'gw', header: m.gateway, render: (p) => p.gateway ?? '—' },
    { key: 'mask', header: m.netmask, render: (p) => p.netmask ?? '—' },
    { key: 'range', header: m.ipRange, width: 'minmax(200px, 1.4fr)', render: (p) => (p.startip?.length ? `${p.startip[0]} – ${p.endip?.[0] ?? ''}` : '—') },
  ], [m]);
  const actions = useMemo(() => allocationActions<Pod>(m, 'Pod'), [m]);
  return (
    <InfraList<Pod> label={m.pods} command="listPods" filterKeys={['zoneid', 'allocationstate']} columns={columns}
      actions={actions} nameOf={(p) => p.name} onOpen={(p) => navigate(['infrastructure', 'clusters'], { zoneid: p.zoneid, podid: p.id })}
      filters={<><ParentFilters levels={['zone']} /><StateFilter label={m.allocation} queryKey="allocationstate" options={ALLOCATION} /></>} />
  );
}

export function ClustersTab() {
  const m = useInfraMessages();
  const navigate = useRoute((s) => s.navigate);
  const columns = useMemo((): Column<Cluster>[] => [
    { key: 'name', header: m.name, width: 'minmax(140px, 1.2fr)', render: (c) => <strong>{c.name}</strong> },
    { key: 'alloc', header: m.allocation, width: 120, render: (c) => <StateBadge state={c.allocationstate} /> },
    { key: 'hv', header: m.hypervisor, width: 120, render: (c) => c.hypervisortype },
    { key: 'pod', header: m.pod, render: (c) => c.podname },
    { key: 'zone', header: m.zone, render: (c) => c.zonename },
    { key: 'managed', header: m.managed, width: 110, render: (c) => c.managedstate },
    { key: 'oc', header: m.overcommit, render: (c) => `${c.cpuovercommitratio ?? '1'} / ${c.memoryovercommitratio ?? '1'}` },
  ], [m]);
  const actions = useMemo(() => allocationActions<Cluster>(m, 'Cluster'), [m]);
  return (
    <InfraList<Cluster> label={m.clusters} command="listClusters" filterKeys={['zoneid', 'podid', 'allocationstate']}
      columns={columns} actions={actions} nameOf={(c) => c.name}
      onOpen={(c) => navigate(['infrastructure', 'hosts'], { zoneid: c.zoneid, podid: c.podid, clusterid: c.id })}
      filters={<><ParentFilters levels={['zone', 'pod']} /><StateFilter label={m.allocation} queryKey="allocationstate" options={ALLOCATION} /></>} />
  );
}
