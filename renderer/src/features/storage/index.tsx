// Storage: volumes, snapshots and (for administrators) primary storage pools, as sub-tabs #/storage/<tab>.
import { Page } from '../../components/Page';
import { useCan } from '../../app/client-context';
import { Tabs, TabPanel, useTab } from '../../components/kit/Tabs';
import { useStorageMessages } from './messages';
import { VolumesTab } from './VolumesTab';
import { SnapshotsTab } from './SnapshotsTab';
import { PoolsTab } from './PoolsTab';

export default function StorageView() {
  const m = useStorageMessages();
  const canPools = useCan('listStoragePools');
  const canSnapshots = useCan('listSnapshots');
  const tabs = [
    { id: 'volumes', label: m.volumes },
    ...(canSnapshots ? [{ id: 'snapshots', label: m.snapshots }] : []),
    ...(canPools ? [{ id: 'pools', label: m.pools }] : []),
  ];
  const { tab, openId } = useTab(tabs.map((t) => t.id));
  const label = tabs.find((t) => t.id === tab)?.label ?? '';
  return (
    <Page title={m.title} subtitle={m.subtitle}>
      <Tabs area="storage" tabs={tabs} current={tab} label={m.tabs} />
      <TabPanel label={label}>
        {tab === 'volumes' && <VolumesTab openId={openId} />}
        {tab === 'snapshots' && <SnapshotsTab openId={openId} />}
        {tab === 'pools' && <PoolsTab openId={openId} />}
      </TabPanel>
    </Page>
  );
}
