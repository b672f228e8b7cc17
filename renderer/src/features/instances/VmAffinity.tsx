// A VM's affinity groups on its page: "Change affinity groups" (updateVMAffinityGroup), which CloudStack allows only
// while the VM is stopped; the button says so instead of failing. The new set replaces the old one.
import { useState } from 'react';
import { useAction } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { Dialog } from '../../components/Dialog';
import { fmt } from '../../i18n/messages';
import { AffinityPicker } from './GroupsStep';
import { useInstMessages } from './messages';
import type { Vm } from './vm';
import type { AffinityGroup } from '../../../../core/contract/responses';

/** The VM's affinity groups as the picker holds them (the VM answers id, name and type of each). */
const groupsOf = (vm: Vm): AffinityGroup[] =>
  (vm.affinitygroup ?? []).filter((g) => g.id).map((g) => ({ id: g.id!, name: g.name ?? g.id!, type: g.type ?? '', description: g.description }));

export function ChangeAffinityButton({ vm }: { vm: Vm }) {
  const m = useInstMessages();
  const can = useCan('updateVMAffinityGroup');
  const [open, setOpen] = useState(false);
  if (!can) return null;
  const stopped = vm.state === 'Stopped';
  return (
    <>
      <button type="button" disabled={!stopped} title={stopped ? undefined : m.changeAffinityStopped} onClick={() => setOpen(true)}>{m.changeAffinity}</button>
      {open && <AffinityDialog vm={vm} onClose={() => setOpen(false)} />}
    </>
  );
}

function AffinityDialog({ vm, onClose }: { vm: Vm; onClose(): void }) {
  const m = useInstMessages();
  const run = useAction();
  const [chosen, setChosen] = useState<AffinityGroup[]>(() => groupsOf(vm));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const save = () => {
    setBusy(true);
    setError('');
    run('updateVMAffinityGroup', { id: vm.id, affinitygroupids: chosen.map((g) => g.id).join(',') }, fmt(m.jobAffinity, { name: vm.name }))
      .then(onClose, (e: Error) => { setBusy(false); setError(e.message); });
  };
  return (
    <Dialog open wide title={fmt(m.changeAffinityTitle, { name: vm.name })} onClose={onClose} footer={<>
      <button type="button" onClick={onClose}>{m.cancel}</button>
      {/* The API takes the new set; an empty set cannot be sent (empty parameters are not sent), so one stays chosen. */}
      <button type="button" className="primary" disabled={busy || chosen.length === 0} onClick={save}>{m.save}</button>
    </>}>
      <AffinityPicker chosen={chosen} onChange={setChosen} />
      {error && <div className="error" role="alert">{error}</div>}
    </Dialog>
  );
}
