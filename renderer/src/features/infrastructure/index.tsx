// Infrastructure: #/infrastructure/<tab> lists (zones, pods, clusters, hosts, primary, secondary storage),
// #/infrastructure/hosts/<id> one host, #/infrastructure/zones/wizard the zone wizard.
import { Page } from '../../components/Page';
import { Tabs, TabPanel } from '../../components/kit/Tabs';
import { useRoute } from '../../state/route-store';
import { useInfraMessages } from './messages';
import { ZonesTab, PodsTab, ClustersTab } from './GroupTabs';
import { HostsTab } from './HostsTab';
import { PrimaryStorageTab, SecondaryStorageTab } from './StorageTabs';
import { HostDetails } from './HostDetails';
import { ZoneWizard } from './wizard/ZoneWizard';
import './infrastructure.css';

const TABS = ['zones', 'pods', 'clusters', 'hosts', 'primary', 'secondary'] as const;
type Tab = typeof TABS[number];

export default function InfrastructureView() {
  const m = useInfraMessages();
  const path = useRoute((s) => s.path);
  const tab: Tab = (TABS as readonly string[]).includes(path[1]) ? (path[1] as Tab) : 'zones';
  const sub = path[2];
  if (tab === 'hosts' && sub) return <HostDetails key={sub} id={sub} />;
  if (tab === 'zones' && sub === 'wizard') return <ZoneWizard />;

  return (
    <Page title={m.title} subtitle={m.subtitle}>
      <Tabs area="infrastructure" label={m.tabs} current={tab} tabs={TABS.map((t) => ({ id: t, label: m[t] }))} />
      <TabPanel label={m[tab]}>
        {tab === 'zones' && <ZonesTab key="zones" />}
        {tab === 'pods' && <PodsTab key="pods" />}
        {tab === 'clusters' && <ClustersTab key="clusters" />}
        {tab === 'hosts' && <HostsTab key="hosts" />}
        {tab === 'primary' && <PrimaryStorageTab key="primary" />}
        {tab === 'secondary' && <SecondaryStorageTab key="secondary" />}
      </TabPanel>
    </Page>
  );
}
