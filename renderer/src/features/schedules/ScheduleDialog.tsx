// Create or edit one VM schedule (CloudStack 4.19: action, cron, time zone, start and end dates, enabled), with the
// cron helper, and a warning listing the runs it would collide with (ConflictNotice) before it is saved.
import { useState } from 'react';
import type { VMSchedule } from '../../../../core/contract/responses';
import { VM_SCHEDULE_ACTIONS } from '../../../../core/contract/commands/schedules';
import { useRun } from '../../components/kit/typed';
import { CheckField, FieldRow, FormDialog, SelectField, TextField } from '../../components/kit/FormDialog';
import { fmt } from '../../i18n/messages';
import { CronField } from './CronField';
import { timeZones, userTimeZone } from './cron-preview';
import { cronTimes } from './save-conflicts';
import { ConflictNotice, useConflictGuard } from './ConflictNotice';
import { useSchedMessages } from './messages';
import { parseCsDate } from '../../components/kit/datetime';

/** CloudStack answers dates as instants; the form edits wall time in the schedule's zone. */
function wallInZone(cs: string | undefined, tz: string): string {
  const d = parseCsDate(cs);
  if (!d) return '';
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const g = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${g('year')}-${g('month')}-${g('day')} ${g('hour')}:${g('minute')}:${g('second')}`;
}

export function ScheduleDialog({ vmId, vmName, schedule, onClose }: { vmId: string; vmName: string; schedule?: VMSchedule; onClose(): void }) {
  const m = useSchedMessages();
  const run = useRun();
  const [action, setAction] = useState(schedule?.action ?? 'STOP');
  const [cron, setCron] = useState(schedule?.schedule ?? '0 18 * * 1-5');
  const [tz, setTz] = useState(schedule?.timezone ?? userTimeZone());
  const [description, setDescription] = useState(schedule?.description ?? '');
  const [start, setStart] = useState(wallInZone(schedule?.startdate, schedule?.timezone ?? 'UTC'));
  const [end, setEnd] = useState(wallInZone(schedule?.enddate, schedule?.timezone ?? 'UTC'));
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const guard = useConflictGuard();
  const zones = timeZones();

  const submit = async (): Promise<void | 'keep'> => {
    if (await guard.blocks({ scheduleId: schedule?.id, kind: 'vm', action, target: vmId, times: cronTimes(cron, tz, Date.now()) })) return 'keep';
    const common = { schedule: cron.trim(), timezone: tz, description: description || undefined, enddate: end || undefined, enabled };
    const startdate = start && start !== wallInZone(schedule?.startdate, tz) ? start : undefined;
    if (schedule) await run('updateVMSchedule', { id: schedule.id, ...common, startdate }, fmt(m.jobSave, { name: vmName }));
    else await run('createVMSchedule', { virtualmachineid: vmId, action, ...common, startdate }, fmt(m.jobSave, { name: vmName }));
  };
  const change = guard.resetting;

  return (
    <FormDialog title={schedule ? `${m.edit}: ${schedule.description ?? schedule.action}` : m.create} wide
      submitLabel={guard.flagged ? m.saveAnyway : m.save} onClose={onClose} onSubmit={submit}>
      <FieldRow>
        <SelectField label={m.action} value={action} onChange={change(setAction)} options={VM_SCHEDULE_ACTIONS.map((a) => [a, a])} />
        <SelectField label={m.timezone} value={tz} onChange={change(setTz)} options={zones.map((z) => [z, z])} />
      </FieldRow>
      <CronField value={cron} onChange={change(setCron)} timezone={tz} />
      <TextField label={m.description} value={description} onChange={setDescription} maxLength={1024} />
      <FieldRow>
        <TextField label={m.startDate} value={start} onChange={setStart} hint={m.dateHint} placeholder="2027-01-01 00:00:00" />
        <TextField label={m.endDate} value={end} onChange={setEnd} hint={m.dateHint} placeholder="2027-12-31 23:59:59" />
      </FieldRow>
      <CheckField label={m.enabled} checked={enabled} onChange={setEnabled} />
      <ConflictNotice found={guard.found} />
    </FormDialog>
  );
}
