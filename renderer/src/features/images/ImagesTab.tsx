// Templates or ISOs: one row per image per zone, with the CloudStack filter (featured, mine, executable,
// community, all for root admins), zone filter and keyword; rows still downloading update themselves.
import { useIntent } from '../../app/intents';
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { useCan, useCloud } from '../../app/client-context';
import { useList } from '../../api/hooks';
import { useRoute } from '../../state/route-store';
import { ListFrame } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { useAllowed } from '../../components/kit/allowed';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { FilterSelect, YesNo } from '../../components/kit/Widgets';
import { formatBytes } from '../../components/kit/format';
import { useImagesMessages } from './messages';
import { CopyStatus, LiveCopyCell } from './DownloadStatus';
import { useDeleteActions } from './image-actions';
import { RegisterImageDialog } from './RegisterImageDialog';
import { ImageDetail } from './ImageDetail';
import { KINDS, imageRowId, type Image, type ImageKind } from './types';
import './images.css';

export function useFilterOptions(): [string, string][] {
  const m = useImagesMessages();
  const { identity } = useCloud();
  return [
    ['executable', m.fExecutable], ['featured', m.fFeatured], ['self', m.fSelf], ['selfexecutable', m.fSelfExecutable],
    ['community', m.fCommunity], ...(identity.accountType === 1 ? [['all', m.fAll] as [string, string]] : []),
  ];
}

export function ImagesTab({ kind, openId }: { kind: ImageKind; openId?: string }) {
  const m = useImagesMessages();
  const k = KINDS[kind];
  const { identity } = useCloud();
  const { query, navigate } = useRoute();
  const filterOptions = useFilterOptions();
  const [filter, setFilter] = useState(query.filter ?? (identity.accountType === 1 ? 'all' : 'executable'));
  const [zoneid, setZoneid] = useState(query.zoneid ?? '');
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const list = usePagedList(k.list, { [k.filterParam]: filter, zoneid, keyword: kw }, imageRowId);
  const zones = useList('listZones', {});
  const canRegister = useCan(k.register);
  const [registering, setRegistering] = useState(false);
  useIntent('register', canRegister && kind === 'template', () => setRegistering(true));
  const { perZone } = useDeleteActions(kind);
  const anyAction = useAllowed(perZone);

  const columns = useMemo((): Column<Image>[] => [
    { key: 'name', header: m.name, width: 'minmax(160px, 1.5fr)', render: (i) => <strong title={i.displaytext}>{i.name}</strong> },
    { key: 'zone', header: m.zone, width: 'minmax(100px, .8fr)', render: (i) => i.zonename ?? '—' },
    { key: 'status', header: m.status, width: 'minmax(170px, 1.2fr)', render: (i) => (i.isready ? <CopyStatus copy={i} name={i.name} /> : <LiveCopyCell row={i} kind={kind} filter={filter} />) },
    { key: 'size', header: m.size, width: 90, render: (i) => formatBytes(i.size) },
    ...(kind === 'template' ? [
      { key: 'format', header: m.format, width: 80, render: (i: Image) => i.format ?? '—' },
      { key: 'hv', header: m.hypervisor, width: 100, render: (i: Image) => i.hypervisor ?? '—' },
    ] : [
      { key: 'bootable', header: m.bootable, width: 80, render: (i: Image) => <YesNo value={i.bootable} /> },
    ]),
    { key: 'os', header: m.ostype, width: 'minmax(120px, 1fr)', render: (i) => i.ostypename ?? '—' },
    { key: 'owner', header: m.owner, width: 'minmax(100px, .8fr)', render: (i) => <span title={i.domain}>{i.account ?? '—'}</span> },
    { key: 'public', header: m.public, width: 80, render: (i) => <YesNo value={i.ispublic} /> },
    { key: 'featured', header: m.featured, width: 100, render: (i) => <YesNo value={i.isfeatured} /> },
  ], [m, kind, filter]);

  const close = () => navigate(['images', k.tab], query);
  return (
    <>
      <ListFrame<Image>
        label={kind === 'template' ? m.templates : m.isos}
        list={list}
        columns={columns}
        keyword={{ value: keyword, onChange: setKeyword }}
        filters={(
          <>
            <FilterSelect label={m.filter} value={filter} onChange={setFilter} options={filterOptions} />
            <FilterSelect label={m.zone} value={zoneid} onChange={setZoneid}
              options={[['', m.anyZone], ...(zones.data?.items ?? []).map((z): [string, string] => [z.id, z.name])]} />
          </>
        )}
        actions={canRegister && (
          <button type="button" className="primary" onClick={() => setRegistering(true)}>{kind === 'template' ? m.registerTemplate : m.registerIso}</button>
        )}
        bulk={anyAction ? () => <BulkActions actions={perZone} list={list} nameOf={(i) => `${i.name} (${i.zonename ?? ''})`} /> : undefined}
        onOpen={(i) => navigate(['images', k.tab, i.id], query)}
        detail={openId && <ImageDetail kind={kind} id={openId} filter={filter} onClose={close} onChanged={list.refresh} />}
      />
      {registering && (
        <RegisterImageDialog kind={kind} onClose={() => setRegistering(false)} onDone={list.refresh}
          onShow={(id) => { setRegistering(false); navigate(['images', k.tab, id], query); }} />
      )}
    </>
  );
}
