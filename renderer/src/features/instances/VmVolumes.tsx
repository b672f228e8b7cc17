// The VM's volumes (root and data disks) with their actions (snapshot, detach), attaching a free data volume, and
// the snapshots of all its volumes (listSnapshots is asked per volume: a VM has a handful).
import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { useAction, useList } from '../../api/hooks';
import { useCan, useCloud } from '../../app/client-context';
import { ActionBar } from '../../components/actions';
import { DataTable, type Column } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Card } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { fmt } from '../../i18n/messages';
import { Choices } from './Choices';
import { useInstMessages } from './messages';
import { formatBytes, type Snapshot, type Vm, type Volume } from './vm';
import { volumeActions } from './vm-actions';
import { dateColumn } from '../../components/kit/When';

const ROW = 38;
const POLL_MS = 2000;
const tableHeight = (n: number) => Math.max(1, n) * ROW + 2;

export function VmVolumes({ vm, poll }: { vm: Vm; poll: boolean }) {
  const m = useInstMessages();
  const { client } = useCloud();
  const canSnapshots = useCan('listSnapshots');
  const canAttach = useCan('attachVolume');
  const [attaching, setAttaching] = useState(false);
  const vols = useList('listVolumes', { virtualmachineid: vm.id, listall: true }, { refetchMs: poll ? POLL_MS : undefined });
  // Root disk first, then data disks by device slot (a VM has a handful: sorting here costs nothing).
  const volumes = [...(vols.data?.items ?? [])].sort((a, b) => (a.deviceid ?? 99) - (b.deviceid ?? 99));
  const snapQueries = useQueries({
    queries: volumes.map((v) => {
      const params = { volumeid: v.id, listall: true };
      return {
        queryKey: [client.connectionId, 'listSnapshots', params],
        // Same key and shape as useList, so it shares the cache with other views of these snapshots.
        queryFn: async () => {
          const r = await client.call('listSnapshots', params);
          return { count: Number(r.count ?? 0), items: (r.snapshot ?? []) as Snapshot[] };
        },
        enabled: canSnapshots,
        refetchInterval: poll ? POLL_MS : undefined,
      };
    }),
  });
  const snapshots = snapQueries.flatMap((q, i) => (q.data?.items ?? []).map((s) => ({ ...s, volumename: s.volumename ?? volumes[i]?.name })));
  const actions = volumeActions(m);

  const volColumns: Column<Volume>[] = [
    { key: 'name', header: m.name, width: 'minmax(120px, 1fr)', render: (v) => <strong>{v.name}</strong> },
    { key: 'type', header: m.type, width: 100, render: (v) => v.type },
    { key: 'size', header: m.size, width: 90, render: (v) => formatBytes(v.size) },
    { key: 'state', header: m.state, width: 100, render: (v) => <StateBadge state={v.state} /> },
    { key: 'offering', header: m.diskOffering, width: 'minmax(100px, .8fr)', render: (v) => v.diskofferingname ?? '—' },
    { key: 'storage', header: m.storage, width: 'minmax(100px, .8fr)', render: (v) => v.storage ?? '—' },
    { key: 'actions', header: m.actions, width: 'minmax(230px, 1.2fr)', render: (v) => <ActionBar actions={actions} rows={[v]} nameOf={(x) => x.name} /> },
  ];
  const snapColumns: Column<Snapshot & { volumename?: string }>[] = [
    { key: 'name', header: m.name, width: 'minmax(200px, 2fr)', render: (s) => s.name },
    { key: 'volume', header: m.volume, width: 'minmax(100px, 1fr)', render: (s) => s.volumename ?? '—' },
    { key: 'type', header: m.type, width: 100, render: (s) => s.snapshottype ?? '—' },
    { key: 'state', header: m.state, width: 110, render: (s) => <StateBadge state={s.state} /> },
    dateColumn<Snapshot>('created', m.created, (s) => s.created),
  ];

  return (
    <>
      <Card title={fmt(m.volumesTitle, { count: volumes.length })}
        actions={canAttach && (vm.state === 'Running' || vm.state === 'Stopped') && <button onClick={() => setAttaching(true)}>{m.attachVolume}</button>}>
        {vols.error && <div className="error" role="alert">{vols.error.message}</div>}
        <DataTable<Volume> label={m.volumes} columns={volColumns} rowCount={volumes.length} row={(i) => volumes[i]} rowId={(v) => v.id}
          rowHeight={ROW} height={tableHeight(volumes.length)} empty={vols.isFetched ? m.noVolumes : m.loading} />
      </Card>
      {canSnapshots && (
        <Card title={fmt(m.snapshotsTitle, { count: snapshots.length })}>
          <DataTable label={m.snapshots} columns={snapColumns} rowCount={snapshots.length} row={(i) => snapshots[i]} rowId={(s) => s.id}
            rowHeight={ROW} height={tableHeight(Math.min(snapshots.length, 8))} empty={m.noSnapshots} />
        </Card>
      )}
      {attaching && <AttachDialog vm={vm} onClose={() => setAttaching(false)} />}
    </>
  );
}

/** Free data volumes of the VM's owner in its zone (listVolumes has no "detached" filter: filtered here). */
function AttachDialog({ vm, onClose }: { vm: Vm; onClose(): void }) {
  const m = useInstMessages();
  const run = useAction();
  const [keyword, setKeyword] = useState('');
  const [choice, setChoice] = useState<Volume>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const list = useList('listVolumes', {
    zoneid: vm.zoneid, type: 'DATADISK', account: vm.account, domainid: vm.domainid, keyword: keyword || undefined, page: 1, pagesize: 200,
  });
  const free = (list.data?.items ?? []).filter((v) => !v.virtualmachineid && v.state !== 'Destroy' && v.state !== 'Expunged');
  const attach = async () => {
    if (!choice) return;
    setBusy(true);
    setError('');
    try {
      await run('attachVolume', { id: choice.id, virtualmachineid: vm.id }, fmt(m.jobAttach, { name: choice.name, vm: vm.name }));
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <Dialog open title={fmt(m.attachTitle, { name: vm.name })} onClose={onClose} footer={<>
      <button onClick={onClose}>{m.cancel}</button>
      <button className="primary" disabled={!choice || busy} onClick={attach}>{busy ? m.working : m.attach}</button>
    </>}>
      <input type="search" aria-label={m.searchVolumes} placeholder={m.searchVolumes} value={keyword} onChange={(e) => setKeyword(e.target.value)} className="wiz-search" />
      {list.error && <div className="error" role="alert">{list.error.message}</div>}
      {list.isFetched && <Choices<Volume> label={m.volume} items={free} value={choice?.id} onPick={setChoice} empty={m.noFreeVolumes}
        render={(v) => <><strong>{v.name}</strong> <span className="muted">{formatBytes(v.size)} · {v.state}{v.diskofferingname ? ` · ${v.diskofferingname}` : ''}</span></>} />}
      {error && <div className="error" role="alert">{error}</div>}
    </Dialog>
  );
}
