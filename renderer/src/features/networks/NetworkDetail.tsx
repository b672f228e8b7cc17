// One guest network: its properties, its virtual router (state, addresses, host, and restart/start/stop), its IP
// ranges (admins) and its instances with their NIC on this network (server-paged: a shared network may have
// thousands); an isolated network with source NAT also has a Public IPs tab (its edge: NAT, firewall, load
// balancing). Restart and delete come from the list's actions.
import { TagsCard } from '../tags/TagsCard';
import { ActionBar } from '../../components/actions';
import { Properties } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { useCan } from '../../app/client-context';
import { useList } from '../../api/hooks';
import { DetailPane } from '../../components/kit/ListFrame';
import { DetailTabs } from '../../components/kit/Detail';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { When } from '../../components/kit/When';
import { YesNo } from '../../components/kit/Widgets';
import { RowLink, resourceHref } from '../../components/kit/links';
import { useNetMessages } from './messages';
import { useNetworkActions } from './network-actions';
import { useTypeLabel } from './NetworksTab';
import { NetworkVms } from './NetworkVms';
import { IpRanges } from './IpRanges';
import { RouterCard } from './RouterCard';
import { PublicIps } from './PublicIps';
import { useEdgeMessages } from './edge-messages';

export function NetworkDetail({ id, onClose, onChanged }: { id: string; onClose(): void; onChanged(): void }) {
  const m = useNetMessages();
  const e = useEdgeMessages();
  const typeLabel = useTypeLabel();
  const { item: n, loading, error } = useOne('listNetworks', { id, listall: true });
  const actions = useNetworkActions();
  const canRouters = useCan('listRouters');
  const canRanges = useCan('listVlanIpRanges');
  if (!n) return <PendingPane loading={loading} error={error} onClose={onClose} />;
  const done = onChanged;
  const services = (n.service ?? []).map((s) => s.name).join(', ');
  const hasEdge = n.type === 'Isolated' && (n.service ?? []).some((s) => s.name === 'SourceNat');
  return (
    <DetailPane title={n.name} states={[n.state]} onClose={onClose}
      actions={<ActionBar actions={actions} rows={[n]} nameOf={(x) => x.name} onDone={done} />}>
      <DetailTabs label={e.detailTabs} tabs={[
        { id: 'overview', label: e.overview, render: () => (
          <>
            <div className="net-detail-grid">
              <Properties rows={[
                [m.id, <code key="id" className="kit-mono">{n.id}</code>],
                [m.description, n.displaytext ?? '—'],
                [m.state, <StateBadge key="s" state={n.state} />],
                [m.type, typeLabel(n.type)],
                [m.zone, n.zonename ?? '—'],
                [m.cidr, n.cidr ?? '—'],
                [m.gateway, n.gateway ?? '—'],
                [m.netmask, n.netmask ?? '—'],
                ...(n.vlan !== undefined ? [[m.vlan, n.vlan] as [string, string]] : []),
              ]} />
              <Properties rows={[
                [m.offering, n.networkofferingname ?? '—'],
                [m.account, n.account ?? '—'],
                [m.domain, n.domain ?? '—'],
                [m.acl, n.acltype === 'Domain' ? m.aclDomain : m.aclAccount],
                [m.networkDomain, n.networkdomain ?? '—'],
                [m.dns, [n.dns1, n.dns2].filter(Boolean).join(', ') || m.auto],
                [m.services, services || m.none],
                [m.restartRequired, <YesNo key="r" value={n.restartrequired} />],
                [m.created, <When key="c" value={n.created} />],
              ]} />
            </div>
            <TagsCard resourceType="Network" resourceId={n.id} name={n.name} tags={n.tags} />
            {canRouters && n.type !== 'L2' && <RouterCard network={n} onChanged={done} />}
            {n.type === 'L2' && <p className="muted">{m.noRouterL2}</p>}
            {canRanges && n.type === 'Shared' && <IpRanges network={n} />}
            <NetworkVms network={n} />
          </>
        ) },
        ...(hasEdge ? [{ id: 'public-ips', label: e.publicIps, render: () => <PublicIps network={n} /> }] : []),
      ]} />
    </DetailPane>
  );
}

/** A link to a network's page in this area. */
export function NetworkLink({ id, name }: { id: string | undefined; name: string | undefined }) {
  return <RowLink href={resourceHref('Network', id)}>{name ?? id ?? '—'}</RowLink>;
}

/** Used by the router card and list: the router of a network, if it has one. */
export function useNetworkRouter(networkId: string) {
  const q = useList('listRouters', { networkid: networkId, listall: true });
  return { router: q.data?.items[0], loaded: q.isFetched };
}
