// One volume: its properties and the actions its state allows. Attach, resize and snapshot ask for input in
// dialogs; detach and delete run directly (delete asks for confirmation).
import { TagsCard } from '../tags/TagsCard';
import { useState } from 'react';
import { ActionBar } from '../../components/actions';
import { Properties } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { useCan } from '../../app/client-context';
import { hrefOf } from '../../state/route-store';
import { DetailPane } from '../../components/kit/ListFrame';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { RowLink, resourceHref } from '../../components/kit/links';
import { formatBytes } from '../../components/kit/format';
import { useStorageMessages } from './messages';
import { useVolumeActions } from './VolumesTab';
import { AttachVolumeDialog, ResizeVolumeDialog, SnapshotVolumeDialog } from './VolumeDialogs';
import { When } from '../../components/kit/When';
import { VolumePolicies } from '../schedules/VolumePolicies';
import { UsageGraphs } from '../metrics/UsageGraphs';

type DialogKind = 'attach' | 'resize' | 'snapshot';

export function VolumeDetail({ id, onClose, onChanged }: { id: string; onClose(): void; onChanged(): void }) {
  const m = useStorageMessages();
  const { item: v, loading, error } = useOne('listVolumes', { id, listall: true });
  const [dialog, setDialog] = useState<DialogKind | null>(null);
  const actions = useVolumeActions();
  const canHistory = useCan('listVolumesUsageHistory');
  const can = { attach: useCan('attachVolume'), resize: useCan('resizeVolume'), snapshot: useCan('createSnapshot'), snapshots: useCan('listSnapshots'), policies: useCan('listSnapshotPolicies') };
  if (!v) return <PendingPane loading={loading} error={error} onClose={onClose} />;

  const detachedData = v.type !== 'ROOT' && !v.virtualmachineid;
  const usable = v.state === 'Ready' || v.state === 'Allocated';
  const buttons = (
    <>
      {can.attach && detachedData && usable && <button type="button" onClick={() => setDialog('attach')}>{m.attach}</button>}
      {can.resize && usable && <button type="button" onClick={() => setDialog('resize')}>{m.resize}</button>}
      {can.snapshot && v.state === 'Ready' && <button type="button" onClick={() => setDialog('snapshot')}>{m.takeSnapshot}</button>}
      <ActionBar actions={actions} rows={[v]} nameOf={(x) => x.name} onDone={onChanged} />
    </>
  );
  const done = () => { setDialog(null); onChanged(); };
  return (
    <DetailPane title={v.name} states={[v.state]} onClose={onClose} actions={buttons}>
      <Properties rows={[
        [m.state, <StateBadge state={v.state} />],
        [m.type, v.type === 'ROOT' ? m.root : m.data],
        [m.size, formatBytes(v.size)],
        [m.physical, formatBytes(v.physicalsize)],
        [m.vm, v.virtualmachineid ? <RowLink href={resourceHref('VirtualMachine', v.virtualmachineid)}>{v.vmdisplayname || v.vmname}</RowLink> : m.detached],
        [m.device, v.deviceid ?? '—'],
        [m.offering, v.diskofferingname ?? v.serviceofferingname ?? '—'],
        [m.pool, v.storage ?? '—'],
        [m.zone, v.zonename],
        [m.account, v.account ?? v.project],
        [m.domain, v.domain],
        [m.provisioning, v.provisioningtype ?? '—'],
        [m.created, <When value={v.created} />],
        [m.attached, <When value={v.attached} />],
      ]} />
      {canHistory && v.virtualmachineid && <UsageGraphs kind="volume" id={v.id} />}
      {can.snapshots && (
        <a className="kit-link" href={hrefOf(['storage', 'snapshots'], { volumeid: v.id, for: v.name })}>{m.snapshotsOf} →</a>
      )}
      <TagsCard resourceType="Volume" resourceId={v.id} name={v.name} tags={v.tags} />
      {can.policies && <VolumePolicies volume={v} />}
      {dialog === 'attach' && <AttachVolumeDialog volume={v} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === 'resize' && <ResizeVolumeDialog volume={v} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === 'snapshot' && <SnapshotVolumeDialog volume={v} onClose={() => setDialog(null)} onDone={done} />}
    </DetailPane>
  );
}
