// One host (#/infrastructure/hosts/<id>) in the detail pattern: header (name, states, actions), then tabs for its
// properties and capacity, the VMs on it and its events (both on the shared list kit, server-paged).
import { fmt } from '../../i18n/messages';
import { useMemo, type ReactNode } from 'react';
import { useList } from '../../api/hooks';
import { ActionBar } from '../../components/actions';
import type { Column } from '../../components/DataTable';
import { Card, Properties } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { DetailPage } from '../../components/kit/Detail';
import { ListFrame } from '../../components/kit/ListFrame';
import { usePagedList } from '../../components/kit/paged-list';
import { When, dateColumn } from '../../components/kit/When';
import { useStateLabel } from '../../i18n/glossary';
import { hrefOf, useRoute } from '../../state/route-store';
import { hostActions } from './infra-actions';
import { Meter } from './Meter';
import { HostEvacuation } from './HostEvacuation';
import { bytes, mhz, pctOf, ratio } from './format';
import { useInfraMessages } from './messages';
import { UsageGraphs } from '../metrics/UsageGraphs';
import type { Event, Host, VirtualMachine } from '../../../../core/contract/responses';

export function HostDetails({ id }: { id: string }) {
  const m = useInfraMessages();
  const q = useList('listHosts', { id }, { refetchMs: 15_000 });
  const h = q.data?.items[0];
  const actions = useMemo(() => hostActions(m), [m]);
  const back = <a href={hrefOf(['infrastructure', 'hosts'])}>← {m.back}</a>;

  if (!h) {
    return (
      <DetailPage name={m.hostDetails} back={back}>
        {q.error ? <div className="error" role="alert">{q.error.message}</div> : <div className="loading">{q.isLoading ? m.loading : m.hostNotFound}</div>}
      </DetailPage>
    );
  }
  return (
    <DetailPage name={h.name} states={[h.state, h.resourcestate]} back={back}
      subtitle={<>{m.hostDetails} · {h.hypervisor} · {h.ipaddress}</>}
      actions={<><ActionBar actions={actions} rows={[h]} nameOf={(x) => x.name} onDone={() => void q.refetch()} /><button onClick={() => void q.refetch()}>{m.refresh}</button></>}
      tabsLabel={m.hostDetails}
      tabs={[
        { id: 'details', label: m.properties, render: () => <><HostProperties h={h} /><UsageGraphs kind="host" id={h.id} /></> },
        { id: 'vms', label: m.vmsTab, render: () => <HostVms hostId={h.id} /> },
        { id: 'events', label: m.events, render: () => <HostEvents hostId={h.id} /> },
      ]}>
      <HostEvacuation hostId={h.id} />
    </DetailPage>
  );
}

/** The host's `guest.networking` detail: `bridge`, or `user-mode (lab-only): <why>` (core guest-net.ts). */
function guestNetworking(v: string, m: ReturnType<typeof useInfraMessages>): ReactNode {
  if (v === 'bridge') return m.guestBridge;
  return <span className="tone-warn">{fmt(m.guestUserMode, { why: v.replace(/^user-mode \(lab-only\): /, '') })}</span>;
}

function HostProperties({ h }: { h: Host }) {
  const m = useInfraMessages();
  const parent = (path: string, query: Record<string, string>, text: string | undefined) => <a href={hrefOf(['infrastructure', path], query)}>{text}</a>;
  return (
    <Card>
      <Properties rows={[
        [m.state, <StateBadge state={h.state} />],
        [m.resourceState, <StateBadge state={h.resourcestate} />],
        [m.haState, h.hostha?.hastate ? <StateBadge state={h.hostha.hastate} /> : '—'],
        [m.hypervisor, h.hypervisor],
        [m.hypervisorVersion, h.hypervisorversion],
        [m.agentVersion, h.version],
        ...(h.details?.['guest.networking'] ? [[m.guestNetworking, guestNetworking(h.details['guest.networking'], m)] as [string, ReactNode]] : []),
        [m.ip, h.ipaddress],
        [m.cpuCoresSpeed, `${h.cpunumber ?? '?'} × ${mhz(h.cpuspeed)}`],
        [m.cpuAllocated, <Meter value={pctOf(h.cpuallocatedpercentage)} />],
        [m.cpuUsed, h.cpuused ? <Meter value={pctOf(h.cpuused)} /> : '—'],
        [m.memTotal, bytes(h.memorytotal)],
        [m.memAllocated, <Meter value={pctOf(h.memoryallocatedpercentage)} text={bytes(h.memoryallocated)} />],
        [m.memUsed, h.memoryused !== undefined ? <Meter value={ratio(h.memoryused, h.memorytotal)} text={bytes(h.memoryused)} /> : '—'],
        [m.cluster, parent('hosts', { zoneid: h.zoneid, podid: h.podid, clusterid: h.clusterid }, h.clustername)],
        [m.pod, parent('clusters', { zoneid: h.zoneid, podid: h.podid }, h.podname)],
        [m.zone, parent('pods', { zoneid: h.zoneid }, h.zonename)],
        [m.tags, h.hosttags],
        [m.lastPinged, <When value={h.lastpinged} />],
        [m.created, <When value={h.created} />],
        ...(h.disconnected ? [[m.disconnectedAt, <When value={h.disconnected} />] as [string, ReactNode]] : []),
      ]} />
    </Card>
  );
}

const idOf = (r: { id: string }) => r.id;

function HostVms({ hostId }: { hostId: string }) {
  const m = useInfraMessages();
  const navigate = useRoute((s) => s.navigate);
  const params = useMemo(() => ({ hostid: hostId, listall: true }), [hostId]);
  const list = usePagedList('listVirtualMachines', params, idOf);
  const columns = useMemo((): Column<VirtualMachine>[] => [
    { key: 'name', header: m.name, width: 'minmax(200px, 1.5fr)', csv: (v) => v.name, render: (v) => <a href={hrefOf(['instances', v.id])} onClick={(e) => e.stopPropagation()}>{v.name}</a> },
    { key: 'state', header: m.state, width: 110, csv: (v) => v.state, render: (v) => <StateBadge state={v.state} /> },
    { key: 'account', header: m.account, render: (v) => v.account ?? '—' },
    { key: 'offering', header: m.offering, render: (v) => `${v.serviceofferingname ?? '—'} (${v.cpunumber ?? '?'} vCPU, ${bytes((v.memory ?? 0) * 2 ** 20)})` },
    { key: 'template', header: m.template, render: (v) => v.templatename ?? '—' },
  ], [m]);
  return <ListFrame<VirtualMachine> label={m.hostVms} list={list} columns={columns} empty={m.noVms} onOpen={(v) => navigate(['instances', v.id])} />;
}

function HostEvents({ hostId }: { hostId: string }) {
  const m = useInfraMessages();
  const stateLabel = useStateLabel();
  const params = useMemo(() => ({ resourceid: hostId, listall: true }), [hostId]);
  const list = usePagedList('listEvents', params, idOf);
  const columns = useMemo((): Column<Event>[] => [
    dateColumn<Event>('date', m.date, (e) => e.created),
    { key: 'level', header: m.level, width: 80, csv: (e) => e.level, render: (e) => <span className={`badge tone-${e.level === 'ERROR' ? 'bad' : e.level === 'WARN' ? 'warn' : 'idle'}`}>{stateLabel(e.level)}</span> },
    { key: 'type', header: m.eventType, width: 160, render: (e) => e.type },
    { key: 'desc', header: m.description, width: 'minmax(240px, 3fr)', csv: (e) => e.description, render: (e) => <span title={e.description}>{e.description}</span> },
  ], [m, stateLabel]);
  return <ListFrame<Event> label={m.events} list={list} columns={columns} empty={m.noEvents} />;
}
