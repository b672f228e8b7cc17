// The VM snapshots tab of the VM page: the instance's snapshots (type, current one, state), taking one (with its
// memory when the instance runs, as KVM requires), and reverting or deleting one, each confirmed first.
import { useState } from 'react';
import { useAction, useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { ActionBar, type Action } from '../../components/actions';
import { DataTable, type Column } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Card, Field } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { dateColumn } from '../../components/kit/When';
import { fmt } from '../../i18n/messages';
import type { Vm } from '../instances/vm';
import type { VMSnapshot } from '../../../../core/contract/responses';
import { useVmImageMessages } from './messages';

const ROW = 38;
type M = ReturnType<typeof useVmImageMessages>;

function snapshotActions(m: M, vm: Vm): Action<VMSnapshot>[] {
  // CloudStack reverts a running VM to a memory snapshot only, and a stopped VM to a disk snapshot only.
  const revertable = (s: VMSnapshot) => s.state === 'Ready' &&
    ((vm.state === 'Running' && s.type === 'DiskAndMemory') || (vm.state === 'Stopped' && s.type === 'Disk'));
  return [
    { id: 'revert', command: 'revertToVMSnapshot', label: m.revert, confirm: true, when: revertable,
      summary: (n) => fmt(m.revertSummary, { n }), params: (s) => ({ vmsnapshotid: s.id }),
      describe: (s) => fmt(m.jobRevert, { vm: vm.name, name: s.displayname ?? s.name }) },
    { id: 'delete', command: 'deleteVMSnapshot', label: m.delete, danger: true, when: (s) => ['Ready', 'Error', 'Expunging'].includes(s.state ?? ''),
      summary: (n) => fmt(m.deleteSummary, { n }), params: (s) => ({ vmsnapshotid: s.id }),
      describe: (s) => fmt(m.jobDelete, { name: s.displayname ?? s.name }) },
  ];
}

export function VmSnapshots({ vm, poll }: { vm: Vm; poll: boolean }) {
  const m = useVmImageMessages();
  const canTake = useCan('createVMSnapshot');
  const [taking, setTaking] = useState(false);
  const list = useList('listVMSnapshot', { virtualmachineid: vm.id, listall: true }, { refetchMs: poll ? 2000 : undefined });
  const rows = list.data?.items ?? [];
  const actions = snapshotActions(m, vm);
  const columns: Column<VMSnapshot>[] = [
    { key: 'name', header: m.name, width: 'minmax(160px, 1.4fr)', render: (s) => <><strong>{s.displayname}</strong>{s.description ? <span className="muted"> · {s.description}</span> : null}</> },
    { key: 'type', header: m.type, width: 130, render: (s) => s.type },
    { key: 'current', header: m.current, width: 80, render: (s) => (s.current ? <span className="badge tone-ok">{m.yes}</span> : '') },
    { key: 'parent', header: m.parent, width: 'minmax(120px, 1fr)', render: (s) => s.parentName ?? '—' },
    { key: 'state', header: m.state, width: 110, render: (s) => <StateBadge state={s.state ?? ''} /> },
    dateColumn<VMSnapshot>('created', m.created, (s) => s.created),
    { key: 'actions', header: m.actions, width: 'minmax(160px, 1fr)', render: (s) => <ActionBar actions={actions} rows={[s]} nameOf={(x) => x.displayname ?? x.name} /> },
  ];
  return (
    <Card title={fmt(m.vmSnapshotsTitle, { count: rows.length })}
      actions={canTake && (vm.state === 'Running' || vm.state === 'Stopped') && <button onClick={() => setTaking(true)}>{m.take}</button>}>
      <p className="muted">{m.revertHint}</p>
      {list.error && <div className="error" role="alert">{list.error.message}</div>}
      <DataTable<VMSnapshot> label={m.vmSnapshots} columns={columns} rowCount={rows.length} row={(i) => rows[i]} rowId={(s) => s.id}
        rowHeight={ROW} height={Math.max(1, Math.min(rows.length, 8)) * ROW + 2} empty={list.isFetched ? m.noVmSnapshots : '…'} />
      {taking && <TakeDialog vm={vm} onClose={() => setTaking(false)} />}
    </Card>
  );
}

function TakeDialog({ vm, onClose }: { vm: Vm; onClose(): void }) {
  const m = useVmImageMessages();
  const run = useAction();
  const running = vm.state === 'Running';
  const kvm = vm.hypervisor === 'KVM';
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [memory, setMemory] = useState(running);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const take = async () => {
    setBusy(true);
    setError('');
    try {
      await run('createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: running && memory, ...(name ? { name } : {}),
        ...(description ? { description } : {}) }, fmt(m.jobTake, { name: vm.name }));
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <Dialog open title={fmt(m.takeTitle, { name: vm.name })} onClose={onClose} footer={<>
      <button onClick={onClose}>{m.cancel}</button>
      <button className="primary" disabled={busy} onClick={take}>{busy ? m.working : m.take}</button>
    </>}>
      <Field label={`${m.name} (${m.optional})`}><input value={name} maxLength={255} onChange={(e) => setName(e.target.value)} /></Field>
      <Field label={`${m.description} (${m.optional})`}><input value={description} maxLength={255} onChange={(e) => setDescription(e.target.value)} /></Field>
      <label>
        <input type="checkbox" checked={running && memory} disabled={!running || kvm} onChange={(e) => setMemory(e.target.checked)} /> {m.withMemory}
      </label>
      <p className="muted">{!running ? m.memoryStopped : kvm ? m.memoryRequired : m.withMemoryHint}</p>
      {error && <div className="error" role="alert">{error}</div>}
    </Dialog>
  );
}
