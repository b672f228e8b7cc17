// The egress rules of a network: what its instances may (or may not) reach outside. Whether a rule blocks or allows
// follows the network offering's egress default policy, said above the table.
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { ActionBar, type Action } from '../../components/actions';
import { DataTable, type Column } from '../../components/DataTable';
import { StateBadge } from '../../components/StateBadge';
import { argsOf } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { useEdgeMessages } from './edge-messages';
import { FirewallDialog } from './edge-dialogs';
import { EDGE_ROW, fwPorts, tableHeight } from './IpRules';
import type { FirewallRule, Network } from './types';

export function EgressRules({ network }: { network: Network }) {
  const m = useEdgeMessages();
  const q = useList('listEgressFirewallRules', { networkid: network.id, listall: true });
  const offering = useList('listNetworkOfferings', { id: network.networkofferingid }, { enabled: !!network.networkofferingid }).data?.items[0];
  const rules = q.data?.items ?? [];
  const [adding, setAdding] = useState(false);
  const canAdd = useCan('createEgressFirewallRule');
  const del: Action<FirewallRule> = {
    id: 'delete', command: 'deleteEgressFirewallRule', label: m.delete, danger: true, when: (r) => r.state !== 'Revoke',
    params: (r) => argsOf('deleteEgressFirewallRule', { id: r.id }), describe: (r) => fmt(m.jobDeleteEgress, { proto: r.protocol, ports: fwPorts(r) }),
  };
  const columns: Column<FirewallRule>[] = [
    { key: 'proto', header: m.protocol, width: 90, render: (r) => r.protocol.toUpperCase() },
    { key: 'ports', header: `${m.ports} / ICMP`, width: 'minmax(110px, .8fr)', render: fwPorts },
    { key: 'src', header: m.cidrs, width: 'minmax(140px, 1fr)', render: (r) => r.cidrlist || '—' },
    { key: 'dst', header: m.destCidrs, width: 'minmax(140px, 1fr)', render: (r) => r.destcidrlist || '—' },
    { key: 'state', header: m.state, width: 110, render: (r) => <StateBadge state={r.state} /> },
    { key: 'del', header: '', width: 110, render: (r) => <ActionBar actions={[del]} rows={[r]} nameOf={(x) => `${x.protocol} ${fwPorts(x)}`} /> },
  ];
  return (
    <section className="net-section" aria-label={m.egress}>
      <div className="net-section-head">
        <h3>{m.egress}</h3>
        {canAdd && <button type="button" onClick={() => setAdding(true)}>{m.addEgress}</button>}
      </div>
      {offering && <p className="muted">{offering.egressdefaultpolicy === false ? m.egressDeny : m.egressAllow}</p>}
      {q.error && <div className="error" role="alert">{q.error.message}</div>}
      <DataTable label={m.egress} columns={columns} rowCount={rules.length} row={(i) => rules[i]} rowId={(r) => r.id}
        rowHeight={EDGE_ROW} height={tableHeight(rules.length)} empty={q.isFetched ? m.noEgress : m.loading} />
      {adding && <FirewallDialog target={{ kind: 'egress', network }} onClose={() => setAdding(false)} />}
    </section>
  );
}
