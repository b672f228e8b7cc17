// Primary storage pools and secondary storage (image stores).
import { useMemo, useState } from 'react';
import { useCan } from '../../app/client-context';
import { StateBadge } from '../../components/StateBadge';
import type { Column } from '../../components/DataTable';
import { InfraList } from './InfraList';
import { ParentFilters, StateFilter } from './ParentFilters';
import { poolActions, storeActions } from './infra-actions';
import { AddPrimaryDialog, AddSecondaryDialog } from './AddDialogs';
import { Meter } from './Meter';
import { bytes, ratio } from './format';
import { useInfraMessages } from './messages';
import type { ImageStore, StoragePool } from '../../../../core/contract/responses';

type Pool = StoragePool;
type Store = ImageStore;

const POOL_STATES = ['Up', 'Disabled', 'Maintenance', 'PrepareForMaintenance', 'ErrorInMaintenance'];

export function PrimaryStorageTab() {
  const m = useInfraMessages();
  const canAdd = useCan('createStoragePool');
  const [adding, setAdding] = useState(false);
  const columns = useMemo((): Column<Pool>[] => [
    { key: 'name', header: m.name, width: 'minmax(140px, 1.1fr)', render: (p) => <strong>{p.name}</strong> },
    { key: 'state', header: m.state, width: 110, render: (p) => <StateBadge state={p.state} /> },
    { key: 'scope', header: m.scope, width: 90, render: (p) => p.scope },
    { key: 'type', header: m.type, width: 'minmax(120px, .8fr)', render: (p) => p.type },
    { key: 'path', header: m.path, width: 'minmax(180px, 1.4fr)', render: (p) => <span title={p.path}>{p.ipaddress ? `${p.ipaddress}:` : ''}{p.path ?? '—'}</span> },
    { key: 'where', header: `${m.cluster} / ${m.zone}`, render: (p) => p.clustername ?? p.zonename },
    { key: 'alloc', header: `${m.capacity} (${m.allocated})`, width: 'minmax(190px, 1fr)', render: (p) => (
      <Meter value={ratio(p.disksizeallocated, p.disksizetotal)} text={bytes(p.disksizetotal)} />
    ) },
    { key: 'tags', header: m.tags, width: 100, render: (p) => p.tags ?? '—' },
  ], [m]);
  const actions = useMemo(() => poolActions(m), [m]);
  return (
    <>
      <InfraList<Pool> label={m.primary} command="listStoragePools" columns={columns} actions={actions}
        filterKeys={['zoneid', 'podid', 'clusterid', 'status']} nameOf={(p) => p.name}
        filters={<><ParentFilters levels={['zone', 'pod', 'cluster']} /><StateFilter label={m.state} queryKey="status" options={POOL_STATES} /></>}
        toolbar={canAdd && <button className="primary" onClick={() => setAdding(true)}>{m.addPrimary}</button>} />
      {adding && <AddPrimaryDialog onClose={() => setAdding(false)} />}
    </>
  );
}

export function SecondaryStorageTab() {
  const m = useInfraMessages();
  const canAdd = useCan('addImageStore');
  const [adding, setAdding] = useState(false);
  const columns = useMemo((): Column<Store>[] => [
    { key: 'name', header: m.name, width: 'minmax(160px, 1.1fr)', render: (s) => <strong>{s.name}</strong> },
    { key: 'proto', header: m.protocol, width: 90, render: (s) => s.protocol },
    { key: 'url', header: m.url, width: 'minmax(220px, 1.6fr)', render: (s) => <span title={s.url}>{s.url}</span> },
    { key: 'zone', header: m.zone, render: (s) => s.zonename ?? '—' },
    { key: 'provider', header: m.provider, width: 100, render: (s) => s.providername },
    { key: 'used', header: `${m.capacity} (${m.used})`, width: 'minmax(190px, 1fr)', render: (s) => (
      s.disksizetotal ? <Meter value={ratio(s.disksizeused, s.disksizetotal)} text={bytes(s.disksizetotal)} /> : '—'
    ) },
  ], [m]);
  const actions = useMemo(() => storeActions(m), [m]);
  return (
    <>
      <InfraList<Store> label={m.secondary} command="listImageStores" columns={columns} actions={actions}
        filterKeys={['zoneid']} nameOf={(s) => s.name} filters={<ParentFilters levels={['zone']} />}
        toolbar={canAdd && <button className="primary" onClick={() => setAdding(true)}>{m.addSecondary}</button>} />
      {adding && <AddSecondaryDialog onClose={() => setAdding(false)} />}
    </>
  );
}
