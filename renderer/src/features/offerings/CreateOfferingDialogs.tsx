// Create a compute offering (fixed CPU/memory, or customized at deployment) or a disk offering (fixed size,
// or chosen when the volume is created), with the placement tags and storage type CloudStack uses.
import { useState } from 'react';
import { fmt } from '../../i18n/messages';
import { FormDialog, TextField, SelectField, CheckField, FieldRow } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { useOfferingsMessages } from './messages';

interface Props { onClose(): void; onDone(): void }

const posInt = (s: string) => Number.isInteger(Number(s)) && Number(s) > 0;
const optTags = (s: string) => (s.trim() ? s.split(',').map((t) => t.trim()).filter(Boolean).join(',') : undefined);

function StorageFields({ storagetype, provisioningtype, set }: { storagetype: string; provisioningtype: string; set(k: 'storagetype' | 'provisioningtype', v: string): void }) {
  const m = useOfferingsMessages();
  return (
    <FieldRow>
      <SelectField label={m.storageType} value={storagetype} onChange={(v) => set('storagetype', v)} options={[['shared', m.shared], ['local', m.local]]} />
      <SelectField label={m.provisioning} value={provisioningtype} onChange={(v) => set('provisioningtype', v)} options={[['thin', 'thin'], ['sparse', 'sparse'], ['fat', 'fat']]} />
    </FieldRow>
  );
}

export function CreateComputeDialog({ onClose, onDone }: Props) {
  const m = useOfferingsMessages();
  const run = useRun();
  const [f, setF] = useState({ name: '', displaytext: '', cpunumber: '1', cpuspeed: '1000', memory: '1024', customized: false, offerha: false,
    limitcpuuse: false, hosttags: '', tags: '', storagetype: 'shared', provisioningtype: 'thin', rootdisksize: '' });
  const set = (k: keyof typeof f, v: string | boolean) => setF((x) => ({ ...x, [k]: v }));
  const ok = f.name.trim() && (f.customized || (posInt(f.cpunumber) && posInt(f.cpuspeed) && posInt(f.memory))) && (!f.rootdisksize || posInt(f.rootdisksize));
  return (
    <FormDialog title={m.createCompute} submitLabel={m.create} onClose={onClose} canSubmit={!!ok} wide
      onSubmit={async () => {
        const name = f.name.trim();
        await run('createServiceOffering', {
          name, displaytext: f.displaytext.trim() || name, customized: f.customized, offerha: f.offerha, limitcpuuse: f.limitcpuuse,
          storagetype: f.storagetype, provisioningtype: f.provisioningtype, cpuspeed: Number(f.cpuspeed),
          ...(f.customized ? {} : { cpunumber: Number(f.cpunumber), memory: Number(f.memory) }),
          ...(optTags(f.hosttags) ? { hosttags: optTags(f.hosttags) } : {}), ...(optTags(f.tags) ? { tags: optTags(f.tags) } : {}),
          ...(f.rootdisksize ? { rootdisksize: Number(f.rootdisksize) } : {}),
        }, fmt(m.jobCreate, { name }));
        onDone();
      }}>
      <FieldRow>
        <TextField label={m.name} value={f.name} onChange={(v) => set('name', v)} required autoFocus />
        <TextField label={m.displaytext} value={f.displaytext} onChange={(v) => set('displaytext', v)} placeholder={f.name} />
      </FieldRow>
      <CheckField label={m.customCompute} checked={f.customized} onChange={(v) => set('customized', v)} />
      <FieldRow>
        {!f.customized && <TextField label={m.cores} type="number" min={1} value={f.cpunumber} onChange={(v) => set('cpunumber', v)} required />}
        <TextField label={m.speed} type="number" min={1} value={f.cpuspeed} onChange={(v) => set('cpuspeed', v)} required />
      </FieldRow>
      <FieldRow>
        {!f.customized && <TextField label={m.memoryMb} type="number" min={1} value={f.memory} onChange={(v) => set('memory', v)} required />}
        <TextField label={m.rootDisk} type="number" min={1} value={f.rootdisksize} onChange={(v) => set('rootdisksize', v)} hint={m.rootDiskHint} />
      </FieldRow>
      <FieldRow>
        <TextField label={m.hostTags} value={f.hosttags} onChange={(v) => set('hosttags', v)} hint={m.tagsHint} />
        <TextField label={m.storageTags} value={f.tags} onChange={(v) => set('tags', v)} />
      </FieldRow>
      <StorageFields storagetype={f.storagetype} provisioningtype={f.provisioningtype} set={set} />
      <CheckField label={m.offerHa} checked={f.offerha} onChange={(v) => set('offerha', v)} />
      <CheckField label={m.limitCpu} checked={f.limitcpuuse} onChange={(v) => set('limitcpuuse', v)} />
    </FormDialog>
  );
}

export function CreateDiskDialog({ onClose, onDone }: Props) {
  const m = useOfferingsMessages();
  const run = useRun();
  const [f, setF] = useState({ name: '', displaytext: '', disksize: '20', customized: false, tags: '', storagetype: 'shared', provisioningtype: 'thin' });
  const set = (k: keyof typeof f, v: string | boolean) => setF((x) => ({ ...x, [k]: v }));
  const ok = f.name.trim() && (f.customized || posInt(f.disksize));
  return (
    <FormDialog title={m.createDisk} submitLabel={m.create} onClose={onClose} canSubmit={!!ok}
      onSubmit={async () => {
        const name = f.name.trim();
        await run('createDiskOffering', {
          name, displaytext: f.displaytext.trim() || name, customized: f.customized, storagetype: f.storagetype, provisioningtype: f.provisioningtype,
          ...(f.customized ? {} : { disksize: Number(f.disksize) }), ...(optTags(f.tags) ? { tags: optTags(f.tags) } : {}),
        }, fmt(m.jobCreate, { name }));
        onDone();
      }}>
      <TextField label={m.name} value={f.name} onChange={(v) => set('name', v)} required autoFocus />
      <TextField label={m.displaytext} value={f.displaytext} onChange={(v) => set('displaytext', v)} placeholder={f.name} />
      <CheckField label={m.customDisk} checked={f.customized} onChange={(v) => set('customized', v)} />
      {!f.customized && <TextField label={m.sizeGb} type="number" min={1} value={f.disksize} onChange={(v) => set('disksize', v)} required />}
      <TextField label={m.storageTags} value={f.tags} onChange={(v) => set('tags', v)} hint={m.tagsHint} />
      <StorageFields storagetype={f.storagetype} provisioningtype={f.provisioningtype} set={set} />
    </FormDialog>
  );
}
