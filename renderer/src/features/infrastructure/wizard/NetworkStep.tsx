// The wizard's network page: the zone's physical network, the traffic it carries (Guest, and Public in Advanced
// zones, always; Management and Storage by choice), its isolation method (VLAN or VXLAN) and guest VLAN/VNI range, and
// the public IP range for source NAT.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../api/cloud-client';
import { useCloud } from '../../../app/client-context';
import { fmt } from '../../../i18n/messages';
import { SelectField, TextField } from '../form';
import { useWizardStore } from './wizard-model';
import type { WizardMessages } from './wizard-messages';

export function NetworkStep({ m, errors, locked }: { m: WizardMessages; errors: Record<string, string>; locked: boolean }) {
  const n = useWizardStore((s) => s.forms.network);
  const advanced = useWizardStore((s) => s.forms.zone.networktype === 'Advanced');
  const patch = useWizardStore((s) => s.patch);
  const set = (k: keyof typeof n) => (v: string) => patch('network', { [k]: v });
  const check = (k: 'management' | 'storage', label: string) => (
    <label><input type="checkbox" checked={n[k]} disabled={locked} onChange={(e) => patch('network', { [k]: e.target.checked })} />{label}</label>
  );
  const labOnly = useUserModeReason();
  return (
    <>
      <p className="muted">{advanced ? m.networkIntro : m.networkIntroBasic}</p>
      {labOnly && <p className="kit-warning" role="note">{fmt(m.userModeNotice, { why: labOnly })}</p>}
      <TextField label={m.physicalName} value={n.name} onChange={set('name')} error={errors.name} required disabled={locked} autoFocus />
      <fieldset className="infra-radio" disabled={locked}>
        <legend className="field-label">{m.trafficTypes}</legend>
        <label><input type="checkbox" checked disabled />{m.trafficGuest}</label>
        {advanced && <label><input type="checkbox" checked disabled />{m.trafficPublic}</label>}
        {check('management', m.trafficManagement)}
        {check('storage', m.trafficStorage)}
      </fieldset>
      {advanced && (
        <SelectField label={m.isolation} value={n.isolation} hint={m.isolationHint} disabled={locked}
          options={[['VLAN', m.isolationVlan], ['VXLAN', m.isolationVxlan]]} onChange={(v) => patch('network', { isolation: v as 'VLAN' | 'VXLAN' })} />
      )}
      {advanced && (
        <TextField label={n.isolation === 'VXLAN' ? m.guestVni : m.guestVlan} value={n.guestVlan} onChange={set('guestVlan')} error={errors.guestVlan}
          hint={n.isolation === 'VXLAN' ? m.guestVniHint : m.guestVlanHint} disabled={locked} />
      )}
      <TextField label={m.kvmLabel} value={n.kvmLabel} onChange={set('kvmLabel')} hint={m.kvmLabelHint} disabled={locked} />
      {advanced && (
        <fieldset className="wiz-fieldset" disabled={locked}>
          <legend className="field-label">{m.publicRange}</legend>
          <p className="field-hint">{m.publicRangeHint}</p>
          <div className="infra-row">
            <TextField label={m.publicGateway} value={n.publicGateway} onChange={set('publicGateway')} error={errors.publicGateway} required inputMode="decimal" />
            <TextField label={m.publicNetmask} value={n.publicNetmask} onChange={set('publicNetmask')} error={errors.publicNetmask} required inputMode="decimal" />
            <TextField label={m.publicVlan} value={n.publicVlan} onChange={set('publicVlan')} error={errors.publicVlan} hint={m.publicVlanHint} inputMode="numeric" />
          </div>
          <div className="infra-row">
            <TextField label={m.publicStart} value={n.publicStart} onChange={set('publicStart')} error={errors.publicStart} required inputMode="decimal" />
            <TextField label={m.publicEnd} value={n.publicEnd} onChange={set('publicEnd')} error={errors.publicEnd} required inputMode="decimal" />
          </div>
        </fieldset>
      )}
    </>
  );
}

/** Why KVM VMs on this server's own machine would get user-mode networking (listCapabilities' extension), or null. */
function useUserModeReason(): string | null {
  const { client } = useCloud();
  const q = useQuery({
    queryKey: [client.connectionId, 'capabilities'],
    queryFn: async () => (await api(client, 'listCapabilities', {})).capability,
    staleTime: 60_000,
  });
  const v = q.data?.kvmguestnetworking;
  return v && v !== 'bridge' ? v.replace(/^user-mode \(lab-only\): /, '') : null;
}
