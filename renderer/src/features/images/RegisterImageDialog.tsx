// Register a template or an ISO from a URL. Once the server accepts it, the dialog turns into a live view of
// the download (polled every 2 s while not ready), since that is what the operator waits for next.
import { useState } from 'react';
import { useCloud } from '../../app/client-context';
import { useList } from '../../api/hooks';
import { fmt } from '../../i18n/messages';
import { TEMPLATE_FORMATS } from '../../../../core/contract/commands/catalog';
import { FormDialog, FieldBox, TextField, SelectField, CheckField, FieldRow } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { useImagesMessages } from './messages';
import { CopiesProgress } from './DownloadStatus';
import type { ImageKind } from './types';
import type { OsType } from '../../../../core/contract/responses';


/** OS types grouped by category, as CloudStack's own UI offers them. */
export function OsTypeSelect({ value, onChange, label, emptyLabel }: { value: string; onChange(v: string): void; label: string; emptyLabel: string }) {
  const os = useList('listOsTypes', {});
  const groups = new Map<string, OsType[]>();
  for (const o of os.data?.items ?? []) groups.set(o.oscategoryname ?? '', [...(groups.get(o.oscategoryname ?? '') ?? []), o]);
  return (
    <FieldBox label={label}>
      {({ id }) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{emptyLabel}</option>
          {[...groups].sort(([a], [b]) => a.localeCompare(b)).map(([cat, list]) => (
            <optgroup key={cat} label={cat}>{list.map((o) => <option key={o.id} value={o.id}>{o.description}</option>)}</optgroup>
          ))}
        </select>
      )}
    </FieldBox>
  );
}

export function RegisterImageDialog({ kind, onClose, onDone, onShow }: { kind: ImageKind; onClose(): void; onDone(): void; onShow(id: string): void }) {
  const m = useImagesMessages();
  const { identity } = useCloud();
  const run = useRun();
  const admin = identity.accountType !== 0;
  const [form, setF] = useState({ name: '', displaytext: '', url: '', format: 'QCOW2', hypervisor: '', zoneid: '', ostypeid: '', checksum: '', ispublic: false, isfeatured: false, passwordenabled: false, bootable: true });
  const set = <K extends keyof typeof form>(k: K) => (v: (typeof form)[K]) => setF((x) => ({ ...x, [k]: v }));
  const [registered, setRegistered] = useState<{ id: string; name: string } | null>(null);
  const zones = useList('listZones', {});
  // Until the operator picks: the only zone, and the zone's first hypervisor (the list depends on the zone, so a
  // choice the new zone does not offer falls back to its first one).
  const zoneid = form.zoneid || (zones.data?.items.length === 1 ? zones.data.items[0].id : '');
  const hvs = useList('listHypervisors', zoneid && zoneid !== '-1' ? { zoneid } : {}, { enabled: kind === 'template' });
  const hvNames = (hvs.data?.items ?? []).map((h) => h.name);
  const hypervisor = hvNames.length && !hvNames.includes(form.hypervisor) ? hvNames[0] : form.hypervisor;
  const f = { ...form, zoneid, hypervisor };

  const title = kind === 'template' ? m.registerTemplate : m.registerIso;
  const ok = f.name.trim() && f.url.trim() && f.zoneid && (kind === 'iso' || (f.format && f.hypervisor));
  const submit = async () => {
    const common = {
      name: f.name.trim(), displaytext: f.displaytext.trim() || f.name.trim(), url: f.url.trim(), zoneid: f.zoneid,
      ...(f.ostypeid ? { ostypeid: f.ostypeid } : {}), ...(f.checksum.trim() ? { checksum: f.checksum.trim() } : {}),
      ispublic: f.ispublic, ...(admin ? { isfeatured: f.isfeatured } : {}),
    };
    const label = fmt(m.jobRegister, { name: common.name });
    const r = kind === 'template'
      ? await run('registerTemplate', { ...common, format: f.format, hypervisor: f.hypervisor, passwordenabled: f.passwordenabled }, label)
      : await run('registerIso', { ...common, bootable: f.bootable }, label);
    const made = (r?.[kind] ?? [])[0];
    onDone();
    if (!made?.id) return;
    setRegistered({ id: made.id, name: made.name });
    return 'keep' as const;
  };

  if (registered) {
    return (
      <FormDialog title={m.progressTitle} submitLabel="" onClose={onClose} onSubmit={async () => undefined} footer={(
        <>
          <button type="button" onClick={() => onShow(registered.id)}>{m.showInList}</button>
          <button type="button" className="primary" onClick={onClose}>{m.close}</button>
        </>
      )}>
        <div className="img-progress">
          <p>{fmt(m.progressIntro, { name: registered.name })}</p>
          <CopiesProgress kind={kind} id={registered.id} filter={identity.accountType === 1 ? 'all' : 'self'} />
        </div>
      </FormDialog>
    );
  }
  return (
    <FormDialog title={title} submitLabel={m.register} onClose={onClose} canSubmit={!!ok} onSubmit={submit} wide>
      <FieldRow>
        <TextField label={m.name} value={f.name} onChange={set('name')} required autoFocus />
        <TextField label={m.displaytext} value={f.displaytext} onChange={set('displaytext')} placeholder={f.name} />
      </FieldRow>
      <TextField label={m.url} value={f.url} onChange={set('url')} required type="url" hint={m.urlHint} placeholder="https://" />
      <FieldRow>
        <SelectField label={m.zone} value={f.zoneid} onChange={set('zoneid')} required hint={f.zoneid === '-1' ? m.zoneHint : undefined}
          options={[['', m.choose], ['-1', m.allZones], ...(zones.data?.items ?? []).map((z): [string, string] => [z.id, z.name])]} />
        <OsTypeSelect label={m.ostype} value={f.ostypeid} onChange={set('ostypeid')} emptyLabel={m.defaultOs} />
      </FieldRow>
      {kind === 'template' && (
        <FieldRow>
          <SelectField label={m.format} value={f.format} onChange={set('format')} options={TEMPLATE_FORMATS.map((x): [string, string] => [x, x])} />
          <SelectField label={m.hypervisor} value={f.hypervisor} onChange={set('hypervisor')} options={hvNames.map((h): [string, string] => [h, h])} />
        </FieldRow>
      )}
      <TextField label={m.checksum} value={f.checksum} onChange={set('checksum')} hint={m.checksumHint} />
      <CheckField label={m.public} checked={f.ispublic} onChange={set('ispublic')} hint={m.publicHint} />
      {admin && <CheckField label={m.featured} checked={f.isfeatured} onChange={set('isfeatured')} hint={m.featuredHint} />}
      {kind === 'template' && <CheckField label={m.passwordEnabled} checked={f.passwordenabled} onChange={set('passwordenabled')} />}
      {kind === 'iso' && <CheckField label={m.bootable} checked={f.bootable} onChange={set('bootable')} />}
    </FormDialog>
  );
}
