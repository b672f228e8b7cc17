// Offerings: compute (service) and disk offerings as sub-tabs #/offerings/compute and #/offerings/disk.
import { Page } from '../../components/Page';
import { useCan } from '../../app/client-context';
import { Tabs, TabPanel, useTab } from '../../components/kit/Tabs';
import { useOfferingsMessages } from './messages';
import { OfferingsTab } from './OfferingsTab';

export default function OfferingsView() {
  const m = useOfferingsMessages();
  const canDisk = useCan('listDiskOfferings');
  const tabs = [{ id: 'compute', label: m.compute }, ...(canDisk ? [{ id: 'disk', label: m.disk }] : [])];
  const { tab, openId } = useTab(tabs.map((t) => t.id));
  return (
    <Page title={m.title} subtitle={m.subtitle}>
      <Tabs area="offerings" tabs={tabs} current={tab} label={m.tabs} />
      <TabPanel label={tab === 'disk' ? m.disk : m.compute}>
        <OfferingsTab key={tab} kind={tab === 'disk' ? 'disk' : 'compute'} openId={openId} />
      </TabPanel>
    </Page>
  );
}
