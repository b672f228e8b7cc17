// The instances of a network with their NIC on it (address, MAC, default or not), paged from the server as the
// table scrolls: a shared network can carry thousands. VM objects carry nic[], so one list gives both.
import { useMemo } from 'react';
import { usePagedRows } from '../../api/paged-rows';
import { DataTable, type Column } from '../../components/DataTable';
import { StateBadge } from '../../components/StateBadge';
import { RowLink, resourceHref } from '../../components/kit/links';
import { fmt } from '../../i18n/messages';
import { useNetMessages } from './messages';
import type { Network, Vm } from './types';

const ROW = 36;

export function NetworkVms({ network }: { network: Network }) {
  const m = useNetMessages();
  const params = useMemo(() => ({ networkid: network.id, listall: true }), [network.id]);
  const rows = usePagedRows('listVirtualMachines', params, 100);
  const count = rows.count ?? 0;
  const nicOf = (v: Vm) => v.nic?.find((n) => n.networkid === network.id);
  const columns: Column<Vm>[] = [
    { key: 'name', header: m.name, width: 'minmax(160px, 1.4fr)', render: (v) => <RowLink href={resourceHref('VirtualMachine', v.id)}>{v.displayname || v.name}</RowLink> },
    { key: 'state', header: m.state, width: 110, render: (v) => <StateBadge state={v.state} /> },
    { key: 'ip', header: m.ip, width: 'minmax(120px, 1fr)', render: (v) => nicOf(v)?.ipaddress ?? '—' },
    { key: 'mac', header: m.mac, width: 'minmax(140px, 1fr)', render: (v) => <span className="kit-mono">{nicOf(v)?.macaddress ?? '—'}</span> },
    { key: 'default', header: m.isDefault, width: 100, render: (v) => (nicOf(v)?.isdefault ? m.yes : m.no) },
    { key: 'account', header: m.account, width: 'minmax(100px, .8fr)', render: (v) => v.account ?? '—' },
  ];
  return (
    <section className="net-section" aria-label={m.vms}>
      <div className="net-section-head"><h3>{rows.count === null ? m.vms : fmt(m.vmsCount, { count })}</h3></div>
      {rows.error && <div className="error" role="alert">{rows.error}</div>}
      <DataTable<Vm> label={m.vms} columns={columns} rowCount={count} row={rows.row} rowId={(v) => v.id} onRange={rows.ensure}
        rowHeight={ROW} height={Math.max(1, Math.min(count, 10)) * ROW + ROW + 2} empty={rows.loading ? m.loading : m.noVms} />
    </section>
  );
}
