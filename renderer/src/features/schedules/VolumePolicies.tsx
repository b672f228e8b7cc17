// A volume's snapshot policies (CloudStack: one per interval type, HOURLY/DAILY/WEEKLY/MONTHLY, snapshots kept):
// listed in words with their next runs, created with the cron helper's read-back, deleted.
import { useState } from 'react';
import type { SnapshotPolicy } from '../../../../core/contract/responses';
import { INTERVAL_TYPES, describeCron, snapshotScheduleToCron, type IntervalType } from '../../../../core/contract/schedule/index';
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { DataTable, type Column } from '../../components/DataTable';
import { FieldRow, FormDialog, SelectField, TextField } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { useUiStore } from '../../state/ui-store';
import { CronField } from './CronField';
import { NextRun } from './NextRun';
import { timeZones, userTimeZone } from './cron-preview';
import { useSchedMessages } from './messages';
import './schedules.css';

const ROW = 40;

function words(p: SnapshotPolicy, lang: 'en' | 'zh-CN'): string {
  try { return describeCron(snapshotScheduleToCron(INTERVAL_TYPES[p.intervaltype], p.schedule), lang, p.timezone); } catch { return p.schedule; }
}

export function VolumePolicies({ volume }: { volume: { id: string; name: string } }) {
  const m = useSchedMessages();
  const lang = useUiStore((s) => s.language);
  const can = { create: useCan('createSnapshotPolicy'), remove: useCan('deleteSnapshotPolicies'), cancel: useCan('cancelScheduledRun') };
  const list = useList('listSnapshotPolicies', { volumeid: volume.id, listall: true });
  const run = useRun();
  const [creating, setCreating] = useState(false);
  const items = list.data?.items ?? [];
  const columns: Column<SnapshotPolicy>[] = [
    { key: 'interval', header: m.interval, width: 100, render: (p) => <code>{INTERVAL_TYPES[p.intervaltype]}</code> },
    { key: 'schedule', header: m.schedule, width: 'minmax(220px, 3fr)', render: (p) => <span title={p.schedule}>{words(p, lang)}</span> },
    { key: 'max', header: m.maxSnaps, width: 110, render: (p) => p.maxsnaps },
    { key: 'next', header: m.nextRun, width: 220, render: (p) => <NextRun scheduleId={p.id} enabled canCancel={can.cancel} label={volume.name} /> },
    { key: 'tools', header: '', width: 90, render: (p) => can.remove && (
      <button type="button" className="small danger" onClick={() => void run('deleteSnapshotPolicies', { id: p.id }, fmt(m.jobDelete, { name: volume.name })).catch(() => undefined)}>{m.delete}</button>) },
  ];
  return (
    <section className="vol-policies" aria-label={m.policies}>
      <div className="card-head"><h2>{m.policies} ({items.length})</h2>
        {can.create && <button type="button" className="primary" onClick={() => setCreating(true)}>{m.createPolicy}</button>}</div>
      <DataTable label={m.policies} columns={columns} rowCount={items.length} row={(i) => items[i]} rowId={(p) => p.id}
        rowHeight={ROW} height={Math.max(items.length, 1) * ROW + 36} empty={list.isFetched ? m.noPolicies : m.loading} />
      {creating && <PolicyDialog volume={volume} onClose={() => setCreating(false)} />}
    </section>
  );
}

const pad = (s: string) => s.padStart(2, '0');

/** CloudStack's schedule text for an interval type from the form's fields. */
function scheduleText(type: IntervalType, f: { minute: string; hour: string; weekday: string; day: string }): string {
  const mm = pad(f.minute); const hh = pad(f.hour);
  return type === 'HOURLY' ? mm : type === 'DAILY' ? `${mm}:${hh}` : type === 'WEEKLY' ? `${mm}:${hh}:${f.weekday}` : `${mm}:${hh}:${f.day}`;
}

function PolicyDialog({ volume, onClose }: { volume: { id: string; name: string }; onClose(): void }) {
  const m = useSchedMessages();
  const run = useRun();
  const [type, setType] = useState<IntervalType>('DAILY');
  const [f, setF] = useState({ minute: '0', hour: '2', weekday: '1', day: '1' });
  const [maxsnaps, setMax] = useState('7');
  const [tz, setTz] = useState(userTimeZone());
  const schedule = scheduleText(type, f);
  let cron = '';
  try { cron = snapshotScheduleToCron(type, schedule); } catch { cron = 'invalid'; }
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const days: [string, string][] = [m.sun, m.mon, m.tue, m.wed, m.thu, m.fri, m.sat].map((d, i) => [String(i + 1), d]);
  const labels: Record<IntervalType, string> = { HOURLY: m.hourly, DAILY: m.daily, WEEKLY: m.weekly, MONTHLY: m.monthly };
  return (
    <FormDialog title={`${m.createPolicy}: ${volume.name}`} wide submitLabel={m.save} onClose={onClose}
      onSubmit={() => run('createSnapshotPolicy', { volumeid: volume.id, intervaltype: type, schedule, maxsnaps: Number(maxsnaps), timezone: tz }, fmt(m.jobSave, { name: volume.name })).then(() => undefined)}>
      <FieldRow>
        <SelectField label={m.interval} value={type} onChange={(v) => setType(v as IntervalType)} options={INTERVAL_TYPES.map((t) => [t, labels[t]])} />
        <SelectField label={m.timezone} value={tz} onChange={setTz} options={timeZones().map((z) => [z, z])} />
      </FieldRow>
      <FieldRow>
        <TextField label={m.minute} type="number" min={0} max={59} value={f.minute} onChange={set('minute')} />
        {type !== 'HOURLY' && <TextField label={m.hour} type="number" min={0} max={23} value={f.hour} onChange={set('hour')} />}
        {type === 'WEEKLY' && <SelectField label={m.weekday} value={f.weekday} onChange={set('weekday')} options={days} />}
        {type === 'MONTHLY' && <TextField label={m.dayOfMonth} type="number" min={1} max={28} value={f.day} onChange={set('day')} />}
      </FieldRow>
      <CronField value={cron} onChange={() => undefined} timezone={tz} presets={false} readOnly />
      <TextField label={m.maxSnaps} type="number" min={1} value={maxsnaps} onChange={setMax} hint={m.maxSnapsHint} />
    </FormDialog>
  );
}
