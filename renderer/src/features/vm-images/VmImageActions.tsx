// The VM page's restore and password reset actions (confirmed first; the new password is shown once), and its
// "Create template" from the root disk of a stopped instance.
import { useMemo, useState } from 'react';
import { useAction, useList } from '../../api/hooks';
import { useCan, useCloud } from '../../app/client-context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import type { Vm } from '../instances/vm';
import { useVmImageMessages } from './messages';

export function VmImageActions({ vm }: { vm: Vm }) {
  const m = useVmImageMessages();
  const run = useAction();
  const canRestore = useCan('restoreVirtualMachine');
  const canReset = useCan('resetPasswordForVirtualMachine');
  const canTemplate = useCan('createTemplate');
  const [asking, setAsking] = useState<'restore' | 'reset' | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const [templating, setTemplating] = useState(false);
  const [error, setError] = useState('');
  const settled = vm.state === 'Running' || vm.state === 'Stopped';
  const go = async () => {
    const what = asking;
    setAsking(null);
    setError('');
    try {
      if (what === 'restore') await run('restoreVirtualMachine', { virtualmachineid: vm.id }, fmt(m.jobRestore, { name: vm.name }));
      if (what === 'reset') {
        const out = await run('resetPasswordForVirtualMachine', { id: vm.id }, fmt(m.jobReset, { name: vm.name }));
        setPassword(out?.virtualmachine?.password ?? null);
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const request = asking === null ? null : {
    title: asking === 'restore' ? m.restore : m.resetPassword,
    summary: fmt(asking === 'restore' ? m.restoreSummary : m.resetSummary, { n: 1 }),
    names: [vm.name], danger: asking === 'restore', confirmLabel: asking === 'restore' ? m.restore : m.resetPassword,
  };
  return (
    <>
      {canRestore && settled && <button onClick={() => setAsking('restore')}>{m.restore}</button>}
      {canReset && vm.state === 'Stopped' && vm.passwordenabled && <button onClick={() => setAsking('reset')}>{m.resetPassword}</button>}
      {canTemplate && vm.state === 'Stopped' && <button onClick={() => setTemplating(true)}>{m.createTemplate}</button>}
      {error && <span className="error" role="alert">{error}</span>}
      <ConfirmDialog request={request} onConfirm={() => void go()} onCancel={() => setAsking(null)} />
      {password !== null && (
        <Dialog open title={fmt(m.newPassword, { name: vm.name })} onClose={() => setPassword(null)}
          footer={<button className="primary" onClick={() => setPassword(null)}>{m.close}</button>}>
          <p><code data-testid="new-password">{password}</code></p>
          <p className="muted">{m.passwordNote}</p>
        </Dialog>
      )}
      {templating && <RootTemplateDialog vm={vm} onClose={() => setTemplating(false)} />}
    </>
  );
}

/** createTemplate from the instance's ROOT volume (or, with `snapshotId`, from a volume snapshot). */
export function CreateTemplateDialog({ source, title, defaultOsType, onClose }: {
  source: { volumeid: string } | { snapshotid: string }; title: string; defaultOsType?: string; onClose(): void;
}) {
  const m = useVmImageMessages();
  const run = useAction();
  const { identity } = useCloud();
  const os = useList('listOsTypes', {});
  const osTypes = useMemo(() => os.data?.items ?? [], [os.data]);
  const [name, setName] = useState('');
  const [displayText, setDisplayText] = useState('');
  const [osType, setOsType] = useState(defaultOsType ?? '');
  const [isPublic, setPublic] = useState(false);
  const [passwordEnabled, setPasswordEnabled] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const chosenOs = osType || osTypes[0]?.id || '';
  const create = async () => {
    setBusy(true);
    setError('');
    try {
      await run('createTemplate', { ...source, name, displaytext: displayText || name, ostypeid: chosenOs,
        ispublic: isPublic, passwordenabled: passwordEnabled }, fmt(m.jobCreateTemplate, { name }));
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <Dialog open title={title} onClose={onClose} footer={<>
      <button onClick={onClose}>{m.cancel}</button>
      <button className="primary" disabled={busy || !name.trim() || !chosenOs} onClick={create}>{busy ? m.working : m.create}</button>
    </>}>
      <Field label={m.name}><input value={name} maxLength={255} onChange={(e) => setName(e.target.value)} /></Field>
      <Field label={`${m.displayText} (${m.optional})`}><input value={displayText} onChange={(e) => setDisplayText(e.target.value)} /></Field>
      <Field label={m.osType}>
        <select value={chosenOs} onChange={(e) => setOsType(e.target.value)}>
          {osTypes.map((o) => <option key={o.id} value={o.id}>{o.description}</option>)}
        </select>
      </Field>
      {identity.accountType !== undefined && <label><input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} /> {m.isPublic}</label>}
      <label><input type="checkbox" checked={passwordEnabled} onChange={(e) => setPasswordEnabled(e.target.checked)} /> {m.passwordEnabled}</label>
      {error && <div className="error" role="alert">{error}</div>}
    </Dialog>
  );
}

function RootTemplateDialog({ vm, onClose }: { vm: Vm; onClose(): void }) {
  const m = useVmImageMessages();
  const vols = useList('listVolumes', { virtualmachineid: vm.id, type: 'ROOT', listall: true });
  const root = vols.data?.items[0];
  if (!root) return null;
  return <CreateTemplateDialog source={{ volumeid: root.id }} title={fmt(m.createTemplateTitle, { name: root.name })}
    defaultOsType={vm.ostypeid} onClose={onClose} />;
}
