// A volume's snapshot policies (CloudStack: one per interval type, HOURLY/DAILY/WEEKLY/MONTHLY, snapshots kept):
// listed in words with their next runs, created and edited (PolicyDialog), deleted.
import { useState } from 'react';
import type { SnapshotPolicy } from '../../../../core/contract/responses';
import { INTERVAL_TYPES, describeCron, snapshotScheduleToCron } from '../../../../core/contract/schedule/index';
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { DataTable, type Column } from '../../components/DataTable';
import { useRun } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { useUiStore } from '../../state/ui-store';
import { NextRun } from './NextRun';
import { PolicyDialog, type PolicyVolume } from './PolicyDialog';
import { useSchedMessages } from './messages';
import './schedules.css';

const ROW = 40;

function words(p: SnapshotPolicy, lang: 'en' | 'zh-CN'): string {
  try { return describeCron(snapshotScheduleToCron(INTERVAL_TYPES[p.intervaltype], p.schedule), lang, p.timezone); } catch { return p.schedule; }
}

export function VolumePolicies({ volume }: { volume: PolicyVolume }) {
  const m = useSchedMessages();
  const lang = useUiStore((s) => s.language);
  const can = { create: useCan('createSnapshotPolicy'), remove: useCan('deleteSnapshotPolicies'), cancel: useCan('cancelScheduledRun') };
  const list = useList('listSnapshotPolicies', { volumeid: volume.id, listall: true });
  const run = useRun();
  const [editing, setEditing] = useState<SnapshotPolicy | 'new' | null>(null);
  const items = list.data?.items ?? [];
  const columns: Column<SnapshotPolicy>[] = [
    { key: 'interval', header: m.interval, width: 100, render: (p) => <code>{INTERVAL_TYPES[p.intervaltype]}</code> },
    { key: 'schedule', header: m.schedule, width: 'minmax(220px, 3fr)', render: (p) => <span title={p.schedule}>{words(p, lang)}</span> },
    { key: 'max', header: m.maxSnaps, width: 110, render: (p) => p.maxsnaps },
    { key: 'next', header: m.nextRun, width: 220, render: (p) => <NextRun scheduleId={p.id} enabled canCancel={can.cancel} label={volume.name} /> },
    { key: 'tools', header: '', width: 130, render: (p) => (
      <span className="row-tools">
        {can.create && <button type="button" className="small" onClick={() => setEditing(p)}>{m.edit}</button>}
        {can.remove && <button type="button" className="small danger" onClick={() => void run('deleteSnapshotPolicies', { id: p.id }, fmt(m.jobDelete, { name: volume.name })).catch(() => undefined)}>{m.delete}</button>}
      </span>) },
  ];
  return (
    <section className="vol-policies" aria-label={m.policies}>
      <div className="card-head"><h2>{m.policies} ({items.length})</h2>
        {can.create && <button type="button" className="primary" onClick={() => setEditing('new')}>{m.createPolicy}</button>}</div>
      <DataTable label={m.policies} columns={columns} rowCount={items.length} row={(i) => items[i]} rowId={(p) => p.id}
        rowHeight={ROW} height={Math.max(items.length, 1) * ROW + 36} empty={list.isFetched ? m.noPolicies : m.loading} />
      {editing && <PolicyDialog volume={volume} policy={editing === 'new' ? undefined : editing} policies={items} onClose={() => setEditing(null)} />}
    </section>
  );
}
