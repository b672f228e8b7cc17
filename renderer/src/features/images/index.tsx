// Images: templates and ISOs as sub-tabs #/images/templates and #/images/isos.
import { Page } from '../../components/Page';
import { useCan } from '../../app/client-context';
import { Tabs, TabPanel, useTab } from '../../components/kit/Tabs';
import { useImagesMessages } from './messages';
import { ImagesTab } from './ImagesTab';

export default function ImagesView() {
  const m = useImagesMessages();
  const canIsos = useCan('listIsos');
  const tabs = [{ id: 'templates', label: m.templates }, ...(canIsos ? [{ id: 'isos', label: m.isos }] : [])];
  const { tab, openId } = useTab(tabs.map((t) => t.id));
  return (
    <Page title={m.title} subtitle={m.subtitle}>
      <Tabs area="images" tabs={tabs} current={tab} label={m.tabs} />
      <TabPanel label={tab === 'isos' ? m.isos : m.templates}>
        {/* keyed so filters and selection start fresh when switching between templates and ISOs */}
        <ImagesTab key={tab} kind={tab === 'isos' ? 'iso' : 'template'} openId={openId} />
      </TabPanel>
    </Page>
  );
}
