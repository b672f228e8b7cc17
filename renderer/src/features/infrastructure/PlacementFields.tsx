// Zone > pod > cluster pickers for the add dialogs: each list is narrowed by the choice above and defaults to
// its first entry (or to the filter the operator was already looking at).
import { useEffect } from 'react';
import { useList } from '../../api/hooks';
import { SelectField } from './form';
import { useInfraMessages } from './messages';
import type { Cluster } from '../../../../core/contract/responses';

export interface Placement { zoneid: string; podid: string; clusterid: string }
type Item = Pick<Cluster, 'id' | 'name' | 'hypervisortype'>;

const ALL = { page: 1, pagesize: 500 };

export function usePlacementLists(p: Placement, levels: { pod: boolean; cluster: boolean }) {
  const zones = useList('listZones', ALL);
  const pods = useList('listPods', { ...ALL, zoneid: p.zoneid }, { enabled: levels.pod && !!p.zoneid });
  const clusters = useList('listClusters', { ...ALL, podid: p.podid }, { enabled: levels.cluster && !!p.podid });
  return { zones: zones.data?.items ?? [], pods: pods.data?.items ?? [], clusters: clusters.data?.items ?? [] };
}

export function PlacementFields({ value, onChange, pod = true, cluster = true }: {
  value: Placement; onChange(p: Placement): void; pod?: boolean; cluster?: boolean;
}) {
  const m = useInfraMessages();
  const { zones, pods, clusters } = usePlacementLists(value, { pod, cluster });
  // Fill empty (or no longer valid) choices with the first option once the lists arrive.
  useEffect(() => {
    const next = { ...value };
    if (zones.length && !zones.some((z) => z.id === next.zoneid)) next.zoneid = zones[0].id;
    if (pod && pods.length && !pods.some((x) => x.id === next.podid)) next.podid = pods[0].id;
    if (cluster && clusters.length && !clusters.some((x) => x.id === next.clusterid)) next.clusterid = clusters[0].id;
    if (next.zoneid !== value.zoneid || next.podid !== value.podid || next.clusterid !== value.clusterid) onChange(next);
  }, [zones, pods, clusters, value, onChange, pod, cluster]);
  const opts = (items: Item[], none: string): [string, string][] => (items.length ? items.map((i) => [i.id, i.name]) : [['', none]]);
  return (
    <div className="infra-row">
      <SelectField label={m.zone} value={value.zoneid} options={opts(zones, '—')} required
        onChange={(zoneid) => onChange({ zoneid, podid: '', clusterid: '' })} />
      {pod && <SelectField label={m.pod} value={value.podid} options={opts(pods, m.noPods)} required
        onChange={(podid) => onChange({ ...value, podid, clusterid: '' })} />}
      {cluster && <SelectField label={m.cluster} value={value.clusterid} options={opts(clusters, m.noClusters)} required
        onChange={(clusterid) => onChange({ ...value, clusterid })} />}
    </div>
  );
}
