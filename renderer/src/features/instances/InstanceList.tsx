// The instances table: server-side paging (only the pages scrolled into view are fetched), server-side filters and
// order from the route query (name and created sort through Strata's sortby/sortorder extension: sorting 100,000
// rows in the browser would mean loading them all), virtualized rows, multi-select with bulk actions, a column
// chooser and a CSV export of the whole filter.
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { usePagedRows } from '../../api/paged-rows';
import { useCan, useCloud } from '../../app/client-context';
import { ActionBar } from '../../components/actions';
import { DataTable, type Column } from '../../components/DataTable';
import { Page } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { fmt } from '../../i18n/messages';
import { hrefOf, useRoute } from '../../state/route-store';
import { InstanceFilters } from './InstanceFilters';
import { hasFilters, listQueryOf, nextSort, rememberListQuery, setListQuery } from './list-query';
import { ColumnChooser, CsvExport, useColumnChoice } from '../../components/kit/ListTools';
import { useIntent } from '../../app/intents';
import { UnreachableNotice } from '../../app/ConnectionStatus';
import { useConnection } from '../../api/connection-state';
import { formatDate } from '../../components/kit/format';
import { useInstMessages } from './messages';
import { computeSummary, dateParts, firstIp, type Vm } from './vm';
import { vmActions } from './vm-actions';
import { usageColumns, vmCpuPercent, vmMemoryPercent } from '../metrics/usage-columns';
import { useMetricsMessages } from '../metrics/messages';
import { useRowSelection } from '../../components/kit/row-selection';

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
  // The metrics variant answers the same rows with what each VM uses now (CPU %, memory) for the usage columns.
  const canMetrics = useCan('listVirtualMachinesMetrics');
  const mm = useMetricsMessages();
  const [deploying, setDeploying] = useState(false);
  useIntent('deploy', canDeploy, () => setDeploying(true));

  const params = useMemo(() => ({ ...query, listall: admin ? true : undefined }), [query, admin]);
  const paramsKey = JSON.stringify(params);
  const rows = usePagedRows(canMetrics ? 'listVirtualMachinesMetrics' : 'listVirtualMachines', params, PAGE_SIZE);
  // While a new filter loads, keep the table's height (placeholder rows) instead of collapsing it.
  const [lastCount, setLastCount] = useState(0);
  if (rows.count !== null && rows.count !== lastCount) setLastCount(rows.count);
  const rowCount = rows.count ?? (rows.error ? 0 : Math.min(lastCount, 50) || 20);

  const { row, selected, setSelected, selectedRows: selectedVms } = useRowSelection<Vm>(paramsKey, rows.row, vmId);

  const columns = useMemo((): Column<Vm>[] => {
    const cols: (Column<Vm> | false)[] = [
      { key: 'name', header: m.name, width: 'minmax(160px, 1.6fr)', sortKey: 'name', csv: (v) => v.name, render: (v) => (
        <div className="inst-stack">
          <a href={hrefOf(['instances', v.id])} onClick={(e) => e.stopPropagation()} className="inst-name">{v.name}</a>
          {v.displayname && v.displayname !== v.name && <span className="muted">{v.displayname}</span>}
        </div>
      ) },
      { key: 'state', header: m.state, width: 110, csv: (v) => v.state, render: (v) => <StateBadge state={v.state} /> },
      { key: 'ip', header: m.ip, width: 'minmax(90px, .6fr)', csv: (v) => firstIp(v), render: (v) => firstIp(v) ?? <span className="muted">—</span> },
      canHosts && { key: 'host', header: m.host, width: 'minmax(110px, 1fr)', csv: (v) => v.hostname, render: (v) => v.hostname ?? <span className="muted">—</span> },
      { key: 'zone', header: m.zone, width: 'minmax(100px, .8fr)', render: (v) => v.zonename ?? '—' },
      { key: 'template', header: m.template, width: 'minmax(120px, 1fr)', render: (v) => v.templatename ?? v.isoname ?? '—' },
      { key: 'offering', header: m.offering, width: 'minmax(160px, 1.2fr)', csv: (v) => v.serviceofferingname, render: (v) => (
        <div className="inst-stack"><span>{v.serviceofferingname ?? '—'}</span><span className="muted">{computeSummary(v)}</span></div>
      ) },
      admin && { key: 'account', header: m.account, width: 'minmax(100px, .8fr)', csv: (v) => v.account, render: (v) => (
        <div className="inst-stack"><span>{v.account ?? '—'}</span><span className="muted">{v.domain}</span></div>
      ) },
      { key: 'created', header: m.created, width: 130, sortKey: 'created', csv: (v) => formatDate(v.created), render: (v) => {
        const [day, time] = dateParts(v.created);
        return <div className="inst-stack"><span>{day}</span><span className="muted">{time}</span></div>;
      } },
      ...(canMetrics ? usageColumns<Vm>({ cpu: mm.cpuPct, memory: mm.memPct }, vmCpuPercent, vmMemoryPercent) : []),
    ];
    return cols.filter((c): c is Column<Vm> => !!c);
  }, [m, mm, canHosts, admin, canMetrics]);

  const actions = useMemo(() => vmActions(m, admin), [m, admin]);
  const choice = useColumnChoice('listVirtualMachines', columns);
  const reachable = useConnection((c) => c.reachable);
  const sort = query.sortby ? { key: query.sortby, dir: query.sortorder === 'desc' ? 'desc' as const : 'asc' as const } : undefined;
  const filtered = hasFilters(query);
  const subtitle = rows.count === null ? m.loading
    : fmt(filtered ? m.countFiltered : m.count, { count: rows.count.toLocaleString() });

  return (
    <Page title={m.instances} subtitle={<><span role="status">{subtitle}</span> · <span className="muted">{m.orderNote}</span></>}
      toolbar={<>
        <button onClick={rows.refresh}>{m.refresh}</button>
        <ColumnChooser columns={columns} hidden={choice.hidden} toggle={choice.toggle} />
        <CsvExport name={m.instances} command="listVirtualMachines" params={params} columns={choice.visible} />
        {canDeploy && <button className="primary" onClick={() => setDeploying(true)}>{m.deploy}</button>}
      </>}>
      <InstanceFilters query={query} />
      {/* The action bar stays mounted when the selection empties: its per-item result list lives in it. */}
      <div className={selected.size ? 'inst-selection' : 'inst-selection empty'} role={selected.size ? 'region' : undefined}
        aria-label={selected.size ? m.selection : undefined}>
        {selected.size > 0 && <strong>{fmt(m.selectedCount, { count: selected.size })}</strong>}
        <ActionBar actions={actions} rows={selectedVms} nameOf={(v) => v.name} onDone={() => { setSelected(new Set()); rows.refresh(); }} />
        {selectedVms.length > 0 && actions.every((a) => !selectedVms.every((v) => a.when?.(v) ?? true)) && <span className="muted">{m.mixedStates}</span>}
        {selected.size > 0 && <><span className="spacer" /><button className="ghost" onClick={() => setSelected(new Set())}>{m.clearSelection}</button></>}
      </div>
      <UnreachableNotice />
      {rows.error && reachable && <div className="error" role="alert">{fmt(m.listFailed, { text: rows.error })}</div>}
      <DataTable<Vm> key={paramsKey} label={m.instances} columns={choice.visible} rowCount={rowCount} row={row} rowId={(v) => v.id}
        sort={sort} onSort={(key) => setListQuery(nextSort(query, key))} selectAllLabel={m.selectAll}
        rowHeight={ROW_HEIGHT} onRange={rows.ensure} onOpen={(v) => navigate(['instances', v.id])}
        selected={selected} onSelectedChange={setSelected}
        empty={!reachable || rows.error ? '—' : filtered ? (
          <span>{m.noMatchesFiltered} <button className="ghost" onClick={() => setListQuery({})}>{m.clearFilters}</button></span>
        ) : m.noInstances} />
      {deploying && (
        <Suspense fallback={null}>
          <DeployWizard onClose={() => setDeploying(false)} />
        </Suspense>
      )}
    </Page>
  );
}
