// Volumes: server-paged list with state/type filters and keyword search; a detail pane with the actions that fit
// the volume's state (attach, detach, resize, snapshot, delete), each shown only when the role allows it.
import { TagFilter } from '../tags/TagFilter';
import { tagFilterParams } from '../tags/TagsCard';
import { useCurrentProject } from '../projects/ProjectSwitcher';
import { useStateLabel } from '../../i18n/glossary';
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import type { Action } from '../../components/actions';
import { StateBadge } from '../../components/StateBadge';
import { useCan } from '../../app/client-context';
import { useRoute } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { ListFrame } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { useAllowed } from '../../components/kit/allowed';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { FilterSelect } from '../../components/kit/Widgets';
import { RowLink, resourceHref } from '../../components/kit/links';
import { argsOf } from '../../components/kit/typed';
import { formatBytes } from '../../components/kit/format';
import { useKitMessages } from '../../components/kit/messages';
import { useStorageMessages } from './messages';
import { CreateVolumeDialog } from './CreateVolumeDialog';
import { VolumeDetail } from './VolumeDetail';
import type { Volume } from './types';

const VOLUME_STATES = ['Allocated', 'Ready', 'Creating', 'Resizing', 'Snapshotting', 'Migrating', 'Destroy', 'Error'];
const volumeId = (v: Volume) => v.id;

/** Row actions that need no input; the ones that do (attach, resize, snapshot) open dialogs in the detail pane. */
export function useVolumeActions(): Action<Volume>[] {
  const m = useStorageMessages();
  return useMemo(() => [
    { id: 'detach', command: 'detachVolume', label: m.detach, bulk: true, when: (v) => v.type !== 'ROOT' && !!v.virtualmachineid,
      params: (v) => argsOf('detachVolume', { id: v.id }), describe: (v) => fmt(m.jobDetach, { name: v.name }) },
    { id: 'delete', command: 'deleteVolume', label: m.delete, bulk: true, danger: true,
      when: (v) => v.type !== 'ROOT' && !v.virtualmachineid && v.state !== 'Destroy',
      params: (v) => argsOf('deleteVolume', { id: v.id }), describe: (v) => fmt(m.jobDelete, { name: v.name }) },
  ], [m]);
}

export function VolumesTab({ openId }: { openId?: string }) {
  const m = useStorageMessages();
  const stateLabel = useStateLabel();
  const k = useKitMessages();
  const { query, navigate } = useRoute();
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const [state, setState] = useState(query.state ?? '');
  const [type, setType] = useState(query.type ?? '');
  const scope = { virtualmachineid: query.virtualmachineid, storageid: query.storageid };
  const [tag, setTag] = useState('');
  const project = useCurrentProject();
  const list = usePagedList('listVolumes', { ...(project ? { projectid: project } : { listall: true }), keyword: kw, state, type, ...scope, ...tagFilterParams(tag) }, volumeId);
  const admin = useCan('listStoragePools');
  const canCreate = useCan('createVolume');
  const [creating, setCreating] = useState(false);
  const actions = useVolumeActions();
  const anyAction = useAllowed(actions);

  const columns = useMemo((): Column<Volume>[] => [
    { key: 'name', header: m.name, width: 'minmax(160px, 1.4fr)', render: (v) => <strong>{v.name}</strong> },
    { key: 'state', header: m.state, width: 110, render: (v) => <StateBadge state={v.state} /> },
    { key: 'type', header: m.type, width: 100, render: (v) => (v.type === 'ROOT' ? m.root : m.data) },
    { key: 'size', header: m.size, width: 90, render: (v) => formatBytes(v.size) },
    { key: 'vm', header: m.vm, render: (v) => (v.virtualmachineid
      ? <RowLink href={resourceHref('VirtualMachine', v.virtualmachineid)}>{v.vmdisplayname || v.vmname}</RowLink>
      : <span className="muted">{m.detached}</span>) },
    ...(admin ? [{ key: 'pool', header: m.pool, render: (v: Volume) => v.storage ?? '—' }] : []),
    { key: 'account', header: m.account, width: 'minmax(100px, .8fr)', render: (v) => v.account ?? v.project ?? '—' },
    { key: 'zone', header: m.zone, width: 'minmax(100px, .8fr)', render: (v) => v.zonename ?? '—' },
  ], [m, admin]);

  const scopeLabel = query.for ?? query.virtualmachineid ?? query.storageid;
  return (
    <>
      <ListFrame<Volume>
        label={m.volumes}
        list={list}
        columns={columns}
        keyword={{ value: keyword, onChange: setKeyword }}
        filters={(
          <>
            <TagFilter key={tag} value={tag} onApply={setTag} />
            <FilterSelect label={m.state} value={state} onChange={setState}
              options={[['', m.allStates], ...VOLUME_STATES.map((s): [string, string] => [s, stateLabel(s)])]} />
            <FilterSelect label={m.type} value={type} onChange={setType} options={[['', m.allTypes], ['ROOT', m.root], ['DATADISK', m.data]]} />
            {scopeLabel && (
              <button type="button" className="ghost" onClick={() => navigate(['storage', 'volumes'])} aria-label={`${k.clearFilter}: ${scopeLabel}`}>
                {scopeLabel} ✕
              </button>
            )}
          </>
        )}
        actions={canCreate && <button type="button" className="primary" onClick={() => setCreating(true)}>{m.createVolume}</button>}
        bulk={anyAction ? () => <BulkActions actions={actions} list={list} nameOf={(v) => v.name} /> : undefined}
        onOpen={(v) => navigate(['storage', 'volumes', v.id], query)}
        detail={openId && <VolumeDetail id={openId} onClose={() => navigate(['storage', 'volumes'], query)} onChanged={list.refresh} />}
      />
      {creating && <CreateVolumeDialog onClose={() => setCreating(false)} onDone={list.refresh} />}
    </>
  );
}
