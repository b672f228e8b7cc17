// Volume snapshots: list (optionally of one volume), revert (the server refuses while the instance runs, and its
// text is shown), create a volume from a snapshot, delete.
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { ActionBar, type Action } from '../../components/actions';
import { StateBadge } from '../../components/StateBadge';
import { Properties } from '../../components/Page';
import { TagsCard } from '../tags/TagsCard';
import '../tags/tags.css';
import { useCan } from '../../app/client-context';
import { useRoute } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { ListFrame, DetailPane } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { useAllowed } from '../../components/kit/allowed';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { FormDialog, TextField } from '../../components/kit/FormDialog';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { RowLink, resourceHref } from '../../components/kit/links';
import { argsOf, useRun } from '../../components/kit/typed';
import { formatBytes } from '../../components/kit/format';
import { YesNo } from '../../components/kit/Widgets';
import { useKitMessages } from '../../components/kit/messages';
import { useStorageMessages } from './messages';
import type { Snapshot } from './types';
import { When, dateColumn } from '../../components/kit/When';
import { CreateTemplateDialog } from '../vm-images/VmImageActions';
import { useVmImageMessages } from '../vm-images/messages';

const snapshotId = (s: Snapshot) => s.id;

function useSnapshotActions(): Action<Snapshot>[] {
  const m = useStorageMessages();
  return useMemo(() => [
    { id: 'revert', command: 'revertSnapshot', label: m.revert, danger: true, when: (s) => s.state === 'BackedUp' && s.revertable !== false,
      params: (s) => argsOf('revertSnapshot', { id: s.id }), describe: (s) => fmt(m.jobRevert, { name: s.name }) },
    { id: 'delete', command: 'deleteSnapshot', label: m.delete, bulk: true, danger: true,
      params: (s) => argsOf('deleteSnapshot', { id: s.id }), describe: (s) => fmt(m.jobDeleteSnapshot, { name: s.name }) },
  ], [m]);
}

export function SnapshotsTab({ openId }: { openId?: string }) {
  const m = useStorageMessages();
  const k = useKitMessages();
  const { query, navigate } = useRoute();
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const list = usePagedList('listSnapshots', { listall: true, keyword: kw, volumeid: query.volumeid }, snapshotId);
  const actions = useSnapshotActions();
  const anyAction = useAllowed(actions);
  const columns = useMemo((): Column<Snapshot>[] => [
    { key: 'name', header: m.name, width: 'minmax(200px, 1.6fr)', render: (s) => <strong title={s.name}>{s.name}</strong> },
    { key: 'state', header: m.state, width: 110, render: (s) => <StateBadge state={s.state} /> },
    { key: 'volume', header: m.volume, render: (s) => <RowLink href={resourceHref('Volume', s.volumeid)}>{s.volumename ?? s.volumeid}</RowLink> },
    { key: 'interval', header: m.interval, width: 100, render: (s) => s.intervaltype ?? s.snapshottype ?? '—' },
    { key: 'size', header: m.size, width: 90, render: (s) => formatBytes(s.physicalsize ?? s.virtualsize) },
    dateColumn<Snapshot>('created', m.created, (s) => s.created),
    { key: 'account', header: m.account, width: 'minmax(90px, .7fr)', render: (s) => s.account ?? '—' },
  ], [m]);
  const scopeLabel = query.volumeid ? (query.for ?? query.volumeid) : null;
  return (
    <ListFrame<Snapshot>
      label={m.snapshots}
      list={list}
      columns={columns}
      keyword={{ value: keyword, onChange: setKeyword }}
      filters={scopeLabel && (
        <button type="button" className="ghost" onClick={() => navigate(['storage', 'snapshots'])} aria-label={`${k.clearFilter}: ${scopeLabel}`}>
          {m.volume}: {scopeLabel} ✕
        </button>
      )}
      bulk={anyAction ? () => <BulkActions actions={actions} list={list} nameOf={(s) => s.name} /> : undefined}
      onOpen={(s) => navigate(['storage', 'snapshots', s.id], query)}
      detail={openId && <SnapshotDetail id={openId} onClose={() => navigate(['storage', 'snapshots'], query)} onChanged={list.refresh} />}
    />
  );
}

function SnapshotDetail({ id, onClose, onChanged }: { id: string; onClose(): void; onChanged(): void }) {
  const m = useStorageMessages();
  const { item: s, loading, error } = useOne('listSnapshots', { id, listall: true });
  const actions = useSnapshotActions();
  const canCreate = useCan('createVolume');
  const canTemplate = useCan('createTemplate');
  const im = useVmImageMessages();
  const [making, setMaking] = useState(false);
  const [templating, setTemplating] = useState(false);
  if (!s) return <PendingPane loading={loading} error={error} onClose={onClose} />;
  return (
    <DetailPane title={s.name} states={[s.state]} onClose={onClose} actions={(
      <>
        <ActionBar actions={actions} rows={[s]} nameOf={(x) => x.name} onDone={onChanged} />
        {canCreate && s.state === 'BackedUp' && <button type="button" onClick={() => setMaking(true)}>{m.createVolumeFromSnapshot}</button>}
        {canTemplate && s.state === 'BackedUp' && <button type="button" onClick={() => setTemplating(true)}>{im.createTemplate}</button>}
      </>
    )}>
      <p className="muted">{m.revertHint}</p>
      <Properties rows={[
        [m.state, <StateBadge state={s.state} />],
        [m.volume, <RowLink href={resourceHref('Volume', s.volumeid)}>{s.volumename ?? s.volumeid}</RowLink>],
        [m.volumeType, s.volumetype ?? '—'],
        [m.interval, s.intervaltype ?? s.snapshottype ?? '—'],
        [m.physical, formatBytes(s.physicalsize)],
        [m.size, formatBytes(s.virtualsize)],
        [m.revertable, <YesNo value={s.revertable} />],
        [m.location, s.locationtype ?? '—'],
        [m.zone, s.zonename ?? '—'],
        [m.account, s.account ?? '—'],
        [m.created, <When value={s.created} />],
      ]} />
      <TagsCard resourceType="Snapshot" resourceId={s.id} name={s.name} tags={s.tags} />
      {making && <VolumeFromSnapshotDialog snapshot={s} onClose={() => setMaking(false)} onDone={onChanged} />}
      {templating && <CreateTemplateDialog source={{ snapshotid: s.id }} title={fmt(im.createTemplateTitle, { name: s.name })}
        onClose={() => { setTemplating(false); onChanged(); }} />}
    </DetailPane>
  );
}

function VolumeFromSnapshotDialog({ snapshot, onClose, onDone }: { snapshot: Snapshot; onClose(): void; onDone(): void }) {
  const m = useStorageMessages();
  const run = useRun();
  const [name, setName] = useState('');
  return (
    <FormDialog title={`${m.createVolumeFromSnapshot}: ${snapshot.name}`} submitLabel={m.createVolumeFromSnapshot} onClose={onClose}
      onSubmit={async () => {
        await run('createVolume', { snapshotid: snapshot.id, ...(name.trim() ? { name: name.trim() } : {}) }, fmt(m.jobVolumeFromSnapshot, { name: snapshot.name }));
        onDone();
      }}>
      <TextField label={m.volumeName} value={name} onChange={setName} hint={m.volumeNameHint} autoFocus />
    </FormDialog>
  );
}
