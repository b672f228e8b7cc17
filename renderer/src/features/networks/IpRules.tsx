// The rules of one public address: static NAT (to one instance of the network), port forwarding and ingress
// firewall rules, and its load balancer rules. The source NAT address takes firewall, forwarding and balancing
// rules but never static NAT; an address with static NAT takes no forwarding or balancing.
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { ActionBar, type Action } from '../../components/actions';
import { DataTable, type Column } from '../../components/DataTable';
import { StateBadge } from '../../components/StateBadge';
import { argsOf } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { useEdgeMessages } from './edge-messages';
import { portRange } from './edge-form';
import { FirewallDialog, PortForwardDialog, StaticNatDialog } from './edge-dialogs';
import { LbRules } from './LbRules';
import type { FirewallRule, Network, PortForwardingRule, PublicIp } from './types';

export const EDGE_ROW = 38;
export const tableHeight = (n: number) => Math.max(1, Math.min(n, 6)) * EDGE_ROW + EDGE_ROW + 2;
const dash = (s: string | undefined) => s || '—';

export function IpRules({ ip, network }: { ip: PublicIp; network: Network }) {
  const m = useEdgeMessages();
  const pf = useList('listPortForwardingRules', { ipaddressid: ip.id, listall: true });
  const lbCount = useList('listLoadBalancerRules', { publicipid: ip.id, listall: true }).data?.items.length ?? 0;
  const pfRules = pf.data?.items ?? [];
  return (
    <div className="edge-ip-rules" aria-label={fmt(m.rulesOf, { ip: ip.ipaddress })} role="region">
      <h3 className="edge-ip-title">{fmt(m.rulesOf, { ip: ip.ipaddress })}</h3>
      {ip.issourcenat ? <p className="muted">{m.sourceNatNote}</p>
        : <StaticNat ip={ip} network={network} hasRules={pfRules.length + lbCount > 0} />}
      {!ip.isstaticnat && <PortForwarding ip={ip} network={network} rules={pfRules} loaded={pf.isFetched} error={pf.error?.message} />}
      <Firewall ip={ip} />
      {!ip.isstaticnat && <LbRules ip={ip} />}
    </div>
  );
}

function StaticNat({ ip, network, hasRules }: { ip: PublicIp; network: Network; hasRules: boolean }) {
  const m = useEdgeMessages();
  const [open, setOpen] = useState(false);
  const canEnable = useCan('enableStaticNat');
  const vm = ip.virtualmachinedisplayname ?? ip.virtualmachinename ?? ip.virtualmachineid ?? '';
  const disable: Action<PublicIp> = {
    id: 'disable', command: 'disableStaticNat', label: m.disableStaticNat, confirm: true,
    params: (i) => argsOf('disableStaticNat', { ipaddressid: i.id }), describe: (i) => fmt(m.jobNoStaticNat, { ip: i.ipaddress }),
  };
  return (
    <section className="net-section" aria-label={m.staticNat}>
      <div className="net-section-head">
        <h3>{m.staticNat}</h3>
        {ip.isstaticnat ? <ActionBar actions={[disable]} rows={[ip]} nameOf={(x) => x.ipaddress} />
          : canEnable && !hasRules && <button type="button" onClick={() => setOpen(true)}>{m.enableStaticNat}</button>}
      </div>
      <p className={ip.isstaticnat ? '' : 'muted'}>
        {ip.isstaticnat ? `${fmt(m.staticNatTo, { vm })}${ip.vmipaddress ? ` (${ip.vmipaddress})` : ''}` : hasRules ? m.staticNatBusy : m.staticNatOff}
      </p>
      {open && <StaticNatDialog ip={ip} network={network} onClose={() => setOpen(false)} />}
    </section>
  );
}

function PortForwarding({ ip, network, rules, loaded, error }: { ip: PublicIp; network: Network; rules: PortForwardingRule[]; loaded: boolean; error?: string }) {
  const m = useEdgeMessages();
  const [adding, setAdding] = useState(false);
  const canAdd = useCan('createPortForwardingRule');
  const del: Action<PortForwardingRule> = {
    id: 'delete', command: 'deletePortForwardingRule', label: m.delete, danger: true, when: (r) => r.state !== 'Revoke',
    params: (r) => argsOf('deletePortForwardingRule', { id: r.id }), describe: (r) => fmt(m.jobDeletePf, { ip: ip.ipaddress, port: portRange(r.publicport, r.publicendport) }),
  };
  const columns: Column<PortForwardingRule>[] = [
    { key: 'public', header: m.publicPort, width: 'minmax(100px, .8fr)', render: (r) => portRange(r.publicport, r.publicendport) },
    { key: 'private', header: m.privatePort, width: 'minmax(100px, .8fr)', render: (r) => portRange(r.privateport, r.privateendport) },
    { key: 'proto', header: m.protocol, width: 90, render: (r) => r.protocol.toUpperCase() },
    { key: 'vm', header: m.vm, width: 'minmax(150px, 1.2fr)', render: (r) => `${r.virtualmachinedisplayname ?? r.virtualmachinename ?? r.virtualmachineid}${r.vmguestip ? ` (${r.vmguestip})` : ''}` },
    { key: 'cidr', header: m.cidrs, width: 'minmax(120px, 1fr)', render: (r) => dash(r.cidrlist) },
    { key: 'state', header: m.state, width: 110, render: (r) => <StateBadge state={r.state} /> },
    { key: 'del', header: '', width: 110, render: (r) => <ActionBar actions={[del]} rows={[r]} nameOf={(x) => `${ip.ipaddress}:${portRange(x.publicport, x.publicendport)}`} /> },
  ];
  return (
    <section className="net-section" aria-label={m.portForwarding}>
      <div className="net-section-head">
        <h3>{m.portForwarding}</h3>
        {canAdd && <button type="button" onClick={() => setAdding(true)}>{m.addPf}</button>}
      </div>
      {error && <div className="error" role="alert">{error}</div>}
      <DataTable label={m.portForwarding} columns={columns} rowCount={rules.length} row={(i) => rules[i]} rowId={(r) => r.id}
        rowHeight={EDGE_ROW} height={tableHeight(rules.length)} empty={loaded ? m.noPf : m.loading} />
      {adding && <PortForwardDialog ip={ip} network={network} onClose={() => setAdding(false)} />}
    </section>
  );
}

/** A firewall rule's ports as shown: the range for tcp/udp, type/code for icmp, "—" for all. */
export function fwPorts(r: FirewallRule): string {
  if (r.protocol === 'icmp') return `${r.icmptype ?? -1}/${r.icmpcode ?? -1}`;
  return portRange(r.startport, r.endport);
}

function Firewall({ ip }: { ip: PublicIp }) {
  const m = useEdgeMessages();
  const q = useList('listFirewallRules', { ipaddressid: ip.id, listall: true });
  const rules = q.data?.items ?? [];
  const [adding, setAdding] = useState(false);
  const canAdd = useCan('createFirewallRule');
  const del: Action<FirewallRule> = {
    id: 'delete', command: 'deleteFirewallRule', label: m.delete, danger: true, when: (r) => r.state !== 'Revoke',
    params: (r) => argsOf('deleteFirewallRule', { id: r.id }), describe: (r) => fmt(m.jobDeleteFw, { proto: r.protocol, ports: fwPorts(r) }),
  };
  const columns: Column<FirewallRule>[] = [
    { key: 'proto', header: m.protocol, width: 90, render: (r) => r.protocol.toUpperCase() },
    { key: 'ports', header: `${m.ports} / ICMP`, width: 'minmax(110px, .8fr)', render: fwPorts },
    { key: 'cidr', header: m.cidrs, width: 'minmax(160px, 1.4fr)', render: (r) => dash(r.cidrlist) },
    { key: 'state', header: m.state, width: 110, render: (r) => <StateBadge state={r.state} /> },
    { key: 'del', header: '', width: 110, render: (r) => <ActionBar actions={[del]} rows={[r]} nameOf={(x) => `${x.protocol} ${fwPorts(x)}`} /> },
  ];
  return (
    <section className="net-section" aria-label={m.firewall}>
      <div className="net-section-head">
        <h3>{m.firewall}</h3>
        {canAdd && <button type="button" onClick={() => setAdding(true)}>{m.addFw}</button>}
      </div>
      {q.error && <div className="error" role="alert">{q.error.message}</div>}
      <DataTable label={m.firewall} columns={columns} rowCount={rules.length} row={(i) => rules[i]} rowId={(r) => r.id}
        rowHeight={EDGE_ROW} height={tableHeight(rules.length)} empty={q.isFetched ? m.noFw : m.loading} />
      {adding && <FirewallDialog target={{ kind: 'ingress', ip }} onClose={() => setAdding(false)} />}
    </section>
  );
}
