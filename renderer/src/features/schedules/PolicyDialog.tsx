// Create or edit a volume's snapshot policy. CloudStack keys a policy by volume and interval type, and
// createSnapshotPolicy of a type the volume has updates that policy (updateSnapshotPolicy only sets its display
// flag), so editing saves through createSnapshotPolicy with the interval fixed. Each field is checked as it is
// typed (CloudStack's ranges), the schedule is read back in words with its next runs, and the first Save warns of
// collisions with other runs (ConflictNotice).
import { useState } from 'react';
import type { SnapshotPolicy } from '../../../../core/contract/responses';
import { INTERVAL_TYPES, snapshotScheduleToCron, type IntervalType } from '../../../../core/contract/schedule/index';
import { FieldRow, FormDialog } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { SelectField, TextField } from '../infrastructure/form';
import { CronField } from './CronField';
import { ConflictNotice, useConflictGuard } from './ConflictNotice';
import { timeZones, userTimeZone } from './cron-preview';
import { cronTimes } from './save-conflicts';
import { useSchedMessages } from './messages';
import '../infrastructure/infrastructure.css';

export interface PolicyVolume { id: string; name: string; virtualmachineid?: string }
interface Fields { minute: string; hour: string; weekday: string; day: string }

const pad = (s: string) => s.trim().padStart(2, '0');

/** CloudStack's schedule text for an interval type from the form's fields. */
export function scheduleText(type: IntervalType, f: Fields): string {
  const mm = pad(f.minute); const hh = pad(f.hour);
  return type === 'HOURLY' ? mm : type === 'DAILY' ? `${mm}:${hh}` : type === 'WEEKLY' ? `${mm}:${hh}:${f.weekday}` : `${mm}:${hh}:${pad(f.day)}`;
}

/** The form's fields from a policy's schedule text ("MM", "MM:HH", "MM:HH:D", "MM:HH:DD"). */
export function fieldsOf(type: IntervalType, schedule: string): Fields {
  const [mm = '0', hh = '2', d] = schedule.split(':').map((x) => String(Number(x)));
  return { minute: mm, hour: hh, weekday: type === 'WEEKLY' ? d ?? '1' : '1', day: type === 'MONTHLY' ? d ?? '1' : '1' };
}

const whole = (v: string, lo: number, hi: number) => /^\s*\d+\s*$/.test(v) && Number(v) >= lo && Number(v) <= hi;

export function PolicyDialog({ volume, policy, policies, onClose }: {
  volume: PolicyVolume; policy?: SnapshotPolicy; policies: SnapshotPolicy[]; onClose(): void;
}) {
  const m = useSchedMessages();
  const run = useRun();
  const guard = useConflictGuard();
  const [type, setType] = useState<IntervalType>(policy ? INTERVAL_TYPES[policy.intervaltype] : 'DAILY');
  const [f, setF] = useState<Fields>(policy ? fieldsOf(INTERVAL_TYPES[policy.intervaltype], policy.schedule) : { minute: '0', hour: '2', weekday: '1', day: '1' });
  const [maxsnaps, setMax] = useState(String(policy?.maxsnaps ?? 7));
  const [tz, setTz] = useState(policy?.timezone ?? userTimeZone());
  const errors = {
    minute: whole(f.minute, 0, 59) ? undefined : fmt(m.outOfRange, { min: 0, max: 59 }),
    hour: type === 'HOURLY' || whole(f.hour, 0, 23) ? undefined : fmt(m.outOfRange, { min: 0, max: 23 }),
    day: type !== 'MONTHLY' || whole(f.day, 1, 28) ? undefined : fmt(m.outOfRange, { min: 1, max: 28 }),
    maxsnaps: whole(maxsnaps, 1, 1_000_000) ? undefined : m.maxSnapsInvalid,
  };
  const ok = !Object.values(errors).some(Boolean);
  const schedule = scheduleText(type, f);
  const cron = ok ? snapshotScheduleToCron(type, schedule) : 'invalid';
  // The volume's policy of this type is the one saved (created or updated), so its own runs are no conflict.
  const same = policy ?? policies.find((p) => INTERVAL_TYPES[p.intervaltype] === type);
  const set = (k: keyof Fields) => guard.resetting((v: string) => setF({ ...f, [k]: v }));
  const days: [string, string][] = [m.sun, m.mon, m.tue, m.wed, m.thu, m.fri, m.sat].map((d, i) => [String(i + 1), d]);
  const labels: Record<IntervalType, string> = { HOURLY: m.hourly, DAILY: m.daily, WEEKLY: m.weekly, MONTHLY: m.monthly };

  const submit = async (): Promise<void | 'keep'> => {
    if (!ok) return 'keep';
    if (await guard.blocks({ scheduleId: same?.id, kind: 'snapshot', action: type, target: volume.virtualmachineid ?? volume.id,
      times: cronTimes(cron, tz, Date.now()) })) return 'keep';
    await run('createSnapshotPolicy', { volumeid: volume.id, intervaltype: type, schedule, maxsnaps: Number(maxsnaps), timezone: tz,
      fordisplay: same?.fordisplay }, fmt(m.jobSave, { name: volume.name }));
  };
  return (
    <FormDialog title={`${policy ? m.editPolicy : m.createPolicy}: ${volume.name}`} wide noValidate canSubmit={ok}
      submitLabel={guard.flagged ? m.saveAnyway : m.save} onClose={onClose} onSubmit={submit}>
      <FieldRow>
        <SelectField label={m.interval} value={type} onChange={guard.resetting((v: string) => setType(v as IntervalType))} disabled={!!policy}
          hint={policy ? m.intervalFixed : same ? m.intervalReplaces : undefined} options={INTERVAL_TYPES.map((t) => [t, labels[t]])} />
        <SelectField label={m.timezone} value={tz} onChange={guard.resetting(setTz)} options={timeZones().map((z) => [z, z])} />
      </FieldRow>
      <FieldRow>
        <TextField label={m.minute} inputMode="numeric" value={f.minute} onChange={set('minute')} error={errors.minute} />
        {type !== 'HOURLY' && <TextField label={m.hour} inputMode="numeric" value={f.hour} onChange={set('hour')} error={errors.hour} />}
        {type === 'WEEKLY' && <SelectField label={m.weekday} value={f.weekday} onChange={set('weekday')} options={days} />}
        {type === 'MONTHLY' && <TextField label={m.dayOfMonth} inputMode="numeric" value={f.day} onChange={set('day')} error={errors.day} hint={m.dayOfMonthHint} />}
      </FieldRow>
      <CronField value={cron} onChange={() => undefined} timezone={tz} presets={false} readOnly />
      <TextField label={m.maxSnaps} inputMode="numeric" value={maxsnaps} onChange={setMax} error={errors.maxsnaps} hint={m.maxSnapsHint} />
      <ConflictNotice found={guard.found} />
    </FormDialog>
  );
}
