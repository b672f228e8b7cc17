// One host (#/infrastructure/hosts/<id>): its properties and capacity, the VMs on it (server-paged), its events.
import { useMemo } from 'react';
import { useList } from '../../api/hooks';
import { usePagedRows } from '../../api/paged-rows';
import { ActionBar } from '../../components/actions';
import { DataTable, type Column } from '../../components/DataTable';
import { Card, Page, Properties } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { fmt } from '../../i18n/messages';
import { hrefOf, useRoute } from '../../state/route-store';
import { hostActions } from './infra-actions';
import { Meter } from './Meter';
import { bytes, mhz, pctOf, ratio, when } from './format';
import { useInfraMessages } from './messages';
import type { Event, VirtualMachine } from '../../../../core/contract/responses';

export function HostDetails({ id }: { id: string }) {
  const m = useInfraMessages();
  const navigate = useRoute((s) => s.navigate);
  const q = useList('listHosts', { id }, { refetchMs: 15_000 });
  const h = q.data?.items[0];
  const actions = useMemo(() => hostActions(m), [m]);
  const back = <a href={hrefOf(['infrastructure', 'hosts'])}>← {m.back}</a>;

  if (q.error) return <Page title={m.hostDetails} subtitle={back}><div className="error" role="alert">{q.error.message}</div></Page>;
  if (!h) return <Page title={m.hostDetails} subtitle={back}><div className="loading">{q.isLoading ? m.loading : m.hostNotFound}</div></Page>;

  const parent = (path: string, query: Record<string, string>, text: string | undefined) => <a href={hrefOf(['infrastructure', path], query)}>{text}</a>;
  return (
    <Page title={<>{h.name} <StateBadge state={h.state} /> <StateBadge state={h.resourcestate} /></>}
      subtitle={<>{back} · {m.hostDetails}</>}
      toolbar={<><ActionBar actions={actions} rows={[h]} nameOf={(x) => x.name} onDone={() => void q.refetch()} /><button onClick={() => void q.refetch()}>{m.refresh}</button></>}>
      <div className="infra-detail">
        <Card title={m.properties}>
          <Properties rows={[
            [m.state, <StateBadge state={h.state} />],
            [m.resourceState, <StateBadge state={h.resourcestate} />],
            [m.haState, h.hostha?.hastate ? <StateBadge state={h.hostha.hastate} /> : '—'],
            [m.hypervisor, h.hypervisor],
            [m.hypervisorVersion, h.hypervisorversion],
            [m.agentVersion, h.version],
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
            [m.lastPinged, when(h.lastpinged)],
            [m.created, when(h.created)],
            ...(h.disconnected ? [[m.disconnectedAt, when(h.disconnected)] as [string, string]] : []),
          ]} />
        </Card>
        <HostVms hostId={h.id} onOpen={(v) => navigate(['instances', v.id])} />
        <HostEvents hostId={h.id} />
      </div>
    </Page>
  );
}

type Vm = VirtualMachine;

function HostVms({ hostId, onOpen }: { hostId: string; onOpen(v: Vm): void }) {
  const m = useInfraMessages();
  const params = useMemo(() => ({ hostid: hostId, listall: true }), [hostId]);
  const rows = usePagedRows('listVirtualMachines', params);
  const columns = useMemo((): Column<Vm>[] => [
    { key: 'name', header: m.name, width: 'minmax(200px, 1.5fr)', render: (v) => <a href={hrefOf(['instances', v.id])} onClick={(e) => e.stopPropagation()}>{v.name}</a> },
    { key: 'state', header: m.state, width: 110, render: (v) => <StateBadge state={v.state} /> },
    { key: 'account', header: m.account, render: (v) => v.account ?? '—' },
    { key: 'offering', header: m.offering, render: (v) => `${v.serviceofferingname ?? '—'} (${v.cpunumber ?? '?'} vCPU, ${bytes((v.memory ?? 0) * 2 ** 20)})` },
    { key: 'template', header: m.template, render: (v) => v.templatename ?? '—' },
  ], [m]);
  return (
    <Card title={<>{m.hostVms} {rows.count !== null && <span className="muted">· {fmt(m.vmCount, { count: rows.count })}</span>}</>}
      actions={<button onClick={rows.refresh}>{m.refresh}</button>}>
      {rows.error && <div className="error" role="alert">{fmt(m.listFailed, { text: rows.error })}</div>}
      <div className="infra-subtable">
        <DataTable<Vm> label={m.hostVms} columns={columns} rowCount={rows.count ?? (rows.error ? 0 : 4)} row={rows.row} rowId={(v) => v.id}
          onRange={rows.ensure} onOpen={onOpen} empty={m.noVms} height={300} />
      </div>
    </Card>
  );
}

function HostEvents({ hostId }: { hostId: string }) {
  const m = useInfraMessages();
  const q = useList('listEvents', { resourceid: hostId, listall: true, page: 1, pagesize: 100 });
  const items = q.data?.items ?? [];
  const columns = useMemo((): Column<Event>[] => [
    { key: 'date', header: m.date, width: 190, render: (e) => when(e.created) },
    { key: 'level', header: m.level, width: 80, render: (e) => <span className={`badge tone-${e.level === 'ERROR' ? 'bad' : e.level === 'WARN' ? 'warn' : 'idle'}`}>{e.level}</span> },
    { key: 'type', header: m.eventType, width: 160, render: (e) => e.type },
    { key: 'desc', header: m.description, width: 'minmax(240px, 3fr)', render: (e) => <span title={e.description}>{e.description}</span> },
  ], [m]);
  return (
    <Card title={m.events} actions={<button onClick={() => void q.refetch()}>{m.refresh}</button>}>
      {q.error && <div className="error" role="alert">{fmt(m.listFailed, { text: q.error.message })}</div>}
      <div className="infra-subtable">
        <DataTable<Event> label={m.events} columns={columns} rowCount={q.data ? items.length : 3} row={(i) => items[i]} rowId={(e) => e.id}
          empty={m.noEvents} height={240} />
      </div>
    </Card>
  );
}
