// Add host, add primary storage, add secondary storage. Each validates what it can locally, then runs the API
// call as a tracked job; a refusal keeps the dialog open with CloudStack's error text.
import { useCallback, useState } from 'react';
import { useFreeSimUrl } from './use-free-sim-url';
import { useAction } from '../../api/hooks';
import { useListQuery } from './InfraList';
import { FormDialog, SelectField, TextField } from './form';
import { HostFields } from './HostFields';
import { emptyHostForm, hostFormErrors, primaryErrors, type HostForm, type PrimaryForm } from './form-model';
import { PlacementFields, usePlacementLists, type Placement } from './PlacementFields';
import { defaultSimUrl, hostNameOf } from './host-url';
import { useInfraMessages } from './messages';
import type { Errors } from './validate';

function useInitialPlacement(): Placement {
  const [q] = useListQuery();
  return { zoneid: q.zoneid ?? '', podid: q.podid ?? '', clusterid: q.clusterid ?? '' };
}

export function AddHostDialog({ onClose }: { onClose(): void }) {
  const m = useInfraMessages();
  const run = useAction();
  const [place, setPlace] = useState(useInitialPlacement());
  const [form, setForm] = useState<HostForm>(() => emptyHostForm(defaultSimUrl()));
  useFreeSimUrl(form.url, useCallback((url: string) => setForm((f) => ({ ...f, url })), []));
  const [errors, setErrors] = useState<Errors<keyof HostForm>>({});
  const { clusters } = usePlacementLists(place, { pod: true, cluster: true });
  const hypervisor = clusters.find((c) => c.id === place.clusterid)?.hypervisortype ?? 'Simulator';
  const submit = async () => {
    const e = hostFormErrors(form, hypervisor, m);
    setErrors(e);
    if (Object.keys(e).length || !place.clusterid) return false;
    await run('addHost', {
      zoneid: place.zoneid, podid: place.podid, clusterid: place.clusterid, hypervisor, url: form.url.trim(),
      username: form.username || undefined, password: form.password || undefined, hosttags: form.hosttags || undefined,
    }, `${m.addHost}: ${hostNameOf(form.url)}`);
  };
  return (
    <FormDialog title={m.addHost} submitLabel={m.addHost} onClose={onClose} onSubmit={submit} wide>
      <PlacementFields value={place} onChange={setPlace} />
      <HostFields value={form} onChange={(p) => setForm((f) => ({ ...f, ...p }))} hypervisor={hypervisor} errors={errors} />
      <TextField label={m.hostTags} value={form.hosttags} onChange={(hosttags) => setForm((f) => ({ ...f, hosttags }))} />
    </FormDialog>
  );
}

export function PrimaryFields({ value, onChange, errors = {}, disabled }: { value: PrimaryForm; onChange(p: Partial<PrimaryForm>): void; errors?: Errors<keyof PrimaryForm>; disabled?: boolean }) {
  const m = useInfraMessages();
  return (
    <>
      <TextField label={m.primaryName} value={value.name} onChange={(name) => onChange({ name })} error={errors.name} required disabled={disabled} />
      <TextField label={m.primaryUrl} value={value.url} onChange={(url) => onChange({ url })} error={errors.url} hint={m.primaryUrlHint}
        required disabled={disabled} spellCheck={false} />
      <div className="infra-row">
        <SelectField label={m.scope} value={value.scope} onChange={(scope) => onChange({ scope: scope as PrimaryForm['scope'] })} disabled={disabled}
          options={[['CLUSTER', m.scopeCluster], ['ZONE', m.scopeZone]]} />
        <TextField label={m.storageTags} value={value.tags} onChange={(tags) => onChange({ tags })} disabled={disabled} />
      </div>
    </>
  );
}

export function AddPrimaryDialog({ onClose }: { onClose(): void }) {
  const m = useInfraMessages();
  const run = useAction();
  const [place, setPlace] = useState(useInitialPlacement());
  const [form, setForm] = useState<PrimaryForm>({ name: '', url: '', scope: 'CLUSTER', tags: '' });
  const [errors, setErrors] = useState<Errors<keyof PrimaryForm>>({});
  const cluster = form.scope === 'CLUSTER';
  const submit = async () => {
    const e = primaryErrors(form, m);
    setErrors(e);
    if (Object.keys(e).length || !place.zoneid || (cluster && !place.clusterid)) return false;
    await run('createStoragePool', {
      zoneid: place.zoneid, scope: form.scope, name: form.name.trim(), url: form.url.trim(), tags: form.tags || undefined,
      // A zone-wide pool without a hypervisor serves every hypervisor in the zone.
      podid: cluster ? place.podid : undefined, clusterid: cluster ? place.clusterid : undefined,
    }, `${m.addPrimary}: ${form.name}`);
  };
  return (
    <FormDialog title={m.addPrimary} submitLabel={m.addPrimary} onClose={onClose} onSubmit={submit} wide>
      <PrimaryFields value={form} onChange={(p) => setForm((f) => ({ ...f, ...p }))} errors={errors} />
      <PlacementFields value={place} onChange={setPlace} pod={cluster} cluster={cluster} />
    </FormDialog>
  );
}

export function AddSecondaryDialog({ onClose }: { onClose(): void }) {
  const m = useInfraMessages();
  const run = useAction();
  const [place, setPlace] = useState(useInitialPlacement());
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async () => {
    setError(url.trim() ? undefined : m.required);
    if (!url.trim()) return false;
    await run('addImageStore', { provider: 'NFS', url: url.trim(), name: name.trim() || undefined, zoneid: place.zoneid || undefined },
      `${m.addSecondary}: ${name || url}`);
  };
  return (
    <FormDialog title={m.addSecondary} submitLabel={m.addSecondary} onClose={onClose} onSubmit={submit}>
      <PlacementFields value={place} onChange={setPlace} pod={false} cluster={false} />
      <TextField label={m.secondaryName} value={name} onChange={setName} hint={m.provisioningHint} />
      <TextField label={m.secondaryUrl} value={url} onChange={setUrl} hint={m.secondaryUrlHint} error={error} required spellCheck={false} />
    </FormDialog>
  );
}
