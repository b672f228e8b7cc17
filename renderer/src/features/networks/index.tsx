// Networks: guest networks (everyone) and virtual routers (administrators), as sub-tabs #/networks/<tab>[/<id>].
import { Page } from '../../components/Page';
import { useCan } from '../../app/client-context';
import { Tabs, TabPanel, useTab } from '../../components/kit/Tabs';
import { useNetMessages } from './messages';
import { NetworksTab } from './NetworksTab';
import { RoutersTab } from './RoutersTab';
import '../infrastructure/infrastructure.css';
import './networks.css';

export default function NetworksView() {
  const m = useNetMessages();
  const canRouters = useCan('listRouters');
  const tabs = [{ id: 'networks', label: m.networks }, ...(canRouters ? [{ id: 'routers', label: m.routers }] : [])];
  const { tab, openId } = useTab(tabs.map((t) => t.id));
  const label = tabs.find((t) => t.id === tab)?.label ?? '';
  return (
    <Page title={m.title} subtitle={m.subtitle}>
      <Tabs area="networks" tabs={tabs} current={tab} label={m.tabs} />
      <TabPanel label={label}>
        {tab === 'networks' && <NetworksTab openId={openId} />}
        {tab === 'routers' && <RoutersTab openId={openId} />}
      </TabPanel>
    </Page>
  );
}
