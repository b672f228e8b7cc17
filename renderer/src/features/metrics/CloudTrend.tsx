// The usage trend of the cloud (dashboard) or of one cluster (the hosts list filtered by cluster): CPU (the hosts'
// average) and memory in use (their sum) over the last 24 hours, from listHostsUsageHistory. The history of every host at 1,000 points each is a lot for a big cloud: the trend
// reads at most HOSTS_CAP hosts and says so when there are more.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/cloud-client';
import { useCloud } from '../../app/client-context';
import { Card } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { cloudTrend, dateParam } from './history-model';
import { useMetricsMessages } from './messages';
import { TimeSeriesChart } from './TimeSeriesChart';
import './metrics.css';

const HOSTS_CAP = 200;
const DAY = 86_400;

export function CloudTrend({ clusterId }: { clusterId?: string } = {}) {
  const m = useMetricsMessages();
  const { client } = useCloud();
  const q = useQuery({
    queryKey: [client.connectionId, 'cloudTrend', clusterId ?? null],
    queryFn: async () => {
      const to = Math.floor(Date.now() / 1000);
      const from = to - DAY;
      // A cluster: its hosts by id (the history command filters by id, not by cluster).
      const ids = clusterId === undefined ? undefined
        : ((await api(client, 'listHosts', { clusterid: clusterId, type: 'Routing', page: 1, pagesize: HOSTS_CAP, details: ['min'] })).host ?? []).map((h) => h.id);
      if (ids && ids.length === 0) return cloudTrend([], from, to, 0);
      const r = await api(client, 'listHostsUsageHistory', { ids, startdate: dateParam(from), enddate: dateParam(to), page: 1, pagesize: HOSTS_CAP });
      return cloudTrend(r.host ?? [], from, to, r.count ?? 0);
    },
    refetchInterval: 60_000,
  });
  const d = q.data;
  return (
    <Card title={<>{clusterId ? m.clusterTrend : m.usageTrend}{d && d.total > d.hosts && <span className="muted"> · {fmt(m.trendSampled, { n: d.hosts, total: d.total })}</span>}</>}>
      {q.error && <div className="error" role="alert">{fmt(m.failed, { text: q.error.message })}</div>}
      {!d && !q.error && <p className="muted" aria-busy="true">{m.loading}</p>}
      {d && d.t.length === 0 && <p className="muted">{m.noData}</p>}
      {d && d.t.length > 0 && (
        <div className="ts-grid">
          <TimeSeriesChart title={m.cpu} unit="percent" t={d.t} from={d.from} to={d.to} syncKey="cloud-trend" height={120} latestLabel={m.latest}
            series={[{ label: m.hostsAvg, values: d.cpu, color: '--chart-1' }]} />
          <TimeSeriesChart title={m.memory} unit="bytes" t={d.t} from={d.from} to={d.to} syncKey="cloud-trend" height={120} latestLabel={m.latest}
            series={[{ label: m.memoryInUse, values: d.mem, color: '--chart-2' }]} />
        </div>
      )}
    </Card>
  );
}
