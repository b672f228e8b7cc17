// Create a data volume: zone, disk offering, and a size when the offering is customized. It stays Allocated
// until attached (CloudStack creates the disk on first attach).
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { fmt } from '../../i18n/messages';
import { FormDialog, TextField, SelectField } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { useStorageMessages } from './messages';

export function CreateVolumeDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const m = useStorageMessages();
  const run = useRun();
  const [name, setName] = useState('');
  const [zoneChoice, setZoneId] = useState('');
  const [offeringId, setOfferingId] = useState('');
  const [size, setSize] = useState('');
  const zones = useList('listZones', { available: true });
  // Preselected when there is only one (a one-zone lab is the common case).
  const zoneId = zoneChoice || (zones.data?.items.length === 1 ? zones.data.items[0].id : '');
  const offerings = useList('listDiskOfferings', zoneId ? { zoneid: zoneId } : {});
  const offering = offerings.data?.items.find((o) => o.id === offeringId);


  const gb = Number(size);
  const ok = !!zoneId && !!offering && (!offering.iscustomized || (Number.isInteger(gb) && gb > 0));
  return (
    <FormDialog title={m.createVolume} submitLabel={m.createVolume} onClose={onClose} canSubmit={ok}
      onSubmit={async () => {
        await run('createVolume', {
          zoneid: zoneId, diskofferingid: offeringId, ...(name.trim() ? { name: name.trim() } : {}), ...(offering?.iscustomized ? { size: gb } : {}),
        }, fmt(m.jobCreateVolume, { name: name.trim() || offering?.name || '' }));
        onDone();
      }}>
      <TextField label={m.volumeName} value={name} onChange={setName} hint={m.volumeNameHint} autoFocus />
      <SelectField label={m.zone} value={zoneId} onChange={setZoneId} required
        options={[['', m.choose], ...(zones.data?.items ?? []).map((z): [string, string] => [z.id, z.name])]} />
      <SelectField label={m.offering} value={offeringId} onChange={setOfferingId} required
        options={[['', m.choose], ...(offerings.data?.items ?? []).map((o): [string, string] => [o.id, o.displaytext || o.name])]} />
      {offering?.iscustomized && <TextField label={m.sizeGb} type="number" min={1} required value={size} onChange={setSize} hint={m.sizeHint} />}
    </FormDialog>
  );
}
