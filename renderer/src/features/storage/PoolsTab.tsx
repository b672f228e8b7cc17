// Primary storage pools, read-only (administrators): used and allocated capacity as meters, where they sit,
// and a link to the volumes they hold. Managing pools belongs to the infrastructure area.
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { StateBadge } from '../../components/StateBadge';
import { Properties } from '../../components/Page';
import { useRoute, hrefOf } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { ListFrame, DetailPane } from '../../components/kit/ListFrame';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { Meter } from '../../components/kit/Widgets';
import { formatBytes, percent } from '../../components/kit/format';
import { useStorageMessages } from './messages';
import type { StoragePool } from './types';
import { When } from '../../components/kit/When';

const poolId = (p: StoragePool) => p.id;

/** Allocation may exceed raw capacity by the over-provisioning factor, so it is measured against that. */
function allocatable(p: StoragePool): number {
  const factor = Number(p.overprovisionfactor ?? '1') || 1;
  return (p.disksizetotal ?? 0) * factor;
}

function UsedMeter({ p }: { p: StoragePool }) {
  const m = useStorageMessages();
  return <Meter label={`${m.used} ${p.name}`} value={percent(p.disksizeused, p.disksizetotal)}
    text={`${Math.round(percent(p.disksizeused, p.disksizetotal))}% · ${fmt(m.usedOf, { used: formatBytes(p.disksizeused), total: formatBytes(p.disksizetotal) })}`} />;
}

function AllocatedMeter({ p }: { p: StoragePool }) {
  const m = useStorageMessages();
  return <Meter label={`${m.allocated} ${p.name}`} value={percent(p.disksizeallocated, allocatable(p))}
    text={`${Math.round(percent(p.disksizeallocated, allocatable(p)))}% · ${fmt(m.usedOf, { used: formatBytes(p.disksizeallocated), total: formatBytes(allocatable(p)) })}`} />;
}

export function PoolsTab({ openId }: { openId?: string }) {
  const m = useStorageMessages();
  const { query, navigate } = useRoute();
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const list = usePagedList('listStoragePools', { keyword: kw }, poolId);
  const columns = useMemo((): Column<StoragePool>[] => [
    { key: 'name', header: m.name, width: 'minmax(140px, 1fr)', render: (p) => <strong>{p.name}</strong> },
    { key: 'state', header: m.state, width: 100, render: (p) => <StateBadge state={p.state} /> },
    { key: 'scope', header: m.scope, width: 90, render: (p) => p.scope ?? '—' },
    { key: 'where', header: m.cluster, width: 'minmax(120px, 1fr)', render: (p) => p.clustername ?? p.zonename ?? '—' },
    { key: 'type', header: m.type, width: 140, render: (p) => p.type ?? '—' },
    { key: 'used', header: m.used, width: 'minmax(220px, 1.4fr)', render: (p) => <UsedMeter p={p} /> },
    { key: 'allocated', header: m.allocated, width: 'minmax(220px, 1.4fr)', render: (p) => <AllocatedMeter p={p} /> },
  ], [m]);
  return (
    <ListFrame<StoragePool>
      label={m.pools}
      list={list}
      columns={columns}
      keyword={{ value: keyword, onChange: setKeyword }}
      onOpen={(p) => navigate(['storage', 'pools', p.id], query)}
      detail={openId && <PoolDetail id={openId} onClose={() => navigate(['storage', 'pools'], query)} />}
    />
  );
}

function PoolDetail({ id, onClose }: { id: string; onClose(): void }) {
  const m = useStorageMessages();
  const { item: p, loading, error } = useOne('listStoragePools', { id });
  if (!p) return <PendingPane loading={loading} error={error} onClose={onClose} />;
  return (
    <DetailPane title={p.name} states={[p.state]} onClose={onClose}>
      <div><h3>{m.used}</h3><UsedMeter p={p} /></div>
      <div><h3>{m.allocated}</h3><AllocatedMeter p={p} /><p className="field-hint">{m.allocatedNote}</p></div>
      <Properties rows={[
        [m.state, <StateBadge state={p.state} />],
        [m.scope, p.scope ?? '—'],
        [m.zone, p.zonename ?? '—'],
        [m.pod, p.podname ?? '—'],
        [m.cluster, p.clustername ?? '—'],
        [m.hypervisor, p.hypervisor ?? '—'],
        [m.type, p.type ?? '—'],
        [m.address, p.ipaddress ?? '—'],
        [m.path, <span className="kit-mono">{p.path ?? '—'}</span>],
        [m.total, formatBytes(p.disksizetotal)],
        [m.overprovision, p.overprovisionfactor ?? '—'],
        [m.created, <When value={p.created} />],
      ]} />
      <a className="kit-link" href={hrefOf(['storage', 'volumes'], { storageid: p.id, for: p.name })}>{m.volumesOnPool} →</a>
    </DetailPane>
  );
}
