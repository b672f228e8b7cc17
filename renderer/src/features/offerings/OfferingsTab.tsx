// Compute or disk offerings: list with state filter and keyword, detail pane, and for the roles allowed to:
// create, disable/enable (updateXOffering state) and delete.
import { useMemo, useState, type ReactNode } from 'react';
import type { Column } from '../../components/DataTable';
import { ActionBar, type Action } from '../../components/actions';
import { StateBadge } from '../../components/StateBadge';
import { Properties } from '../../components/Page';
import { useCan } from '../../app/client-context';
import { useRoute } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { ListFrame, DetailPane } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { useAllowed } from '../../components/kit/allowed';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { FilterSelect, YesNo } from '../../components/kit/Widgets';
import { useOfferingsMessages } from './messages';
import { CreateComputeDialog, CreateDiskDialog } from './CreateOfferingDialogs';
import { OFFERING_API, formatMb, type ComputeOffering, type DiskOfferingRow, type OfferingKind } from './types';
import { When } from '../../components/kit/When';

type Row = ComputeOffering & DiskOfferingRow;
type M = ReturnType<typeof useOfferingsMessages>;
const rowId = (o: Row) => o.id;

function useOfferingActions(kind: OfferingKind): Action<Row>[] {
  const m = useOfferingsMessages();
  const api = OFFERING_API[kind];
  return useMemo(() => [
    { id: 'disable', command: api.update, label: m.disable, bulk: true, when: (o) => o.state !== 'Inactive',
      params: (o) => ({ id: o.id, state: 'Inactive' }), describe: (o) => fmt(m.jobState, { name: o.name, state: m.inactive }) },
    { id: 'enable', command: api.update, label: m.enable, bulk: true, when: (o) => o.state === 'Inactive',
      params: (o) => ({ id: o.id, state: 'Active' }), describe: (o) => fmt(m.jobState, { name: o.name, state: m.active }) },
    { id: 'delete', command: api.del, label: m.delete, bulk: true, danger: true,
      params: (o) => ({ id: o.id }), describe: (o) => fmt(m.jobDelete, { name: o.name }) },
  ], [m, api]);
}

const cpuText = (m: M, o: Row) => (o.iscustomized && !o.cpunumber ? m.custom : fmt(m.perCore, { n: o.cpunumber ?? '?', mhz: o.cpuspeed ?? '?' }));
const diskSize = (m: M, o: Row) => (o.iscustomized ? m.custom : `${o.disksize ?? 0} GB`);

function columnsFor(kind: OfferingKind, m: M): Column<Row>[] {
  const name: Column<Row> = { key: 'name', header: m.name, width: 'minmax(150px, 1.2fr)', render: (o) => <strong title={o.displaytext}>{o.name}</strong> };
  const state: Column<Row> = { key: 'state', header: m.state, width: 100, render: (o) => <StateBadge state={o.state} /> };
  const storage: Column<Row> = { key: 'st', header: m.storageType, width: 130, render: (o) => (o.storagetype === 'local' ? m.local : m.shared) };
  if (kind === 'compute') {
    return [name, state,
      { key: 'cpu', header: m.cpu, width: 140, render: (o) => cpuText(m, o) },
      { key: 'mem', header: m.memory, width: 100, render: (o) => (o.iscustomized && !o.memory ? m.custom : formatMb(o.memory)) },
      { key: 'ha', header: m.ha, width: 60, render: (o) => <YesNo value={o.offerha} /> },
      { key: 'htags', header: m.hostTags, width: 'minmax(90px, 1fr)', render: (o) => o.hosttags ?? '—' },
      { key: 'stags', header: m.storageTags, width: 'minmax(90px, 1fr)', render: (o) => o.storagetags ?? '—' },
      storage];
  }
  return [name, state,
    { key: 'desc', header: m.displaytext, width: 'minmax(150px, 1.2fr)', render: (o) => o.displaytext ?? '—' },
    { key: 'size', header: m.size, width: 100, render: (o) => diskSize(m, o) },
    { key: 'prov', header: m.provisioning, width: 130, render: (o) => o.provisioningtype ?? '—' },
    { key: 'tags', header: m.storageTags, render: (o) => o.tags ?? '—' },
    storage];
}

export function OfferingsTab({ kind, openId }: { kind: OfferingKind; openId?: string }) {
  const m = useOfferingsMessages();
  const api = OFFERING_API[kind];
  const { query, navigate } = useRoute();
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const [state, setState] = useState(query.state ?? 'all');
  const list = usePagedList(api.list, { keyword: kw, state }, rowId);
  const canCreate = useCan(api.create);
  const [creating, setCreating] = useState(false);
  const actions = useOfferingActions(kind);
  const anyAction = useAllowed(actions);
  const columns = useMemo(() => columnsFor(kind, m), [kind, m]);
  const close = () => navigate(['offerings', kind], query);
  return (
    <>
      <ListFrame<Row>
        label={kind === 'compute' ? m.compute : m.disk}
        list={list}
        columns={columns}
        keyword={{ value: keyword, onChange: setKeyword }}
        filters={<FilterSelect label={m.state} value={state} onChange={setState} options={[['all', m.allStates], ['Active', m.active], ['Inactive', m.inactive]]} />}
        actions={canCreate && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>{kind === 'compute' ? m.createCompute : m.createDisk}</button>
        )}
        bulk={anyAction ? () => <BulkActions actions={actions} list={list} nameOf={(o) => o.name} /> : undefined}
        onOpen={(o) => navigate(['offerings', kind, o.id], query)}
        detail={openId && <OfferingDetail kind={kind} id={openId} onClose={close} onChanged={list.refresh} />}
      />
      {creating && kind === 'compute' && <CreateComputeDialog onClose={() => setCreating(false)} onDone={list.refresh} />}
      {creating && kind === 'disk' && <CreateDiskDialog onClose={() => setCreating(false)} onDone={list.refresh} />}
    </>
  );
}

function OfferingDetail({ kind, id, onClose, onChanged }: { kind: OfferingKind; id: string; onClose(): void; onChanged(): void }) {
  const m = useOfferingsMessages();
  const api = OFFERING_API[kind];
  const { item: o, loading, error } = useOne(api.list, { id, state: 'all' });
  const actions = useOfferingActions(kind);
  if (!o) return <PendingPane loading={loading} error={error} onClose={onClose} />;
  // The kind says which offering this is; the compiler cannot follow it through OFFERING_API.
  const c = o as ComputeOffering;
  const d = o as DiskOfferingRow;
  const rows: [string, ReactNode][] = kind === 'compute' ? [
    [m.cpu, cpuText(m, o)], [m.memory, c.iscustomized && !c.memory ? m.custom : formatMb(c.memory)], [m.ha, <YesNo value={c.offerha} />],
    [m.limitCpu, <YesNo value={c.limitcpuuse} />], [m.dynamicScaling, <YesNo value={c.dynamicscalingenabled} />],
    [m.rootDisk, c.rootdisksize ?? '—'], [m.hostTags, c.hosttags ?? '—'], [m.storageTags, c.storagetags ?? '—'],
  ] : [
    [m.size, diskSize(m, o)], [m.storageTags, d.tags ?? '—'],
  ];
  return (
    <DetailPane title={o.name} states={[o.state]} onClose={onClose} actions={<ActionBar actions={actions} rows={[o]} nameOf={(x) => x.name} onDone={onChanged} />}>
      <Properties rows={[
        [m.state, <StateBadge state={o.state} />], [m.displaytext, o.displaytext ?? '—'], ...rows,
        [m.storageType, o.storagetype === 'local' ? m.local : m.shared], [m.provisioning, o.provisioningtype ?? '—'],
        [m.domain, o.domain ?? m.public], [m.zone, o.zone ?? m.allZones], [m.created, <When value={o.created} />],
      ]} />
    </DetailPane>
  );
}
