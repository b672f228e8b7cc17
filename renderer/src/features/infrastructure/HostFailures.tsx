// Host failures as such, wherever an operator looks first (dashboard and topology): each host whose agent link is
// gone (Alert, Disconnected) or that HA declared Down, in words and with its state badge, not by colour alone,
// with what HA does about it, and the latest HA restarts of VMs (the VMs being recovered). Nothing shows while
// every host is well. Polls, since a failure must show without a refresh.
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { StateBadge } from '../../components/StateBadge';
import { When, useNow } from '../../components/kit/When';
import { fmt } from '../../i18n/messages';
import { hrefOf } from '../../state/route-store';
import { useInfraMessages } from './messages';
import './host-failures.css';

const POLL_MS = 5_000;
/** HA restarts older than this are history, not recovery. */
const RECENT_MS = 30 * 60_000;

/** `recoveries`: also list the latest HA restarts (the dashboard; the map keeps its room for the map). */
export function HostFailures({ recoveries = false }: { recoveries?: boolean }) {
  const m = useInfraMessages();
  const canEvents = useCan('listEvents');
  const now = useNow();
  const down = useList('listHosts', { state: 'Down', type: 'Routing' }, { refetchMs: POLL_MS });
  const alert = useList('listHosts', { state: 'Alert', type: 'Routing' }, { refetchMs: POLL_MS });
  const gone = useList('listHosts', { state: 'Disconnected', type: 'Routing' }, { refetchMs: POLL_MS });
  const hosts = [...(down.data?.items ?? []), ...(alert.data?.items ?? []), ...(gone.data?.items ?? [])];
  const restarts = useList('listEvents', { type: 'HA.VM.RESTART', listall: true, page: 1, pagesize: 6 },
    { refetchMs: POLL_MS, enabled: recoveries && canEvents && hosts.length > 0 });
  if (hosts.length === 0) return null;
  const recent = !recoveries ? [] : (restarts.data?.items ?? []).filter((e) => e.created && now - Date.parse(e.created) < RECENT_MS);
  return (
    <section className="host-failures" role="alert" aria-label={m.failuresTitle}>
      <h2>{fmt(m.failuresHeading, { n: hosts.length })}</h2>
      <ul className="host-failures-list">
        {hosts.map((h) => (
          <li key={h.id} data-host={h.name}>
            <a href={hrefOf(['infrastructure', 'hosts', h.id])}><strong>{h.name}</strong></a>
            <StateBadge state={h.state} />
            {h.hostha?.hastate && h.hostha.hastate !== 'Disabled' && <span className="muted">{m.haState}: {h.hostha.hastate}</span>}
            <span className="host-failures-what">{h.state === 'Down' ? m.failureDown : m.failureSuspect}</span>
            {h.clustername && <span className="muted">{h.clustername}</span>}
          </li>
        ))}
      </ul>
      {recent.length > 0 && (
        <>
          <h3>{m.recovering}</h3>
          <ul className="host-failures-restarts">
            {recent.map((e) => (
              <li key={e.id} className={e.level === 'ERROR' ? 'bad' : undefined}>
                <When value={e.created} /> <span>{e.description}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
