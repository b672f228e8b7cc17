// The create dialogs of a network's edge, with CloudStack's fields: static NAT (an instance of the network), port
// forwarding, firewall (ingress to an address, or egress of the network), a load balancer rule, and adding
// instances to one. Each mistake is named under its field once the user tries; a refusal from the server (a port
// another rule holds, an address with rules) stays in the dialog with CloudStack's text.
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { FormDialog } from '../../components/kit/FormDialog';
import { useRun } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { SelectField, TextField } from '../infrastructure/form';
import { useEdgeMessages } from './edge-messages';
import {
  cidrs, emptyFw, emptyLb, emptyPf, fwArgs, fwErrors, lbArgs, lbErrors, pfArgs, pfErrors, portRange,
  type FwForm, type FwProtocol, type LbForm, type PfForm,
} from './edge-form';
import type { LoadBalancerRule, Network, PublicIp, Vm } from './types';

/** The network's instances with their address on it, for the VM pickers. */
function useNetworkVms(networkId: string) {
  const q = useList('listVirtualMachines', { networkid: networkId, listall: true });
  const vms = (q.data?.items ?? []).filter((v) => v.state !== 'Destroyed' && v.state !== 'Expunging');
  const ipOf = (v: Vm) => v.nic?.find((n) => n.networkid === networkId)?.ipaddress;
  const options = (m: { choose: string }): [string, string][] =>
    [['', m.choose], ...vms.map((v): [string, string] => [v.id, `${v.displayname || v.name}${ipOf(v) ? ` (${ipOf(v)})` : ''}`])];
  return { vms, options, loaded: q.isFetched, nameOf: (id: string) => vms.find((v) => v.id === id)?.displayname ?? id };
}

/** Form state with a setter per field. */
function useForm<F extends object>(init: () => F) {
  const [f, setF] = useState<F>(init);
  const [tried, setTried] = useState(false);
  const set = (k: keyof F) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  return { f, set, tried, setTried };
}

export function StaticNatDialog({ ip, network, onClose }: { ip: PublicIp; network: Network; onClose(): void }) {
  const m = useEdgeMessages();
  const run = useRun();
  const vms = useNetworkVms(network.id);
  const { f, set, tried, setTried } = useForm(() => ({ vmid: '' }));
  const error = f.vmid ? undefined : vms.loaded && !vms.vms.length ? m.noVmsInNetwork : m.required;
  return (
    <FormDialog title={`${m.enableStaticNat}: ${ip.ipaddress}`} submitLabel={m.enableStaticNat} onClose={onClose} noValidate
      onSubmit={async () => {
        setTried(true);
        if (error) return 'keep';
        await run('enableStaticNat', { ipaddressid: ip.id, virtualmachineid: f.vmid, networkid: network.id },
          fmt(m.jobStaticNat, { ip: ip.ipaddress, vm: vms.nameOf(f.vmid) }));
      }}>
      <p className="muted">{m.staticNatHint}</p>
      <SelectField label={m.vm} value={f.vmid} onChange={set('vmid')} options={vms.options(m)} required error={tried ? error : undefined} />
    </FormDialog>
  );
}

export function PortForwardDialog({ ip, network, onClose }: { ip: PublicIp; network: Network; onClose(): void }) {
  const m = useEdgeMessages();
  const run = useRun();
  const vms = useNetworkVms(network.id);
  const { f, set, tried, setTried } = useForm<PfForm>(emptyPf);
  const errors = pfErrors(f, m);
  const shown = tried ? errors : {};
  return (
    <FormDialog title={`${m.addPf}: ${ip.ipaddress}`} submitLabel={m.addPf} onClose={onClose} wide noValidate
      onSubmit={async () => {
        setTried(true);
        if (Object.keys(errors).length) return 'keep';
        await run('createPortForwardingRule', pfArgs(ip.id, f),
          fmt(m.jobAddPf, { ip: ip.ipaddress, port: portRange(f.publicport, f.publicendport), vm: vms.nameOf(f.vmid) }));
      }}>
      <div className="infra-row">
        <TextField label={m.publicPort} value={f.publicport} onChange={set('publicport')} error={shown.publicport} required autoFocus inputMode="numeric" />
        <TextField label={m.publicEndPort} value={f.publicendport} onChange={set('publicendport')} error={shown.publicendport} hint={m.endPortHint} inputMode="numeric" />
      </div>
      <div className="infra-row">
        <TextField label={m.privatePort} value={f.privateport} onChange={set('privateport')} error={shown.privateport} required inputMode="numeric" />
        <TextField label={m.privateEndPort} value={f.privateendport} onChange={set('privateendport')} error={shown.privateendport} hint={m.endPortHint} inputMode="numeric" />
      </div>
      <div className="infra-row">
        <SelectField label={m.protocol} value={f.protocol} onChange={set('protocol')} options={[['tcp', 'TCP'], ['udp', 'UDP']]} />
        <SelectField label={m.vm} value={f.vmid} onChange={set('vmid')} options={vms.options(m)} required
          error={shown.vmid && (vms.loaded && !vms.vms.length ? m.noVmsInNetwork : shown.vmid)} />
      </div>
      <TextField label={m.cidrs} value={f.cidrlist} onChange={set('cidrlist')} error={shown.cidrlist} hint={m.cidrsHint} />
    </FormDialog>
  );
}

type FwTarget = { kind: 'ingress'; ip: PublicIp } | { kind: 'egress'; network: Network };

export function FirewallDialog({ target, onClose }: { target: FwTarget; onClose(): void }) {
  const m = useEdgeMessages();
  const run = useRun();
  const { f, set, tried, setTried } = useForm<FwForm>(emptyFw);
  const ingress = target.kind === 'ingress';
  const errors = fwErrors(f, m, { portsRequired: ingress });
  const shown = tried ? errors : {};
  const ports = f.protocol === 'tcp' || f.protocol === 'udp';
  const title = ingress ? `${m.addFw}: ${target.ip.ipaddress}` : `${m.addEgress}: ${target.network.name}`;
  const protocols: [FwProtocol, string][] = [['tcp', 'TCP'], ['udp', 'UDP'], ['icmp', 'ICMP'], ['all', 'All']];
  return (
    <FormDialog title={title} submitLabel={ingress ? m.addFw : m.addEgress} onClose={onClose} wide noValidate
      onSubmit={async () => {
        setTried(true);
        if (Object.keys(errors).length) return 'keep';
        const a = fwArgs(f);
        const shownPorts = a.protocol === 'icmp' ? `${f.icmptype}/${f.icmpcode}` : portRange(f.startport, f.endport);
        if (target.kind === 'ingress') {
          await run('createFirewallRule', { ipaddressid: target.ip.id, ...a, cidrlist: cidrs(f.cidrlist) },
            fmt(m.jobAddFw, { ip: target.ip.ipaddress, proto: a.protocol, ports: shownPorts }));
        } else {
          await run('createEgressFirewallRule', { networkid: target.network.id, ...a, destcidrlist: cidrs(f.cidrlist) },
            fmt(m.jobAddEgress, { name: target.network.name, proto: a.protocol, ports: shownPorts }));
        }
      }}>
      <SelectField label={m.protocol} value={f.protocol} onChange={set('protocol')} options={protocols} />
      {ports && (
        <div className="infra-row">
          <TextField label={m.startPort} value={f.startport} onChange={set('startport')} error={shown.startport} required={ingress} inputMode="numeric"
            hint={ingress ? undefined : m.egressPortsHint} />
          <TextField label={m.endPort} value={f.endport} onChange={set('endport')} error={shown.endport} hint={m.endPortHint} inputMode="numeric" />
        </div>
      )}
      {f.protocol === 'icmp' && (
        <div className="infra-row">
          <TextField label={m.icmpType} value={f.icmptype} onChange={set('icmptype')} error={shown.icmptype} hint={m.icmpHint} inputMode="numeric" />
          <TextField label={m.icmpCode} value={f.icmpcode} onChange={set('icmpcode')} error={shown.icmpcode} hint={m.icmpHint} inputMode="numeric" />
        </div>
      )}
      <TextField label={ingress ? m.cidrs : m.destCidrs} value={f.cidrlist} onChange={set('cidrlist')} error={shown.cidrlist} hint={m.cidrsHint} />
    </FormDialog>
  );
}

export function LbDialog({ ip, onClose }: { ip: PublicIp; onClose(): void }) {
  const m = useEdgeMessages();
  const run = useRun();
  const { f, set, tried, setTried } = useForm<LbForm>(emptyLb);
  const errors = lbErrors(f, m);
  const shown = tried ? errors : {};
  return (
    <FormDialog title={`${m.addLb}: ${ip.ipaddress}`} submitLabel={m.addLb} onClose={onClose} wide noValidate
      onSubmit={async () => {
        setTried(true);
        if (Object.keys(errors).length) return 'keep';
        await run('createLoadBalancerRule', lbArgs(ip.id, f), fmt(m.jobAddLb, { name: f.name.trim() }));
      }}>
      <div className="infra-row">
        <TextField label={m.name} value={f.name} onChange={set('name')} error={shown.name} required autoFocus maxLength={255} />
        <SelectField label={m.algorithm} value={f.algorithm} onChange={set('algorithm')}
          options={[['roundrobin', m.roundrobin], ['leastconn', m.leastconn], ['source', m.source]]} />
      </div>
      <div className="infra-row">
        <TextField label={m.publicPort} value={f.publicport} onChange={set('publicport')} error={shown.publicport} required inputMode="numeric" />
        <TextField label={m.privatePort} value={f.privateport} onChange={set('privateport')} error={shown.privateport} required inputMode="numeric" />
      </div>
      <div className="infra-row">
        <SelectField label={m.protocol} value={f.protocol} onChange={set('protocol')} options={[['tcp', 'TCP'], ['udp', 'UDP']]} />
        <TextField label={m.cidrs} value={f.cidrlist} onChange={set('cidrlist')} error={shown.cidrlist} hint={m.cidrsHint} />
      </div>
    </FormDialog>
  );
}

export function AssignDialog({ rule, onClose }: { rule: LoadBalancerRule; onClose(): void }) {
  const m = useEdgeMessages();
  const run = useRun();
  // applied=false: the network's instances not behind the rule yet.
  const q = useList('listLoadBalancerRuleInstances', { id: rule.id, applied: false });
  const candidates = q.data?.items ?? [];
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [tried, setTried] = useState(false);
  const toggle = (id: string) => setPicked((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  return (
    <FormDialog title={fmt(m.assignTitle, { name: rule.name })} submitLabel={m.assign} onClose={onClose} noValidate
      onSubmit={async () => {
        setTried(true);
        if (!picked.size) return 'keep';
        await run('assignToLoadBalancerRule', { id: rule.id, virtualmachineids: [...picked] }, fmt(m.jobAssign, { n: picked.size, name: rule.name }));
      }}>
      <fieldset className="edge-pick-vms">
        <legend>{m.pickVms}</legend>
        {q.isFetched && !candidates.length && <p className="muted">{m.noCandidates}</p>}
        {candidates.map((v) => (
          <label key={v.id} className="edge-pick-vm">
            <input type="checkbox" checked={picked.has(v.id)} onChange={() => toggle(v.id)} />
            <span>{v.displayname || v.name}</span>
            <span className="kit-mono muted">{v.nic?.find((n) => n.networkid === rule.networkid)?.ipaddress ?? ''}</span>
          </label>
        ))}
      </fieldset>
      {tried && !picked.size && <span className="field-error">{m.pickOne}</span>}
    </FormDialog>
  );
}
