// Dialogs of the volume actions that need input: attach (pick an instance), resize, take a snapshot.
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { fmt } from '../../i18n/messages';
import { FormDialog, FieldBox, TextField, SelectField, CheckField } from '../../components/kit/FormDialog';
import { useDebounced } from '../../components/kit/paged-list';
import { useRun } from '../../components/kit/typed';
import { GiB } from '../../components/kit/format';
import { useStorageMessages } from './messages';
import type { Volume } from './types';

interface Props { volume: Volume; onClose(): void; onDone(): void }

export function AttachVolumeDialog({ volume, onClose, onDone }: Props) {
  const m = useStorageMessages();
  const run = useRun();
  const [find, setFind] = useState('');
  const keyword = useDebounced(find);
  const [vmId, setVmId] = useState('');
  // A volume attaches only within its zone, to an instance that is running or stopped.
  const vms = useList('listVirtualMachines', { zoneid: volume.zoneid, keyword, listall: true, page: 1, pagesize: 50 });
  const choices = (vms.data?.items ?? []).filter((v) => v.state === 'Running' || v.state === 'Stopped');
  const vm = choices.find((v) => v.id === vmId);
  return (
    <FormDialog title={`${m.attach}: ${volume.name}`} submitLabel={m.attach} onClose={onClose} canSubmit={!!vm}
      onSubmit={async () => {
        await run('attachVolume', { id: volume.id, virtualmachineid: vmId }, fmt(m.jobAttach, { name: volume.name, vm: vm?.name ?? vmId }));
        onDone();
      }}>
      <TextField label={m.findVm} type="search" value={find} onChange={setFind} />
      <FieldBox label={m.pickVm} hint={choices.length ? m.vmHint : m.noVms}>
        {({ id, hintId }) => (
          <select id={id} aria-describedby={hintId} size={Math.min(8, Math.max(3, choices.length))} value={vmId} onChange={(e) => setVmId(e.target.value)} required>
            {choices.map((v) => <option key={v.id} value={v.id}>{v.displayname || v.name} — {v.state}</option>)}
          </select>
        )}
      </FieldBox>
    </FormDialog>
  );
}

export function ResizeVolumeDialog({ volume, onClose, onDone }: Props) {
  const m = useStorageMessages();
  const run = useRun();
  const [size, setSize] = useState(String(Math.round((volume.size ?? 0) / GiB) || ''));
  const [offeringId, setOfferingId] = useState('');
  const [shrink, setShrink] = useState(false);
  const offerings = useList('listDiskOfferings', {}, { enabled: volume.type !== 'ROOT' });
  const offering = offerings.data?.items.find((o) => o.id === offeringId);
  // A fixed-size offering brings its own size; otherwise the operator gives one.
  const needsSize = !offering || !!offering.iscustomized;
  const gb = Number(size);
  return (
    <FormDialog title={`${m.resize}: ${volume.name}`} submitLabel={m.resize} onClose={onClose}
      canSubmit={!needsSize || (Number.isInteger(gb) && gb > 0)}
      onSubmit={async () => {
        await run('resizeVolume', {
          id: volume.id, ...(offeringId ? { diskofferingid: offeringId } : {}), ...(needsSize ? { size: gb } : {}), ...(shrink ? { shrinkok: true } : {}),
        }, fmt(m.jobResize, { name: volume.name }));
        onDone();
      }}>
      {volume.type !== 'ROOT' && (
        <SelectField label={m.newOffering} value={offeringId} onChange={setOfferingId}
          options={[['', m.keepOffering], ...(offerings.data?.items ?? []).map((o): [string, string] => [o.id, o.displaytext || o.name])]} />
      )}
      {needsSize && <TextField label={m.newSizeGb} type="number" min={1} required value={size} onChange={setSize} />}
      <CheckField label={m.shrinkOk} checked={shrink} onChange={setShrink} />
    </FormDialog>
  );
}

export function SnapshotVolumeDialog({ volume, onClose, onDone }: Props) {
  const m = useStorageMessages();
  const run = useRun();
  const [name, setName] = useState('');
  return (
    <FormDialog title={`${m.takeSnapshot}: ${volume.name}`} submitLabel={m.takeSnapshot} onClose={onClose}
      onSubmit={async () => {
        await run('createSnapshot', { volumeid: volume.id, ...(name.trim() ? { name: name.trim() } : {}) }, fmt(m.jobSnapshot, { name: volume.name }));
        onDone();
      }}>
      <TextField label={m.snapshotName} value={name} onChange={setName} hint={m.snapshotNameHint} />
    </FormDialog>
  );
}
