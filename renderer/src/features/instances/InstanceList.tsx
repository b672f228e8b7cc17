// The instances table, on the shared list kit (ListFrame) like every other list: server-side paging (only the pages
// scrolled into view are fetched), server-side filters and order from the route query (name, created, CPU % and
// memory % sort through Strata's sortby/sortorder extension: sorting 100,000 rows in the browser would mean loading
// them all), virtualized rows, select-all and bulk actions, a column chooser and a CSV export of the whole filter.
import { tagFilterParams } from '../tags/TagsCard';
import { useCurrentProject } from '../projects/ProjectSwitcher';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useCan, useCloud } from '../../app/client-context';
import type { Column } from '../../components/DataTable';
import { Page } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { ListFrame } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { usePagedList, type PagedList } from '../../components/kit/paged-list';
import { dateColumn } from '../../components/kit/When';
import { MiddleEllipsis } from '../../components/kit/Detail';
import { fmt } from '../../i18n/messages';
import { hrefOf, useRoute } from '../../state/route-store';
import { InstanceFilters } from './InstanceFilters';
import { hasFilters, listQueryOf, nextSort, rememberListQuery, setListQuery } from './list-query';
import { useIntent } from '../../app/intents';
import { useInstMessages } from './messages';
import { computeSummary, firstIp, type Vm } from './vm';
import { vmActions } from './vm-actions';
import { rateColumns, usageColumns, vmCpuPercent, vmMemoryPercent } from '../metrics/usage-columns';
import { useMetricsMessages } from '../metrics/messages';

// The wizard is only needed when the operator deploys; keep it out of the list's chunk.
const DeployWizard = lazy(() => import('./DeployWizard'));

const ROW_HEIGHT = 42;
/** 100 rows a page: a screen shows ~20, and a smaller answer (a VM object is ~1.2 KB of JSON) comes back sooner. */
const PAGE_SIZE = 100;
const vmId = (v: Vm) => v.id;

export function InstanceList() {
  const m = useInstMessages();
  const routeQuery = useRoute((s) => s.query);
  const navigate = useRoute((s) => s.navigate);
  const query = useMemo(() => listQueryOf(routeQuery), [routeQuery]);
  useEffect(() => rememberListQuery(query), [query]);
  const { identity } = useCloud();
  const admin = identity.accountType !== 0;
  const canHosts = useCan('listHosts');
  const canDeploy = useCan('deployVirtualMachine');
  const canGroups = useCan('listInstanceGroups');
  // The metrics variant answers the same rows with what each VM uses now (CPU %, memory) for the usage columns.
  const canMetrics = useCan('listVirtualMachinesMetrics');
  const mm = useMetricsMessages();
  const [deploying, setDeploying] = useState(false);
  useIntent('deploy', canDeploy, () => setDeploying(true));

  const project = useCurrentProject();
  // In a project's view the list is that project's VMs (projectid=); listall does not widen it.
  const params = useMemo(() => {
    const { tag, ...rest } = query;
    return { ...rest, ...tagFilterParams(tag ?? ''), ...(project ? { projectid: project } : { listall: admin ? true : undefined }) };
  }, [query, admin, project]);
  // With the metrics plugin allowed, the same list with CPU and memory use (listVirtualMachinesMetrics).
  const list = usePagedList(canMetrics ? 'listVirtualMachinesMetrics' : 'listVirtualMachines', params, vmId, { pageSize: PAGE_SIZE }) as unknown as PagedList<Vm>;

  const columns = useMemo((): Column<Vm>[] => {
    // Every column's minimum adds up to 1,190 px with the selection box, 1,370 with the disk and network columns: an
    // admin's full list (metrics included) measured no sideways overflow at 1440 px with the sidebar open (7 December).
    const cols: (Column<Vm> | false)[] = [
      { key: 'name', header: m.name, width: 'minmax(140px, 1.6fr)', sortKey: 'name', csv: (v) => v.name, render: (v) => (
        <div className="inst-stack">
          <a href={hrefOf(['instances', v.id])} onClick={(e) => e.stopPropagation()} className="inst-name"
            // Its two visible parts are flex items, which an accessible name would read as two words.
            aria-label={v.name}><MiddleEllipsis text={v.name} tail={8} /></a>
          {v.displayname && v.displayname !== v.name && <span className="muted" title={v.displayname}>{v.displayname}</span>}
        </div>
      ) },
      { key: 'state', header: m.state, width: 120, csv: (v) => v.state, render: (v) => (
        <span className="inst-state"><StateBadge state={v.state} />{v.haenable && <span className="badge tone-ha" title={m.haHint}>{m.haBadge}</span>}</span>
      ) },
      // What each VM uses now, beside its state: visible without scrolling at 1024 px, where the table is wider.
      ...(canMetrics ? usageColumns<Vm>({ cpu: mm.cpuPct, memory: mm.memPct }, vmCpuPercent, vmMemoryPercent) : []),
      ...(canMetrics ? rateColumns<Vm>({ disk: mm.diskRate, network: mm.networkRate, read: mm.read, write: mm.write }, (v) => v.state === 'Running') : []),
      { key: 'ip', header: m.ip, width: 'minmax(84px, .6fr)', csv: (v) => firstIp(v), render: (v) => firstIp(v) ?? <span className="muted">—</span> },
      canHosts && { key: 'host', header: m.host, width: 'minmax(100px, 1fr)', csv: (v) => v.hostname, render: (v) => v.hostname ?? <span className="muted">—</span> },
      { key: 'zone', header: m.zone, width: 'minmax(88px, .8fr)', render: (v) => v.zonename ?? '—' },
      { key: 'template', header: m.template, width: 'minmax(96px, 1fr)', render: (v) => v.templatename ?? v.isoname ?? '—' },
      { key: 'offering', header: m.offering, width: 'minmax(130px, 1.2fr)', csv: (v) => v.serviceofferingname, render: (v) => (
        <div className="inst-stack"><span>{v.serviceofferingname ?? '—'}</span><span className="muted">{computeSummary(v)}</span></div>
      ) },
      // Filtered on the server (the group filter above); not sortable: listVirtualMachines sorts by name and created only.
      canGroups && { key: 'group', header: m.group, width: 'minmax(64px, .5fr)', csv: (v) => v.group, render: (v) => v.group
        ? <a href={hrefOf(['instances'], { ...query, groupid: v.groupid ?? '' })} onClick={(e) => e.stopPropagation()} title={v.group}>{v.group}</a>
        : <span className="muted">—</span> },
      admin && { key: 'account', header: m.account, width: 'minmax(90px, .8fr)', csv: (v) => v.account, render: (v) => (
        <div className="inst-stack"><span>{v.account ?? '—'}</span><span className="muted">{v.domain}</span></div>
      ) },
      dateColumn<Vm>('created', m.created, (v) => v.created, { sortKey: 'created' }),
    ];
    return cols.filter((c): c is Column<Vm> => !!c);
  }, [m, mm, canHosts, admin, canMetrics, canGroups, query]);

  const actions = useMemo(() => vmActions(m, admin), [m, admin]);
  const sort = query.sortby ? { key: query.sortby, dir: query.sortorder === 'desc' ? 'desc' as const : 'asc' as const } : undefined;
  const filtered = hasFilters(query);
  const count = list.rows.count;

  return (
    <Page title={m.instances} subtitle={<span className="muted">{m.orderNote}</span>}>
      <ListFrame<Vm> label={m.instances} list={list} columns={columns} rowHeight={ROW_HEIGHT}
        filters={<InstanceFilters query={query} />}
        actions={canDeploy && <button className="primary" onClick={() => setDeploying(true)}>{m.deploy}</button>}
        countText={count === null ? undefined : fmt(filtered ? m.countFiltered : m.count, { count: count.toLocaleString() })}
        bulk={() => <BulkActions actions={actions} list={list} nameOf={(v) => v.name} />}
        selectionLabel={m.selection} selectAllLabel={m.selectAll}
        sort={sort} onSort={(key) => setListQuery(nextSort(query, key))}
        onOpen={(v) => navigate(['instances', v.id])}
        empty={filtered
          ? <span>{m.noMatchesFiltered} <button type="button" className="ghost" onClick={() => setListQuery({})}>{m.clearFilters}</button></span>
          : m.noInstances} />
      {deploying && (
        <Suspense fallback={null}>
          <DeployWizard onClose={() => setDeploying(false)} />
        </Suspense>
      )}
    </Page>
  );
}
