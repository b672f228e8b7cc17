// A VM's Schedules tab: its CloudStack 4.19 schedules in words with their next runs, create/edit with the cron
// helper, enable/disable, delete, and cancel the next run.
import { useState } from 'react';
import type { VMSchedule } from '../../../../core/contract/responses';
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { DataTable, type Column } from '../../components/DataTable';
import { Card } from '../../components/Page';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useRun } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { useUiStore } from '../../state/ui-store';
import { describeCron, isValidCron } from '../../../../core/contract/schedule/index';
import { ScheduleDialog } from './ScheduleDialog';
import { NextRun } from './NextRun';
import { useSchedMessages } from './messages';
import './schedules.css';

const ROW = 40;

export function VmSchedules({ vm }: { vm: { id: string; name: string; displayname?: string } }) {
  const m = useSchedMessages();
  const lang = useUiStore((s) => s.language);
  const can = { create: useCan('createVMSchedule'), update: useCan('updateVMSchedule'), remove: useCan('deleteVMSchedule'), cancel: useCan('cancelScheduledRun') };
  const list = useList('listVMSchedule', { virtualmachineid: vm.id, page: 1, pagesize: 500 });
  const run = useRun();
  const [editing, setEditing] = useState<VMSchedule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<VMSchedule | null>(null);
  const items = list.data?.items ?? [];
  const name = vm.displayname || vm.name;
  const columns: Column<VMSchedule>[] = [
    { key: 'action', header: m.action, width: 100, render: (s) => <code>{s.action}</code> },
    { key: 'schedule', header: m.schedule, width: 'minmax(220px, 3fr)', render: (s) => (
      <span title={s.schedule}>{isValidCron(s.schedule) ? describeCron(s.schedule, lang, s.timezone) : s.schedule}</span>) },
    { key: 'next', header: m.nextRun, width: 230, render: (s) => <NextRun scheduleId={s.id} enabled={s.enabled !== false} canCancel={can.cancel} label={name} /> },
    { key: 'enabled', header: m.state, width: 90, render: (s) => <span className={`badge tone-${s.enabled === false ? 'idle' : 'ok'}`}>{s.enabled === false ? m.disabled : m.enabled}</span> },
    { key: 'description', header: m.description, width: 'minmax(100px, 2fr)', render: (s) => <span title={s.description}>{s.description ?? '—'}</span> },
    { key: 'tools', header: '', width: 130, render: (s) => (
      <span className="row-tools">
        {can.update && <button type="button" className="small" onClick={() => setEditing(s)}>{m.edit}</button>}
        {can.remove && <button type="button" className="small danger" onClick={() => setDeleting(s)}>{m.delete}</button>}
      </span>) },
  ];
  return (
    <Card title={`${m.schedules} (${items.length})`} actions={can.create && <button type="button" className="primary" onClick={() => setEditing('new')}>{m.create}</button>}>
      {list.error && <div className="error" role="alert">{list.error.message}</div>}
      <DataTable label={m.schedules} columns={columns} rowCount={items.length} row={(i) => items[i]} rowId={(s) => s.id}
        rowHeight={ROW} height={Math.min(Math.max(items.length, 1), 12) * ROW + 36} empty={list.isFetched ? m.noSchedules : m.loading} />
      {editing && <ScheduleDialog vmId={vm.id} vmName={name} schedule={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog request={deleting && { title: m.confirmDelete, summary: m.confirmDeleteSummary, names: [deleting.description ?? `${deleting.action} ${deleting.schedule}`], danger: true, confirmLabel: m.delete }}
        onCancel={() => setDeleting(null)}
        onConfirm={() => { const s = deleting!; setDeleting(null); void run('deleteVMSchedule', { virtualmachineid: vm.id, id: s.id }, fmt(m.jobDelete, { name })).catch(() => undefined); }} />
    </Card>
  );
}
