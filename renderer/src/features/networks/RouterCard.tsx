// The virtual router of a network on its page: state, addresses and host, with its own actions (start, stop,
// reboot) and a link to its page among the routers. An isolated network has none until its first VM starts.
import { ActionBar } from '../../components/actions';
import { Properties } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { RowLink, resourceHref } from '../../components/kit/links';
import { useNetMessages } from './messages';
import { useRouterActions } from './network-actions';
import { useNetworkRouter } from './NetworkDetail';
import type { Network } from './types';

export function RouterCard({ network, onChanged }: { network: Network; onChanged(): void }) {
  const m = useNetMessages();
  const { router: r, loaded } = useNetworkRouter(network.id);
  // Destroy lives on the router's own page; here the everyday ones.
  const actions = useRouterActions().filter((a) => a.id !== 'destroy');
  return (
    <section className="net-section" aria-label={m.router}>
      <div className="net-section-head">
        <h3>{m.router}</h3>
        {r && <ActionBar actions={actions} rows={[r]} nameOf={(x) => x.name} onDone={onChanged} />}
      </div>
      {!r ? <p className="muted">{!loaded ? m.loading : network.type === 'Isolated' ? m.noRouter : m.noRouterShared}</p> : (
        <Properties rows={[
          [m.name, <RowLink key="n" href={resourceHref('DomainRouter', r.id)}>{r.name}</RowLink>],
          [m.state, <StateBadge key="s" state={r.state} />],
          [m.guestIp, r.guestipaddress ?? '—'],
          [m.publicIp, r.publicip ?? '—'],
          [m.host, r.hostname ?? '—'],
        ]} />
      )}
    </section>
  );
}
