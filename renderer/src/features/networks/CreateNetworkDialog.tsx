// Create a guest network with CloudStack's fields: the type (isolated, shared, L2) picks the offerings and fields;
// each field's mistake is named under it once the operator tries to create, and a refusal from the server (a VLAN in
// use, an overlapping range) stays in the dialog with CloudStack's own text.
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { fmt } from '../../i18n/messages';
import { FormDialog } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { SelectField, TextField } from '../infrastructure/form';
import { useNetMessages } from './messages';
import { createNetworkArgs, emptyNetworkForm, networkFormErrors, type GuestType, type NetworkForm } from './network-form';

const TYPES: GuestType[] = ['Isolated', 'Shared', 'L2'];

export function CreateNetworkDialog({ initialType, admin, onClose, onDone }: {
  initialType: GuestType; admin: boolean; onClose(): void; onDone(id: string | undefined): void;
}) {
  const m = useNetMessages();
  const run = useRun();
  const [f, setF] = useState<NetworkForm>(() => emptyNetworkForm(initialType));
  const [tried, setTried] = useState(false);
  const set = (k: keyof NetworkForm) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const zones = useList('listZones', { available: true });
  const zoneItems = zones.data?.items ?? [];
  // One zone: nothing to choose.
  const zoneid = f.zoneid || (zoneItems.length === 1 ? zoneItems[0].id : '');
  const offerings = useList('listNetworkOfferings', { guestiptype: f.type, state: 'Enabled', zoneid: zoneid || undefined });
  const offeringItems = offerings.data?.items ?? [];
  // The default offering of the type unless the operator picks another.
  const offering = offeringItems.find((o) => o.id === f.offeringid) ?? offeringItems.find((o) => o.isdefault) ?? offeringItems[0];
  const phys = useList('listPhysicalNetworks', { zoneid }, { enabled: admin && !!zoneid });
  const noGuestPhysical = admin && phys.isFetched && (phys.data?.items.length ?? 0) === 0;
  const form = { ...f, zoneid, offeringid: offering?.id ?? '' };
  const vlanRequired = !!offering?.specifyvlan;
  const errors = networkFormErrors(form, m, { vlanRequired });
  const shown = tried ? errors : {};
  const pickType = (type: GuestType) => { setF((x) => ({ ...emptyNetworkForm(type), name: x.name, displaytext: x.displaytext, zoneid: x.zoneid })); setTried(false); };
  const typeHint = { Isolated: m.isolatedHint, Shared: m.sharedHint, L2: m.l2Hint }[f.type];
  const typeName = { Isolated: m.isolated, Shared: m.shared, L2: m.l2 };

  return (
    <FormDialog title={m.createTitle} submitLabel={m.createNetwork} onClose={onClose} wide noValidate
      onSubmit={async () => {
        setTried(true);
        if (Object.keys(errors).length > 0) return 'keep';
        const r = await run('createNetwork', createNetworkArgs(form), fmt(m.jobCreate, { name: form.name.trim() }));
        onDone((r as { network?: { id?: string } } | undefined)?.network?.id);
      }}>
      <div className="field">
        <span className="field-label" id="net-type-label">{m.guestType}</span>
        <div className="segmented" role="group" aria-labelledby="net-type-label">
          {TYPES.filter((t) => admin || t !== 'Shared').map((t) => (
            <button key={t} type="button" aria-pressed={f.type === t} onClick={() => pickType(t)}>{typeName[t]}</button>
          ))}
        </div>
        <span className="field-hint">{typeHint}</span>
      </div>
      <div className="infra-row">
        <TextField label={m.name} value={f.name} onChange={set('name')} error={shown.name} required autoFocus maxLength={255} />
        <TextField label={m.displayText} value={f.displaytext} onChange={set('displaytext')} hint={m.displayTextHint} />
      </div>
      <div className="infra-row">
        <SelectField label={m.zone} value={zoneid} onChange={set('zoneid')} error={shown.zoneid} required
          options={[['', m.choose], ...zoneItems.map((z): [string, string] => [z.id, z.name])]} />
        <SelectField label={m.offering} value={offering?.id ?? ''} onChange={set('offeringid')} required
          error={offerings.isFetched && !offeringItems.length ? m.noOfferings : shown.offeringid}
          options={offeringItems.length ? offeringItems.map((o): [string, string] => [o.id, o.displaytext || o.name]) : [['', '—']]} />
      </div>
      {noGuestPhysical && <div className="error" role="alert">{m.noPhysical}</div>}
      {(f.type === 'Shared' || (f.type === 'L2' && vlanRequired) || (f.type === 'Isolated' && vlanRequired)) && (
        <TextField label={m.vlan} value={f.vlan} onChange={set('vlan')} error={shown.vlan} required={vlanRequired} inputMode="numeric"
          hint={vlanRequired ? m.vlanHint : m.vlanOptionalHint} />
      )}
      {f.type !== 'L2' && (
        <div className="infra-row">
          <TextField label={m.gateway} value={f.gateway} onChange={set('gateway')} error={shown.gateway} required={f.type === 'Shared'} inputMode="decimal"
            hint={f.type === 'Isolated' ? m.gatewayHint : undefined} />
          <TextField label={m.netmask} value={f.netmask} onChange={set('netmask')} error={shown.netmask} required={f.type === 'Shared'} inputMode="decimal" />
        </div>
      )}
      {f.type === 'Shared' && (
        <>
          <div className="infra-row">
            <TextField label={m.startIp} value={f.startip} onChange={set('startip')} error={shown.startip} required inputMode="decimal" />
            <TextField label={m.endIp} value={f.endip} onChange={set('endip')} error={shown.endip} inputMode="decimal" />
          </div>
          <SelectField label={m.acl} value={f.acltype} onChange={set('acltype')} options={[['Domain', m.aclDomain], ['Account', m.aclAccount]]} />
        </>
      )}
      {f.type !== 'L2' && <TextField label={m.networkDomain} value={f.networkdomain} onChange={set('networkdomain')} />}
    </FormDialog>
  );
}
