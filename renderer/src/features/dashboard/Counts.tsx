// Instance counts by state (and hosts Up for admins). Each count is one listVirtualMachines call with pagesize=1,
// read for its `count`: the server counts through its index, nothing is listed. Each tile links to the filtered list.
import { useQueries } from '@tanstack/react-query';
import { useCan, useCloud } from '../../app/client-context';
import { StateBadge } from '../../components/StateBadge';
import type { Params } from '../../api/cloud-client';
import { fmt } from '../../i18n/messages';
import { hrefOf } from '../../state/route-store';
import { useDashMessages } from './messages';
import { listItems, type ListCommand, type ListItem } from '../../api/list-types';

// A count for a state few VMs are in costs the server a walk over every VM (its page query follows the creation
// index), so only the states an operator watches are counted; the instances filter offers all of them.
const STATES = ['Running', 'Stopped', 'Starting', 'Stopping', 'Error', 'Destroyed'];
// Each count is a query over up to 100,000 rows on the server: refresh calmly (actions started here refresh at once).
const REFRESH_MS = 60_000;

/** Same query keys and data shape as useList (`{count, items}`), so a list elsewhere with these params shares the cache. */
function useCounts<N extends ListCommand>(command: N, list: Params[], enabled = true) {
  const { client } = useCloud();
  return useQueries({
    queries: list.map((params) => ({
      queryKey: [client.connectionId, command, params],
      queryFn: async () => {
        const r = await client.call(command, params);
        return { count: Number(r.count ?? 0), items: listItems<ListItem<N>>(r) };
      },
      refetchInterval: REFRESH_MS,
      enabled,
    })),
  });
}

export function Counts() {
  const m = useDashMessages();
  const { identity } = useCloud();
  const canHosts = useCan('listHosts');
  const listall = identity.accountType !== 0 ? true : undefined;
  const vmParams: Params[] = [{ listall, page: 1, pagesize: 1 }, ...STATES.map((state) => ({ state, listall, page: 1, pagesize: 1 }))];
  const vms = useCounts('listVirtualMachines', vmParams);
  const hosts = useCounts('listHosts', [{ type: 'Routing', page: 1, pagesize: 1 }, { type: 'Routing', state: 'Up', page: 1, pagesize: 1 }], canHosts);
  const n = (q: { data?: { count: number } }) => (q.data ? q.data.count.toLocaleString() : '…');
  const error = [...vms, ...hosts].find((q) => q.error)?.error;
  // Both counts or neither: "3 hosts Up of 0" while the total is still on its way would be a false figure.
  const hostsKnown = !!hosts[0].data && !!hosts[1].data;
  const hostTotal = hosts[0].data?.count ?? 0;
  const hostUp = hosts[1].data?.count ?? 0;

  return (
    <section aria-label={m.countsFor} className="dash-section">
      <h2 className="dash-h">{m.instances}</h2>
      {error && <div className="error" role="alert">{fmt(m.loadFailed, { text: error.message })}</div>}
      <div className="dash-tiles">
        <a className="dash-tile total" href={hrefOf(['instances'])}>
          <span className="dash-num">{n(vms[0])}</span><span className="dash-label">{m.total}</span>
        </a>
        {STATES.map((s, i) => {
          const q = vms[i + 1];
          return (
            <a key={s} className={`dash-tile${q.data?.count === 0 ? ' zero' : ''}`} href={hrefOf(['instances'], { state: s })} aria-label={`${s}: ${n(q)}`}>
              <span className="dash-num">{n(q)}</span><StateBadge state={s} />
            </a>
          );
        })}
        {canHosts && (hostsKnown ? (
          <div className="dash-tile hosts" aria-label={`${m.hosts}: ${fmt(m.hostsUp, { up: hostUp, total: hostTotal })}`}>
            <span className="dash-num">{hostUp.toLocaleString()}</span>
            <span className="dash-label">{fmt(m.hostsUpLabel, { total: hostTotal.toLocaleString() })}</span>
            {hostTotal > hostUp && <span className="badge tone-bad">{fmt(m.hostsDown, { count: hostTotal - hostUp })}</span>}
          </div>
        ) : (
          <div className="dash-tile hosts" aria-busy="true" aria-label={`${m.hosts}: ${m.loading}`}>
            <span className="dash-num dash-pending" aria-hidden>…</span>
            <span className="dash-label">{m.hostsLoading}</span>
          </div>
        ))}
      </div>
    </section>
  );
}
