// Scheduled tasks (Strata's extension): any async command the caller may run, once at a time or on a cron.
// Listed with their next run; created with the command picked from what the role allows, its parameters as
// name=value lines, and the cron helper; the first Save warns of collisions with other runs (ConflictNotice).
import { useState } from 'react';
import type { ScheduledTask } from '../../../../core/contract/responses';
import { allCommands } from '../../../../core/contract/commands/index';
import { describeCron, instantOf, isValidCron, parseWallTime, taskTargetOf } from '../../../../core/contract/schedule/index';
import { useList } from '../../api/hooks';
import { useCan, useCloud } from '../../app/client-context';
import { DataTable, type Column } from '../../components/DataTable';
import { Card } from '../../components/Page';
import { FieldBox, FieldRow, FormDialog, SelectField, TextField } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { When } from '../../components/kit/When';
import { fmt } from '../../i18n/messages';
import { useUiStore } from '../../state/ui-store';
import { CronField } from './CronField';
import { ConflictNotice, useConflictGuard } from './ConflictNotice';
import { timeZones, userTimeZone } from './cron-preview';
import { cronTimes, SAVE_CHECK_MS } from './save-conflicts';
import { useSchedMessages } from './messages';

const ROW = 40;

export function TasksTab() {
  const m = useSchedMessages();
  const lang = useUiStore((s) => s.language);
  const can = { create: useCan('createScheduledTask'), remove: useCan('deleteScheduledTask') };
  const list = useList('listScheduledTasks', { listall: true, page: 1, pagesize: 500 }, { refetchMs: 30_000 });
  const run = useRun();
  const [creating, setCreating] = useState(false);
  const items = list.data?.items ?? [];
  const columns: Column<ScheduledTask>[] = [
    { key: 'command', header: m.command, width: 200, render: (t) => <code>{t.apicommand}</code> },
    { key: 'params', header: m.params, width: 'minmax(160px, 2fr)', render: (t) => { const p = Object.entries(t.params ?? {}).map(([k, v]) => `${k}=${v}`).join(' '); return <span title={p}>{p}</span>; } },
    { key: 'when', header: m.schedule, width: 'minmax(220px, 3fr)', render: (t) => t.schedule
      ? <span title={t.schedule}>{isValidCron(t.schedule) ? describeCron(t.schedule, lang, t.timezone) : t.schedule}</span>
      : <span>{m.once} <When value={t.runat} /></span> },
    { key: 'next', header: m.nextRun, width: 150, render: (t) => <When value={t.nextrun} /> },
    { key: 'owner', header: m.owner, width: 110, render: (t) => t.account ?? '—' },
    { key: 'enabled', header: m.state, width: 100, render: (t) => <span className={`badge tone-${t.enabled ? 'ok' : 'idle'}`}>{t.enabled ? m.enabled : m.disabled}</span> },
    { key: 'tools', header: '', width: 90, render: (t) => can.remove && (
      <button type="button" className="small danger" onClick={() => void run('deleteScheduledTask', { id: t.id }, fmt(m.jobDelete, { name: t.apicommand })).catch(() => undefined)}>{m.delete}</button>) },
  ];
  return (
    <Card title={`${m.tasks} (${items.length})`} actions={can.create && <button type="button" className="primary" onClick={() => setCreating(true)}>{m.createTask}</button>}>
      {list.error && <div className="error" role="alert">{list.error.message}</div>}
      <DataTable label={m.tasks} columns={columns} rowCount={items.length} row={(i) => items[i]} rowId={(t) => t.id}
        rowHeight={ROW} height={Math.min(Math.max(items.length, 1), 14) * ROW + 36} empty={list.isFetched ? m.noTasks : m.loading} />
      {creating && <TaskDialog onClose={() => setCreating(false)} />}
    </Card>
  );
}

/** Async commands the caller's role may run (listApis), which a task can schedule. */
function useAsyncCommands(): string[] {
  const { apis } = useCloud();
  return Object.entries(allCommands).filter(([name, d]) => (d as { async?: boolean }).async && apis?.has(name)).map(([n]) => n).sort();
}

/** The instant of a one-time task's "yyyy-MM-dd HH:mm:ss" in its zone, as a list of runs within the check window. */
function onceTimes(runat: string, tz: string, now: number): number[] {
  const w = parseWallTime(runat);
  const t = w ? instantOf(w, tz) : NaN;
  return t > now && t < now + SAVE_CHECK_MS ? [t] : [];
}

function TaskDialog({ onClose }: { onClose(): void }) {
  const m = useSchedMessages();
  const run = useRun();
  const { client } = useCloud();
  const guard = useConflictGuard();
  const commands = useAsyncCommands();
  const [command, setCommand] = useState('stopVirtualMachine');
  const [params, setParams] = useState('id=');
  const [mode, setMode] = useState<'once' | 'cron'>('cron');
  const [runat, setRunat] = useState('');
  const [cron, setCron] = useState('0 18 * * 1-5');
  const [tz, setTz] = useState(userTimeZone());
  const [description, setDescription] = useState('');
  const change = guard.resetting;
  /** The VM the task acts on (a volume's VM when attached), for the same-resource rule. */
  const targetOf = async (pairs: { name: string; value: string }[]): Promise<string | undefined> => {
    const decl = (allCommands as Record<string, { instanceType?: string }>)[command];
    const t = decl && taskTargetOf(decl, Object.fromEntries(pairs.map((p) => [p.name.toLowerCase(), p.value])));
    if (t?.type !== 'Volume') return t?.id;
    const vol = await client.call('listVolumes', { id: t.id, listall: true }).catch(() => null);
    return (vol?.volume?.[0] as { virtualmachineid?: string } | undefined)?.virtualmachineid ?? t.id;
  };
  const submit = async (): Promise<void | 'keep'> => {
    const pairs = params.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => { const i = l.indexOf('='); return { name: l.slice(0, i).trim(), value: l.slice(i + 1).trim() }; });
    const now = Date.now();
    if (await guard.blocks({ kind: 'task', action: command, target: await targetOf(pairs),
      times: mode === 'once' ? onceTimes(runat, tz, now) : cronTimes(cron, tz, now) })) return 'keep';
    await run('createScheduledTask', {
      apicommand: command, params: pairs, timezone: tz, description: description || undefined,
      ...(mode === 'once' ? { runat } : { schedule: cron }),
    }, fmt(m.jobSave, { name: command }));
  };
  return (
    <FormDialog title={m.createTask} wide submitLabel={guard.flagged ? m.saveAnyway : m.save} onClose={onClose} onSubmit={submit}>
      <FieldRow>
        <SelectField label={m.command} value={command} onChange={change(setCommand)} options={commands.map((c) => [c, c])} />
        <SelectField label={m.timezone} value={tz} onChange={change(setTz)} options={timeZones().map((z) => [z, z])} />
      </FieldRow>
      <FieldBox label={m.params} hint={m.paramsHint}>
        {({ id, hintId }) => <textarea id={id} aria-describedby={hintId} className="mono" rows={3} value={params} onChange={(e) => change(setParams)(e.target.value)} />}
      </FieldBox>
      <div className="kit-row" role="radiogroup" aria-label={m.schedule}>
        <label><input type="radio" checked={mode === 'cron'} onChange={() => change(setMode)('cron')} /> {m.recurring}</label>
        <label><input type="radio" checked={mode === 'once'} onChange={() => change(setMode)('once')} /> {m.once}</label>
      </div>
      {mode === 'cron' ? <CronField value={cron} onChange={change(setCron)} timezone={tz} />
        : <TextField label={m.runAt} value={runat} onChange={change(setRunat)} hint={m.runAtHint} placeholder="2027-01-02 18:00:00" />}
      <TextField label={m.description} value={description} onChange={setDescription} maxLength={1024} />
      <ConflictNotice found={guard.found} />
    </FormDialog>
  );
}
