// Schedules: the calendar of every run across the cloud, and the scheduled tasks, as sub-tabs #/schedules/<tab>.
// VM schedules and snapshot policies are also on their VM's and volume's pages.
import { Page } from '../../components/Page';
import { useCan } from '../../app/client-context';
import { Tabs, TabPanel, useTab } from '../../components/kit/Tabs';
import { Calendar } from './Calendar';
import { TasksTab } from './TasksTab';
import { useSchedMessages } from './messages';
import './schedules.css';

export default function SchedulesView() {
  const m = useSchedMessages();
  const canTasks = useCan('listScheduledTasks');
  const tabs = [{ id: 'calendar', label: m.calendar }, ...(canTasks ? [{ id: 'tasks', label: m.tasks }] : [])];
  const { tab } = useTab(tabs.map((t) => t.id));
  const label = tabs.find((t) => t.id === tab)?.label ?? '';
  return (
    <Page title={m.title} subtitle={m.subtitle}>
      <Tabs area="schedules" tabs={tabs} current={tab} label={m.tabs} />
      <TabPanel label={label}>
        {tab === 'calendar' && <Calendar />}
        {tab === 'tasks' && <TasksTab />}
      </TabPanel>
    </Page>
  );
}
