// Migrate (admins: a host from findHostsForMigration, paged on the server as clusters can hold hundreds of hosts)
// and Scale (a new service offering: changeServiceForVirtualMachine when stopped, scaleVirtualMachine live).
import { useEffect, useRef, useState } from 'react';
import { useAction, useList } from '../../api/hooks';
import { usePagedRows } from '../../api/paged-rows';
import type { Params } from '../../api/cloud-client';
import { DataTable, type Column } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Page';
import { StateBadge } from '../../components/StateBadge';
import { fmt } from '../../i18n/messages';
import { Choices } from './Choices';
import { useInstMessages } from './messages';
import { computeSummary, type Vm } from './vm';
import type { HostForMigration, ServiceOffering } from '../../../../core/contract/responses';

type MigrationHost = HostForMigration;

/** Runs one command from a dialog; keeps the dialog open to show CloudStack's error text if it fails. */
function useDialogRun(onClose: () => void) {
  const run = useAction();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);
  const go = async (command: string, params: Params, label: string) => {
    setBusy(true);
    setError('');
    try {
      await run(command, params, label);
      if (alive.current) onClose();
    } catch (e) {
      if (!alive.current) return;
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return { busy, error, go };
}

export function MigrateDialog({ vm, onClose }: { vm: Vm; onClose(): void }) {
  const m = useInstMessages();
  const [keyword, setKeyword] = useState('');
  const [debounced, setDebounced] = useState('');
  const [host, setHost] = useState<MigrationHost>();
  const { busy, error, go } = useDialogRun(onClose);
  useEffect(() => { const t = setTimeout(() => setDebounced(keyword.trim()), 250); return () => clearTimeout(t); }, [keyword]);
  const hosts = usePagedRows('findHostsForMigration', { virtualmachineid: vm.id, keyword: debounced || undefined }, 100);
  const columns: Column<MigrationHost>[] = [
    { key: 'name', header: m.host, width: 'minmax(140px, 1.4fr)', render: (h) => <strong>{h.name}</strong> },
    { key: 'cluster', header: m.cluster, width: 'minmax(100px, 1fr)', render: (h) => h.clustername ?? '—' },
    { key: 'state', header: m.state, width: 80, render: (h) => <StateBadge state={h.state} /> },
    { key: 'cpu', header: m.cpuAllocated, width: 'minmax(120px, .8fr)', render: (h) => h.cpuallocatedpercentage ?? '—' },
    { key: 'mem', header: m.memAllocated, width: 'minmax(150px, .9fr)', render: (h) => h.memoryallocatedpercentage ?? '—' },
    { key: 'ok', header: m.suitable, width: 90, render: (h) => (h.suitableformigration === false ? <span className="badge tone-bad">{m.no}</span> : <span className="badge tone-ok">{m.yes}</span>) },
  ];
  return (
    <Dialog open wide title={fmt(m.migrateTitle, { name: vm.name, host: vm.hostname ?? '—' })} onClose={onClose} footer={<>
      <button onClick={onClose}>{busy ? m.runInBackground : m.cancel}</button>
      <button className="primary" disabled={!host || busy} onClick={() => host && go('migrateVirtualMachine', { virtualmachineid: vm.id, hostid: host.id }, fmt(m.jobMigrate, { name: vm.name, host: host.name }))}>
        {busy ? m.working : host ? fmt(m.migrateTo, { host: host.name }) : m.migrate}
      </button>
    </>}>
      <div className="wiz-row">
        <input type="search" aria-label={m.searchHosts} placeholder={m.searchHosts} value={keyword} onChange={(e) => setKeyword(e.target.value)} />
        <span className="muted">{hosts.count === null ? m.loading : fmt(m.hostCandidates, { count: hosts.count })}</span>
      </div>
      {hosts.error && <div className="error" role="alert">{hosts.error}</div>}
      <div className="inst-migrate-table">
        <DataTable label={m.destinationHost} columns={columns} rowCount={hosts.count ?? 0} row={hosts.row} rowId={(h) => h.id} onRange={hosts.ensure}
          selected={new Set(host ? [host.id] : [])} onOpen={(h) => setHost(h)} height={320} empty={hosts.count === null ? m.loading : m.noHostsForMigration} />
      </div>
      <p className="muted">{m.migratePickHint}</p>
      {error && <div className="error" role="alert">{error}</div>}
    </Dialog>
  );
}

type Offering = ServiceOffering;

export function ScaleDialog({ vm, live, onClose }: { vm: Vm; live: boolean; onClose(): void }) {
  const m = useInstMessages();
  const [offering, setOffering] = useState<Offering>();
  const [custom, setCustom] = useState({ cpuNumber: String(vm.cpunumber ?? 1), cpuSpeed: String(vm.cpuspeed ?? 1000), memory: String(vm.memory ?? 1024) });
  const { busy, error, go } = useDialogRun(onClose);
  const offerings = useList('listServiceOfferings', { virtualmachineid: vm.id, page: 1, pagesize: 100 });
  const items = (offerings.data?.items ?? []).filter((o) => o.id !== vm.serviceofferingid || o.iscustomized);
  const submit = () => {
    if (!offering) return;
    const p: Params = { id: vm.id, serviceofferingid: offering.id };
    if (offering.iscustomized) {
      p['details[0].cpuNumber'] = custom.cpuNumber;
      p['details[0].cpuSpeed'] = custom.cpuSpeed;
      p['details[0].memory'] = custom.memory;
    }
    void go(live ? 'scaleVirtualMachine' : 'changeServiceForVirtualMachine', p, fmt(m.jobScale, { name: vm.name, offering: offering.name }));
  };
  return (
    <Dialog open title={fmt(m.scaleTitle, { name: vm.name })} onClose={onClose} footer={<>
      <button onClick={onClose}>{m.cancel}</button>
      <button className="primary" disabled={!offering || busy} onClick={submit}>{busy ? m.working : m.scale}</button>
    </>}>
      <p className="muted">{fmt(live ? m.scaleLiveNote : m.scaleStoppedNote, { offering: vm.serviceofferingname ?? '—', summary: computeSummary(vm) })}</p>
      {offerings.error && <div className="error" role="alert">{offerings.error.message}</div>}
      <Choices<Offering> label={m.offering} items={offerings.isFetched ? items : undefined} value={offering?.id} onPick={setOffering} empty={m.noOtherOfferings}
        render={(o) => <><strong>{o.name}</strong> <span className="muted">{o.iscustomized ? m.customized : computeSummary(o)}</span></>} />
      {offering?.iscustomized && (
        <div className="wiz-row">
          <Field label={m.cpuNumber}><input inputMode="numeric" value={custom.cpuNumber} onChange={(e) => setCustom({ ...custom, cpuNumber: e.target.value })} /></Field>
          <Field label={m.cpuSpeed}><input inputMode="numeric" value={custom.cpuSpeed} onChange={(e) => setCustom({ ...custom, cpuSpeed: e.target.value })} /></Field>
          <Field label={m.memoryMb}><input inputMode="numeric" value={custom.memory} onChange={(e) => setCustom({ ...custom, memory: e.target.value })} /></Field>
        </div>
      )}
      {error && <div className="error" role="alert">{error}</div>}
    </Dialog>
  );
}
