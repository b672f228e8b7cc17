// The wizard's form pages. Labels are the names operators (and the e2e tests) look for: 'Zone name', 'DNS 1',
// 'Pod name', 'Gateway', 'Cluster name', 'Hypervisor', 'Host URL', 'Primary storage URL', ...
import { useCallback, useEffect, useMemo } from 'react';
import { useFreeSimUrl } from '../use-free-sim-url';
import { useList } from '../../../api/hooks';
import { SelectField, TextField } from '../form';
import { HostFields } from '../HostFields';
import { PrimaryFields } from '../AddDialogs';
import { useInfraMessages } from '../messages';
import { useWizardStore, type FormStep } from './wizard-model';
import type { WizardMessages } from './wizard-messages';
import { NetworkStep } from './NetworkStep';

interface StepProps { m: WizardMessages; errors: Record<string, string>; locked: boolean }

export function StepForm({ step, ...p }: StepProps & { step: FormStep }) {
  switch (step) {
    case 'zone': return <ZoneStep {...p} />;
    case 'network': return <NetworkStep {...p} />;
    case 'pod': return <PodStep {...p} />;
    case 'cluster': return <ClusterStep {...p} />;
    case 'host': return <HostStep {...p} />;
    case 'primary': return <PrimaryStep {...p} />;
    case 'secondary': return <SecondaryStep {...p} />;
  }
}

function ZoneStep({ m, errors, locked }: StepProps) {
  const z = useWizardStore((s) => s.forms.zone);
  const patch = useWizardStore((s) => s.patch);
  const set = (k: keyof typeof z) => (v: string) => patch('zone', { [k]: v });
  return (
    <>
      <p className="muted">{m.zoneIntro}</p>
      <TextField label={m.zoneName} value={z.name} onChange={set('name')} error={errors.name} required disabled={locked} autoFocus />
      <fieldset className="infra-radio" disabled={locked}>
        <legend className="field-label">{m.networkType}</legend>
        {(['Advanced', 'Basic'] as const).map((t) => (
          <label key={t}><input type="radio" name="networktype" checked={z.networktype === t} onChange={() => patch('zone', { networktype: t })} />
            {t === 'Advanced' ? m.advanced : m.basic}</label>
        ))}
      </fieldset>
      <div className="infra-row">
        <TextField label={m.dns1} value={z.dns1} onChange={set('dns1')} error={errors.dns1} required disabled={locked} inputMode="decimal" />
        <TextField label={m.dns2} value={z.dns2} onChange={set('dns2')} error={errors.dns2} disabled={locked} hint={m.optional} inputMode="decimal" />
      </div>
      <TextField label={m.internalDns1} value={z.internaldns1} onChange={set('internaldns1')} error={errors.internaldns1} required disabled={locked} inputMode="decimal" />
      {z.networktype === 'Advanced' && (
        <TextField label={m.guestCidr} value={z.guestcidraddress} onChange={set('guestcidraddress')} error={errors.guestcidraddress} hint={m.guestCidrHint} disabled={locked} />
      )}
    </>
  );
}

function PodStep({ m, errors, locked }: StepProps) {
  const pod = useWizardStore((s) => s.forms.pod);
  const patch = useWizardStore((s) => s.patch);
  const set = (k: keyof typeof pod) => (v: string) => patch('pod', { [k]: v });
  return (
    <>
      <p className="muted">{m.podIntro}</p>
      <TextField label={m.podName} value={pod.name} onChange={set('name')} error={errors.name} required disabled={locked} autoFocus />
      <div className="infra-row">
        <TextField label={m.gateway} value={pod.gateway} onChange={set('gateway')} error={errors.gateway} required disabled={locked} inputMode="decimal" />
        <TextField label={m.netmask} value={pod.netmask} onChange={set('netmask')} error={errors.netmask} required disabled={locked} inputMode="decimal" />
      </div>
      <div className="infra-row">
        <TextField label={m.startIp} value={pod.startip} onChange={set('startip')} error={errors.startip} required disabled={locked} inputMode="decimal" />
        <TextField label={m.endIp} value={pod.endip} onChange={set('endip')} error={errors.endip} required disabled={locked} inputMode="decimal" />
      </div>
    </>
  );
}

function ClusterStep({ m, errors, locked }: StepProps) {
  const c = useWizardStore((s) => s.forms.cluster);
  const patch = useWizardStore((s) => s.patch);
  const hv = useList('listHypervisors');
  const names = useMemo(() => hv.data?.items.map((h) => h.name) ?? [], [hv.data]);
  // Default to the Simulator where the server has it (a lab), else the first hypervisor offered.
  useEffect(() => {
    if (!c.hypervisor && names.length) patch('cluster', { hypervisor: names.includes('Simulator') ? 'Simulator' : names[0] });
  }, [c.hypervisor, names, patch]);
  return (
    <>
      <p className="muted">{m.clusterIntro}</p>
      <TextField label={m.clusterName} value={c.name} onChange={(name) => patch('cluster', { name })} error={errors.name} required disabled={locked} autoFocus />
      <SelectField label={m.hypervisor} value={c.hypervisor} onChange={(hypervisor) => patch('cluster', { hypervisor })} error={errors.hypervisor}
        options={names.length ? names.map((n) => [n, n]) : [['', m.loadingHypervisors]]} disabled={locked} required />
    </>
  );
}

function HostStep({ m, errors, locked }: StepProps) {
  const host = useWizardStore((s) => s.forms.host);
  const hypervisor = useWizardStore((s) => s.forms.cluster.hypervisor);
  const patch = useWizardStore((s) => s.patch);
  const im = useInfraMessages();
  useFreeSimUrl(host.url, useCallback((url: string) => { if (!locked) patch('host', { url }); }, [locked, patch]));
  return (
    <>
      <p className="muted">{m.hostIntro}</p>
      <HostFields value={host} onChange={(p) => patch('host', p)} hypervisor={hypervisor} errors={errors} disabled={locked} />
      <TextField label={im.hostTags} value={host.hosttags} onChange={(hosttags) => patch('host', { hosttags })} disabled={locked} hint={m.optional} />
    </>
  );
}

function PrimaryStep({ m, errors, locked }: StepProps) {
  const primary = useWizardStore((s) => s.forms.primary);
  const patch = useWizardStore((s) => s.patch);
  return (
    <>
      <p className="muted">{m.primaryIntro}</p>
      <PrimaryFields value={primary} onChange={(p) => patch('primary', p)} errors={errors} disabled={locked} />
    </>
  );
}

function SecondaryStep({ m, errors, locked }: StepProps) {
  const sec = useWizardStore((s) => s.forms.secondary);
  const patch = useWizardStore((s) => s.patch);
  const im = useInfraMessages();
  return (
    <>
      <p className="muted">{m.secondaryIntro}</p>
      <TextField label={im.secondaryUrl} value={sec.url} onChange={(url) => patch('secondary', { url })} error={errors.url}
        hint={im.secondaryUrlHint} required disabled={locked} spellCheck={false} autoFocus />
      <TextField label={im.secondaryName} value={sec.name} onChange={(name) => patch('secondary', { name })} hint={im.provisioningHint} disabled={locked} />
    </>
  );
}
