// Zone > pod > cluster filter selects, bound to the route query. Choosing a parent clears its children, and each
// list is narrowed by the parent above it, so the operator walks the hierarchy the way the API nests it.
import { useList } from '../../api/hooks';
import { useInfraMessages } from './messages';
import { useListQuery } from './InfraList';
import { FilterSelect } from '../../components/kit/Widgets';
import { useStateLabel } from '../../i18n/glossary';

type Level = 'zone' | 'pod' | 'cluster';
const ALL = { page: 1, pagesize: 500 };

export function ParentFilters({ levels }: { levels: Level[] }) {
  const m = useInfraMessages();
  const [q, set] = useListQuery();
  const zones = useList('listZones', ALL);
  const pods = useList('listPods', { ...ALL, zoneid: q.zoneid }, { enabled: levels.includes('pod') });
  const clusters = useList('listClusters', { ...ALL, zoneid: q.zoneid, podid: q.podid }, { enabled: levels.includes('cluster') });
  const select = (label: string, all: string, value: string | undefined, items: { id: string; name: string }[] | undefined, onChange: (v: string) => void) => (
    <FilterSelect label={label} value={value ?? ''} onChange={onChange}
      options={[['', all], ...(items ?? []).map((i): [string, string] => [i.id, i.name])]} />
  );
  return (
    <>
      {levels.includes('zone') && select(m.zone, m.allZones, q.zoneid, zones.data?.items, (v) => set({ zoneid: v, podid: '', clusterid: '' }))}
      {levels.includes('pod') && select(m.pod, m.allPods, q.podid, pods.data?.items, (v) => set({ podid: v, clusterid: '' }))}
      {levels.includes('cluster') && select(m.cluster, m.allClusters, q.clusterid, clusters.data?.items, (v) => set({ clusterid: v }))}
    </>
  );
}

/** A state filter select bound to one route query key. */
export function StateFilter({ label, queryKey, options }: { label: string; queryKey: string; options: string[] }) {
  const m = useInfraMessages();
  const stateLabel = useStateLabel();
  const [q, set] = useListQuery();
  return (
    <FilterSelect label={label} value={q[queryKey] ?? ''} onChange={(v) => set({ [queryKey]: v })}
      options={[['', m.anyState], ...options.map((o): [string, string] => [o, stateLabel(o)])]} />
  );
}
