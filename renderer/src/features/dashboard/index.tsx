// Dashboard: instance counts by state, per-zone capacity, latest alerts and events, jobs. What a role cannot list
// (capacity, hosts and alerts for a user account) is not shown at all.
import { useQueryClient } from '@tanstack/react-query';
import { useCan, useCloud } from '../../app/client-context';
import { Page } from '../../components/Page';
import { CapacityCards } from './CapacityCards';
import { Counts } from './Counts';
import { AlertsCard, EventsCard, JobsCard } from './Activity';
import { useDashMessages } from './messages';
import { ZoneUsage } from '../metrics/ZoneUsage';
import { HostFailures } from '../infrastructure/HostFailures';
import './dashboard.css';

export default function View() {
  const m = useDashMessages();
  const { client } = useCloud();
  const qc = useQueryClient();
  const canCapacity = useCan('listCapacity');
  const canAlerts = useCan('listAlerts');
  const canEvents = useCan('listEvents');
  const canJobs = useCan('listAsyncJobs');
  const canTrend = useCan('listZonesUsageHistory');
  const canHosts = useCan('listHosts');
  return (
    <Page title={m.dashboard} subtitle={client.connectionName}
      toolbar={<button onClick={() => qc.invalidateQueries({ queryKey: [client.connectionId] })}>{m.refresh}</button>}>
      <div className="dash">
        {canHosts && <HostFailures recoveries />}
        <Counts />
        {canCapacity && <CapacityCards />}
        {canTrend && <ZoneUsage />}
        <div className="dash-cols">
          {canAlerts && <AlertsCard />}
          {canEvents && <EventsCard />}
        </div>
        {canJobs && <JobsCard />}
      </div>
    </Page>
  );
}
