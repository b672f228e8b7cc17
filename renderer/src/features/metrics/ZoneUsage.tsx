// The dashboard's zone graphs: each zone's CPU, memory and storage use over time, one card per zone, from
// listZonesUsageHistory (one stored series per zone, derived from its hosts and pools as they are sampled: a year
// of a zone reads what a year of one VM does, however many hosts and VMs the zone has).
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/cloud-client';
import { useCloud } from '../../app/client-context';
import { fmt } from '../../i18n/messages';
import { useMetricsMessages } from './messages';
import { UsageGraphs } from './UsageGraphs';

/** More zones than this: the first ones (a private cloud has a few). */
const ZONES_SHOWN = 8;

export function ZoneUsage() {
  const m = useMetricsMessages();
  const { client } = useCloud();
  const zones = useQuery({
    queryKey: [client.connectionId, 'zoneUsageZones'],
    queryFn: async () => (await api(client, 'listZones', { page: 1, pagesize: ZONES_SHOWN })).zone ?? [],
    staleTime: 60_000,
  });
  return <>{(zones.data ?? []).map((z) => <UsageGraphs key={z.id} kind="zone" id={z.id} title={fmt(m.zoneUsage, { name: z.name })} />)}</>;
}
