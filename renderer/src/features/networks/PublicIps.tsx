// A network's Public IPs tab (issue 18): its public addresses (the source NAT one marked), acquiring and releasing
// them, and for the chosen address its static NAT, port forwarding, firewall and load balancer rules; then the
// network's egress rules. Every rule shows its state: Add (written), Active (on the router), Revoke (being removed).
import { useState } from 'react';
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { ActionBar, type Action } from '../../components/actions';
import { DataTable, type Column } from '../../components/DataTable';
import { StateBadge } from '../../components/StateBadge';
import { argsOf, errorText, useRun } from '../../components/kit/typed';
import { fmt } from '../../i18n/messages';
import { useEdgeMessages } from './edge-messages';
import { EgressRules } from './EgressRules';
import { IpRules } from './IpRules';
import type { Network, PublicIp } from './types';

const ROW = 38;

export function PublicIps({ network }: { network: Network }) {
  const m = useEdgeMessages();
  const run = useRun();
  const q = useList('listPublicIpAddresses', { associatednetworkid: network.id, listall: true });
  const ips = q.data?.items ?? [];
  const [chosen, setChosen] = useState<string>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const canAcquire = useCan('associateIpAddress');
  // The newest non-source-NAT address is where rules usually go; the operator picks another by opening its row.
  const ip = ips.find((i) => i.id === chosen) ?? ips.find((i) => !i.issourcenat) ?? ips[0];
  const release: Action<PublicIp> = {
    id: 'release', command: 'disassociateIpAddress', label: m.release, danger: true, when: (i) => !i.issourcenat && i.state !== 'Releasing',
    summary: (n) => fmt(m.releaseSummary, { n }),
    params: (i) => argsOf('disassociateIpAddress', { id: i.id }), describe: (i) => fmt(m.jobRelease, { ip: i.ipaddress }),
  };
  const acquire = async () => {
    setBusy(true); setError('');
    try {
      const r = await run('associateIpAddress', { networkid: network.id }, fmt(m.jobAcquire, { name: network.name }));
      const id = (r as { ipaddress?: { id?: string } } | undefined)?.ipaddress?.id;
      if (id) setChosen(id);
    } catch (e) { setError(errorText(e)); }
    setBusy(false);
  };
  const columns: Column<PublicIp>[] = [
    { key: 'ip', header: m.ip, width: 'minmax(170px, 1.2fr)', render: (i) => (
      <span className="edge-ip">
        <span className="edge-pick" aria-hidden>{i.id === ip?.id ? '▸' : ''}</span>
        <strong className="kit-mono">{i.ipaddress}</strong>
        {i.issourcenat && <span className="badge tone-ok">{m.sourceNat}</span>}
      </span>
    ) },
    { key: 'state', header: m.state, width: 120, render: (i) => <StateBadge state={i.state} /> },
    { key: 'nat', header: m.staticNat, width: 'minmax(140px, 1fr)', render: (i) => (i.isstaticnat ? i.virtualmachinedisplayname ?? i.virtualmachinename ?? i.virtualmachineid : m.none) },
    { key: 'release', header: '', width: 130, render: (i) => <ActionBar actions={[release]} rows={[i]} nameOf={(x) => x.ipaddress} /> },
  ];
  return (
    <div className="edge">
      <section className="net-section" aria-label={m.publicIps}>
        <div className="net-section-head">
          <h3>{m.publicIps}</h3>
          {canAcquire && <button type="button" className="primary" disabled={busy} onClick={() => void acquire()}>{m.acquire}</button>}
        </div>
        {(error || q.error) && <div className="error" role="alert">{error || q.error?.message}</div>}
        <DataTable label={m.publicIps} columns={columns} rowCount={ips.length} row={(i) => ips[i]} rowId={(i) => i.id} onOpen={(i) => setChosen(i.id)}
          rowHeight={ROW} height={Math.max(1, Math.min(ips.length, 6)) * ROW + ROW + 2} empty={q.isFetched ? m.noIps : m.loading} />
      </section>
      {ip ? <IpRules key={ip.id} ip={ip} network={network} /> : <p className="muted">{m.pickIp}</p>}
      <EgressRules network={network} />
    </div>
  );
}
